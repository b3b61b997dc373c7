"""Read and write gettext PO text, byte for byte as GNU gettext (``msgcat``) writes it.

`read_po` takes bytes and reports problems the way ``msgfmt`` does (``path:line: what``).
`write_po` reproduces GNU's layout: comment order, ``msgid ""`` continuation form, and line
breaking at 79 columns at the break opportunities libunistring allows. Those opportunities
are modelled in linebreak.py for Latin, Greek, Cyrillic and Arabic script, digits and common
punctuation (tested against ``msgcat`` as an oracle); a catalog holding any other character
is passed through ``msgcat`` itself, so the result is GNU's in every case.

polib is not used for files the pipeline writes: its wrapping differs from GNU's, which
makes every save in Poedit a diff.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import NamedTuple

from pipeline.errors import CatalogError
from pipeline.po import formatdirs, linebreak
from pipeline.po.catalog import Catalog, Key, Message

PAGE_WIDTH = 79
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a",
            "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
              "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r'[\\"\n\t\r\a\b\f\v]')



# ---------------------------------------------------------------------------------------- reading


def read_po(data: bytes, path: str, *, whole_entries: bool = True) -> Catalog:
    """Parse PO/POT bytes. Raises CatalogError naming `path` and the line, as msgfmt would.
    `whole_entries` False reads line by line only: the reference the fast path is tested against."""
    text = _decode(data, path)
    return _Parser(text, path, fast=whole_entries).parse()


def _decode(data: bytes, path: str) -> str:
    match = re.search(rb'"Content-Type:[^"]*charset=([A-Za-z0-9_.:-]+)', data)
    charset = match.group(1).decode("ascii").lower() if match else "utf-8"
    if charset not in ("utf-8", "utf8", "charset"):
        line = data.count(b"\n", 0, match.start()) + 1 if match else None
        raise CatalogError(f"charset {charset!r} is not supported: convert the file with"
                           f" 'msgconv --to-code=UTF-8'", path, line)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(f"invalid multibyte sequence (byte 0x{data[exc.start]:02x} at offset {exc.start}"
                           " is not UTF-8)", path, line) from None


class _Parser:
    """Reads a PO text line by line (the general path, which reports every problem with its line), and
    takes each well-formed entry in GNU's own layout whole with one regular expression (the fast path:
    the same result, tested against the general path)."""

    def __init__(self, text: str, path: str, fast: bool = True) -> None:
        self.text = text
        self.path = path
        self.fast = fast
        self.messages: list[Message] = []
        self.header: Message | None = None
        self._reset()

    def _reset(self) -> None:
        self.fields: dict[str, object] = {}
        self.comments: dict[str, list[str]] = {"#": [], "#.": [], "#:": [], "#,": []}
        self.flag_lines: list[tuple[str, ...]] = []
        self.current: str | None = None  # the keyword continuation strings append to
        self.start = 0
        self.obsolete = False
        self.has_msgstr = False

    def error(self, number: int, message: str) -> CatalogError:
        return CatalogError(message, self.path, number)

    def parse(self) -> Catalog:
        text, size = self.text, len(self.text)
        position, number = 0, 1
        while position < size:
            if self.fast and (self.has_msgstr or not self.start):  # no part of an entry is pending
                end = self._fast_entry(position, number)
                if end:
                    number += text.count("\n", position, end)
                    position = end
                    continue
            end = text.find("\n", position)
            end = size if end < 0 else end
            if end == position:  # an empty line
                self.current = None if self.has_msgstr else self.current
            else:
                self._line(number, text[position:end])
            position = end + 1
            number += 1
        self._finish(text.count("\n") + 1)
        return self._catalog()

    def _fast_entry(self, position: int, number: int) -> int:
        """Read the entry at `position` whole if it is in GNU's layout and nothing after it can still
        belong to it; its end, or 0 to leave it to the line-by-line path."""
        for layout in _layouts():
            match = layout.entry.match(self.text, position)
            if match is not None:
                break
        else:
            return 0
        message = _entry_from_match(match, layout, number + match.start("comments") - position)
        if message is None:
            return 0
        if self.has_msgstr:
            self._finish(number)
        self._add(message)
        return match.end()

    def _line(self, number: int, raw: str) -> None:
        stripped = raw.strip()
        if not stripped:
            self.current = None if self.has_msgstr else self.current
            return
        obsolete = stripped.startswith("#~")
        if obsolete:
            stripped = stripped[2:].strip()
            if not stripped:
                return
            if not stripped.startswith(("#|", "|")) and not stripped.startswith("#"):
                self._keyword(number, stripped, obsolete=True, previous=False)
                return
            stripped = "#|" + stripped[1:] if stripped.startswith("|") else stripped
        if stripped.startswith("#|"):
            self._keyword(number, stripped[2:].strip(), obsolete=obsolete, previous=True)
        elif stripped.startswith("#"):
            self._comment(number, raw.lstrip().removesuffix("\n"))  # GNU keeps a comment's \r and trailing spaces
        else:
            self._keyword(number, stripped, obsolete=False, previous=False)

    def _comment(self, number: int, line: str) -> None:
        if self.has_msgstr or (self.fields and "msgid" in self.fields):
            self._finish(number)
        if not self.start:
            self.start = number
        kind = line[:2] if line[:2] in ("#.", "#:", "#,") else "#"
        body = line[2:] if kind != "#" else line[1:]
        if kind == "#":
            self.comments["#"].append(body[1:] if body.startswith(" ") else body)
        elif kind == "#,":
            self.comments["#,"].append(body)
            self.flag_lines.append(_flag_words(body))
        elif kind == "#:":
            self.comments["#:"].extend(w for w in re.split(r"[ \t]+", body) if w)
        else:
            self.comments["#."].append(body[1:] if body.startswith(" ") else body)

    def _keyword(self, number: int, line: str, obsolete: bool, previous: bool) -> None:
        if line.startswith('"'):
            if self.current is None:
                raise self.error(number, "syntax error: string without a keyword")
            self.fields[self.current] = str(self.fields[self.current]) + self._string(number, line)
            return
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s*(.*)", line)
        if not match:
            word = line.split()[0] if line.split() else line
            raise self.error(number, f'keyword "{word}" unknown')
        keyword, rest = match.group(1), match.group(3)
        if previous:
            keyword = "previous_" + keyword
            if self.has_msgstr:
                self._finish(number)
        elif keyword in ("msgctxt", "msgid") and (self.has_msgstr or "msgid" in self.fields):
            self._finish(number)
        if not self.start:
            self.start = number
        if keyword in self.fields:
            raise self.error(number, f"duplicate {keyword} in one entry")
        if not previous and keyword.startswith("msgstr"):
            if "msgid" not in self.fields:
                raise self.error(number, "missing 'msgid' before 'msgstr'")
            self.has_msgstr = True
        self.obsolete = self.obsolete or obsolete
        self.fields[keyword] = self._string(number, rest)
        self.current = keyword

    def _string(self, number: int, text: str) -> str:
        """One or more quoted strings (``"patch" ""``: adjacent pieces are joined, as msgfmt does)."""
        text = text.strip()
        if not text.startswith('"'):
            raise self.error(number, "syntax error: expected a quoted string")
        pieces = []
        position = 0
        while position < len(text):
            match = _STRING.match(text, position)
            if match is None:
                if _UNTERMINATED.match(text, position):
                    raise self.error(number, "end-of-line within string")
                raise self.error(number, "syntax error: unescaped '\"' inside a string")
            pieces.append(self._unescape(number, match.group(1)))
            position = match.end()
        return "".join(pieces)

    def _unescape(self, number: int, body: str) -> str:
        if "\\" not in body:
            return body
        try:
            return _ESCAPE_SEQUENCE.sub(_unescaped, body)
        except ValueError:
            raise self.error(number, "invalid control sequence") from None

    def _finish(self, number: int) -> None:
        if not self.fields:
            if any(self.comments.values()) and not self.messages and self.header is None:
                pass  # comments before the header stay pending for it
            elif any(self.comments.values()):
                self._reset()
            return
        if not self.has_msgstr:
            raise self.error(self.start or number, "missing 'msgstr' section")
        self._add(self._message())
        self._reset()

    def _message(self) -> Message:
        f = self.fields
        plural = sorted((int(k[7:-1]), str(v)) for k, v in f.items() if k.startswith("msgstr["))
        if "msgid_plural" in f and not plural:
            raise self.error(self.start, "msgid_plural without msgstr[0]")
        if plural and [i for i, _ in plural] != list(range(len(plural))):
            raise self.error(self.start, "msgstr[] indices must run 0, 1, 2, … without gaps")
        return Message(
            msgid=str(f["msgid"]),
            msgstr=str(f.get("msgstr", "")),
            msgctxt=_opt(f.get("msgctxt")),
            msgid_plural=_opt(f.get("msgid_plural")),
            msgstr_plural=tuple(v for _, v in plural),
            flags=_flags(self.flag_lines),
            translator_comments=tuple(self.comments["#"]),
            extracted_comments=tuple(self.comments["#."]),
            references=tuple(self.comments["#:"]),
            previous_msgctxt=_opt(f.get("previous_msgctxt")),
            previous_msgid=_opt(f.get("previous_msgid")),
            previous_msgid_plural=_opt(f.get("previous_msgid_plural")),
            obsolete=self.obsolete,
            line=self.start,
        )

    def _add(self, message: Message) -> None:
        if message.msgid == "" and message.msgctxt is None and not message.obsolete:
            if self.header is not None or self.messages:
                raise self.error(message.line, "duplicate message definition (a second header entry)")
            self.header = message
            return
        self.messages.append(message)

    def _catalog(self) -> Catalog:
        seen: dict[tuple[str | None, str], int] = {}
        for m in self.messages:
            ident = (m.msgctxt, m.msgid)
            if ident in seen:
                raise self.error(m.line, f"duplicate message definition (first defined on line {seen[ident]})")
            seen[ident] = m.line
        header = self.header
        if header is None:
            return Catalog(messages=tuple(self.messages))
        return Catalog(header=header_fields(header.msgstr), header_comments=header.translator_comments,
                       header_flags=header.flags, messages=tuple(self.messages), header_text=header.msgstr)


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*')


_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # one string on one line, as GNU writes it


def _strings(lead: str) -> str:
    """Quoted strings on consecutive lines, each after `lead` but the first."""
    return rf"{_QUOTED}(?:\n{re.escape(lead)}{_QUOTED})*"


class _Layout(NamedTuple):
    """GNU's layout of a live or an obsolete entry, for the fast path of the reader."""

    entry: re.Pattern[str]
    form: re.Pattern[str]
    separator: str  # between two strings of a keyword
    previous_separator: str  # between two strings of a #| keyword
    obsolete: bool


