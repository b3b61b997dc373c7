"""Clinical QA of reviewed translations. A blocking finding keeps the page unpublished.

Checks, on every reviewed entry of a catalog (drafts are the reviewer's job, shown in previews):

    numbers      (blocking) every number of the source, same value: 10 mg != 100 mg; locale
                 decimal separators (2.5 <-> 2,5), fractions (½ <-> 0,5), ranges, percentages,
                 unit symbols (10 mg stays mg) and comparison signs (≥)
    protected    (blocking) phone numbers, e-mail addresses, URLs, do-not-translate terms unchanged
    glossary     (blocking) a term of the locale's termbase must take its required rendering
    markup       (warning)  '<…>' the source does not have (it is escaped on output in any case)
    length       (warning)  meta title over 60, meta description outside 70–160 (wide chars count 2)
    whitespace, punctuation, repeated-word (warnings)

Findings read like a compiler's: ``locales/es/LC_MESSAGES/x.po:120: [numbers] …``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from .catalog import Catalog, Key, Message
from .errors import PipelineError
from .locales import SiteLocale
from .protect import EMAIL, PHONE, URL

NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,'’]\d{3})*(?:[.,]\d+)?|[½¼¾⅓⅔]")
FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
UNIT_SYMBOLS = r"mg|mcg|µg|μg|kg|g|ml|mL|mmol|IU|mmHg|bpm|°C|°F|%"
WITH_UNIT = re.compile(rf"(?<![\d.,])(\d+(?:[ \u00a0\u202f.,'’]\d{{3}})*(?:[.,]\d+)?)\s?({UNIT_SYMBOLS})(?![\w])")
COMPARISONS = "≥≤±"
TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
ENDINGS = {".": ".。।۔", "?": "?？؟", "!": "!！", ":": ":："}
CLOSERS = "\"'”’»)]"
REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    message: str
    line: int
    blocking: bool

    def render(self, path: str) -> str:
        return f"{path}:{self.line}: [{self.check}] {self.message}"


@dataclass(frozen=True, slots=True)
class Term:
    source: str
    target: str
    line: int


def read_glossary(data: bytes, display: str) -> tuple[Term, ...]:
    """A termbase: CSV with a header row `term,translation[,note]`; one required rendering a row.

    Read the way spreadsheets save CSV: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"),
    CRLF or LF line ends, fields separated by commas or, as Excel does where the decimal mark is a
    comma, by semicolons (the header row tells which). Anything else is an error naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        hint = " (saved as UTF-16? choose 'CSV UTF-8' when saving)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise PipelineError(f"not UTF-8 text (byte {exc.start}){hint}", display, line) from None
    lines = text.splitlines()
    header = lines[0] if lines else ""
    delimiter = ";" if ";" in header and "," not in header else ","
    try:
        rows = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise PipelineError(f"cannot read the glossary: {exc}", display) from None
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["term", "translation"]:
        raise PipelineError("the first row must be the header 'term,translation[,note]'", display, 1)
    terms = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise PipelineError("each row needs a term and its translation", display, number)
        terms.append(Term(row[0].strip(), row[1].strip(), number))
    return tuple(terms)


