"""The one table of numbers, units, currencies and protected text (phone numbers, e-mail addresses,
URLs). Masking for machine translation (protect.py) and clinical QA (qa.py) both read it, so what
one protects the other checks: `2 L` -> `2 mL` cannot slip between two unit lists.

A quantity is a value, the unit or currency attached to it (canonical spelling) and its place in
the text. Values are read with a locale's decimal and group symbols (Babel, via SiteLocale):
`0,5` is 0.5 in `es`, `4,500` is 4.5 there, while in English it is 4500.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from pipeline.values import immutable

# Canonical unit -> its spellings in the source and the target locales. Symbol units travel with
# their number inside a machine-translation mask; word units (time) are the engine's to translate.
SYMBOL_UNITS: dict[str, tuple[str, ...]] = {
    "mg": ("mg",),
    "mcg": ("mcg", "µg", "μg"),
    "g": ("g",),
    "kg": ("kg",),
    "mL": ("mL", "ml"),
    "L": ("L", "l"),
    "mmol": ("mmol",),
    "mol": ("mol",),
    "mmHg": ("mmHg", "mm Hg"),
    "mm": ("mm",),
    "cm": ("cm",),
    "m": ("m",),
    "IU": ("IU", "UI", "IE", "j.m."),
    "units": ("units", "unit", "unidades", "unidad", "unités", "unité", "Einheiten", "Einheit", "unità",
              "jednostek", "jednostki", "jednostka"),
    "%": ("%",),
    "°C": ("°C", "ºC", "° C"),
    "°F": ("°F", "ºF"),
    "bpm": ("bpm", "lpm"),
}
WORD_UNITS: dict[str, tuple[str, ...]] = {
    "hour": ("hours", "hour", "hrs", "h", "horas", "hora", "heures", "heure", "Stunden", "Stunde", "Std.", "ore",
             "ora", "godzin", "godziny", "godzina", "godz.", "ساعات", "ساعة"),
    "minute": ("minutes", "minute", "mins", "min", "minutos", "minuto", "Minuten", "Minute", "minuti", "minut",
               "minuty", "دقائق", "دقيقة"),
    "day": ("days", "day", "días", "día", "jours", "jour", "Tagen", "Tage", "Tag", "giorni", "giorno", "dias", "dia",
            "dni", "dzień", "أيام", "يوم"),
    "week": ("weeks", "week", "semanas", "semana", "semaines", "semaine", "Wochen", "Woche", "settimane",
             "settimana", "tygodni", "tygodnie", "tydzień", "أسابيع", "أسبوع"),
    "month": ("months", "month", "meses", "mes", "mês", "mois", "Monaten", "Monate", "Monat", "mesi", "mese",
              "miesięcy", "miesiące", "miesiąc", "أشهر", "شهر"),
    "year": ("years", "year", "años", "año", "anos", "ano", "années", "année", "ans", "an", "Jahren", "Jahre", "Jahr",
             "anni", "anno", "lat", "lata", "rok", "سنوات", "سنة"),
}
PER: dict[str, tuple[str, ...]] = {  # what a unit can be per: mg/kg, µg/L, mL/h
    "kg": ("kg",), "L": ("L", "l"), "mL": ("mL", "ml"), "m²": ("m²", "m2"), "h": ("h",), "min": ("min",),
    "day": ("day", "día", "dia", "jour", "j", "Tag", "giorno", "dzień", "d"),
}
CURRENCIES: dict[str, tuple[str, ...]] = {"GBP": ("£", "GBP"), "EUR": ("€", "EUR"), "USD": ("US$", "$", "USD")}
FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
COMPARISONS = "≥≤±"

URL = r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A phone number starts with + (country code) or 0 (trunk prefix), so `10-20 mg` and `30 000` are not one.
# (The lookahead says so first, which spares the look-behind at every other position: 4.1 -> 3.1 µs a sentence.)
PHONE = r"(?=[+0])(?<![\w.,])(?:\+\d{1,3}[\s-]?(?:\(0\)\s?)?\d{1,5}|0\d{1,4})(?:[\s-]\d{2,6}){1,3}(?!\w|[.,]\d)"


def _alternation(spellings: Iterable[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(set(spellings), key=len, reverse=True))


def _spelling_index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {spelling: canonical for canonical, spellings in table.items() for spelling in spellings}


_UNIT_OF = {**_spelling_index(WORD_UNITS), **_spelling_index(SYMBOL_UNITS)}
_PER_OF = _spelling_index(PER)
_CURRENCY_OF = _spelling_index(CURRENCIES)
SYMBOL = (rf"(?:{_alternation(s for u in SYMBOL_UNITS.values() for s in u)})"
          rf"(?:/(?:{_alternation(s for p in PER.values() for s in p)}))?")
CURRENCY = _alternation(s for c in CURRENCIES.values() for s in c)
# For masking: a number with its currency and symbol unit (a word unit stays outside the mask).
MASK_NUMBER = (rf"(?:(?:{CURRENCY})\s?)?(?<![\w])\d+(?:[.,]\d+)*(?:\s?(?:–|-|to)\s?\d+(?:[.,]\d+)*)?"
               rf"(?:\s?(?:{SYMBOL})(?![\w]))?|[{''.join(FRACTIONS)}]|[≥≤<>]\s?\d+(?:[.,]\d+)*")

_DIGITS = r"\d+(?:(?:[.,'’٫٬]|[\u00a0\u202f ](?=\d{3}(?!\d)))\d+)*"
_NUMBER = rf"(?:{_DIGITS}|[{''.join(FRACTIONS)}])"
_RANGE = r"–|—|-|to|a|à|al|au|bis|do|até|and|or|y|o|et|ou|und|oder|e"
_ANY_UNIT = (rf"(?:{_alternation(_UNIT_OF)})(?:/(?:{_alternation(_PER_OF)}))?")
_SPACE = r"[\s\u00a0\u202f]?"
# The lookahead only says what a quantity starts with (a currency's first character or a figure): it
# changes no match, and lets the engine skip every other position at once (3× faster on sentences).
_STARTS = "".join(sorted({s[0] for spellings in CURRENCIES.values() for s in spellings}))
QUANTITY = (
    rf"(?=[{re.escape(_STARTS)}\d{''.join(FRACTIONS)}])"
    rf"(?:(?P<pre>{CURRENCY}){_SPACE})?(?<![\w.,])(?P<first>{_NUMBER})"
    rf"(?:{_SPACE}(?P<mid>{CURRENCY}|{_ANY_UNIT})(?![\w]))?"
    rf"(?:{_SPACE}(?:{_RANGE}){_SPACE}(?P<second>{_NUMBER}))?"
    rf"(?:{_SPACE}(?P<post>{CURRENCY}|{_ANY_UNIT})(?![\w]))?")


@cache
def _quantity_pattern() -> re.Pattern[str]:
    """QUANTITY, compiled when a process first reads quantities (8 ms: not in the jobs that never do)."""
    return re.compile(QUANTITY)


_FIGURE = re.compile(rf"[\d{''.join(FRACTIONS)}]")  # what every number and phone number holds


@immutable
class Quantity:
    raw: str  # the figure as written: '4,500'
    value: float | None  # read with the locale's symbols; None when it is not a number there
    unit: str  # canonical unit or currency ('mg', 'GBP'); '' for a bare number
    start: int

    @property
    def word_unit(self) -> bool:
        return self.unit in WORD_UNITS


def read_number(raw: str, decimal: str, group: str) -> float | None:
    """`raw` as a number written with these symbols, or None when it is not one ('4.5.6', '4,50' in en)."""
    if raw in FRACTIONS:
        return FRACTIONS[raw]
    match = _number_pattern(decimal, group).fullmatch(raw if raw.isascii() else _ascii_digits(raw))
    if match is None:
        return None
    whole = _NOT_DIGIT.sub("", match.group(1))
    return float(f"{whole}.{match.group(2)}" if match.group(2) else whole)


_NOT_DIGIT = re.compile(r"\D")


@cache
def _number_pattern(decimal: str, group: str) -> re.Pattern[str]:
    """A number written with these symbols: digits grouped by threes, or not, then decimals."""
    g = "|".join(re.escape(s) for s in sorted({group, "\u00a0", "\u202f", " "}))  # any space groups digits too
    return re.compile(rf"(\d{{1,3}}(?:(?:{g})\d{{3}})+|\d+)(?:{re.escape(decimal)}(\d+))?")


def contact_patterns(text: str) -> tuple[str, ...]:
    """Of URL, EMAIL and PHONE (in that order), the patterns that can match somewhere in `text`: a URL
    needs "http" or "www.", an address "@", a phone number a digit. Leaving out one that cannot match
    changes no match of their alternation and saves its scan (the address pattern backtracks on every
    word): most sentences need none of them."""
    return tuple(part for part, present in ((URL, "http" in text or "www." in text), (EMAIL, "@" in text),
                                            (PHONE, _FIGURE.search(text) is not None)) if present)


@lru_cache(maxsize=256)
def alternation(parts: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled pattern matching any of `parts`, tried in their order at each position."""
    return re.compile("|".join(parts))