def _layout(prefix: str, previous: str) -> _Layout:
    """One entry as GNU writes it: comments, ``#|`` lines, msgctxt, msgid, and msgstr or msgid_plural
    with msgstr[n]; each string on lines of their own, no other white space. The lookahead makes sure the
    next non-empty line starts another entry (a blank line does not end one: "msgstr[1]" could follow)."""
    p, q = re.escape(prefix), re.escape(previous)
    entry = re.compile(
        r"\n*(?P<comments>(?P<translator>(?:#(?:[^.:,~|\n][^\n]*)?\n)*)(?P<extracted>(?:#\.[^\n]*\n)*)"
        r"(?P<references>(?:#:[^\n]*\n)*)(?P<flags>(?:#,[^\n]*\n)*)(?:#(?:[^~|\n][^\n]*)?\n)*)"
        rf"(?:{q}msgctxt (?P<pctxt>{_strings(previous)})\n)?"
        rf"(?:{q}msgid (?P<pid>{_strings(previous)})\n)?"
        rf"(?:{q}msgid_plural (?P<pplural>{_strings(previous)})\n)?"
        rf"(?:{p}msgctxt (?P<ctxt>{_strings(prefix)})\n)?"
        rf"{p}msgid (?P<id>{_strings(prefix)})\n"
        rf"(?:{p}msgid_plural (?P<plural>{_strings(prefix)})\n"
        rf"(?P<forms>(?:{p}msgstr\[\d+\] {_strings(prefix)}(?:\n|\Z))+)"
        rf"|{p}msgstr (?P<str>{_strings(prefix)})(?:\n|\Z))"
        r"(?=\n*(?:\Z|#(?!~)|#~ *(?:#|\||msgid\b|msgctxt\b)|msgctxt\b|msgid\b))"
    )
    form = re.compile(rf"{p}msgstr\[(\d+)\] ({_strings(prefix)})")
    return _Layout(entry, form, f'"\n{prefix}"', f'"\n{previous}"', bool(prefix))


