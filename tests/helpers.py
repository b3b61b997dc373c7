"""Test helpers that play the translator: fill and review catalogs the way Poedit would save them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.pofile import read_po, write_po

GLOSSARY = {"es": (("ketamine", "ketamina"), ("Ketamine", "Ketamina"))}


def review_all(po: Path, slug: str, prefix: str = "ES") -> None:
    """Translate every entry (as '<prefix> <English>', with the locale's glossary terms) and mark it
    reviewed (no fuzzy flag)."""
    catalog = read_po(po.read_bytes(), str(po))
    messages = []
    for m in catalog.messages:
        if m.obsolete:
            messages.append(m)
            continue
        text = slug if m.msgctxt == "URL slug" else f"{prefix} {m.msgid}"
        for term, rendering in GLOSSARY.get(prefix.lower(), ()):
            text = text.replace(term, rendering)
        messages.append(replace(m.with_fuzzy(False), msgstr=text, previous_msgid=None, previous_msgctxt=None))
    po.write_text(write_po(replace(catalog, messages=tuple(messages))), encoding="utf-8")


def set_fuzzy(po: Path, msgid_start: str, fuzzy: bool = True) -> None:
    catalog = read_po(po.read_bytes(), str(po))
    messages = tuple(m.with_fuzzy(fuzzy) if m.msgid.startswith(msgid_start) else m for m in catalog.messages)
    po.write_text(write_po(replace(catalog, messages=messages)), encoding="utf-8")