def quantities(text: str, decimal: str, group: str) -> list[Quantity]:
    """Every quantity of `text` in order (contacts left out: they are protected text, not numbers).
    A range's first end takes the unit of the second: `2–3 mg` is 2 mg and 3 mg."""
    if _FIGURE.search(text) is None:  # every quantity has a figure: most sentences have none
        return []
    return list(_quantities(text, decimal, group))


# A source text is read once per locale, and QA reads every entry of every catalog (each distinct one
# once a run: see Checker.remember). 8,192 texts with figures: 65,536 held ~25 MB in a 1,000-page update job.
@lru_cache(maxsize=1 << 13)
def _quantities(text: str, decimal: str, group: str) -> tuple[Quantity, ...]:
    plain = without_contacts(text)
    found = []
    for match in _quantity_pattern().finditer(plain):
        pre, mid, post = (match.group(g) or "" for g in ("pre", "mid", "post"))
        for part, unit in (("first", pre or mid or post), ("second", post or mid or pre)):
            raw = match.group(part)
            if raw is not None:
                found.append(Quantity(raw, read_number(raw, decimal, group), _unit(unit), match.start(part)))
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def without_contacts(text: str) -> str:
    """`text` with its phone numbers, e-mail addresses and URLs blanked out (same length)."""
    parts = contact_patterns(text)
    if not parts:
        return text
    return alternation(parts).sub(lambda m: " " * len(m.group(0)), text)


def _unit(spelling: str) -> str:
    if spelling in _CURRENCY_OF:
        return _CURRENCY_OF[spelling]
    if not spelling:
        return ""
    base, _, per = spelling.partition("/")
    unit = _UNIT_OF[base]
    return f"{unit}/{_PER_OF[per]}" if per else unit


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)