@cache
def _layouts() -> tuple[_Layout, _Layout]:
    """Compiled when a process first reads a catalog (7 ms: not in the jobs that never do)."""
    return _layout("", "#| "), _layout("#~ ", "#~| ")


_REFERENCE_WORDS = re.compile(r"[^ \t\n]+")


def _entry_from_match(match: re.Match[str], layout: _Layout, number: int) -> Message | None:
    """The message of an entry `layout` matched, or None where the line-by-line path must decide (an
    invalid escape, msgstr[] indices out of order)."""
    (comments, translator, extracted, references, flags, pctxt, pid, pplural, ctxt, msgid, plural, forms,
     msgstr) = match.groups()
    separator, previous = layout.separator, layout.previous_separator
    if not comments:
        notes: tuple[tuple[str, ...], ...] = ((), (), (), ())
    elif len(comments) == len(translator) + len(extracted) + len(references) + len(flags):  # GNU's order
        notes = (_comment_lines(translator, 1) if translator else (),
                 _comment_lines(extracted, 2) if extracted else (),
                 tuple(_REFERENCE_WORDS.findall(references.replace("\n#:", " "), 2)) if references else (),
                 _flag_block(flags) if flags else ())
    else:
        notes = _comments(comments)
    try:
        if forms is None:
            strings: tuple[str, ...] = ()
            single = _joined(msgstr, separator)
        else:
            found = layout.form.findall(forms)
            if [int(i) for i, _ in found] != list(range(len(found))):
                return None
            strings = tuple(_joined(raw, separator) for _, raw in found)
            single = ""
        return Message(
            _joined(msgid, separator), single, None if ctxt is None else _joined(ctxt, separator),
            None if plural is None else _joined(plural, separator), strings, notes[3], notes[0], notes[1],
            notes[2], None if pctxt is None else _joined(pctxt, previous),
            None if pid is None else _joined(pid, previous),
            None if pplural is None else _joined(pplural, previous), layout.obsolete, number)
    except ValueError:
        return None


