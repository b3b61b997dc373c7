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
from functools import lru_cache

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


def read_po(data: bytes, path: str) -> Catalog:
    """Parse PO/POT bytes. Raises CatalogError naming `path` and the line, as msgfmt would."""
    text = _decode(data, path)
    return _Parser(text, path).parse()


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
    def __init__(self, text: str, path: str) -> None:
        self.lines = text.split("\n")
        self.path = path
        self.messages: list[Message] = []
        self.header: Message | None = None
        self._reset()

    def _reset(self) -> None:
        self.fields: dict[str, object] = {}
        self.comments: dict[str, list[str]] = {"#": [], "#.": [], "#:": [], "#,": []}
        self.flag_lines: list[list[str]] = []
        self.current: str | None = None  # the keyword continuation strings append to
        self.start = 0
        self.obsolete = False
        self.has_msgstr = False

    def error(self, number: int, message: str) -> CatalogError:
        return CatalogError(message, self.path, number)

    def parse(self) -> Catalog:
        for number, raw in enumerate(self.lines, start=1):
            self._line(number, raw)
        self._finish(len(self.lines))
        return self._catalog()

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
_UNTERMINATED = re.compile(r'"(?:[^"\\]|\\.)*\\?$')
_ESCAPE_SEQUENCE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.)|$)")


def _unescaped(match: re.Match[str]) -> str:
    octal, hexadecimal, char = match.groups()
    if octal or hexadecimal:
        return chr(int(octal, 8) if octal else int(hexadecimal, 16) & 0xFF)
    if char is None or char not in _UNESCAPES:
        raise ValueError(match.group(0))
    return _UNESCAPES[char]


def _flag_words(body: str) -> list[str]:
    """The flags of one "#," line: GNU separates them with commas and white space alike."""
    words = re.split(r"[\s,]+", body.replace("range: ", "range:"))
    return [w.replace("range:", "range: ") for w in words if w]


def _flags(lines: list[list[str]]) -> tuple[str, ...]:
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


def format_po(catalog: Catalog) -> tuple[str, dict[Key, int]]:
    """The catalog as GNU msgcat would write it, and the line where each live entry starts."""
    blocks = _entries(catalog)
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


def _entries(catalog: Catalog) -> list[str]:
    blocks = []
    if catalog.has_header:
        blocks.append(_entry(Message("", _header_text(catalog), flags=catalog.header_flags,
                                     translator_comments=catalog.header_comments)))
    live = [m for m in catalog.messages if not m.obsolete]
    dead = [m for m in catalog.messages if m.obsolete and _first_msgstr(m)]  # GNU drops untranslated ones
    blocks.extend(_entry(m) for m in live + dead)
    return blocks


def _header_text(catalog: Catalog) -> str:
    """The header as read when it still holds the catalog's fields, else one "Field: value" line each."""
    if catalog.header_text is not None and header_fields(catalog.header_text) == catalog.header:
        return catalog.header_text
    return "".join(f"{k}: {v}\n" for k, v in catalog.header)


def _entry(m: Message) -> str:
    lines = [f"# {c}" if c else "#" for c in m.translator_comments]
    lines += [f"#. {c}" if c else "#." for c in m.extracted_comments]
    lines += _references(m.references)
    flags = gnu_flags(m)
    if flags:
        lines.append("#, " + ", ".join(flags))
    lang = formatdirs.language(m.flags)
    wrap = "no-wrap" not in m.flags
    prefix = "#~ " if m.obsolete else ""
    prev = "#~| " if m.obsolete else "#| "
    for keyword, value in (("msgctxt", m.previous_msgctxt), ("msgid", m.previous_msgid),
                           ("msgid_plural", m.previous_msgid_plural)):
        if value is not None:
            lines += _wrap(prev, keyword, value, lang, wrap)
    if m.msgctxt is not None:
        lines += _wrap(prefix, "msgctxt", m.msgctxt, lang, wrap)
    lines += _wrap(prefix, "msgid", m.msgid, lang, wrap)
    if m.msgid_plural is not None:
        lines += _wrap(prefix, "msgid_plural", m.msgid_plural, lang, wrap)
        for i, s in enumerate(m.msgstr_plural):
            lines += _wrap(prefix, f"msgstr[{i}]", s, lang, wrap)
    else:
        lines += _wrap(prefix, "msgstr", m.msgstr, lang, wrap)
    return "\n".join(lines) + "\n"


