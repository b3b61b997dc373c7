"""The PO writer against GNU msgcat (the oracle), and the reader's error messages."""

from __future__ import annotations

import random

import po_synthetic
import pytest
from conftest import msgcat, msgfmt_check

from pipeline.errors import CatalogError
from pipeline.po import linebreak, pofile
from pipeline.po.catalog import Catalog, Message
from pipeline.po.pofile import read_po, write_po

HEADER = (("Project-Id-Version", "t"), ("Language", "es"), ("MIME-Version", "1.0"),
          ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit"),
          ("Plural-Forms", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"))
ALPHABET = (list("abcdefghij ABCXYZ0123456789") + [" "] * 6 + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
            + list("–—‐‑…«»“”‘’¿¡½≥≤£€°±×·\u00a0éñçüßøåœαβγабвعربي،؟") + ["\n"])


def random_text(rng: random.Random, density: float) -> str:
    n = rng.choice([3, 30, 70, 76, 77, 78, 79, 80, 150, 300])
    return "".join(rng.choice(ALPHABET) if rng.random() < density else rng.choice("abcdefghijklmnop")
                   for _ in range(n))


@pytest.mark.parametrize("seed", range(12))
def test_writer_matches_msgcat_byte_for_byte(tmp_path, seed):
    rng = random.Random(seed)
    messages = []
    for i in range(150):
        text = random_text(rng, density=[0.05, 0.2, 0.5][seed % 3])
        messages.append(Message(
            f"{i} {text}", msgstr=text[::-1], msgctxt=rng.choice([None, "meta title", "a \"ctx\""]),
            flags=rng.choice([(), ("fuzzy",)]), translator_comments=rng.choice([(), ("kept note",)]),
            extracted_comments=("Paragraph in section “Overview”.",),
            references=tuple(f"source/page-{j}.txt:{j * 7}" for j in range(rng.choice([1, 1, 9]))),
            previous_msgid=rng.choice([None, text[:40]]), obsolete=i > 140))
    path = tmp_path / "x.po"
    path.write_text(write_po(Catalog(header=HEADER, header_comments=("Spanish",), messages=tuple(messages))),
                    encoding="utf-8")
    assert msgcat(path) == path.read_bytes()


@pytest.mark.parametrize("seed", range(6))
def test_modelled_line_breaking_matches_msgcat_without_fallback(tmp_path, seed):
    rng = random.Random(1000 + seed)
    messages: list[Message] = []
    while len(messages) < 200:
        text = random_text(rng, density=0.3)
        if linebreak.modelled(text):
            messages.append(Message(f"{len(messages)} {text}", msgstr=text))
    catalog = Catalog(header=HEADER, messages=tuple(messages))
    assert not pofile.needs_msgcat(catalog)  # the pure-Python path is what is tested here
    path = tmp_path / "x.po"
    path.write_text(write_po(catalog), encoding="utf-8")
    assert msgcat(path) == path.read_bytes()


def test_round_trip_keeps_every_field():
    m = Message("Hello \"you\"\n", "Hola", msgctxt="breadcrumb", flags=("fuzzy", "c-format"),
                translator_comments=("note", ""), extracted_comments=("role",), references=("a.txt:1", "a.txt:9"),
                previous_msgctxt="old", previous_msgid="Hello")
    dead = Message("Gone", "Ido", obsolete=True, translator_comments=("why",), flags=("fuzzy",), previous_msgid="Go")
    text = write_po(Catalog(header=HEADER, messages=(m, dead)))
    again = read_po(text.encode(), "x.po")
    assert again.messages == (m, dead)
    assert again.header == HEADER
    assert write_po(again) == text


def test_written_catalog_passes_msgfmt_check(tmp_path):
    path = tmp_path / "x.po"
    header = HEADER + (("PO-Revision-Date", "2026-01-01 00:00+0000"), ("Last-Translator", ""),
                       ("Language-Team", "Spanish"))
    path.write_text(write_po(Catalog(header=header, messages=(Message("a", "b"),))), encoding="utf-8")
    result = msgfmt_check(path)
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.parametrize("text, line, message", [
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message definition (first defined on line 1)"),
    ('msgid "a\nmsgstr "b"\n', 1, "end-of-line within string"),
    ('msgid "a"\nmsgstr "b"\nmsgfoo "c"\n', 3, 'keyword "msgfoo" unknown'),
    ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 1, "missing 'msgstr' section"),
    ('msgid "a\\q"\nmsgstr ""\n', 1, "invalid control sequence"),
    ('msgid "a"\nmsgstr "b"\n"c" d\n', 3, "syntax error"),
])
def test_reader_errors_name_the_line(text, line, message):
    with pytest.raises(CatalogError) as caught:
        read_po(text.encode(), "locales/es/LC_MESSAGES/x.po")
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"locales/es/LC_MESSAGES/x.po:{line}: ")