def _joined(raw: str, separator: str) -> str:
    """The text of quoted strings on consecutive lines (``"a"\n"b"``) as read: pieces unescaped, joined."""
    body = raw[1:-1]
    if "\\" not in body:
        return body.replace(separator, "") if "\n" in body else body
    return "".join(_ESCAPE_SEQUENCE.sub(_unescaped, piece) for piece in body.split(separator))


def _comment_lines(block: str, kind: int) -> tuple[str, ...]:
    """The texts of lines of translator (`kind` 1: "#") or extracted (2: "#.") comments: one space after
    the mark is not part of the text."""
    return tuple(line[kind + 1:] if line[kind:kind + 1] == " " else line[kind:] for line in block[:-1].split("\n"))


@lru_cache(maxsize=1024)
def _flag_block(block: str) -> tuple[str, ...]:
    return _flags([_flag_words(line[2:]) for line in block[:-1].split("\n")])


def _comments(block: str) -> tuple[tuple[str, ...], ...]:
    """Translator and extracted comments, references and flags of comment lines in any order."""
    translator, extracted, references, flag_lines = [], [], [], []
    for line in block[:-1].split("\n"):
        kind = line[:2]
        if kind == "#:":
            references += _REFERENCE_WORDS.findall(line, 2)
        elif kind == "#,":
            flag_lines.append(_flag_words(line[2:]))
        elif kind == "#.":
            extracted.append(line[3:] if line[2:3] == " " else line[2:])
        else:
            translator.append(line[2:] if line[1:2] == " " else line[1:])
    return tuple(translator), tuple(extracted), tuple(references), _flags(flag_lines)