def _first_msgstr(m: Message) -> str:
    if m.msgid_plural is not None:
        return m.msgstr_plural[0] if m.msgstr_plural else ""
    return m.msgstr


def gnu_flags(m: Message) -> tuple[str, ...]:
    """The flags GNU writes, in its order: fuzzy (only on a translated entry), the format flags in
    gettext's order of languages, the range, no-wrap. Flags GNU does not know are not written."""
    formats: dict[str, str] = {}
    for flag in m.flags:
        name = flag.removeprefix("no-").removeprefix("possible-")
        if name.endswith("-format") and name[:-7] in formatdirs.LANGUAGES:
            formats[name[:-7]] = flag.replace("possible-", "")
    ranges = [f for f in m.flags if f.startswith("range: ")] if not m.obsolete else []
    written = ["fuzzy"] if "fuzzy" in m.flags and _first_msgstr(m) else []
    written += [formats[name] for name in formatdirs.LANGUAGES if name in formats]
    written += ranges[-1:] + (["no-wrap"] if "no-wrap" in m.flags else [])
    return tuple(written)


def _references(refs: tuple[str, ...]) -> list[str]:
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
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


_NO_WRAP = 1 << 30


@lru_cache(maxsize=1 << 16)
def _wrap(prefix: str, keyword: str, value: str, lang: str | None = None, wrap: bool = True) -> tuple[str, ...]:
    """The lines of one keyword and its string, as GNU's writer lays them out. Cached: every locale's
    catalog of a page repeats the template's msgids and contexts."""
    head = f"{prefix}{keyword} "
    if value.isascii() and "\n" not in value[:-1]:
        escaped = escape(value)
        if not wrap or len(head) + len(escaped) + 2 <= PAGE_WIDTH:
            return (f'{head}"{escaped}"',)
    inner = formatdirs.inner(value, lang)
    width = (PAGE_WIDTH if wrap else _NO_WRAP) - 1 - (len(prefix) + 1)
    portions = _portions(value)
    lines: list[str] = []
    offset = 0
    for index, portion in enumerate(portions):
        escaped, prohibited = _escaped(portion, offset, inner)
        offset += len(portion)
        start = len(keyword) + 1 if index == 0 else 0
        cuts = _breaks(escaped, prohibited, width, start)
        if index == 0 and escaped and (len(portions) > 1 or start > width or cuts):
            lines.append(f'{head}""')
            start = 0
            cuts = _breaks(escaped, prohibited, width, start)
        pieces = [escaped[a:b] for a, b in zip([0, *cuts], [*cuts, len(escaped)], strict=True)]
        lead = head if index == 0 and start else prefix
        lines += [f'{lead if i == 0 else prefix}"{piece}"' for i, piece in enumerate(pieces)]
    return tuple(lines)


def _escaped(portion: str, offset: int, inner: frozenset[int]) -> tuple[str, frozenset[int]]:
    """The portion escaped, and the offsets (in the escaped text) before which no break may fall:
    inside an escape, inside a format directive, and before the escaped newline that ends it."""
    escaped = escape(portion)
    prohibited = {m.start() + 1 for m in _ESCAPED_CHAR.finditer(escaped)}
    if inner:
        shift = _offsets(portion, escaped) if len(escaped) != len(portion) else None
        for i in range(len(portion)):
            if offset + i in inner:
                prohibited.add(shift[i] if shift else i)
    if portion.endswith("\n"):
        prohibited.add(len(escaped) - 2)
    return escaped, frozenset(prohibited)


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