def test_reader_rejects_bytes_that_are_not_utf8():
    with pytest.raises(CatalogError, match=r"x.po:3: invalid multibyte sequence"):
        read_po(b'msgid "a"\nmsgstr "b"\nmsgid "\xff"\nmsgstr ""\n', "x.po")


def test_reader_rejects_other_charsets_with_the_fix():
    data = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n'
    with pytest.raises(CatalogError, match="msgconv --to-code=UTF-8"):
        read_po(data, "x.po")


def test_format_po_reports_where_each_entry_starts():
    from pipeline.po.pofile import format_po

    messages = tuple(Message(f"{i} " + "word " * (i * 7), "x", translator_comments=("c",) * (i % 3),
                             references=("a.txt:1",)) for i in range(30))
    catalog = Catalog(header=HEADER, messages=messages + (Message("old", "viejo", obsolete=True),))
    text, lines = format_po(catalog)
    assert lines == {m.key: m.line for m in read_po(text.encode(), "x.po").live}


@pytest.mark.parametrize("flag, directive", [
    ("c-format", "%1$s and %.*s"),  # numbered and unnumbered arguments mixed: GNU stops marking at %.*s
    ("c-format", "%-10.3lf"),
    ("python-format", "%(name_long)s"),
    ("python-brace-format", "{name.attr_long}"),  # msgcat 0.21 breaks inside these like in any text
    ("python-brace-format", "{0:>10}"),
    ("java-format", "{0,number,integer}"),
    ("java-format", "'{0,number}' x {1,number,integer}"),  # quoted: literal text, broken like text
    ("java-format", "Don't {0,number,integer}"),  # an apostrophe opens a quotation
    ("csharp-format", "{0,10:N2}"),
    ("csharp-format", "{0, 10}"),  # not a directive (a space)
    ("sh-format", "${variable_name}"),
])
def test_writer_breaks_format_directives_as_msgcat(tmp_path, flag, directive):
    messages = tuple(Message("a" * n + " " + "word " * 9 + directive + " tail words to wrap here and there", "x",
                             flags=(flag,)) for n in range(30))
    path = tmp_path / "x.po"
    path.write_text(write_po(Catalog(header=HEADER, messages=messages)), encoding="utf-8")
    assert msgcat(path) == path.read_bytes()


def test_a_catalog_cached_with_the_lines_of_its_written_file_keeps_every_other_field(tmp_path) -> None:
    """The update job caches a merged catalog with the lines of the file it wrote, building each row whole
    (for speed): a field added to Message must not be lost there, and an obsolete entry keeps its line."""
    from dataclasses import fields

    from pipeline.catalogs import catalogcache
    from pipeline.paths import Project

    def sample(name: str, default: object, obsolete: bool) -> object:
        if name == "obsolete":
            return obsolete
        if isinstance(default, tuple):
            return (f"{name}-1", f"{name}-2")
        if isinstance(default, int):
            return 7
        return f"{name} value"

    live, old = (Message(**{f.name: sample(f.name, f.default, gone) for f in fields(Message)})
                 for gone in (False, True))
    catalog = Catalog(header=(("Language", "es"),), messages=(live, old))
    project, data = Project(tmp_path), b"the file as written"
    catalogcache.store(project, tmp_path / "page.po", data, catalog, {live.key: 42})
    moved = catalogcache.load(project, tmp_path / "page.po", data)
    assert [m.line for m in moved.messages] == [42, 7]
    for before, after in zip(catalog.messages, moved.messages, strict=True):
        assert all(getattr(after, f.name) == getattr(before, f.name) for f in fields(Message) if f.name != "line")