_UNTERMINATED = re.compile(r'"(?:[^"\\]|\\.)*\\?$')
_ESCAPE_SEQUENCE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.)|$)")


def _unescaped(match: re.Match[str]) -> str:
    octal, hexadecimal, char = match.groups()
    if octal or hexadecimal:
        return chr(int(octal, 8) if octal else int(hexadecimal, 16) & 0xFF)
    if char is None or char not in _UNESCAPES:
        raise ValueError(match.group(0))
    return _UNESCAPES[char]


@lru_cache(maxsize=1024)  # a catalog repeats a few flag lines many times
def _flag_words(body: str) -> tuple[str, ...]:
    """The flags of one "#," line: GNU separates them with commas and white space alike."""
    words = _FLAG_SEPARATORS.split(body.replace("range: ", "range:"))
    return tuple(w.replace("range:", "range: ") for w in words if w)


_FLAG_SEPARATORS = re.compile(r"[\s,]+")


def _flags(lines: list[tuple[str, ...]]) -> tuple[str, ...]:
    """GNU keeps only the last "#," line of an entry. Deliberately, a "fuzzy" on an earlier line is kept too:
    a line that says the translation needs review is never dropped (see README)."""
    if not lines:
        return ()
    last = tuple(dict.fromkeys(lines[-1]))
    if "fuzzy" not in last and any("fuzzy" in line for line in lines[:-1]):
        return ("fuzzy", *last)
    return last


def header_fields(text: str) -> tuple[tuple[str, str], ...]:
    """The "Field: value" lines of a header; msgfmt accepts (and msgcat keeps) other lines, read as no field."""
    fields = []
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields.append((key.strip(), value.strip()))
    return tuple(fields)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------------------- writing


def write_po(catalog: Catalog) -> str:
    """The catalog as GNU msgcat would write it."""
    return format_po(catalog)[0]


def format_po(catalog: Catalog, reuse: Mapping[Message, str] | None = None) -> tuple[str, dict[Key, int]]:
    """The catalog as GNU msgcat would write it, and the line where each live entry starts.

    `reuse`: entries already laid out (see `entry_texts`), copied for the messages equal to theirs: a
    rebuild after one sentence changed on every page rewrites thousands of catalogs that differ from
    their last version in one entry, and laying out the other entries again was a quarter of its time."""
    blocks = _entries(catalog, reuse if reuse and linebreak.AVAILABLE else None)
    text = "\n".join(blocks)
    if needs_msgcat(catalog):
        text = _through_msgcat(text)
        return text, {m.key: m.line for m in read_po(text.encode("utf-8"), "<formatted>").live}
    offset = 1 if catalog.has_header else 0
    starts = []  # each block starts after the lines of the blocks before it and one blank line
    line = 1
    for block in blocks:
        starts.append(line)
        line += block.count("\n") + 1
    live = [m for m in catalog.messages if not m.obsolete]
    lines = {m.key: starts[offset + i] for i, m in enumerate(live)}
    return text, lines


def _entries(catalog: Catalog, reuse: Mapping[Message, str] | None = None) -> list[str]:
    blocks = []
    if catalog.has_header:
        blocks.append(_entry(Message("", _header_text(catalog), flags=catalog.header_flags,
                                     translator_comments=catalog.header_comments)))
    if reuse:
        blocks.extend(reuse.get(m) or _entry(m) for m in _written(catalog))
    else:
        blocks.extend(_entry(m) for m in _written(catalog))
    return blocks


