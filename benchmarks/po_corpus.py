"""Read+write of a PO corpus and its merges: this package against GNU gettext, side by side.

    python benchmarks/po_corpus.py [--synthetic] [--repeat N]

The corpus is the real one (tests/corpus.py: $PO_CORPUS, tests/data/po-corpus/ or ../shared/po-corpus/)
or, with --synthetic or where the real one is absent, the generated one of tests/po_synthetic.py
(translated catalogs in accented Latin, Greek, Cyrillic, Arabic, Hebrew, Indic, Thai and CJK).

Read+write: pipeline.po.pofile reads and writes every file in this process, against one ``msgcat``
subprocess per file (what the pipeline would otherwise spawn). Merge: pipeline.po.merge (read both,
merge, write) against one ``msgmerge --previous`` per pair. Each side runs N times, alternating
(default 3), and its fastest run counts: the machine's load varies from second to second. Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

import corpus  # noqa: E402
import po_synthetic  # noqa: E402

from pipeline.errors import CatalogError  # noqa: E402
from pipeline.po import pofile  # noqa: E402
from pipeline.po.catalog import Catalog  # noqa: E402
from pipeline.po.merge import merge  # noqa: E402

ENV = {"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"}


def readable(files: dict[str, bytes]) -> dict[str, bytes]:
    found = {}
    for name, data in files.items():
        try:
            pofile.read_po(data, name)
        except CatalogError:
            continue
        found[name] = data
    return found


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def ours_read_write(files: dict[str, bytes]) -> None:
    pofile._wrap.cache_clear()  # start cold: the cache only helps within the run, as in a pipeline job
    for name, data in files.items():
        pofile.write_po(pofile.read_po(data, name)).encode("utf-8")


def gnu_read_write(files: dict[str, bytes]) -> None:
    for data in files.values():
        subprocess.run(["msgcat", "--force-po", "-"], input=data, capture_output=True, env=ENV, check=False)


def ours_merge(pairs: list[tuple[str, bytes, bytes]]) -> None:
    pofile._wrap.cache_clear()
    for name, old, new in pairs:
        before = pofile.read_po(old, name)
        merged = Catalog(header=before.header, messages=merge(pofile.read_po(new, name), before))
        pofile.write_po(merged).encode("utf-8")


def gnu_merge(pairs: list[tuple[str, bytes, bytes]], folder: Path) -> None:
    for _, old, new in pairs:
        (folder / "old.po").write_bytes(old)
        (folder / "new.pot").write_bytes(new)
        subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", "old.po", "new.pot"], cwd=folder,
                       capture_output=True, env=ENV, check=True)


def fastest(ours: Callable[[], object], gnu: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = [(timed(ours), timed(gnu)) for _ in range(repeat)]
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", action="store_true", help="the generated corpus, even where the real one is")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts")
    args = parser.parse_args()
    if args.synthetic or corpus.archive() is None:
        files, pairs = po_synthetic.corpus()
        print(f"Generated corpus (tests/po_synthetic.py){'' if args.synthetic else ': the real one is absent'}")
    else:
        files, pairs = corpus.files(), corpus.merges()
        print(f"Real corpus: {corpus.archive()}")
    files = readable(files)
    entries = sum(len(pofile.read_po(data, name).messages) for name, data in files.items())
    megabytes = sum(map(len, files.values())) / 1e6
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            (f"read+write, {len(files)} files ({megabytes:.1f} MB, {entries:,} entries)",
             *fastest(lambda: ours_read_write(files), lambda: gnu_read_write(files), args.repeat),
             "`msgcat` per file", 5.0),
            (f"merge, {len(pairs)} pairs",
             *fastest(lambda: ours_merge(pairs), lambda: gnu_merge(pairs, Path(folder)), args.repeat),
             "`msgmerge --previous` per pair", 1.0),
        ]
    print(f"\nFastest of {args.repeat} runs of each side, alternating.\n")
    print("| task | pipeline | GNU gettext | comparison | speed-up | target | met |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for task, ours, gnu, what, target in rows:
        ratio = gnu / ours
        print(f"| {task} | {ours:.2f} s | {gnu:.2f} s | {what} | {ratio:.1f}× | ≥ {target:g}× |"
              f" {'yes' if ratio >= target else 'no'} |")


if __name__ == "__main__":
    main()
