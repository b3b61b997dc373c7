"""The gettext catalog model (no I/O): what a .po/.pot file holds, as immutable values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.values import immutable

Key = tuple[str | None, str]


@immutable
class Message:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    extracted_comments: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = field(default=0, compare=False)  # where the entry starts in the file it was read from

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Has a translation in every form (fuzzy or not). A form that is empty or only white space is
        no translation: gettext would print nothing readable, and the gate must not take it as reviewed."""
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(form.strip() for form in self.msgstr_plural)
        return bool(self.msgstr.strip())

    @property
    def reviewed(self) -> bool:
        """Translated and not fuzzy: a person has approved it. Only these are published."""
        return self.translated and not self.fuzzy

    def with_fuzzy(self, fuzzy: bool) -> Message:
        flags = tuple(f for f in self.flags if f != "fuzzy")
        return replace(self, flags=(("fuzzy",) + flags) if fuzzy else flags)


@dataclass(frozen=True, slots=True)
class Catalog:
    """A header (ordered fields) and messages in file order (obsolete ones last when written)."""

    header: tuple[tuple[str, str], ...] = ()
    header_comments: tuple[str, ...] = ()
    header_flags: tuple[str, ...] = ()
    messages: tuple[Message, ...] = field(default_factory=tuple)
    # The header entry's msgstr exactly as read (spacing, lines that are not "Field: value"), or None
    # for a catalog built in code: the writer keeps it while it still holds `header`'s fields.
    header_text: str | None = field(default=None, compare=False)

    def field(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def with_field(self, name: str, value: str) -> Catalog:
        if self.field(name) == value:
            return self
        fields = list(self.header)
        for i, (key, _) in enumerate(fields):
            if key.lower() == name.lower():
                fields[i] = (key, value)
                break
        else:
            fields.append((name, value))
        text = None if self.header_text is None else _set_line(self.header_text, name, value)
        return replace(self, header=tuple(fields), header_text=text)

    @property
    def has_header(self) -> bool:
        return self.header_text is not None or bool(self.header) or bool(self.header_comments)

    @property
    def live(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if not m.obsolete)

    def by_key(self) -> dict[Key, Message]:
        return {m.key: m for m in self.messages if not m.obsolete}


def _set_line(text: str, name: str, value: str) -> str:
    """Header text with the line of field `name` set to `value` (added at the end when missing)."""
    lines = text.split("\n")
    pattern = re.compile(rf"\s*{re.escape(name)}\s*:", re.IGNORECASE)
    for i, line in enumerate(lines):
        if pattern.match(line):
            lines[i] = f"{line.split(':', 1)[0]}: {value}"
            return "\n".join(lines)
    return text + f"{name}: {value}\n" if text.endswith("\n") or not text else text + f"\n{name}: {value}\n"