def _written(catalog: Catalog) -> list[Message]:
    """The messages a file holds, in its order: live ones, then obsolete ones (GNU drops untranslated ones)."""
    live = [m for m in catalog.messages if not m.obsolete]
    return live + [m for m in catalog.messages if m.obsolete and _first_msgstr(m)]


def entry_texts(text: str, catalog: Catalog) -> dict[Message, str]:
    """Each message of `catalog` with its entry in `text`, which `format_po` wrote for `catalog` with this
    very code (see `layout_version`): what a later `format_po(..., reuse=)` copies for an equal message.
    Empty when the text's entries do not pair with the catalog's messages, or without libunistring
    (then `format_po` may pass the text through msgcat, and an entry is not a function of its message).

    An entry never holds an empty line and is followed by exactly one, so the entries are the text's
    parts between blank lines, in the order `_entries` writes them."""
    if not linebreak.AVAILABLE:
        return {}
    parts = text.split("\n\n")
    messages = _written(catalog)
    skip = 1 if catalog.has_header else 0
    if len(parts) != skip + len(messages) or not messages:
        return {}
    blocks = [part + "\n" for part in parts[skip:-1]] + [parts[-1]]
    return dict(zip(messages, blocks, strict=True))


@cache
def layout_version() -> str:
    """Names the layout this code writes: the writer's source files and the libunistring it asks where
    lines break. An entry laid out under another name is laid out again, never copied (`entry_texts`)."""
    import hashlib
    from pathlib import Path

    folder = Path(__file__).parent
    code = b"\0".join((folder / name).read_bytes() for name in ("pofile.py", "linebreak.py", "formatdirs.py",
                                                                 "catalog.py"))
    return hashlib.blake2b(code + repr((linebreak.AVAILABLE, linebreak.LIBRARY_VERSION)).encode(),
                           digest_size=12).hexdigest()


def _header_text(catalog: Catalog) -> str:
    """The header as read when it still holds the catalog's fields, else one "Field: value" line each."""
    if catalog.header_text is not None and header_fields(catalog.header_text) == catalog.header:
        return catalog.header_text
    return "".join(f"{k}: {v}\n" for k, v in catalog.header)


def _entry(m: Message) -> str:
    lines = [f"# {c}" if c else "#" for c in m.translator_comments] if m.translator_comments else []
    if m.extracted_comments:
        lines += [f"#. {c}" if c else "#." for c in m.extracted_comments]
    if m.references:
        lines += _references(m.references)
    lang, wrap = None, True
    if m.flags:
        flags, lang, wrap = _flag_line(m.flags, m.obsolete, bool(_first_msgstr(m)))
        if flags:
            lines.append(flags)
    prefix = "#~ " if m.obsolete else ""
    if m.previous_msgid is not None or m.previous_msgctxt is not None or m.previous_msgid_plural is not None:
        prev = "#~| " if m.obsolete else "#| "
        for keyword, value in (("msgctxt", m.previous_msgctxt), ("msgid", m.previous_msgid),
                               ("msgid_plural", m.previous_msgid_plural)):
            if value is not None:
                lines += _field(prev, keyword, value, lang, wrap)
    if m.msgctxt is not None:
        lines += _field(prefix, "msgctxt", m.msgctxt, lang, wrap)
    lines += _field(prefix, "msgid", m.msgid, lang, wrap)
    if m.msgid_plural is not None:
        lines += _field(prefix, "msgid_plural", m.msgid_plural, lang, wrap)
        for i, s in enumerate(m.msgstr_plural):
            lines += _field(prefix, f"msgstr[{i}]", s, lang, wrap)
    else:
        lines += _field(prefix, "msgstr", m.msgstr, lang, wrap)
    lines.append("")
    return "\n".join(lines)


