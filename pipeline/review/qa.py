"""Clinical QA of reviewed translations. A blocking finding keeps the page unpublished.

One function per check; its severity is data (CHECKS). Checks run on every reviewed entry of a
catalog (drafts are the reviewer's job, shown in previews). Numbers, units and contacts come from
the one table in quantities.py, which masking for machine translation reads too.

A reviewer accepts one finding on one entry with a translator comment naming the check (and its
sub-check) and the reason, e.g. ``# qa-accept: numbers-order French puts the price first``; the
finding then neither blocks nor disappears: the status report lists it with the reason.

Findings read like a compiler's: ``locales/es/LC_MESSAGES/x.po:120: [numbers] …``.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from pipeline.copydeck.model import META_DESCRIPTION, META_TITLE, URL_SLUG
from pipeline.drafts.provenance import machine_origin, pivot_leftovers
from pipeline.errors import PipelineError
from pipeline.locales import SiteLocale
from pipeline.po.catalog import Catalog, Key, Message
from pipeline.quantities import (
    COMPARISONS,
    Quantity,
    alternation,
    contact_patterns,
    quantities,
    read_number,
    without_contacts,
)
from pipeline.review.findings import Finding

TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
ENDINGS = {".": ".。।۔", "?": "?？؟", "!": "!！", ":": ":："}
CLOSERS = "\"'”’»)]"
REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
ACCEPT = re.compile(r"qa-accept:\s*(?P<code>[\w-]+)\s*(?P<reason>.*)")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    blocking: bool
    summary: str


CHECKS = {c.name: c for c in (
    Check("numbers", True, "every number of the source with the same value, unit or currency, in the same order"
                           " within each unit (sub-checks: unit, separator, order)"),
    Check("protected", True, "phone numbers, e-mail addresses, URLs and do-not-translate terms unchanged"),
    Check("glossary", True, "a term of the locale's termbase takes its required rendering"),
    Check("markup", False, "'<…>' the source does not have (escaped on output in any case)"),
    Check("length", False, "meta title over 60 columns, meta description outside 70–160 (wide characters count 2)"),
    Check("whitespace", False, "leading or trailing whitespace differs from the source; double space"),
    Check("punctuation", False, "the source ends a sentence or question, the translation does not"),
    Check("repeated-word", False, "a word repeated ('de de')"),
    Check("pivot", False, "a word of the pivot language that machine translation through it left untranslated"
                          " ('infusión' in French, by way of Spanish) is still in the reviewed text"),
    Check("qa-accept", False, "a qa-accept comment without a reason, or that matches no finding"),
)}


Issue = tuple[str | None, str]  # (sub-check or None, message)
Issues = tuple[tuple[str, str | None, str], ...]  # (check, sub-check or None, message) of each issue of an entry


def entry_digest(*texts: str | None | tuple[str, ...]) -> str:
    """Names the texts of an entry that the checks see (msgctxt, msgid, msgstr, msgid_plural, the
    plural forms, the translator comments). The repr of their tuple is a Python literal of them, so no
    two different entries give the same string, whatever characters their texts hold; made in C, it
    costs half of joining the texts with their lengths in Python (QA names every entry it reads)."""
    return hashlib.blake2b(repr(texts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


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


RECENT_TEXTS = 4096  # entries a checker recalls by their texts (see Checker._recent)


class Checker:
    def __init__(self, source: SiteLocale, target: SiteLocale, glossary: tuple[Term, ...],
                 do_not_translate: tuple[str, ...]) -> None:
        self.source, self.target = source, target
        self.glossary = glossary
        self.words = [(term, rf"(?<![\w-]){re.escape(term)}(?![\w-])")  # longest first, as the alternation tries them
                      for term in sorted(do_not_translate, key=len, reverse=True)]
        self.checks: dict[str, Callable[[Message], Iterator[Issue]]] = {
            "numbers": self.numbers, "protected": self.protected_text, "glossary": self.terms,
            "markup": self.markup, "length": self.length, "whitespace": self.whitespace,
            "punctuation": self.punctuation, "repeated-word": self.repeated_word, "pivot": self.pivot,
        }
        # An entry repeated on many pages (a shared disclaimer, a section heading) is checked once per
        # checker (one per locale and job): `learned` holds what it found in each entry, by entry_digest.
        self.learned: dict[str, Issues] = {}
        self.recalled: dict[str, Issues] = {}  # see remember
        # ... and, for the entries met last, by their texts themselves: an entry every page repeats is found
        # there without hashing its texts again (hashing was 3 % of an edit of 1,000 pages × 8 locales).
        # Bounded, since its keys hold the texts alive after their catalogs are gone.
        self._recent: dict[tuple[str | None, str, str, str | None, tuple[str, ...], tuple[str, ...]], Issues] = {}

    def remember(self, recalled: dict[str, Issues]) -> None:
        """Take the issues of entries checked in earlier runs by a checker with this one's inputs (by
        `entry_digest`): an entry with those texts is not checked again. The caller keys `recalled` on
        everything else a finding depends on, and keeps `learned` for the next run (see jobs/update.py)."""
        self.recalled = recalled

    def _issues(self, msgctxt: str | None, msgid: str, msgstr: str, msgid_plural: str | None,
                msgstr_plural: tuple[str, ...], comments: tuple[str, ...]) -> Issues:
        texts = (msgctxt, msgid, msgstr, msgid_plural, msgstr_plural, comments)
        issues = self._recent.get(texts)
        if issues is not None:
            return issues
        key = entry_digest(*texts)
        issues = self.learned.get(key)
        if issues is None:
            issues = self.recalled.get(key)
            if issues is None:
                issues = self._check(msgctxt, msgid, msgstr, msgid_plural, msgstr_plural, comments)
            self.learned[key] = issues
        if len(self._recent) >= RECENT_TEXTS:
            self._recent.clear()
        self._recent[texts] = issues
        return issues

    @cached_property
    def source_symbols(self) -> tuple[str, str]:  # on first use only
        return self.source.decimal_symbol, self.source.group_symbol

    @cached_property
    def target_symbols(self) -> tuple[str, str]:
        return self.target.decimal_symbol, self.target.group_symbol

    def catalog(self, template: Catalog, catalog: Catalog, lines: dict[Key, int] | None = None,
                path: str | None = None) -> list[Finding]:
        """Findings for every reviewed entry of the catalog at `path`; `lines` gives each entry's line in
        the file as written."""
        found = catalog.by_key()
        findings: list[Finding] = []
        for t in template.messages:
            m = found.get(t.key)
            if m is not None and m.reviewed and m.msgid_plural is None:
                findings += self.entry(m, (lines or {}).get(m.key) or m.line)
        return [replace(f, path=path) for f in findings] if path is not None else findings

    def entry(self, m: Message, line: int | None = None) -> list[Finding]:
        at = m.line if line is None else line
        issues = self._issues(m.msgctxt, m.msgid, m.msgstr, m.msgid_plural, m.msgstr_plural, m.translator_comments)
        out = [Finding(name, message, at, CHECKS[name].blocking, sub) for name, sub, message in issues]
        return accept(out, m.translator_comments)

    def _check(self, msgctxt: str | None, msgid: str, msgstr: str, msgid_plural: str | None,
               msgstr_plural: tuple[str, ...], comments: tuple[str, ...]) -> Issues:
        """(check, sub-check, message) of every issue of an entry with these texts and translator
        comments: all the checks see of it (so an entry's findings are a function of them)."""
        m = Message(msgid, msgstr, msgctxt, msgid_plural, msgstr_plural, translator_comments=comments)
        return tuple((name, sub, message) for name, check in self.checks.items() for sub, message in check(m))

    def pivot(self, m: Message) -> Iterator[Issue]:
        """Apertium reaches French, Portuguese and Italian by way of Spanish; a word the second pair
        did not know stays Spanish (``iv-ketamine-infusión``). The draft's provenance comment names
        such words; a reviewed text that still has one is worth a second look."""
        for word in pivot_leftovers(m):
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", m.msgstr, flags=re.IGNORECASE):
                yield None, (f"{word!r} was left untranslated by machine translation through a pivot language"
                             f" ({machine_origin(m)}): is it {self.target.english_name}?")

    # ---------------------------------------------------------------------------- blocking checks

    def numbers(self, m: Message) -> Iterator[Issue]:
        """Same values with the same units or currencies; within each unit, in the same order."""
        if m.msgctxt == URL_SLUG:
            return
        wanted = quantities(m.msgid, *self.source_symbols)
        offered = [self._read(q) for q in quantities(m.msgstr, *self.target_symbols)]
        missing, extra = _unmatched(wanted, offered)
        yield from self._explain(missing, extra)
        if not missing and not extra:
            yield from _order(wanted, offered)
        for sign in COMPARISONS:
            if m.msgid.count(sign) > m.msgstr.count(sign):
                yield None, f"{sign!r} of the source is missing"

    def _read(self, q: Quantity) -> Quantity:
        """A figure the target locale cannot read (English `2.5` in Spanish) is read as the source writes it."""
        return q if q.value is not None else replace(q, value=read_number(q.raw, *self.source_symbols))

    def _explain(self, missing: list[Quantity], extra: list[Quantity]) -> Iterator[Issue]:
        for q in missing:
            same_value = next((t for t in extra if t.value == q.value), None)
            misread = next((t for t in extra if t.unit == q.unit and
                            read_number(t.raw, *self.source_symbols) == q.value), None)
            if same_value is not None:
                extra.remove(same_value)
                yield "unit", (f"{_show(q)} became {_show(same_value)}: the unit must stay"
                               f" {q.unit or 'none'!r}")
            elif misread is not None:
                extra.remove(misread)
                decimal, group = self.target_symbols
                yield "separator", (f"{misread.raw!r} reads as {_number(misread.value)} in {self.target.gettext}"
                                    f" ({decimal!r} is its decimal separator, {group!r} groups thousands);"
                                    f" the source means {_number(q.value)}")
            else:
                yield None, f"number {_show(q)} of the source is missing or changed"
        for t in extra:
            yield None, f"number {_show(t)} is not in the source"

    def protected_text(self, m: Message) -> Iterator[Issue]:
        # The alternation of the contact patterns and do-not-translate terms, less those that cannot
        # match in this text (the same matches: see contact_patterns).
        parts = (*contact_patterns(m.msgid), *(pattern for word, pattern in self.words if word in m.msgid))
        if not parts:
            return
        for span in dict.fromkeys(alternation(parts).findall(m.msgid)):
            if m.msgstr.count(span) < m.msgid.count(span):
                yield None, f"{span!r} must appear unchanged"

    def terms(self, m: Message) -> Iterator[Issue]:
        """Each occurrence of a termbase term (outside URLs and addresses) has its rendering."""
        source, text = without_contacts(m.msgid), without_contacts(m.msgstr)
        for term in self.glossary:
            wanted = len(_words_of(term.source, source))
            if wanted and len(_words_of(term.target, text)) < wanted:
                yield None, f"{term.source!r} must be rendered {term.target!r} (glossary line {term.line})"

    # ---------------------------------------------------------------------------------- warnings

    def markup(self, m: Message) -> Iterator[Issue]:
        extra = sorted(set(TAG.findall(m.msgstr)) - set(TAG.findall(m.msgid)))
        if extra:
            yield None, f"markup not in the source: {', '.join(extra)} (shown as text)"

    def length(self, m: Message) -> Iterator[Issue]:
        if m.msgctxt not in ("meta title", "meta description"):
            return  # the only entries with a length rule (counting columns costs a lookup per character)
        width = _width(m.msgstr)
        if m.msgctxt == META_TITLE and width > 60:
            yield None, f"meta title is {width} columns; search results show about 60"
        if m.msgctxt == META_DESCRIPTION and not 70 <= width <= 160:
            yield None, f"meta description is {width} columns; aim for 70–160"

    def whitespace(self, m: Message) -> Iterator[Issue]:
        source, text = m.msgid, m.msgstr
        if (source[:1].isspace(), source[-1:].isspace()) != (text[:1].isspace(), text[-1:].isspace()):
            yield None, "leading or trailing whitespace differs from the source"
        if "  " in text and "  " not in source:
            yield None, "double space"

    def punctuation(self, m: Message) -> Iterator[Issue]:
        end = m.msgid.rstrip()[-1:]
        last = m.msgstr.rstrip().rstrip(CLOSERS)[-1:]
        if end in ENDINGS and m.msgctxt != URL_SLUG and last not in ENDINGS[end]:
            yield None, f"the source ends with {end!r}, the translation does not"

    def repeated_word(self, m: Message) -> Iterator[Issue]:
        doubled = REPEATED.findall(m.msgstr)
        if not doubled:  # most translations: the source need not be searched
            return
        repeated = {w.lower() for w in doubled} - {w.lower() for w in REPEATED.findall(m.msgid)}
        if repeated:
            yield None, f"repeated word: {', '.join(sorted(repeated))}"


def accept(findings: list[Finding], comments: tuple[str, ...]) -> list[Finding]:
    """Apply the entry's `qa-accept: <check>[-<sub>] <reason>` comments: each accepts the findings it
    names (they stay listed, with the reason, and no longer block). A comment without a reason, or
    that matches nothing, is a warning of its own."""
    line = findings[0].line if findings else 0
    result = list(findings)
    notes: list[Finding] = []
    for comment in comments:
        match = ACCEPT.match(comment.strip())
        if match is None:
            continue
        code, reason = match.group("code"), match.group("reason").strip()
        hits = [i for i, f in enumerate(result) if code in (f.check, f.code) and f.accepted is None]
        if not reason:
            notes.append(Finding("qa-accept", f"'qa-accept: {code}' needs a reason after the check's name", line,
                                 False))
            continue
        if not hits:
            notes.append(Finding("qa-accept", f"'qa-accept: {code}' matches no finding on this entry (remove it)",
                                 line, False))
        for i in hits:
            result[i] = replace(result[i], accepted=reason, blocking=False)
    return result + notes


def _unmatched(wanted: list[Quantity], offered: list[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """The source's quantities no figure of the translation matches, and the translation's left over.
    A word unit (hours) the translation spells in a way the table does not know matches a bare figure."""
    extra = list(offered)
    missing = []
    for q in wanted:
        match = next((t for t in extra if t.value == q.value and t.unit == q.unit), None) or \
            next((t for t in extra if t.value == q.value and q.word_unit and not t.unit), None)
        if match is None:
            missing.append(q)
        else:
            extra.remove(match)
    return missing, extra


def _order(wanted: list[Quantity], offered: list[Quantity]) -> Iterator[Issue]:
    """Within each unit, figures keep their order: a swap detaches a dose from its price or frequency."""
    for unit in dict.fromkeys(q.unit for q in wanted):
        source = [q.value for q in wanted if q.unit == unit]
        target = [q.value for q in offered if q.unit == unit or (not q.unit and q.value in source)][:len(source)]
        if len(target) == len(source) and target != source:
            shown = ", ".join(_number(v) for v in source)
            yield "order", (f"{unit or 'bare'} figures are in another order ({shown} in the source,"
                            f" {', '.join(_number(v) for v in target)} here): each must stay with the dose, price"
                            " or frequency it belongs to")


def _words_of(term: str, text: str) -> list[str]:
    return re.findall(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else f"{value:g}"


def _show(q: Quantity) -> str:
    """`24`, `0.5 mg`, `690 GBP`, `24 hours`."""
    plural = "s" if q.word_unit and q.value != 1 else ""
    return f"{_number(q.value)} {q.unit}{plural}".rstrip()
