"""What each job read and wrote, by content: how the next run knows, without trusting mtimes, that
the job's result still stands.

Snakemake decides what to rerun from modification times, and a file can change while keeping an old
one (`cp -p`, `rsync -t`, `tar` or `unzip` of an agency's delivery, `touch -d`, a save during the
run). So every job keeps a ledger (output/.state/ledgers/<job>.json): the digest of each input
exactly as the job used it, the digest of each file it wrote, and the names it found in the folders
it lists. Before Snakemake plans the run, the Snakefile holds every ledger against the files of today
(`stale_jobs`): a job one of whose inputs now has other bytes, or one of whose files is missing or
was edited by hand, has its manifest set aside, so Snakemake sees its output missing and runs it.
The job itself then redoes only what changed (its own keys are digests too).

A file's stamp (inode, size, mtime, ctime: see fsio.Stamp) is the fast path: when it is as recorded,
the file was not touched since; otherwise its bytes are hashed and decide.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import fsio
from pipeline.errors import PipelineError
from pipeline.paths import Project

VERSION = 1  # a ledger of another version is not read: its job runs again

# One file in a ledger: [digest or None (no such file), stamp or None (hash it to know)]
Entry = tuple[str | None, fsio.Stamp | None]


@dataclass
class Ledger:
    """One job's record. `reads` and `writes` map project-relative paths to entries; `listings` map
    a folder and a pattern ("source/*.txt") to the sorted names found there."""

    reads: dict[str, Entry] = field(default_factory=dict)
    writes: dict[str, Entry] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)


class Recorder:
    """A job's way of reading its inputs and noting its outputs, so its ledger is exact."""

    def __init__(self, project: Project, previous: Ledger | None = None) -> None:
        self.project = project
        self.ledger = Ledger()
        self.previous = previous or Ledger()

    def read(self, path: Path) -> bytes | None:
        """The bytes of an input (None: no such file), noted with the stamp they were read under."""
        data, stamp = fsio.read_snapshot(path, within=self.project.root)
        self.ledger.reads[self.project.relative(path)] = (_digest(data), stamp)
        return data

    def digest_fast(self, path: Path) -> str | None:
        """The digest of an input, noted as `read` notes it, without reading it when its stamp is the
        one the last ledger recorded with its digest (the fast path the Snakefile's check trusts too)."""
        name = self.project.relative(path)
        entry = self.previous.reads.get(name)
        if entry is not None and entry[0] is not None and entry[1] is not None:
            try:
                same = fsio.stamp_of(os.stat(path)) == entry[1]
            except OSError:
                same = False
            if same:
                self.ledger.reads[name] = entry
                return entry[0]
        self.read(path)
        return self.digest_of(path)

    def digest_of(self, path: Path) -> str | None:
        """The digest of what `read` (or `used`) noted for `path` (hashed once per job)."""
        return self.ledger.reads[self.project.relative(path)][0]

    def used(self, path: Path, data: bytes | None) -> None:
        """Note that the job's result rests on `data` as the content of `path` (read earlier, or just
        written by the job itself). If the file holds other bytes by now, the next run sees it."""
        current, stamp = fsio.read_snapshot(path, within=self.project.root)
        self.ledger.reads[self.project.relative(path)] = (_digest(data), stamp if current == data else None)

    def wrote(self, *paths: Path) -> None:
        """Note files the job owns (pages, templates): they must still hold what was written."""
        for path in paths:
            data, stamp = fsio.read_snapshot(path)
            self.ledger.writes[self.project.relative(path)] = (_digest(data), stamp)

    def kept(self, paths: Iterable[Path]) -> None:
        """Note files the job owns and left as they were: their entries carry over from the last
        ledger (the Snakefile checked them against it before this run), or are taken anew."""
        self.kept_names(self.project.relative(path) for path in paths)

    def kept_names(self, names: Iterable[str]) -> None:
        """`kept`, for files named relative to the project."""
        for name in names:
            entry = self.previous.writes.get(name)
            if entry is not None:
                self.ledger.writes[name] = entry
            else:
                self.wrote(self.project.root / name)

    def listed(self, folder: Path, pattern: str, names: list[str]) -> None:
        self.ledger.listings[f"{self.project.relative(folder)}/{pattern}"] = sorted(names)

    def save(self, path: Path) -> None:
        save(path, self.ledger)


