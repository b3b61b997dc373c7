"""Pseudo-translations for benchmark catalogs: every entry translated in the locale's script
(accented Latin, Arabic, CJK), with what QA checks kept as it is (numbers with their units, phone
numbers, e-mail addresses, URLs, do-not-translate terms, time words), so the pages publish.

    fill_catalogs(root, locales, share=1.0)   every catalog under root/locales, reviewed (not fuzzy)
    fill_catalogs(root, locales, share=0.8)   80 % of entries per page reviewed, the rest left empty
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from pipeline.drafts.masks import mask, protected_pattern
from pipeline.po.catalog import Catalog
from pipeline.po.pofile import format_po, read_po
from pipeline.quantities import WORD_UNITS

PATTERN = protected_pattern(["IV", "CBT", "ACT", "ECG", "GP", "NHS"])
KEEP = {spelling for spellings in WORD_UNITS.values() for spelling in spellings}
WORD = re.compile(r"[A-Za-z]+")
ACCENTS = str.maketrans("aeiounycAEIOUNYC", "áéíóúñýçÁÉÍÓÚÑÝÇ")
ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنه", strict=False))
SCRIPTS = {"ar": "arabic", "ja": "cjk", "zh": "cjk", "zh_CN": "cjk", "ko": "cjk"}


def pseudo(text: str, locale: str, variant: int = 0) -> str:
    """`text` in the locale's script; `variant` gives another translation of the same text (a later delivery)."""
    masked = mask(text, PATTERN)
    script = SCRIPTS.get(locale, "latin")
    out = WORD.sub(lambda m: _word(m.group(0), script, variant), masked.text.replace("ZXQ", "\0").replace("QXZ", "\1"))
    out = out.replace("\0", "ZXQ").replace("\1", "QXZ")
    if script == "cjk":
        out = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", out)
    restored = masked.restore(out)
    assert restored is not None, text
    return restored


def _word(word: str, script: str, variant: int) -> str:
    if word in KEEP or word.isupper():
        return word
    if script == "arabic":
        return "".join(ARABIC.get(c, c) for c in word.lower()) + ("ـ" * variant)
    if script == "cjk":
        digest = hashlib.blake2b(f"{word.lower()}{variant}".encode(), digest_size=4).digest()
        return "".join(chr(0x4E00 + (b * 37 + i * 101) % 0x5000) for i, b in enumerate(digest[:max(1, len(word) // 3)]))
    return word.translate(ACCENTS) + ("ë" * variant)


def _chosen(page: str, msgid: str, share: float) -> bool:
    digest = hashlib.blake2b(f"{page}\0{msgid}".encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") < share * 65536


def translated(catalog: Catalog, page: str, locale: str, share: float = 1.0, variant: int = 0) -> Catalog:
    messages = []
    for m in catalog.messages:
        if m.obsolete or m.msgid_plural is not None or not _chosen(page, m.msgid, share):
            messages.append(m)
            continue
        if m.msgctxt == "URL slug":
            text = f"{m.msgid}-{locale.lower().replace('_', '-')}"
        else:
            text = pseudo(m.msgid, locale, variant)
        messages.append(replace(m.with_fuzzy(False), msgstr=text, previous_msgid=None, previous_msgctxt=None))
    return replace(catalog, messages=tuple(messages))


def fill_catalogs(root: Path, locales: list[str], share: float = 1.0, variant: int = 0) -> int:
    """Rewrite every catalog of `locales` under root with pseudo-translations; returns how many."""
    count = 0
    for locale in locales:
        for po in sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")):
            catalog = read_po(po.read_bytes(), str(po))
            text, _ = format_po(translated(catalog, po.stem, locale, share, variant))
            po.write_bytes(text.encode("utf-8"))
            count += 1
    return count


