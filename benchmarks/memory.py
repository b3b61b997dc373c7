"""Translation memory benchmark: the indexed near-match search against comparing every pair, in the
same invocation, on the memory a benchmark corpus gives (catalogs 80 % reviewed, 20 % empty).

usage: python benchmarks/memory.py [pages] [pairs]
  pages (default 300): the corpus's pages, one locale (es); every empty entry without an exact match
  is searched by the index; `pairs` of them (default 40, spread over the pages) are also searched by
  comparing every text of the memory with difflib, and both must give the same match.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cydifflib import SequenceMatcher  # difflib's, in C: the pipeline's own

from pipeline.drafts.memory import Match, Memory
from pipeline.po.catalog import Catalog, Key
from pipeline.po.pofile import read_po

THRESHOLD = 0.85  # translation_memory.min_similarity's default


def every_pair(memory: Memory, key: Key, page: str, threshold: float,
               matcher: type[SequenceMatcher] = SequenceMatcher) -> Match | None:
    """The search without an index: difflib's ratio against every text of the context (`matcher`: the
    pipeline's C implementation here; tests/test_memory.py holds the index to Python's own difflib)."""
    context, text = key
    best: Match | None = None
    for (ctx, source), renderings in memory.entries.items():
        if ctx != context or source == text:
            continue
        shorter, longer = sorted((len(text), len(source)))
        if longer and 2 * shorter / (shorter + longer) < threshold:
            continue
        ratio = matcher(None, text, source, autojunk=False).ratio()
        if ratio < threshold or (best is not None and ratio <= best.ratio):
            continue
        counts = +Counter({s: len([p for p in pages if p != page]) for s, pages in renderings.items()})
        if counts:
            msgstr = max(sorted(counts), key=lambda s: counts[s])
            owner = sorted(p for p in renderings[msgstr] if p != page)[0]
            best = Match(msgstr, owner, source, ratio)
    return best


def main() -> int:
    # Here, not at import: tests/test_memory.py imports every_pair, and benchmarks/ ahead of tests/ on the
    # path would give it this folder's corpus.py for the tests' own.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import translated_project

    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    scratch = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        root = translated_project(scratch / "p", pages, ["es"], share=0.8)
        catalogs: dict[str, Catalog] = {}
        for po in sorted((root / "locales" / "es" / "LC_MESSAGES").glob("*.po")):
            catalogs[po.stem] = read_po(po.read_bytes(), str(po))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    memory = Memory()
    for name, catalog in catalogs.items():
        memory.add(name, catalog)
    asked = [(m.key, name) for name, catalog in catalogs.items() for m in catalog.live
             if not m.translated and m.msgid_plural is None and memory.exact(m.key, name) is None]
    start = time.perf_counter()
    found = [memory.near(key, page, THRESHOLD) for key, page in asked]
    indexed = time.perf_counter() - start
    sample = asked[:: max(1, len(asked) // pairs)][:pairs]
    start = time.perf_counter()
    brute = [every_pair(memory, key, page, THRESHOLD) for key, page in sample]
    slow = time.perf_counter() - start
    same = brute == [memory.near(key, page, THRESHOLD) for key, page in sample]
    per_index, per_pair = indexed / max(1, len(asked)), slow / max(1, len(sample))
    print(f"memory: {len(memory.entries):,} texts of {len(catalogs):,} pages (es); {len(asked):,} empty entries"
          f" without an exact match, {sum(1 for m in found if m):,} of them with a near match ≥ {THRESHOLD}")
    print("| search | queries | seconds | per query | same match as every pair |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| indexed (pipeline/drafts/memory.py) | {len(asked):,} | {indexed:.2f} | {per_index * 1000:.2f} ms"
          f" | {same} |")
    print(f"| every pair (difflib) | {len(sample):,} | {slow:.2f} | {per_pair * 1000:.1f} ms | — |")
    print(f"indexed: {per_pair / per_index:.0f}× faster a query" if per_index else "no query")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