class Checker:
    def __init__(self, source: SiteLocale, target: SiteLocale, glossary: tuple[Term, ...],
                 do_not_translate: tuple[str, ...]) -> None:
        self.source, self.target = source, target
        self.glossary = glossary
        words = [rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in sorted(do_not_translate, key=len, reverse=True)]
        self.protected = re.compile("|".join([URL, EMAIL, PHONE, *words]))

    @cached_property
    def source_symbols(self) -> tuple[str, str]:  # on first use only
        return self.source.decimal_symbol, self.source.group_symbol

    @cached_property
    def target_symbols(self) -> tuple[str, str]:
        return self.target.decimal_symbol, self.target.group_symbol

    def catalog(self, template: Catalog, catalog: Catalog, lines: dict[Key, int] | None = None) -> list[Finding]:
        """Findings for every reviewed entry; `lines` gives each entry's line in the file as written."""
        found = catalog.by_key()
        findings: list[Finding] = []
        for t in template.messages:
            m = found.get(t.key)
            if m is not None and m.reviewed and m.msgid_plural is None:
                findings += self.entry(m, (lines or {}).get(m.key, m.line))
        return findings

    def entry(self, m: Message, line: int | None = None) -> list[Finding]:
        source, text = m.msgid, m.msgstr
        at = m.line if line is None else line
        out: list[Finding] = []

        def add(check: str, message: str, blocking: bool) -> None:
            out.append(Finding(check, message, at, blocking))

        if m.msgctxt != "URL slug":
            for problem in self._numbers(source, text):
                add("numbers", problem, True)
        for span in self.protected.findall(source):
            if text.count(span) < source.count(span):
                add("protected", f"{span!r} must appear unchanged", True)
        for term in self.glossary:
            if re.search(rf"(?<!\w){re.escape(term.source)}(?!\w)", source, re.IGNORECASE) and \
                    term.target.lower() not in text.lower():
                add("glossary", f"{term.source!r} must be rendered {term.target!r} (glossary line {term.line})", True)
        extra = sorted(set(TAG.findall(text)) - set(TAG.findall(source)))
        if extra:
            add("markup", f"markup not in the source: {', '.join(extra)} (shown as text)", False)
        out += [Finding(c, msg, at, False) for c, msg in self._style(m)]
        return out

    def _numbers(self, source: str, text: str) -> list[str]:
        wanted = [self._value(tok, self.source_symbols) for tok in NUMBER.findall(source)]
        offered = [self._candidates(tok) for tok in NUMBER.findall(_ascii_digits(text))]
        problems = []
        for value in wanted:
            match = next((i for i, c in enumerate(offered) if value in c), None)
            if match is None:
                problems.append(f"number {_show(value)} of the source is missing or changed")
            else:
                offered.pop(match)
        problems += [f"number {_show(min(c))} is not in the source" for c in offered]
        source_units = {(self._value(n, self.source_symbols), u) for n, u in WITH_UNIT.findall(source)}
        text_units = {(v, u) for n, u in WITH_UNIT.findall(_ascii_digits(text)) for v in self._candidates(n)}
        problems += [f"{_show(v)} {u} must keep its unit {u!r}" for v, u in sorted(source_units - text_units)]
        problems += [f"{c!r} of the source is missing" for c in COMPARISONS if source.count(c) > text.count(c)]
        return problems

    def _candidates(self, token: str) -> set[float]:
        return {v for v in (self._value(token, self.target_symbols), self._value(token, self.source_symbols))
                if v is not None}

    @staticmethod
    def _value(token: str, symbols: tuple[str, str]) -> float | None:
        if token in FRACTIONS:
            return FRACTIONS[token]
        decimal, group = symbols
        text = token
        for sep in {group, "\u00a0", "\u202f", " ", "'", "’"}:
            text = re.sub(rf"(?<=\d){re.escape(sep)}(?=\d{{3}}(?!\d))", "", text)
        text = text.replace(decimal, ".")
        try:
            return float(text)
        except ValueError:
            return None

    def _style(self, m: Message) -> list[tuple[str, str]]:
        source, text = m.msgid, m.msgstr
        found = []
        if m.msgctxt == "meta title" and _width(text) > 60:
            found.append(("length", f"meta title is {_width(text)} columns; search results show about 60"))
        if m.msgctxt == "meta description" and not 70 <= _width(text) <= 160:
            found.append(("length", f"meta description is {_width(text)} columns; aim for 70–160"))
        if (source[:1].isspace(), source[-1:].isspace()) != (text[:1].isspace(), text[-1:].isspace()):
            found.append(("whitespace", "leading or trailing whitespace differs from the source"))
        if "  " in text and "  " not in source:
            found.append(("whitespace", "double space"))
        end = source.rstrip()[-1:]
        last = text.rstrip().rstrip(CLOSERS)[-1:]
        if end in ENDINGS and m.msgctxt != "URL slug" and last not in ENDINGS[end]:
            found.append(("punctuation", f"the source ends with {end!r}, the translation does not"))
        repeated = {w.lower() for w in REPEATED.findall(text)} - {w.lower() for w in REPEATED.findall(source)}
        if repeated:
            found.append(("repeated-word", f"repeated word: {', '.join(sorted(repeated))}"))
        return found


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _show(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else f"{value:g}"
