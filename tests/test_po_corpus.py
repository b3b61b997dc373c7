"""The reader and writer on real PO/POT files of public projects (tests/corpus.py), against GNU gettext.

The writer runs with no subprocess: every file msgcat accepts must come out byte for byte as
``msgcat --force-po`` writes it (``--force-po``: a catalog holding only a header is written too).
"""

from __future__ import annotations

import os
import subprocess

import corpus
import pytest

from pipeline.errors import CatalogError
from pipeline.po import pofile
from pipeline.po.merge import merge

pytestmark = pytest.mark.skipif(corpus.archive() is None, reason="the PO corpus archive is not here:"
                                " build it with tests/data/po-corpus/make_corpus.py (see its MANIFEST.tsv)")
GNU_ENV = {"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def gnu(tool: list[str], data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([*tool, "-"], input=data, capture_output=True, env=GNU_ENV, check=False)


def read(name: str, data: bytes):
    try:
        return pofile.read_po(data, name)
    except CatalogError:
        return None


def test_corpus_is_real_and_varied():
    names = list(corpus.files())
    assert len(names) >= 300
    assert len({n.split("/")[1] for n in names}) >= 4


def test_writer_matches_msgcat_on_the_corpus_without_a_subprocess():
    compared, differ = 0, []
    for name, data in corpus.files().items():
        catalog = read(name, data)
        expected = gnu(["msgcat", "--force-po"], data)
        if catalog is None or expected.returncode != 0:
            continue
        assert not pofile.needs_msgcat(catalog), name  # the writer's own line breaking, no subprocess
        compared += 1
        if pofile.write_po(catalog).encode("utf-8") != expected.stdout:
            differ.append(name)
    assert compared >= 290
    assert len(differ) <= compared // 100, differ


def test_reader_verdict_equals_msgfmt_syntax_verdict():
    """A file the reader refuses, msgfmt refuses too, on the same line; a file msgfmt reads without a
    syntax error, the reader reads. (Header and format checks of ``msgfmt --check`` are catalogcheck's.)"""
    for name, data in corpus.files().items():
        result = gnu(["msgfmt", "-o", os.devnull], data)
        try:
            pofile.read_po(data, name)
        except CatalogError as err:
            if "not UTF-8" in str(err) or "charset" in str(err):
                continue  # deliberate (README): the pipeline reads UTF-8 catalogs only
            assert result.returncode != 0, f"{name}: refused, msgfmt accepts: {err}"
            assert f"<stdin>:{err.line}:" in result.stderr.decode(errors="replace"), (name, str(err))
        else:
            assert result.returncode == 0 or b"format" in result.stderr, (name, result.stderr[:300])


def read_line_by_line(data: bytes, name: str):
    return pofile.read_po(data, name, whole_entries=False)


def outcome(read, data: bytes, name: str):
    """What a reader made of a file: the catalog with each entry's line, or the error and its line."""
    try:
        catalog = read(data, name)
    except CatalogError as err:
        return str(err)
    return catalog, catalog.header_text, [m.line for m in catalog.messages]


def test_reader_fast_path_reads_every_file_as_the_line_by_line_path():
    for name, data in corpus.members().items():
        if name.endswith((".po", ".pot")):
            assert outcome(pofile.read_po, data, name) == outcome(read_line_by_line, data, name), name


def merge_state(m):
    forms = m.msgstr_plural if m.msgid_plural is not None else m.msgstr
    fuzzy = m.fuzzy and m.translated
    previous = (m.previous_msgid, m.previous_msgid_plural) if fuzzy else None
    return m.msgid_plural, forms, fuzzy, previous


def test_merge_agrees_with_msgmerge_previous_and_loses_no_translation(tmp_path):
    pairs = corpus.merges()
    assert len(pairs) >= 50
    compared = 0
    for name, old, new in pairs:
        (tmp_path / "old.po").write_bytes(old)
        (tmp_path / "new.pot").write_bytes(new)
        result = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", "old.po", "new.pot"], cwd=tmp_path,
                                capture_output=True, env=GNU_ENV, check=True)
        expected = {m.key: m for m in pofile.read_po(result.stdout, "msgmerge").live}
        before = pofile.read_po(old, name)
        merged = merge(pofile.read_po(new, name), before)
        for m in merged:
            if not m.obsolete:
                compared += 1
                assert merge_state(m) == merge_state(expected[m.key]), (name, m.key)
        kept = {s for m in merged for s in (m.msgstr, *m.msgstr_plural)}
        assert {s for m in before.messages for s in (m.msgstr, *m.msgstr_plural) if s} <= kept, name
    assert compared >= 10_000


def polib_view(entries):
    return sorted((e.msgctxt or "", e.msgid, e.msgid_plural or "", e.msgstr if not e.msgid_plural else "",
                   tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)), e.obsolete, "fuzzy" in e.flags)
                  for e in entries)


def test_reader_agrees_with_polib_an_independent_reader():
    polib = pytest.importorskip("polib")
    compared = 0
    for name, data in corpus.files().items():
        catalog = read(name, data)
        if catalog is None or b"\\x" in data or b"\r" in data:
            continue  # polib does not read hexadecimal escapes nor keeps \r as GNU does
        try:
            theirs = polib.pofile(data.decode("utf-8"), wrapwidth=0)
        except OSError:
            continue  # polib refuses what msgfmt accepts (adjacent strings on one line: msgid "a" "")
        ours = [type("E", (), {"msgctxt": m.msgctxt, "msgid": m.msgid, "msgid_plural": m.msgid_plural,
                               "msgstr": m.msgstr, "msgstr_plural": dict(enumerate(m.msgstr_plural)),
                               "obsolete": m.obsolete, "flags": m.flags}) for m in catalog.messages]
        header = [e for e in theirs if e.msgid == "" and not e.msgctxt and not e.obsolete]
        assert polib_view(ours) == polib_view([e for e in theirs if e not in header]), name
        compared += 1
    assert compared >= 250