def _first_msgstr(m: Message) -> str:
    if m.msgid_plural is not None:
        return m.msgstr_plural[0] if m.msgstr_plural else ""
    return m.msgstr


def gnu_flags(m: Message) -> tuple[str, ...]:
    """The flags GNU writes, in its order: fuzzy (only on a translated entry), the format flags in
    gettext's order of languages, the range, no-wrap. Flags GNU does not know are not written."""
    return _gnu_flags(m.flags, m.obsolete, bool(_first_msgstr(m)))


@lru_cache(maxsize=1024)  # a catalog holds a few combinations of flags
def _gnu_flags(flags: tuple[str, ...], obsolete: bool, translated: bool) -> tuple[str, ...]:
    formats: dict[str, str] = {}
    for flag in flags:
        name = flag.removeprefix("no-").removeprefix("possible-")
        if name.endswith("-format") and name[:-7] in formatdirs.LANGUAGES:
            formats[name[:-7]] = flag.replace("possible-", "")
    ranges = [f for f in flags if f.startswith("range: ")] if not obsolete else []
    written = ["fuzzy"] if "fuzzy" in flags and translated else []
    written += [formats[name] for name in formatdirs.LANGUAGES if name in formats]
    written += ranges[-1:] + (["no-wrap"] if "no-wrap" in flags else [])
    return tuple(written)


@lru_cache(maxsize=1024)
def _flag_line(flags: tuple[str, ...], obsolete: bool, translated: bool) -> tuple[str, str | None, bool]:
    """The "#," line GNU writes ("" for none), the format language whose directives stay whole, and
    whether the strings are wrapped."""
    written = _gnu_flags(flags, obsolete, translated)
    return ("#, " + ", ".join(written) if written else ""), formatdirs.language(flags), "no-wrap" not in flags


def _references(refs: tuple[str, ...]) -> list[str]:
    line = "#: " + " ".join(refs)
    if len(line) <= PAGE_WIDTH and (len(refs) == 1 or len(set(refs)) == len(refs)):
        return [line]  # what the loop below gives when all fit on one line
    lines: list[str] = []
    current = "#:"
    for ref in dict.fromkeys(refs):  # GNU writes a repeated position once
        if len(current) > 2 and len(current) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE) if _ESCAPE_RE.search(text) else text


_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_NO_WRAP = 1 << 30
# Characters for which a string's width may not be its length: from U+1100 on (wide East Asian ones
# take 2 columns; the line and paragraph separators are a mandatory break) and NEL (a break too).
# Every other character takes 0 or 1 column. The class is written negated: the range of a million code
# points from U+1100 took 4 ms to compile in every job's start, this one 0.6 ms; searching a line of
# Arabic with it takes a quarter of the time max() took.
_MAY_BE_WIDE = re.compile("[^\x00-\x84\x86-\u10ff]")


def _width_bound(escaped: str) -> int:
    """At least the columns libunistring gives `escaped` (its length unless wide characters may be in
    it); a string a line holds whole is never broken."""
    if escaped.isascii() or not _MAY_BE_WIDE.search(escaped):
        return len(escaped)
    if "\x85" in escaped or "\u2028" in escaped or "\u2029" in escaped:
        return _NO_WRAP
    return 2 * len(escaped)


def _field(prefix: str, keyword: str, value: str, lang: str | None, wrap: bool) -> tuple[str, ...]:
    """The lines of one keyword and its string: on one line when it fits (no newline but a final one),
    else as GNU's writer breaks it."""
    newline = value.find("\n")
    if newline < 0 or newline == len(value) - 1:
        escaped = escape(value)
        if not wrap or len(prefix) + len(keyword) + 3 + _width_bound(escaped) <= PAGE_WIDTH:
            return (f'{prefix}{keyword} "{escaped}"',)
    return _wrap(prefix, keyword, value, lang, wrap)


