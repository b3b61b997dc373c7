"""Read+write of the PO corpus and its merges: this package against GNU gettext, side by side.

    python benchmarks/po_corpus.py [ARCHIVE]

Read+write: pipeline.pofile reads and writes every file of the corpus in this process, against one
``msgcat`` subprocess per file (what the pipeline would spawn). Merge: pipeline.merge (read both,
merge, write) against one ``msgmerge --previous`` per pair. Prints a Markdown table.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

import corpus  # noqa: E402

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


def ours_read_write(files: dict[str, bytes]) -> float:
    pofile._wrap.cache_clear()
    start = time.perf_counter()
    for name, data in files.items():
        pofile.write_po(pofile.read_po(data, name)).encode("utf-8")
    return time.perf_counter() - start


def gnu_read_write(files: dict[str, bytes]) -> float:
    start = time.perf_counter()
    for data in files.values():
        subprocess.run(["msgcat", "--force-po", "-"], input=data, capture_output=True, env=ENV, check=False)
    return time.perf_counter() - start


def ours_merge(pairs: list[tuple[str, bytes, bytes]]) -> float:
    pofile._wrap.cache_clear()
    start = time.perf_counter()
    for name, old, new in pairs:
        before = pofile.read_po(old, name)
        merged = Catalog(header=before.header, messages=merge(pofile.read_po(new, name), before))
        pofile.write_po(merged).encode("utf-8")
    return time.perf_counter() - start


def gnu_merge(pairs: list[tuple[str, bytes, bytes]], folder: Path) -> float:
    start = time.perf_counter()
    for _, old, new in pairs:
        (folder / "old.po").write_bytes(old)
        (folder / "new.pot").write_bytes(new)
        subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", "old.po", "new.pot"], cwd=folder,
                       capture_output=True, env=ENV, check=True)
    return time.perf_counter() - start


def main() -> None:
    if corpus.archive() is None:
        sys.exit("no PO corpus: build it with tests/data/po-corpus/make_corpus.py")
    files = readable(corpus.files())
    pairs = corpus.merges()
    megabytes = sum(map(len, files.values())) / 1e6
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            (f"read+write, {len(files)} files ({megabytes:.1f} MB)", ours_read_write(files), gnu_read_write(files),
             "`msgcat` per file", 5.0),
            (f"merge, {len(pairs)} real pairs", ours_merge(pairs), gnu_merge(pairs, Path(folder)),
             "`msgmerge --previous` per pair", 1.0),
        ]
    print("| task | pipeline | GNU gettext | comparison | speed-up | target | met |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for task, ours, gnu, what, target in rows:
        ratio = gnu / ours
        print(f"| {task} | {ours:.2f} s | {gnu:.2f} s | {what} | {ratio:.1f}× | ≥ {target:g}× |"
              f" {'yes' if ratio >= target else 'no'} |")


if __name__ == "__main__":
    main()