def test_a_cache_entry_that_is_not_one_is_ignored_and_the_file_parsed(tmp_path) -> None:
    """The parsed-catalog cache holds marshalled plain values, written in place; bytes that are not marshal
    data (an entry half written), another value, or rows of another layout are no entry: the catalog comes
    from its file, and is stored again."""
    import marshal

    from pipeline.catalogs import catalogcache
    from pipeline.fsio import digest
    from pipeline.paths import Project

    project, path = Project(tmp_path), tmp_path / "page.po"
    data = b'msgid "Dose"\nmsgstr "Dosis"\n'
    good = {"version": catalogcache.VERSION, "digest": digest(data), "header": (), "header_comments": (),
            "header_flags": (), "header_text": None}
    cached = project.parsed_cache / "page.po.marshal"
    cached.parent.mkdir(parents=True)
    for entry in (b"\x00not marshal data", b"", marshal.dumps(["a", "list"]),
                  marshal.dumps({**good, "messages": [("Dose", "Wrong")]}),  # a row of another layout
                  marshal.dumps({**good, "header": [["Language", "de"]], "messages": []}),  # lists, not tuples
                  marshal.dumps({**good, "digest": digest(b"other bytes"), "messages": []}),
                  marshal.dumps({**good, "messages": [("Dose", "Dosis", *(None,) * 11, 0)]})[:-9]):  # half written
        cached.write_bytes(entry)
        catalog = catalogcache.load(project, path, data)
        assert [(m.msgid, m.msgstr) for m in catalog.messages] == [("Dose", "Dosis")]
        assert marshal.loads(cached.read_bytes())["messages"][0][:2] == ("Dose", "Dosis")  # parsed, stored again


@pytest.mark.skipif(not linebreak.AVAILABLE, reason="entries are copied only where libunistring lays them out")
@pytest.mark.parametrize("locale", sorted(po_synthetic.SCRIPTS))
def test_copying_the_entries_of_the_last_file_gives_the_bytes_of_a_fresh_layout(locale):
    """A rebuild copies the entries it laid out last time for the messages that did not change
    (format_po's `reuse`): after a real merge with the next template (entries edited, gone, new, drafted,
    made obsolete), in every script, the text and the line of every entry must be what laying them all
    out gives."""
    from pipeline.catalogs.refresh import updated
    from pipeline.locales import SiteLocale
    from pipeline.po.pofile import entry_texts, format_po

    seed = sorted(po_synthetic.SCRIPTS).index(locale)
    base = po_synthetic.template(seed, 120)
    before = po_synthetic.catalog(base, locale, seed)
    after = updated(po_synthetic.next_version(base, seed), before, SiteLocale.parse(locale))
    reuse = entry_texts(format_po(before)[0], before)
    assert reuse and after.messages != before.messages
    assert format_po(after, reuse) == format_po(after)
    assert format_po(before, reuse) == format_po(before)


