"""Watches the folders people edit (source/, locales/, config/) for files whose stamp changed.

A stamp (inode, size, mtime, ctime) only says *that something may have changed*: what a build redoes
is decided by content (the jobs' ledgers, see build.py), so a save that keeps an old mtime
(`cp -p`, an unzipped delivery) still changes the ctime here, and the ledgers decide the rest.

On Linux, inotify (through libc, no dependency) wakes the watcher as soon as a file of those folders
is written, so a save is seen at once and the folders are scanned only then (and once a second, in
case an event was missed: a snapshot of the stamps stays what decides). Elsewhere it polls."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import time
from pathlib import Path

from pipeline.paths import Project

Stamp = tuple[int, int, int, int]
# inotify(7). Subscribed: IN_MODIFY is left out, and a build wakes on what ends a change: IN_ATTRIB,
# IN_CLOSE_WRITE, IN_MOVED_FROM/TO, IN_DELETE(_SELF), IN_MOVE_SELF, and IN_CREATE of a folder (a new
# locale). An editor that saves in place truncates the file first: a build woken by that (or by the
# creation of a file not yet written) would read it half written; its closing event follows the last write.
_ATTRIB, _CLOSE_WRITE, _MOVED_FROM, _MOVED_TO, _CREATE, _DELETE, _DELETE_SELF, _MOVE_SELF = (
    0x4, 0x8, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800)
_IS_DIR, _OVERFLOW = 0x40000000, 0x4000  # IN_Q_OVERFLOW: events were lost, look now
_SETTLED = _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _DELETE | _DELETE_SELF | _MOVE_SELF | _OVERFLOW
_EVENTS = _SETTLED | _CREATE
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then len bytes of name)
_NONBLOCK, _CLOEXEC = os.O_NONBLOCK, 0o2000000
SAFETY_SCAN = 1.0  # seconds between two scans when nothing woke the watcher (inotify)


class Watcher:
    def __init__(self, project: Project, notify: bool = True) -> None:
        """`notify`: use inotify where there is one (False: poll, as on other systems)."""
        self.project = project
        self.folders = (project.source_dir, project.root / "locales", project.config_file.parent)
        self._libc, self._fd = _inotify() if notify else (None, None)

    @property
    def notified(self) -> bool:
        """Whether saves wake the watcher (inotify), rather than being found by polling."""
        return self._fd is not None

    def wait(self, interval: float) -> None:
        """Until something in the folders may have changed: the next event (at most SAFETY_SCAN s), or
        `interval` s when polling."""
        if self._fd is None or self._libc is None:
            time.sleep(interval)
            return
        self._watch_folders()  # a folder made since (a new locale) is watched from now on
        deadline = time.monotonic() + SAFETY_SCAN
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._fd], [], [], left)
            if ready and self._settled():
                return

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _watch_folders(self) -> None:
        assert self._libc is not None and self._fd is not None
        for folder in self.folders:
            for base, dirs, _ in os.walk(folder):
                dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(base, d))]
                self._libc.inotify_add_watch(self._fd, os.fsencode(base), _EVENTS)  # again: the same watch

    def _settled(self) -> bool:
        """Read the pending events: whether one of them ends a change (see _SETTLED)."""
        assert self._fd is not None
        settled = False
        try:
            while data := os.read(self._fd, 65536):
                offset = 0
                while offset + _EVENT.size <= len(data):
                    _, mask, _, length = _EVENT.unpack_from(data, offset)
                    settled = settled or bool(mask & _SETTLED) or (bool(mask & _CREATE) and bool(mask & _IS_DIR))
                    offset += _EVENT.size + length
        except BlockingIOError:
            pass
        return settled

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


def _inotify() -> tuple[ctypes.CDLL | None, int | None]:
    """libc and an inotify descriptor, or (None, None) where there is none (not Linux, no libc)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fd = libc.inotify_init1(_NONBLOCK | _CLOEXEC)
    except (OSError, AttributeError, TypeError):
        return None, None
    return (libc, fd) if fd >= 0 else (None, None)
