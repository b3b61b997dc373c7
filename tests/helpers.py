"""Test helpers that play the translator: fill and review catalogs the way Poedit would save them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.po.pofile import read_po, write_po

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


def png_colours(path: Path) -> set[tuple[int, int, int]]:
    """The RGB colours of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are).

    A reader this small keeps an imaging library out of the environment: Snakemake's report module
    imports Pillow whenever it is installed, which every `snakemake` start would pay for."""
    import struct
    import zlib

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and not interlace, f"{path}: unsupported PNG layout"
    step = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * step
    previous, colours = bytearray(stride), set()
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[i] = (line[i] + near[2]) & 0xFF
        colours.update(zip(line[0::step], line[1::step], line[2::step], strict=True))
        previous = line
    return colours


def is_treatment_page(path: Path) -> bool:
    """A treatment page (a MedicalWebPage about a MedicalTherapy), not a home, index or chooser page."""
    return '"@type":"MedicalTherapy"' in path.read_text("utf-8")


def treatment_pages(site: Path) -> list[Path]:
    """The treatment pages under output/site/ (<lang>/<slug>/index.html)."""
    return sorted(p for p in site.glob("*/*/index.html") if is_treatment_page(p))


def sitemap_urls(site: Path) -> set[str]:
    """The sitemap's URLs (decoded) but those of the site's home and index pages: every treatment page
    it lists, and any URL that names no file (a page it should not list any more)."""
    import re
    from urllib.parse import unquote, urlsplit

    text = (site / "sitemap.xml").read_text("utf-8")
    urls = {unquote(loc) for loc in re.findall(r"<loc>(.*?)</loc>", text, re.S)}
    files = {url: site / unquote(urlsplit(url).path).lstrip("/") / "index.html" for url in urls}
    return {url for url, file in files.items() if not file.is_file() or is_treatment_page(file)}