def save(path: Path, ledger: Ledger) -> None:
    data = {"version": VERSION, "reads": ledger.reads, "writes": ledger.writes, "listings": ledger.listings}
    fsio.write_text(path, json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")


def _digest(data: bytes | None) -> str | None:
    return fsio.digest(data)[:32] if data is not None else None


def load(path: Path) -> Ledger | None:
    """The ledger at `path`; None when there is none this code can read (missing, of another version or
    shape): then the job's result cannot be shown to stand, and it runs again."""
    try:
        data = json.loads(fsio.read_own(path) or b"")
        if data["version"] != VERSION:
            return None
        return Ledger({_name(k): _entry(v) for k, v in data["reads"].items()},
                      {_name(k): _entry(v) for k, v in data["writes"].items()},
                      {_name(k): [_name(n) for n in v] for k, v in data["listings"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _name(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a file name, found {value!r}")
    return value


def _entry(value: object) -> Entry:
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError(f"expected [digest, stamp], found {value!r}")
    digest, stamp = value
    if digest is not None:
        digest = _name(digest)
    if stamp is None:
        return digest, None
    if not isinstance(stamp, list) or len(stamp) != 4 or not all(isinstance(n, int) for n in stamp):
        raise TypeError(f"expected a stamp of four integers, found {stamp!r}")
    inode, size, mtime, ctime = stamp
    return digest, (inode, size, mtime, ctime)


def changes(project: Project, ledger: Ledger, restamp: Ledger | None = None) -> tuple[list[str], list[Path]]:
    """What differs from the ledger today: (changed inputs and listings, written files that are
    missing or hold other bytes). Both empty: the job's result stands.

    Given `restamp` (an empty Ledger), it receives the entries of files whose stamp changed but whose
    bytes did not (a checkout, a copy, `touch`), with the stamp they have now: saved, they put the next
    run back on the fast path, as `git update-index --refresh` does for git's index."""
    root = str(project.root)  # paths joined as strings: a run checks thousands of entries
    changed = [name for name, entry in ledger.reads.items()
               if not _holds(f"{root}/{name}", entry, name, restamp.reads if restamp is not None else None)]
    for key, names in ledger.listings.items():
        folder, _, pattern = key.rpartition("/")
        base = project.root / folder
        found = sorted(p.name for p in base.glob(pattern) if p.is_file()) if base.is_dir() else []
        if found != names:
            changed.append(key)
    spoiled = [project.root / name for name, entry in ledger.writes.items()
               if not _holds(f"{root}/{name}", entry, name, restamp.writes if restamp is not None else None)]
    return changed, spoiled


def restamped(ledger: Ledger, fresh: Ledger) -> Ledger:
    """`ledger` with the fresh stamps `changes` found (see there)."""
    return Ledger({**ledger.reads, **fresh.reads}, {**ledger.writes, **fresh.writes}, ledger.listings)


def _holds(path: str, entry: Entry, name: str, fresh: dict[str, Entry] | None) -> bool:
    digest, recorded = entry
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return digest is None
    except OSError:
        return False
    if recorded is not None and fsio.stamp_of(info) == recorded:
        return True
    try:
        data, stamp = fsio.read_snapshot(Path(path))
    except PipelineError:
        return False
    if _digest(data) != digest:
        return False
    if fresh is not None and stamp is not None:  # the stamp these very bytes were read under
        fresh[name] = (digest, stamp)
    return True
