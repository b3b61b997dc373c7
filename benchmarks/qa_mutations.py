"""How much clinical damage does QA catch? Seeded mutations of reviewed reference translations.

    python benchmarks/qa_mutations.py [--seed N]

The references (tests/data/qa-references/<locale>/) are human translations of the seed page
(source/iv-ketamine-infusion.txt) into Spanish and French, plus `clinical-figures.po`: fifteen
sentences of doses, prices, frequencies, ranges, vital-sign limits and contacts in the clinic's
style, because the seed page itself holds one figure ("24 hours"). Each mutation changes one
reviewed entry the way a careless edit or a bad draft would; it is caught when QA reports a
blocking finding on that entry. Prints the catch rate per kind and the findings on the clean
references (false positives); exits 1 unless every numeric, unit and contact kind is caught
100 % and the references have no finding at all.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_settings  # noqa: E402
from pipeline.po.catalog import Message  # noqa: E402
from pipeline.po.pofile import read_po  # noqa: E402
from pipeline.quantities import EMAIL, PHONE, QUANTITY, URL  # noqa: E402
from pipeline.review.qa import Checker, read_glossary  # noqa: E402

REFERENCES = ROOT / "tests" / "data" / "qa-references"
MUST_CATCH_ALL = ("digit change", "decimal shift", "unit swap", "pair swap", "dropped quantity",
                  "altered contact", "thousands separator")
UNIT_SWAPS = {"mg": ("µg", "g", "mcg"), "µg": ("mg",), "mcg": ("mg",), "g": ("mg", "kg"), "kg": ("g",),
              "ml": ("L",), "mL": ("L",), "L": ("ml",), "mm": ("cm",), "cm": ("mm", "m")}
TRANSLATED_TERMS = {"IV": ("intravenosa", "iv", "I.V."), "CBT": ("TCC",), "ACT": ("TAC",), "GP": ("médico",),
                    "ECG": ("EKG", "electrocardiograma"), "NHS": ("SNS",)}


@dataclass(frozen=True, slots=True)
class Mutation:
    kind: str
    entry: Message  # the mutated entry
    note: str


Mutator = Callable[[Message, random.Random], Iterator[Mutation]]


def _figures(text: str) -> list[re.Match[str]]:
    """Quantities of a translation outside contacts (phone digits are the contact kind's)."""
    contacts = [m.span() for m in re.finditer("|".join([URL, EMAIL, PHONE]), text)]
    return [q for q in re.finditer(QUANTITY, text) if not any(a <= q.start() < b for a, b in contacts)]


def _with(m: Message, text: str, kind: str, note: str) -> Mutation:
    return Mutation(kind, replace(m, msgstr=text), note)


def _ends(m: Message) -> Iterator[tuple[int, int]]:
    """Where each figure (each end of a range) is written."""
    for q in _figures(m.msgstr):
        yield from (q.span(part) for part in ("first", "second") if q.group(part))


def digit_change(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for start, end in _ends(m):
        for i in range(start, end):
            if m.msgstr[i].isdigit():
                digit = rng.choice([d for d in "0123456789" if d != m.msgstr[i]])
                yield _with(m, m.msgstr[:i] + digit + m.msgstr[i + 1:], "digit change",
                            f"{m.msgstr[start:end]!r}: {digit}")


def decimal_shift(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for start, end in _ends(m):
        raw = m.msgstr[start:end]
        if not raw[0].isdigit():
            continue
        shifted = re.sub(r"[.,](\d)$", r"\1", raw) if re.search(r"[.,]\d$", raw) else raw + "0"
        yield _with(m, m.msgstr[:start] + shifted + m.msgstr[end:], "decimal shift", f"{raw} -> {shifted}")


def unit_swap(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for q in _figures(m.msgstr):
        for group in ("mid", "post"):
            unit = q.group(group)
            for other in UNIT_SWAPS.get(unit or "", ()):
                text = m.msgstr[:q.start(group)] + other + m.msgstr[q.end(group):]
                yield _with(m, text, "unit swap", f"{q.group(0)!r}: {unit} -> {other}")


def pair_swap(m: Message, rng: random.Random) -> Iterator[Mutation]:
    """Two figures of the same unit trade places: dose-price, dose-frequency, range ends."""
    figures = _figures(m.msgstr)
    spans = [(q.group("pre") or q.group("mid") or q.group("post") or "", q.span("first"), q.group("first"))
             for q in figures]
    spans += [(q.group("post") or q.group("mid") or "", q.span("second"), q.group("second"))
              for q in figures if q.group("second")]
    spans.sort(key=lambda s: s[1])
    for i, (unit, (a0, a1), a) in enumerate(spans):
        for unit2, (b0, b1), b in spans[i + 1:]:
            if unit2 == unit and a != b:
                text = m.msgstr[:a0] + b + m.msgstr[a1:b0] + a + m.msgstr[b1:]
                yield _with(m, text, "pair swap", f"{a} <-> {b} ({unit or 'bare'})")


def dropped_quantity(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for q in _figures(m.msgstr):
        text = m.msgstr[:q.start()] + m.msgstr[q.end():]
        yield _with(m, re.sub(r"\s{2,}", " ", text), "dropped quantity", f"{q.group(0)!r} removed")


def altered_contact(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for c in re.finditer("|".join([URL, EMAIL, PHONE]), m.msgstr):
        positions = [i for i in range(c.start(), c.end()) if m.msgstr[i].isalnum()]
        for i in rng.sample(positions, min(6, len(positions))):
            old = m.msgstr[i]
            new = rng.choice([d for d in "0123456789" if d != old]) if old.isdigit() else \
                rng.choice([x for x in "aeiklnorst" if x != old.lower()])
            yield _with(m, m.msgstr[:i] + new + m.msgstr[i + 1:], "altered contact", f"{c.group(0)!r}: {old}->{new}")


def translated_term(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for term, renderings in TRANSLATED_TERMS.items():
        for found in re.finditer(rf"(?<![\w-]){term}(?![\w-])", m.msgstr):
            for other in renderings:
                text = m.msgstr[:found.start()] + other + m.msgstr[found.end():]
                yield _with(m, text, "do-not-translate term", f"{term} -> {other}")


def glossary_violation(m: Message, rng: random.Random) -> Iterator[Mutation]:
    for found in re.finditer(r"(?i)(?<!\w)ketamina(?!\w)", m.msgstr):
        other = rng.choice(["ketamine", "quetamina", "cetamina"])
        text = m.msgstr[:found.start()] + other + m.msgstr[found.end():]
        yield _with(m, text, "glossary", f"ketamina -> {other}")


def thousands_separator(m: Message, rng: random.Random) -> Iterator[Mutation]:
    """A figure of 1,000 or more written the English way ('4,500'), which reads as 4.5 in es and fr."""
    for q in _figures(m.msgstr):
        for part in ("first", "second"):
            raw = q.group(part) or ""
            digits = re.sub(r"\D", "", raw)
            if len(digits) >= 4 and not re.search(r"[.,]\d{1,2}$", raw):
                english = f"{int(digits):,}"
                text = m.msgstr[:q.start(part)] + english + m.msgstr[q.end(part):]
                yield _with(m, text, "thousands separator", f"{raw} -> {english}")


MUTATORS: tuple[Mutator, ...] = (digit_change, decimal_shift, unit_swap, pair_swap, dropped_quantity,
                                 altered_contact, translated_term, glossary_violation, thousands_separator)


def references() -> Iterator[tuple[str, Path, Message]]:
    for path in sorted(REFERENCES.glob("*/*.po")):
        catalog = read_po(path.read_bytes(), str(path))
        for m in catalog.live:
            yield path.parent.name, path, m


def checkers() -> dict[str, Checker]:
    settings = load_settings(ROOT / "config" / "config.yaml")
    result = {}
    for folder in sorted(p.name for p in REFERENCES.iterdir()):
        path = ROOT / "config" / "glossary" / f"{folder}.csv"
        glossary = read_glossary(path.read_bytes(), f"{folder}.csv") if path.is_file() else ()
        result[folder] = Checker(settings.source_locale, settings.locale(folder), glossary, settings.do_not_translate)
    return result


def clean_findings() -> list[str]:
    """Every finding (blocking or not) on the clean references: each is a false positive."""
    check = checkers()
    return [f.render(str(path.relative_to(ROOT))) for locale, path, m in references()
            for f in check[locale].entry(m)]


def run(seed: int) -> tuple[dict[str, tuple[int, int]], list[str], list[str]]:
    rng = random.Random(seed)
    check = checkers()
    tally: dict[str, list[int]] = {}
    missed: list[str] = []
    for locale, _path, m in references():
        if m.msgctxt == "URL slug":
            continue
        for mutator in MUTATORS:
            for mutation in mutator(m, rng):
                if mutation.entry.msgstr == m.msgstr:
                    continue
                caught = any(f.blocking for f in check[locale].entry(mutation.entry))
                counts = tally.setdefault(mutation.kind, [0, 0])
                counts[0] += caught
                counts[1] += 1
                if not caught:
                    missed.append(f"{locale} {mutation.kind}: {mutation.note}: {mutation.entry.msgstr[:90]!r}")
    return {k: (v[0], v[1]) for k, v in tally.items()}, missed, clean_findings()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--show-missed", action="store_true")
    args = parser.parse_args()
    tally, missed, false_positives = run(args.seed)
    total = sum(n for _, n in tally.values())
    print("| mutation kind | mutations | caught | catch rate |\n| --- | --- | --- | --- |")
    for kind, (caught, n) in sorted(tally.items()):
        print(f"| {kind} | {n} | {caught} | {100 * caught / n:.1f} % |")
    caught_all = sum(c for c, _ in tally.values())
    print(f"| **all** | **{total}** | **{caught_all}** | **{100 * caught_all / total:.1f} %** |")
    print(f"\nfalse positives on the clean references ({sum(1 for _ in references())} entries, es and fr):"
          f" {len(false_positives)}")
    for line in false_positives + (missed if args.show_missed else []):
        print("  " + line)
    ok = not false_positives and total >= 500 and all(tally[k][0] == tally[k][1] for k in MUST_CATCH_ALL if k in tally)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
