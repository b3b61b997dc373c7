"""Atomic writes that skip unchanged content, and the read-modify-write guard for translators' files."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConflictError, PipelineError


def digest(data: bytes) -> str:
    """The SHA-256 of `data`, in hex. The digests of the last few byte strings are remembered by identity:
    an update job names each catalog's bytes in its ledger, its cache and its manifest (bytes cannot change)."""
    for seen, known in _recent:
        if seen is data:
            return known
    found = hashlib.sha256(data).hexdigest()
    if type(data) is bytes and len(data) <= _REMEMBERED_SIZE:
        _recent.insert(0, (data, found))
        del _recent[_REMEMBERED:]
    return found


_REMEMBERED, _REMEMBERED_SIZE = 4, 1 << 20  # a catalog's old and new bytes, a template's: small files only
_recent: list[tuple[bytes, str]] = []


# What identifies one version of a file without reading it: (inode, size, mtime_ns, ctime_ns). Users can
# set a file's mtime (cp -p, rsync -t, tar, touch -d) but not its ctime, which every write and rename
# moves on, and a save by rename gives a new inode. A matching stamp is a fast path; content decides.
Stamp = tuple[int, int, int, int]


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_bytes(path: Path, within: Path | None = None) -> bytes | None:
    """The bytes of the regular file `path`; None when there is no such file. See `read_snapshot`."""
    return read_snapshot(path, within)[0]


def read_own(path: Path) -> bytes | None:
    """The bytes of one of the pipeline's own files (its records in output/.state, the files it writes
    without a guard): None when there is none or it is anything but a regular file this process can read.
    A record that cannot be read is no record: the job does its work again, and writing the file replaces
    what is there. Never blocks: a FIFO planted there would otherwise hang every run."""
    try:
        return read_bytes(path)
    except PipelineError:
        return None


def read_snapshot(path: Path, within: Path | None = None) -> tuple[bytes | None, Stamp | None]:
    """One consistent read: the file's bytes and the stamp they belong to (None when the file changed
    while it was read, so nobody may trust the stamp for these bytes).

    Refuses with a PipelineError, never blocking or raising anything else: a FIFO, socket, device or
    folder (a FIFO would block the run forever), a file it may not read, and, given `within`, a
    symbolic link that leads outside that folder (its content must not reach messages or pages)."""
    if within is not None and os.path.islink(path) and not Path(os.path.realpath(path)).is_relative_to(within):
        raise PipelineError("is a symbolic link to a file outside the project; not read", path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):  # no such file (a parent may be a file: no such file either)
        return None, None
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise PipelineError("not a regular file (a folder, FIFO or device); not read", path)
        chunks = [os.read(fd, before.st_size + 1)]  # one call reads it all, unless it grew meanwhile
        if len(chunks[0]) > before.st_size:
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror or exc}", path) from None
    finally:
        os.close(fd)
    stamp = stamp_of(before)
    return b"".join(chunks), stamp if stamp == stamp_of(after) else None


_observers: list[set[Path]] = []  # see observe_changes


@contextmanager
def observe_changes() -> Iterator[set[Path]]:
    """The files this process writes (write_atomic) or removes (remove) within the block: `serve` tells
    open pages which files a build changed without scanning output/ before and after it."""
    changed: set[Path] = set()
    _observers.append(changed)
    try:
        yield changed
    finally:
        _observers.remove(changed)


def _changed(path: Path) -> None:
    for changed in _observers:
        changed.add(path)


