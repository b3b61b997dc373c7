"""Polls the folders people edit (source/, locales/, config/) for files whose stamp changed.

A stamp (inode, size, mtime, ctime) only says *that something may have changed*: what a build redoes
is decided by content (the jobs' ledgers, see build.py), so a save that keeps an old mtime
(`cp -p`, an unzipped delivery) still changes the ctime here, and the ledgers decide the rest."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.paths import Project

Stamp = tuple[int, int, int, int]


class Watcher:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.folders = (project.source_dir, project.root / "locales", project.config_file.parent)

    def snapshot(self) -> dict[str, Stamp]:
        found: dict[str, Stamp] = {}
        for folder in self.folders:
            scan(folder, found)
        return found

    def config_changed(self, before: dict[str, Stamp], after: dict[str, Stamp]) -> bool:
        """Whether the configuration file itself changed (then every job's parameters did)."""
        key = str(self.project.config_file)
        return before.get(key) != after.get(key)


def scan(folder: Path, found: dict[str, Stamp]) -> None:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                scan(Path(entry.path), found)
                continue
            info = entry.stat()
        except OSError:
            continue
        found[entry.path] = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
