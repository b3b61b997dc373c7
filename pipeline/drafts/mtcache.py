"""On-disk cache of machine translations (SQLite), shared by concurrent jobs and crash-safe.

Keyed by provider, engine (pair chain and package versions, or the online engine's name), source
and target locale, and the masked text. SQLite's transactions make a write all-or-nothing, WAL
mode lets parallel Snakemake jobs read while one writes, and a busy timeout queues writers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import PipelineError

SCHEMA = """
CREATE TABLE IF NOT EXISTS translation (
    provider TEXT NOT NULL, engine TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    text TEXT NOT NULL, result TEXT NOT NULL,
    PRIMARY KEY (provider, engine, source, target, text)
) WITHOUT ROWID
"""


TIMEOUT = 60.0  # seconds a job waits for another one's write before it fails


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the cache in WAL mode.

    Turning WAL on needs the file to itself, and SQLite answers "database is locked" at once, without
    its busy timeout, when another process opens a new cache at the same moment: the update jobs of a
    first run do (4 processes opening a new file together failed in 8 of 40 trials). WAL mode is kept
    in the file, so only its first openers race; they try again until one has switched it."""
    db = sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal" \
                    or db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                return db
            failure = sqlite3.OperationalError("it does not switch to WAL mode")
        except sqlite3.OperationalError as err:
            if err.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                db.close()
                raise
            failure = err
        if time.monotonic() > deadline:
            db.close()
            raise failure
        time.sleep(0.02)


class Cache:
    def __init__(self, path: Path, provider: str, engine: str, source: str, target: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = _connect(path)
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(SCHEMA)
        except sqlite3.Error as err:  # not a cache (another file at its path), or locked for a minute
            raise unusable(path, err) from None
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
    db = sqlite3.connect(path, timeout=TIMEOUT)
    try:
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = db.execute(f"SELECT text, provider, result FROM translation WHERE source=? AND target=?"
                              f" AND text IN ({','.join('?' * len(chunk))})", (source, target, *chunk))
            for text, provider, result in rows:
                found.setdefault(text, {})[provider] = result
    except sqlite3.Error as err:
        raise unusable(path, err) from None
    finally:
        db.close()
    return found


def unusable(path: Path, err: sqlite3.Error) -> PipelineError:
    return PipelineError(f"the machine-translation cache cannot be opened: {err}", path)