def test_entries_of_a_text_that_does_not_pair_with_the_catalog_are_none():
    """Copying needs the text to be the catalog's own layout: a text with another number of entries gives
    nothing to copy (then every entry is laid out), and so does a catalog without messages."""
    from pipeline.po.pofile import entry_texts, format_po

    catalog = Catalog(header=HEADER, messages=(Message("Dose", "Dosis"), Message("Rate", "Ritmo")))
    text = format_po(catalog)[0]
    assert entry_texts(text, catalog) == {Message("Dose", "Dosis"): 'msgid "Dose"\nmsgstr "Dosis"\n',
                                          Message("Rate", "Ritmo"): 'msgid "Rate"\nmsgstr "Ritmo"\n'}
    assert entry_texts(text.replace('\n\nmsgid "Rate"', '\nmsgid "Rate"'), catalog) == {}
    assert entry_texts(text + '\nmsgid "More"\nmsgstr ""\n', catalog) == {}
    assert entry_texts(format_po(Catalog(header=HEADER))[0], Catalog(header=HEADER)) == {}


def test_only_a_file_the_pipeline_laid_out_with_this_code_has_its_entries_copied(tmp_path) -> None:
    """The cache says which versions of a catalog the update job wrote itself (`laid_out`), and with
    which code: a translator's file (parsed from its bytes), one stored as parsed, or one laid out by other
    code has no entry copied (its layout may not be this code's), and an entry is offered once, to the
    update job's read of a catalog it may rewrite (`defer`) only."""
    import marshal

    from pipeline.catalogs import catalogcache
    from pipeline.paths import Project
    from pipeline.po.pofile import format_po

    project, path = Project(tmp_path), tmp_path / "page.po"
    catalog = Catalog(header=HEADER, messages=(Message("Dose", "Dosis"), Message("Rate", "Ritmo")))
    data = format_po(catalog)[0].encode()

    def offered() -> dict[Message, str]:
        return catalogcache.entry_texts(path, data, catalogcache.load(project, path, data, defer=True))

    assert offered() == {}  # parsed
    catalogcache.keep_deferred(project, path, data, kept=True)
    assert offered() == {}  # stored as parsed
    catalogcache.store(project, path, data, catalog, laid_out=True)
    catalogcache.load(project, path, data)  # a read that will not rewrite the file (the render's)
    assert catalogcache.entry_texts(path, data, catalog) == {}
    loaded = catalogcache.load(project, path, data, defer=True)
    assert set(catalogcache.entry_texts(path, data, loaded)) == set(catalog.messages)
    assert catalogcache.entry_texts(path, data, loaded) == {}  # once per load
    loaded = catalogcache.load(project, path, data, defer=True)
    catalogcache.keep_deferred(project, path, data, kept=True)  # the job keeps the file as it is
    assert catalogcache.entry_texts(path, data, loaded) == {}
    cached = project.parsed_cache / "page.po.marshal"
    cached.write_bytes(marshal.dumps({**marshal.loads(cached.read_bytes()), "layout": "other code"}))
    assert offered() == {}


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_a_cache_entry_in_place_never_follows_a_link_blocks_on_a_fifo_or_writes_into_a_folder(tmp_path, kind):
    """Cache entries are overwritten in place (fsio.write_in_place); whatever is at the entry's path that is
    not a regular file is replaced: a symbolic link's target outside the project stays as it was, and a
    FIFO nobody reads does not block the job. A folder there is refused with a message naming it."""
    import os

    from pipeline.errors import PipelineError
    from pipeline.fsio import write_in_place

    outside, path = tmp_path / "outside.txt", tmp_path / "cache" / "page.po.marshal"
    outside.write_text("not the cache's")
    path.parent.mkdir()
    if kind == "symlink":
        path.symlink_to(outside)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        (path / "inside").mkdir(parents=True)
    if kind == "folder":
        with pytest.raises(PipelineError, match=r"page\.po\.marshal: cannot write"):
            write_in_place(path, b"entry")
        return
    write_in_place(path, b"entry")
    assert path.read_bytes() == b"entry" and not path.is_symlink() and path.is_file()
    assert outside.read_text() == "not the cache's"
    write_in_place(path, b"2nd")  # a regular file now: in place, same inode
    inode = path.stat().st_ino
    write_in_place(path, b"third entry")
    assert path.read_bytes() == b"third entry" and path.stat().st_ino == inode
