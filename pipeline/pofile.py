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

from . import linebreak
from .catalog import Catalog, Key, Message
from .errors import CatalogError

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
        self.current: str | None = None  # the keyword continuation strings append to
        self.start = 0
        self.obsolete = False
        self.has_msgstr = False

    def error(self, number: int, message: str) -> CatalogError:
        return CatalogError(message, self.path, number)

    def parse(self) -> Catalog:
        for number, raw in enumerate(self.lines, start=1):
            line = raw.rstrip("\r")
            self._line(number, line)
        self._finish(len(self.lines))
        return self._catalog()

    def _line(self, number: int, line: str) -> None:
        stripped = line.strip()
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
            self._comment(number, stripped)
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
            # GNU gettext separates flags by commas and by white space: "#, fuzzy c-format" is fuzzy.
            self.comments["#,"].extend(f for f in re.split(r"[\s,]+", body) if f)
        elif kind == "#:":
            self.comments["#:"].extend(body.split())
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
        text = text.strip()
        if not text.startswith('"'):
            raise self.error(number, "syntax error: expected a quoted string")
        if len(text) < 2 or not text.endswith('"') or _unescaped_quote_at_end(text):
            raise self.error(number, "end-of-line within string")
        body = text[1:-1]
        if "\\" not in body:
            if '"' in body:
                raise self.error(number, "syntax error: unescaped '\"' inside a string")
            return body
        out = []
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "\\":
                if i + 1 >= len(body) or body[i + 1] not in _UNESCAPES:
                    raise self.error(number, "invalid control sequence")
                out.append(_UNESCAPES[body[i + 1]])
                i += 2
            elif ch == '"':
                raise self.error(number, "syntax error: unescaped '\"' inside a string")
            else:
                out.append(ch)
                i += 1
        return "".join(out)

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
            flags=tuple(dict.fromkeys(self.comments["#,"])),
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
        seen: dict[tuple[bool, str | None, str], int] = {}
        for m in self.messages:
            ident = (m.obsolete, m.msgctxt, m.msgid)
            if ident in seen:
                raise self.error(m.line, f"duplicate message definition (first defined on line {seen[ident]})")
            seen[ident] = m.line
        header = self.header
        if header is None:
            return Catalog(messages=tuple(self.messages))
        fields = []
        for number, field in enumerate(header.msgstr.split("\n")):
            if not field:
                continue
            key, sep, value = field.partition(":")
            if not sep:
                raise self.error(header.line + number, f"header line {field!r} is not 'Field: value'")
            fields.append((key.strip(), value.strip()))
        return Catalog(header=tuple(fields), header_comments=header.translator_comments,
                       header_flags=header.flags, messages=tuple(self.messages))


def _unescaped_quote_at_end(text: str) -> bool:
    backslashes = len(text[1:-1]) - len(text[1:-1].rstrip("\\"))
    return backslashes % 2 == 1


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
    if _needs_gnu(catalog):
        text = _through_msgcat(text)
        return text, {m.key: m.line for m in read_po(text.encode("utf-8"), "<formatted>").live}
    offset = 1 if catalog.header or catalog.header_comments else 0
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
    if catalog.header or catalog.header_comments:
        value = "".join(f"{k}: {v}\n" for k, v in catalog.header)
        blocks.append(_entry(Message("", value, flags=catalog.header_flags,
                                     translator_comments=catalog.header_comments)))
    live = [m for m in catalog.messages if not m.obsolete]
    dead = [m for m in catalog.messages if m.obsolete]
    blocks.extend(_entry(m) for m in live + dead)
    return blocks


def _entry(m: Message) -> str:
    lines = [f"# {c}" if c else "#" for c in m.translator_comments]
    if not m.obsolete:
        lines += [f"#. {c}" if c else "#." for c in m.extracted_comments]
        lines += _references(m.references)
    if m.flags:
        lines.append("#, " + ", ".join(m.flags))
    prefix = "#~ " if m.obsolete else ""
    prev = "#~| " if m.obsolete else "#| "
    if m.previous_msgctxt is not None:
        lines += _wrap(prev, "msgctxt", m.previous_msgctxt)
    if m.previous_msgid is not None:
        lines += _wrap(prev, "msgid", m.previous_msgid)
    if m.previous_msgid_plural is not None:
        lines += _wrap(prev, "msgid_plural", m.previous_msgid_plural)
    if m.msgctxt is not None:
        lines += _wrap(prefix, "msgctxt", m.msgctxt)
    lines += _wrap(prefix, "msgid", m.msgid)
    if m.msgid_plural is not None:
        lines += _wrap(prefix, "msgid_plural", m.msgid_plural)
        for i, s in enumerate(m.msgstr_plural):
            lines += _wrap(prefix, f"msgstr[{i}]", s)
    else:
        lines += _wrap(prefix, "msgstr", m.msgstr)
    return "\n".join(lines) + "\n"


def _references(refs: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for ref in refs:
        if len(current) > 2 and len(current) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def escape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


@lru_cache(maxsize=1 << 16)
def _wrap(prefix: str, keyword: str, value: str) -> tuple[str, ...]:
    """The lines of one keyword and its string. Cached: every locale's catalog of a page repeats the
    template's msgids and contexts, which made wrapping them again half of a cold update."""
    head = f"{prefix}{keyword} "
    chunks = None
    if "\n" not in value[:-1]:
        escaped = escape(value)
        if len(head) + len(escaped) + 2 <= PAGE_WIDTH:
            return (f'{head}"{escaped}"',)
        chunks = linebreak.chunks(escaped)  # one portion: its chunks serve both layouts
        if len(_pack(chunks, len(head) + 1)) == 1:
            return (f'{head}"{escaped}"',)
    lines = [f'{head}""']
    for portion in ([value] if chunks is not None else _portions(value)):
        pieces = chunks if chunks is not None else linebreak.chunks(escape(portion))
        lines += [f'{prefix}"{line}"' for line in _pack(pieces, len(prefix) + 1)]
    return tuple(lines)


def _portions(value: str) -> list[str]:
    parts = value.split("\n")
    portions = [p + "\n" for p in parts[:-1]]
    if parts[-1] or not portions:
        portions.append(parts[-1])
    return portions


def _pack(chunks: list[str], start: int) -> list[str]:
    """Greedy line filling: a chunk goes on the line while the line plus its closing quote fits."""
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        if line and start + len(line) + len(chunk) + 1 > PAGE_WIDTH:
            lines.append(line)
            line = ""
        line += chunk
    lines.append(line)
    return lines


def _needs_gnu(catalog: Catalog) -> bool:
    """True when some text holds a character whose break behaviour linebreak.py does not model."""
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
