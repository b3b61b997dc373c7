"""Text that must not change in translation: numbers with unit symbols, phone numbers, e-mail
addresses, URLs and do-not-translate terms. Masked before machine translation, restored after.

Word units (hours, days) are left to the engine, which translates them ("24 hours" -> "24 horas");
unit symbols (mg, ml, µg/L, %, °C, £) travel with their number inside the mask. The patterns are
the table in quantities.py, which QA reads too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.quantities import EMAIL, MASK_NUMBER, PHONE, URL


@dataclass(frozen=True, slots=True)
class Masked:
    text: str  # what the engine sees
    spans: tuple[str, ...]  # the protected originals, by placeholder number

    def restore(self, translated: str) -> str | None:
        """The translation with every placeholder put back, or None if one was lost or duplicated."""
        result = translated
        for i, original in enumerate(self.spans):
            token = placeholder(i)
            if result.count(token) != 1:
                return None
            result = result.replace(token, original)
        if PLACEHOLDER.search(result):
            return None
        return result


def placeholder(i: int) -> str:
    return f"ZXQ{i}QXZ"  # an unknown word to every engine; survives tokenisers and transfer


PLACEHOLDER = re.compile(r"ZXQ\d+QXZ")


def protected_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    dnt = [rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in words]
    return re.compile("|".join([URL, EMAIL, PHONE, *dnt, MASK_NUMBER]))


def protected_spans(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text) if m.group(0).strip()]


def mask(text: str, pattern: re.Pattern[str]) -> Masked:
    spans: list[str] = []

    def swap(match: re.Match[str]) -> str:
        if not match.group(0).strip():
            return match.group(0)
        spans.append(match.group(0))
        return placeholder(len(spans) - 1)

    return Masked(pattern.sub(swap, text), tuple(spans))
