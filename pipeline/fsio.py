"""Atomic writes that skip unchanged content, and the read-modify-write guard for translators' files."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .errors import ConflictError, PipelineError


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no such file (a parent may be a file: no such file either)
        return None


def write_atomic(path: Path, data: bytes, expect: bytes | None | bool = True, durable: bool = False) -> bool:
    """Write `data` to `path` via a temporary file in the same folder and ``os.replace``.

    Returns False (and leaves the file and its mtime alone) when it already holds `data`.
    `expect` guards a read-modify-write: pass the bytes read earlier (None: the file did not
    exist); if the file on disk differs now, someone saved it meanwhile and ConflictError is
    raised instead of overwriting their work. ``True`` means "no guard".
    `durable` adds an fsync (translators' catalogs): a rename alone already survives ``kill -9``.
    """
    current = read_bytes(path)
    if current == data:
        return False
    if expect is not True and current != expect:
        raise ConflictError(
            "changed on disk while the pipeline was updating it; not overwritten (run again to pick up"
            " the new content)",
            path,
        )
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(Path(tmp))
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path) from None
    except BaseException:
        _remove_quietly(Path(tmp))
        raise
    return True


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
