"""Properties of the PO reader, writer and merge on generated catalogs, with GNU gettext as the oracle.

Catalogs hold wide characters and scripts without spaces, long lines, escapes, format directives,
contexts, plurals, flags, comments, previous msgids and obsolete entries. Three properties:

- what the writer writes, the reader reads back as the same catalog (and its fast path reads it as
  the line-by-line path does);
- what the writer writes is what ``msgcat`` makes of it, byte for byte;
- a merge gives every live entry the msgid, forms, fuzzy state and previous msgids that
  ``msgmerge --previous`` gives it, and keeps every old translation.

PO_EXAMPLES sets the examples per property (default 25: a few seconds); a long run:
PO_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_po_properties.py
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from conftest import need
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from pipeline.po import formatdirs, pofile
from pipeline.po.catalog import Catalog, Message
from pipeline.po.merge import merge

EXAMPLES = int(os.environ.get("PO_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
GNU_ENV = {"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

WORDS = ["word", "a", "translation", "café", "naïve", "Straße", "žluťoučký", "Tiếng", "Việt", "λέξη", "слово",
         "переводчик", "كلمة", "الترجمة", "מילה", "शब्द", "हिन्दी", "คำแปลภาษาไทย", "单词", "翻译软件", "日本語の文章",
         "한국어", "번역", "%s", "%d", "%1$s", "%.*s", "%(name)s", "{0}", "{name.attr}", "{0,number}", "$HOME",
         "'quoted'", '"double"', "back\\slash", "tab\there", "C:\\path", "(x)", "[y]", "—", "…", "«»", "¿", "!",
         ",", ".", ":", ";", "-", "/", "e.g.", "http://example.org/a/b", "x" * 30, "9,99 €", "50%"]
PIECES = st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", " ", " ", "  ", "\n", ". ", ", "]))
FLAGS = ["c-format", "python-format", "python-brace-format", "java-format", "csharp-format", "sh-format",
         "no-c-format", "no-python-format"]
PLURAL_FORMS = {1: "nplurals=1; plural=0;", 2: "nplurals=2; plural=(n != 1);",
                3: "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"}


def text(max_pieces: int = 40) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=1, max_size=max_pieces).map("".join)


def nonblank(max_pieces: int = 40) -> st.SearchStrategy[str]:
    return text(max_pieces).filter(lambda s: s.strip() != "")


comment = st.lists(st.sampled_from(["note", " indented", "", "Ünïcödé", "#x", ",y", "trailing  "]), max_size=3)


@st.composite
def message(draw: st.DrawFn, forms: int, key: tuple[str | None, str]) -> Message:
    msgctxt, msgid = key
    plural = draw(st.none() | nonblank(10)) if draw(st.booleans()) and draw(st.booleans()) else None
    translated = draw(st.booleans())
    if plural is None:
        msgstr, msgstr_plural = (draw(nonblank()) if translated else ""), ()
    else:
        msgstr, msgstr_plural = "", tuple(draw(nonblank()) if translated else "" for _ in range(forms))
    obsolete = translated and draw(st.integers(0, 9)) == 0  # GNU drops an untranslated obsolete entry
    chosen = draw(st.lists(st.sampled_from(FLAGS), max_size=2, unique=True))
    flags = (("fuzzy",) if translated and draw(st.booleans()) else ()) + tuple(
        f for f in sorted(chosen, key=_flag_order) if not any(f"no-{f}" == g for g in chosen))
    flags += ("no-wrap",) if draw(st.integers(0, 9)) == 0 else ()
    previous = draw(st.booleans())
    return Message(
        msgid, msgstr, msgctxt, plural, msgstr_plural, flags,
        translator_comments=tuple(draw(comment)), extracted_comments=() if obsolete else tuple(draw(comment)),
        references=() if obsolete else tuple(dict.fromkeys(draw(st.lists(st.sampled_from(
            ["src/a.py:1", "src/long/path/to/module_name.py:1234", "b.c:99", "templates/page.html:7"]), max_size=6)))),
        previous_msgctxt=draw(st.none() | st.just("old context")) if previous else None,
        previous_msgid=draw(text(20)) if previous else None,
        previous_msgid_plural=draw(st.none() | text(5)) if previous and plural else None,
        obsolete=obsolete)


def _flag_order(flag: str) -> int:
    return formatdirs.LANGUAGES.index(flag.removeprefix("no-").removesuffix("-format"))


CONTEXTS = st.none() | st.sampled_from(["", "menu", "a \"ctx\""])


@st.composite
def catalog(draw: st.DrawFn, contexts: st.SearchStrategy[str | None] = CONTEXTS) -> Catalog:
    forms = draw(st.sampled_from(sorted(PLURAL_FORMS)))
    keys = draw(st.lists(st.tuples(contexts, nonblank()), min_size=1, max_size=12, unique=True))
    messages = tuple(draw(message(forms, key)) for key in keys)
    header = (("Project-Id-Version", "t 1.0"), ("Language", "xx"), ("MIME-Version", "1.0"),
              ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit"),
              ("Plural-Forms", PLURAL_FORMS[forms]))
    live = tuple(m for m in messages if not m.obsolete)
    return Catalog(header=header, header_comments=("Generated.",), messages=live + tuple(m for m in messages
                                                                                          if m.obsolete))


def msgcat(data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([need("msgcat"), "--force-po", "-"], input=data, capture_output=True, env=GNU_ENV)


@SETTINGS
@given(catalog())
def test_written_catalog_reads_back_the_same(c):
    text = pofile.write_po(c)
    again = pofile.read_po(text.encode(), "x.po")
    assert (again.header, again.header_comments, again.messages) == (c.header, c.header_comments, c.messages)
    slow = pofile.read_po(text.encode(), "x.po", whole_entries=False)
    assert slow.messages == again.messages and [m.line for m in slow.messages] == [m.line for m in again.messages]


@SETTINGS
@given(catalog())
def test_writer_bytes_equal_msgcat_output(c):
    data = pofile.write_po(c).encode()
    result = msgcat(data)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == data


# ---------------------------------------------------------------------------------------- merge

EDITS = st.sampled_from(["insert", "delete", "replace", "same"])


def edited(draw: st.DrawFn, msgid: str) -> str:
    words = msgid.split(" ")
    edit = draw(EDITS)
    at = draw(st.integers(0, len(words) - 1))
    if edit == "insert":
        words.insert(at, draw(st.sampled_from(WORDS)))
    elif edit == "delete" and len(words) > 1:
        del words[at]
    elif edit == "replace":
        words[at] = draw(st.sampled_from(WORDS))
    return " ".join(words)


@st.composite
def merge_pair(draw: st.DrawFn) -> tuple[Catalog, Catalog]:
    """A translator's catalog and a template whose msgids are the catalog's, edited, or new; all in one
    context (a draft from another context is msgmerge's, not ours: README, deliberate differences)."""
    context = draw(CONTEXTS)
    old = draw(catalog(st.just(context)))
    messages, keys = [], set()
    for m in old.messages:
        roll = draw(st.integers(0, 9))
        if roll < 2:
            continue  # removed from the template
        msgid = edited(draw, m.msgid) if roll < 6 else m.msgid
        plural = m.msgid_plural if draw(st.integers(0, 5)) else draw(st.none() | nonblank(10))
        key = (m.msgctxt, msgid)
        if msgid.strip() and key not in keys:
            keys.add(key)
            messages.append(Message(msgid, msgctxt=m.msgctxt, msgid_plural=plural,
                                    msgstr_plural=("", "") if plural is not None else (),
                                    flags=tuple(f for f in m.flags if f.endswith("-format")),
                                    extracted_comments=("new",), references=("src/new.py:1",)))
    for extra in draw(st.lists(st.tuples(st.just(context), nonblank()), max_size=4)):
        if extra not in keys and extra[1].strip():
            keys.add(extra)
            messages.append(Message(extra[1], msgctxt=extra[0]))
    return Catalog(header=(("Content-Type", "text/plain; charset=UTF-8"),), messages=tuple(messages)), old


def state(m: Message) -> tuple:
    forms = m.msgstr_plural if m.msgid_plural is not None else m.msgstr
    fuzzy = m.fuzzy and m.translated
    return m.msgid_plural, forms, fuzzy, (m.previous_msgid, m.previous_msgid_plural) if fuzzy else None


@SETTINGS
@given(merge_pair())
def test_merge_agrees_with_msgmerge_previous(pair):
    template, old = pair
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "old.po").write_text(pofile.write_po(old), encoding="utf-8")
        (Path(folder) / "new.pot").write_text(pofile.write_po(template), encoding="utf-8")
        result = subprocess.run([need("msgmerge"), "--previous", "-q", "-o", "-", "old.po", "new.pot"], cwd=folder,
                                capture_output=True, env=GNU_ENV)
    assert result.returncode == 0, result.stderr.decode()
    expected = {m.key: m for m in pofile.read_po(result.stdout, "msgmerge").live}
    old = pofile.read_po(pofile.write_po(old).encode(), "old.po")  # as msgmerge read it
    merged = merge(template, old)
    assert {m.key for m in merged if not m.obsolete} == set(expected)
    note(f"{pofile.write_po(old)}\n=== template\n{pofile.write_po(template)}\n=== msgmerge\n{result.stdout.decode()}")
    for m in merged:
        if not m.obsolete:
            assert (m.key, state(m)) == (m.key, state(expected[m.key]))
    kept = {s for m in merged for s in (m.msgstr, *m.msgstr_plural)}
    singular = {t.key for t in template.messages if t.msgid_plural is None}  # test_merge: the known gap
    assert {s for m in old.messages if not (m.msgid_plural is not None and m.key in singular)
            for s in (m.msgstr, *m.msgstr_plural) if s} <= kept
