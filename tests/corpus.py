"""The real-world PO corpus (tests/data/po-corpus): where it is, and its files as bytes.

The archive is built by tests/data/po-corpus/make_corpus.py from public repositories; its manifest
(MANIFEST.tsv beside it) names the repository, commit, path and licence of every file. Tests that
need it skip, saying why, when it is not there.
"""

from __future__ import annotations

import os
import tarfile
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
PLACES = (HERE / "data" / "po-corpus" / "po-corpus.tar.xz",
          HERE.parent.parent / "shared" / "po-corpus" / "po-corpus.tar.xz")


def archive() -> Path | None:
    given = os.environ.get("PO_CORPUS")
    for place in ([Path(given)] if given else []) + list(PLACES):
        if place.is_file():
            return place
    return None


@lru_cache(maxsize=1)
def members() -> dict[str, bytes]:
    path = archive()
    if path is None:
        return {}
    with tarfile.open(path, "r:xz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def files() -> dict[str, bytes]:
    return {name: data for name, data in members().items() if name.startswith("files/")}


def merges() -> list[tuple[str, bytes, bytes]]:
    """(name, old .po, new .pot) of each merge pair."""
    found = members()
    names = sorted({name.rsplit("/", 1)[0] for name in found if name.startswith("merges/")})
    return [(name, found[f"{name}/old.po"], found[f"{name}/new.pot"]) for name in names]