def write_atomic(path: Path, data: bytes, expect: bytes | None | bool = True, durable: bool = False) -> bool:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    Returns False (and leaves the file and its mtime alone) when it already holds `data`.
    `expect` guards a read-modify-write: pass the bytes read earlier (None: the file did not
    exist); if the file on disk is not those bytes at the moment of the swap, someone saved it
    meanwhile and ConflictError is raised instead of overwriting their work (see `_swap_in`).
    ``True`` means "no guard".
    `durable` adds an fsync (translators' catalogs): a rename alone already survives ``kill -9``.
    Many files at once: `stage` them all, `make_durable` them together, then `put_in_place` each.
    """
    staged = stage(path, data, expect)
    if staged is None:
        return False
    if durable:
        make_durable([staged])
    put_in_place(staged)
    return True


@dataclass(frozen=True, slots=True)
class Staged:
    """New content for `path`, written to the temporary file `tmp` beside it and not yet in place;
    `guarded`: it replaces only the bytes `expect` (None: no file), see `write_atomic`."""

    path: Path
    tmp: Path
    guarded: bool
    expect: bytes | None


def stage(path: Path, data: bytes, expect: bytes | None | bool = True) -> Staged | None:
    """The first half of `write_atomic`: `data` in a temporary file beside `path`. None when `path`
    already holds `data` (nothing to write); ConflictError when it does not hold `expect` now."""
    current = read_own(path) if expect is True else read_bytes(path)
    if current == data:
        return None
    if expect is not True and current != expect:
        raise _conflict(path)
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o777 if current is not None else 0o644)
    except OSError as exc:
        _remove_quietly(Path(tmp))
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path) from None
    except BaseException:
        _remove_quietly(Path(tmp))
        raise
    return Staged(path, Path(tmp), False, None) if expect is True else Staged(path, Path(tmp), True, current)


def make_durable(staged: Sequence[Staged]) -> None:
    """The staged files' content on the disk before any of them replaces a file: after a power cut, a
    replaced file is the old or the new content, never an empty one. One file: an fsync. Many (an update
    job replacing a locale's catalogs): one syncfs(2) of their file system, one journal commit instead of
    one for each file (an edit that rewrites 8,000 catalogs spent 4.6–7.9 s in fsync, 0.2 s in syncfs)."""
    try:
        if len(staged) > 1 and _synced_each_file_system([each.tmp for each in staged]):
            return
        for each in staged:  # one file, no syncfs here, or a syncfs that failed: fsync tells which file
            _sync(each.tmp, os.fsync)
    except OSError as exc:
        for each in staged:
            _remove_quietly(each.tmp)
        raise PipelineError(f"cannot write: {exc.strerror or exc}", staged[0].path) from None


def _synced_each_file_system(files: list[Path]) -> bool:
    call = _libc("syncfs", ctypes.c_int)
    if call is None:
        return False
    one_on_each = {os.stat(file).st_dev: file for file in files}
    return all(_sync(file, call) == 0 for file in one_on_each.values())


def _sync(path: Path, call: Callable[[int], Any]) -> Any:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return call(fd)
    finally:
        os.close(fd)


def put_in_place(staged: Staged) -> None:
    """The second half of `write_atomic`: the staged file replaces `path` (swapped in, when guarded: a save
    made since it was staged raises ConflictError and is kept). The temporary file is gone either way."""
    try:
        if not staged.guarded:
            os.replace(staged.tmp, staged.path)
        else:
            _swap_in(staged.tmp, staged.path, staged.expect)
        _changed(staged.path)
    except OSError as exc:
        _remove_quietly(staged.tmp)
        raise PipelineError(f"cannot write: {exc.strerror or exc}", staged.path) from None
    except BaseException:
        _remove_quietly(staged.tmp)
        raise


def write_in_place(path: Path, data: bytes) -> None:
    """Overwrite `path` in place: no temporary file and no rename, a quarter of `write_atomic`'s cost on
    this kind of disk (creating a file and renaming it over another are what cost). Only for a cache
    whose every reader checks what it reads and takes anything else for no entry: a reader may find the
    file empty or half written, and so may the next run after a crash. Anything else at `path` (a
    symbolic link, which is not followed; a FIFO, which would block) is removed first; a folder is refused."""
    try:
        fd = _open_in_place(path)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO that someone reads, a device
                os.close(fd)
                fd = -1
                fd = _open_in_place(path, replace=True)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            if fd >= 0:
                os.close(fd)
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path) from None


def _open_in_place(path: Path, replace: bool = False) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    if replace:
        _remove_quietly(path)
        flags |= os.O_EXCL
    try:
        return os.open(path, flags, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, flags, 0o644)
    except OSError as exc:
        if replace or exc.errno not in (errno.ELOOP, errno.ENXIO):  # a link, a FIFO nobody reads: replaced
            raise
        return _open_in_place(path, replace=True)


def _conflict(path: Path) -> ConflictError:
    return ConflictError("changed on disk while the pipeline was updating it; not overwritten (run again to pick up"
                         " the new content)", path)


# renameat2(2) flags (linux/fs.h): atomic "create unless it exists" and "swap two names".
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _swap_in(tmp: Path, path: Path, expect: bytes | None) -> None:
    """Put `tmp` at `path` only if `path` holds `expect` (None: does not exist), losing no save.

    A check followed by a rename would lose a save that lands between the two. Here the file is read
    and checked last thing before the names are swapped in one system call (renameat2
    RENAME_EXCHANGE); what was swapped out is then at `tmp`, and it must be the very file that was
    checked (same inode, size and mtime). If a save landed in between, the swap is undone: the
    translator's file goes back in place, and if a still newer save replaced ours meanwhile, that
    newest save is the one kept (see `_undo`). A new file is created with RENAME_NOREPLACE, so a file
    someone created meanwhile is never replaced. Where the file system lacks renameat2 (NFS, old
    kernels) it falls back to the check and a rename."""
    if expect is None:
        if not _renameat2(tmp, path, _RENAME_NOREPLACE):
            if path.exists():
                raise _conflict(path)
            os.replace(tmp, path)
        return
    current, stamp = read_snapshot(path)
    if current != expect or stamp is None:
        raise _conflict(path)
    ours = os.stat(tmp).st_ino
    if not _renameat2(tmp, path, _RENAME_EXCHANGE):
        os.replace(tmp, path)
        return
    try:
        out = os.stat(tmp)
        checked = (out.st_ino, out.st_size, out.st_mtime_ns) == (stamp[0], stamp[1], stamp[2])
    except FileNotFoundError:
        checked = False
    if checked:
        _remove_quietly(tmp)
        return
    _undo(tmp, path, ours)
    raise _conflict(path)


def _undo(tmp: Path, path: Path, ours: int) -> None:
    """`tmp` holds a translator's save that our swap displaced. Swap until the newest save is at `path`:
    each swap brings out what `path` held; a file not seen before came after the last swap (a newer
    save), so it goes in; ours, or a save already displaced by a newer one, is deleted."""
    known = {ours}
    if _inode(path) != ours:  # a newer save already replaced ours: the displaced one is older than it
        known.add(_inode(tmp) or 0)
    for _ in range(64):
        candidate = _inode(tmp)
        if candidate is None or candidate in known:
            break
        known.add(candidate)
        _renameat2(tmp, path, _RENAME_EXCHANGE)
    _remove_quietly(tmp)


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """True when done; False when this system cannot do it (the caller falls back); OSError otherwise."""
    call = _libc("renameat2", ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if call is None:
        return False
    if call(-100, os.fsencode(source), -100, os.fsencode(target), flags) == 0:  # -100: AT_FDCWD
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    if err == errno.EEXIST:
        raise _conflict(target)
    raise OSError(err, os.strerror(err), str(target))


@cache
def _libc(name: str, *argtypes: Any) -> Any:
    """The C library's function `name` returning an int, or None where this system's library lacks it."""
    try:
        call = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    call.argtypes = list(argtypes)
    call.restype = ctypes.c_int
    return call


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path` (its folder is created only when missing: a syscall a file)."""
    try:
        try:
            return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path) from None


def write_text(path: Path, text: str, expect: bytes | None | bool = True, durable: bool = False) -> bool:
    return write_atomic(path, text.encode("utf-8"), expect, durable)


def remove(path: Path, stop: Path) -> None:
    """Delete a generated file and the folders it leaves empty, up to (not including) `stop`."""
    _remove_quietly(path)
    _changed(path)
    folder = path.parent
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def is_temporary(name: str) -> bool:
    """A file name `_temporary` makes: what a killed writer leaves behind."""
    return name.startswith(".") and name.endswith(".tmp")


def sweep_temporaries(root: Path, folders: tuple[str, ...] = ("locales", "output")) -> int:
    """Delete temporary files that a killed run left behind (call only while holding the run lock)."""
    removed = 0
    for name in folders:
        base = root / name
        if not base.is_dir():
            continue
        for tmp in base.rglob(".*.tmp"):
            _remove_quietly(tmp)
            removed += 1
    return removed


def ensure_writable_folder(path: Path) -> None:
    """Create `path` if needed and prove a file can be written there; PipelineError otherwise."""
    if path.exists() and not path.is_dir():
        raise PipelineError("cannot write the build here: it is a file, not a folder", path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-", suffix=".tmp"):
            pass
    except OSError as exc:
        raise PipelineError(f"cannot write the build here: {exc.strerror or exc}", path) from None
