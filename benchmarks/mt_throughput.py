"""Machine-translation throughput: the pipeline's Apertium drafting (cold cache) against raw
`apertium -u eng-spa` on the same text, in the same run. Target: the pipeline keeps >= 70 % of raw.

usage: python benchmarks/mt_throughput.py [PAGES]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_project  # noqa: E402

from pipeline.po.pofile import read_po  # noqa: E402

PY = sys.executable


def run(pages: int) -> dict[str, float]:
    if shutil.which("apertium") is None:
        raise SystemExit("apertium is not installed: run 'make all' first")
    work = Path(tempfile.mkdtemp(prefix="bench-mt-"))
    root = make_project(work / "project", pages, ["es"], provider="apertium")
    subprocess.run([PY, "-m", "pipeline", "--root", str(root), "extract"], check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([PY, "-m", "pipeline", "--root", str(root), "update", "--locale", "es"], check=True,
                   capture_output=True)
    pipeline_seconds = time.perf_counter() - start
    texts = []
    for po in sorted((root / "locales" / "es" / "LC_MESSAGES").glob("*.po")):
        texts += [m.msgid for m in read_po(po.read_bytes(), str(po)).live if m.fuzzy]
    words = sum(len(t.split()) for t in texts)
    raw_input = "\n\n".join(texts) + "\n"
    start = time.perf_counter()
    subprocess.run(["apertium", "-u", "eng-spa"], input=raw_input.encode(), check=True, capture_output=True)
    raw_seconds = time.perf_counter() - start
    shutil.rmtree(work)
    return {"pages": pages, "words": words, "pipeline_wps": words / pipeline_seconds,
            "raw_wps": words / raw_seconds, "pipeline_s": pipeline_seconds, "raw_s": raw_seconds}


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    r = run(pages)
    ratio = r["pipeline_wps"] / r["raw_wps"]
    print(f"| MT drafting, {r['pages']} pages, {r['words']:,} words, cold cache | pipeline"
          f" {r['pipeline_wps']:,.0f} words/s ({r['pipeline_s']:.1f} s) | raw apertium -u eng-spa"
          f" {r['raw_wps']:,.0f} words/s ({r['raw_s']:.1f} s) | {ratio:.0%} of raw (target >= 70%)"
          f" | {'met' if ratio >= 0.7 else 'NOT met'} |")
    return 0 if ratio >= 0.7 else 1


if __name__ == "__main__":
    sys.exit(main())