@lru_cache(maxsize=1 << 16)
def _wrap(prefix: str, keyword: str, value: str, lang: str | None = None, wrap: bool = True) -> tuple[str, ...]:
    """The lines of one keyword and its string, as GNU's writer lays them out. Cached: every locale's
    catalog of a page repeats the template's msgids and contexts."""
    head = f"{prefix}{keyword} "
    inner = formatdirs.inner(value, lang)
    width = (PAGE_WIDTH if wrap else _NO_WRAP) - 1 - (len(prefix) + 1)
    portions = _portions(value)
    lines: list[str] = []
    offset = 0
    for index, portion in enumerate(portions):
        escaped = escape(portion)
        start = len(keyword) + 1 if index == 0 else 0
        if index == 0 and escaped and (len(portions) > 1 or start > width):
            lines.append(f'{head}""')
            start = 0
        if start + _width_bound(escaped) <= width:
            cuts: list[int] = []
        else:
            prohibited = _prohibited(portion, escaped, offset, inner)
            cuts = _breaks(escaped, prohibited, width, start)
            if start and cuts:
                lines.append(f'{head}""')
                start = 0
                cuts = _breaks(escaped, prohibited, width, start)
        offset += len(portion)
        pieces = [escaped[a:b] for a, b in zip([0, *cuts], [*cuts, len(escaped)], strict=True)]
        lead = head if index == 0 and start else prefix
        lines += [f'{lead if i == 0 else prefix}"{piece}"' for i, piece in enumerate(pieces)]
    return tuple(lines)


def _prohibited(portion: str, escaped: str, offset: int, inner: frozenset[int]) -> frozenset[int]:
    """The offsets (in the escaped text) before which no break may fall: inside an escape, inside a
    format directive, and before the escaped newline that ends the portion."""
    prohibited = {m.start() + 1 for m in _ESCAPED_CHAR.finditer(escaped)}
    if inner:
        shift = _offsets(portion, escaped) if len(escaped) != len(portion) else None
        for i in range(len(portion)):
            if offset + i in inner:
                prohibited.add(shift[i] if shift else i)
    if portion.endswith("\n"):
        prohibited.add(len(escaped) - 2)
    return frozenset(prohibited)


_ESCAPED_CHAR = re.compile(r"\\.")


def _offsets(portion: str, escaped: str) -> list[int]:
    """Where each character of `portion` starts in its escaped text."""
    found, position = [], 0
    for char in portion:
        found.append(position)
        position += 2 if char in _ESCAPES else 1
    return found


def _breaks(escaped: str, prohibited: frozenset[int], width: int, start: int) -> list[int]:
    if linebreak.AVAILABLE:
        return linebreak.breaks(escaped, prohibited, width, start)
    cuts = []  # without libunistring: the pure-Python model, greedy filling of its chunks
    column, position = start, 0
    for chunk in linebreak.chunks(escaped):
        if position and column + len(chunk) > width:
            cuts.append(position)
            column = 0
        column += len(chunk)
        position += len(chunk)
    return cuts


def _portions(value: str) -> list[str]:
    parts = value.split("\n")
    portions = [p + "\n" for p in parts[:-1]]
    if parts[-1] or not portions:
        portions.append(parts[-1])
    return portions


def needs_msgcat(catalog: Catalog) -> bool:
    """True when some text holds a character whose break behaviour linebreak.py does not model
    (only without libunistring: with it, every script is GNU's own)."""
    if linebreak.AVAILABLE:
        return False
    texts = [v for _, v in catalog.header]
    for m in catalog.messages:
        texts += [m.msgid, m.msgstr, m.msgctxt or "", m.previous_msgid or "", m.previous_msgctxt or "",
                  m.msgid_plural or "", *m.msgstr_plural]
    return not all(linebreak.modelled(t) for t in texts)


def _through_msgcat(text: str) -> str:
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        return text  # without GNU gettext the file is still valid PO, only its wrapping may differ
    result = subprocess.run([msgcat, "-"], input=text.encode("utf-8"), capture_output=True, check=False,
                            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        raise CatalogError(f"msgcat could not format the catalog: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode("utf-8")
