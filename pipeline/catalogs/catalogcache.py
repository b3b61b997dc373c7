"""A parsed-catalog cache: the jobs read each .po/.pot from it when its bytes have not changed.

Parsing PO text in Python costs milliseconds a file; loading the same messages from the cache costs a
tenth of that. Every job that writes or parses a catalog stores its messages here, keyed by the
SHA-256 of the file's bytes, so the next job (another locale's update, the render, the memory)
parses each file version at most once. A cache entry whose digest does not match the file is
ignored: the file on disk is always the truth.

Entries are plain values (tuples, strings, numbers, None) in `marshal`'s format: stored ~5× and loaded
~1.5× as fast as JSON (a cold build of 1,000 pages × 8 locales stores 9,000 and loads 17,000). Not
pickle: pickling a string keeps a UTF-8 copy of it inside the string for as long as it lives, +21 MB in
an update job of 1,000 translated pages × 4 locales, and unpickling can call code. Loading marshal data
calls none; an entry that is not a dict of this layout, or not marshal data at all, is ignored.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from pipeline import fsio
from pipeline.errors import CatalogChanged
from pipeline.paths import Project
from pipeline.po import pofile
from pipeline.po.catalog import Catalog, Key, Message
from pipeline.po.pofile import layout_version, read_po

_FIELDS = [f.name for f in fields(Message)]
_row = attrgetter(*_FIELDS)  # a message's fields as a tuple, in one call
# ... and all but its line, Message's last field (tests/test_pofile.py reads a stored row back whole)
_row_but_line = attrgetter(*(name for name in _FIELDS if name != "line"))
VERSION = 2  # an entry of another version is ignored (and written anew); 1 was JSON, in parsed/


def _cache_path(project: Project, path: Path) -> Path:
    return project.parsed_cache / (project.relative(path) + ".marshal")


_templates: dict[str, Catalog] = {}  # digest -> template, for this process (one serves every locale)
# (path, digest) -> a catalog parsed by load(..., defer=True), not stored yet: the update job stores it only if it
# keeps that version (most catalogs it parses in a cold build are rewritten at once, and stored then).
_deferred: dict[tuple[Path, str], Catalog] = {}


def load(project: Project, path: Path, data: bytes, keep: bool = False, defer: bool = False) -> Catalog:
    """The catalog in `data` (the bytes of `path`), from the cache when it holds this version.
    `keep`: also keep it in this process (for templates, which every locale's update reads).
    `defer` (the update job's read of a catalog it may rewrite): if it has to be parsed, store it only when
    `keep_deferred` says this version stays; if the pipeline laid it out, `entry_texts` offers its entries."""
    digest = fsio.digest(data)
    if digest in _templates:
        return _templates[digest]
    catalog = _cached(project, path, digest, note_layout=defer)
    if catalog is None:
        catalog = read_po(data, project.relative(path))
        if defer:
            _deferred[path, digest] = catalog
        else:
            store(project, path, data, catalog)
    if keep:
        _templates[digest] = catalog
    return catalog


def keep_deferred(project: Project, path: Path, data: bytes, kept: bool) -> None:
    """The job keeps (or replaces) the version `data` of `path` it loaded with `defer`: store it if kept.
    A kept version will not be laid out again: its entries are no longer offered (see `entry_texts`)."""
    key = (path, fsio.digest(data))
    catalog = _deferred.pop(key, None)
    if kept:
        _laid_out.discard(key)
        if catalog is not None:
            store(project, path, data, catalog)


def _cached(project: Project, path: Path, digest: str, note_layout: bool = False) -> Catalog | None:
    """The cached catalog of this version of `path`, or None. `note_layout`: remember whether the pipeline
    laid out this version itself (see `entry_texts`)."""
    try:
        stored = marshal.loads(fsio.read_own(_cache_path(project, path)) or b"")
        if type(stored) is dict and stored.get("version") == VERSION and stored.get("digest") == digest:
            catalog = _decode(stored)
            if note_layout and stored.get("layout") == layout_version():
                _laid_out.add((path, digest))
            return catalog
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
        pass  # no entry, or one that is not this layout: the file is parsed
    return None


# (path, digest) of the versions loaded from an entry that `store(..., laid_out=True)` wrote: files this
# code wrote, entry by entry, from the very catalog the cache holds.
_laid_out: set[tuple[Path, str]] = set()


def entry_texts(path: Path, data: bytes, catalog: Catalog) -> dict[Message, str]:
    """The entries of `data`, the bytes of `path` that hold `catalog`, that `format_po` may copy instead of
    laying them out again: only when this process loaded that version from the cache and the entry says
    the pipeline wrote it with this layout (a translator's save, or a file this code did not write, has
    every entry laid out again)."""
    key = (path, fsio.digest(data))
    if key not in _laid_out:
        return {}
    _laid_out.discard(key)
    return pofile.entry_texts(data.decode("utf-8"), catalog)


def load_checked(project: Project, path: Path, digest: str) -> Catalog:
    """The version of `path` whose bytes have `digest`: the one the update job checked and decided on.

    From the cache (the update job stored exactly that version), else from the file if it still holds
    those bytes. If it holds other bytes (saved during the run), CatalogChanged: publishing them would
    publish what nobody checked; the next run checks them."""
    catalog = _cached(project, path, digest)
    if catalog is not None:
        return catalog
    data = fsio.read_bytes(path, within=project.root)
    if data is None or fsio.digest(data) != digest:
        raise CatalogChanged("changed since it was checked; the next run checks and publishes it", path)
    catalog = read_po(data, project.relative(path))
    store(project, path, data, catalog)
    return catalog


def store(project: Project, path: Path, data: bytes, catalog: Catalog, lines: Mapping[Key, int] | None = None,
          laid_out: bool = False) -> None:
    """Remember that the bytes `data` of `path` hold `catalog`. `lines`: where each live entry starts in
    `data`, for a catalog whose messages carry the lines of another file (a merged one). `laid_out`:
    `data` is `format_po(catalog)` (see `entry_texts`)."""
    at = lines or {}
    rows = [_row_but_line(m) + (at[m.key],) if not m.obsolete and m.key in at else _row(m) for m in catalog.messages]
    payload = {
        "version": VERSION,
        "digest": fsio.digest(data),
        "header": catalog.header,
        "header_comments": catalog.header_comments,
        "header_flags": catalog.header_flags,
        "header_text": catalog.header_text,
        "messages": rows,  # tuples in _FIELDS order
        "layout": layout_version() if laid_out else None,
    }
    # In place: a reader takes a half-written entry for none (marshal fails, or the digest or layout of
    # its rows is not this file's), and a cold build of 1,000 pages × 8 locales stores 9,000 entries.
    fsio.write_in_place(_cache_path(project, path), marshal.dumps(payload))


def _decode(stored: dict[str, Any]) -> Catalog:
    size, rows = len(_FIELDS), stored["messages"]
    header = (stored["header"], stored["header_comments"], stored["header_flags"])
    if type(rows) is not list or any(type(row) is not tuple or len(row) != size for row in rows) \
            or any(type(part) is not tuple for part in header):
        raise ValueError("not this layout")  # read as no cache entry (the file is parsed)
    # positional: the rows were stored in _FIELDS order, as the tuples they were
    return Catalog(header=header[0], header_comments=header[1], header_flags=header[2],
                   messages=tuple(Message(*row) for row in rows), header_text=stored["header_text"])
