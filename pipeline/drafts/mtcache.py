"""On-disk cache of machine translations (SQLite), shared by concurrent jobs and crash-safe.

Keyed by provider, engine (pair chain and package versions, or the online engine's name), source
and target locale, and the masked text. SQLite's transactions make a write all-or-nothing, WAL
mode lets parallel Snakemake jobs read while one writes, and a busy timeout queues writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS translation (
    provider TEXT NOT NULL, engine TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    text TEXT NOT NULL, result TEXT NOT NULL,
    PRIMARY KEY (provider, engine, source, target, text)
) WITHOUT ROWID
"""


class Cache:
    def __init__(self, path: Path, provider: str, engine: str, source: str, target: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(SCHEMA)
        self.key = (provider, engine, source, target)

    def lookup(self, texts: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text, result FROM translation WHERE provider=? AND engine=? AND source=? AND target=?"
                f" AND text IN ({marks})", (*self.key, *chunk))
            found.update(rows)
        return found

    def store(self, results: dict[str, str]) -> None:
        if not results:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO translation VALUES (?, ?, ?, ?, ?, ?)",
                                [(*self.key, text, result) for text, result in results.items()])

    def close(self) -> None:
        self.db.close()


def cached_results(path: Path, source: str, target: str, texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """What any engine gave for these texts (masked text -> provider -> result), read-only: the drafts
    reviewers started from. A missing cache gives nothing."""
    if not path.is_file():
        return {}
    found: dict[str, dict[str, str]] = {}
    db = sqlite3.connect(path, timeout=60)
    try:
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = db.execute(f"SELECT text, provider, result FROM translation WHERE source=? AND target=?"
                              f" AND text IN ({','.join('?' * len(chunk))})", (source, target, *chunk))
            for text, provider, result in rows:
                found.setdefault(text, {})[provider] = result
    finally:
        db.close()
    return found
