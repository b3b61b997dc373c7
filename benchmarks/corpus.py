"""Benchmark corpora: N treatment pages in the copy-deck format, made from the seed page.

Each page swaps in a treatment and a condition and weaves its number into every sentence, so most
segments are unique per page while headings repeat across pages (as on a real site).
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "iv-ketamine-infusion.txt"
TREATMENTS = ["ketamine", "lidocaine", "magnesium", "vitamin C", "iron", "NAD", "esketamine", "clonidine"]
CONDITIONS = ["Chronic Depression", "Neuropathic Pain", "Fibromyalgia", "Migraine", "Long Covid", "Anxiety"]


def page_text(seed: str, i: int) -> str:
    drug, condition = TREATMENTS[i % len(TREATMENTS)], CONDITIONS[i % len(CONDITIONS)]
    lines = []
    for line in seed.splitlines():
        line = line.replace("Ketamine", drug.capitalize()).replace("ketamine", drug)
        line = line.replace("Chronic Depression", condition).replace("chronic depression", condition.lower())
        if line.startswith("URL Slug:"):
            line = f"URL Slug: iv-{drug.replace(' ', '-').lower()}-infusion-{i}"
        elif line.startswith(("Page Title:", "Meta Title:")):
            line = f"{line} {i}"
        elif line.endswith(".") and " > " not in line:
            line = f"{line[:-1]} (ref {i})."
        lines.append(line)
    return "\n".join(lines) + "\n"


def make_project(folder: Path, pages: int, locales: list[str], provider: str = "none") -> Path:
    """A runnable project tree with `pages` generated pages; returns its root."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("Snakefile", "profiles", "envs"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, folder / name)
    (folder / "config").mkdir(parents=True)
    (folder / "config" / "config.yaml").write_text(
        f"locales: [{', '.join(locales)}]\nmachine_translation: {{provider: {provider}}}\n", "utf-8")
    source = folder / "source"
    source.mkdir()
    seed = SEED.read_text("utf-8")
    for i in range(pages):
        (source / f"page-{i:04d}.txt").write_text(page_text(seed, i), "utf-8")
    return folder
