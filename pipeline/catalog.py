"""The gettext catalog model (no I/O): what a .po/.pot file holds, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

Key = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
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

    def field(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def with_field(self, name: str, value: str) -> Catalog:
        fields = list(self.header)
        for i, (key, _) in enumerate(fields):
            if key.lower() == name.lower():
                fields[i] = (key, value)
                break
        else:
            fields.append((name, value))
        return replace(self, header=tuple(fields))

    @property
    def live(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if not m.obsolete)

    def by_key(self) -> dict[Key, Message]:
        return {m.key: m for m in self.messages if not m.obsolete}
