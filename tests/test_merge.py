from __future__ import annotations

import pytest

from pipeline.po.catalog import Catalog, Message
from pipeline.po.merge import merge


def template(*texts: str) -> Catalog:
    return Catalog(messages=tuple(Message(t, extracted_comments=("new comment",), references=("s.txt:1",))
                                  for t in texts))


def old(*messages: Message) -> Catalog:
    return Catalog(messages=messages)


def by_id(messages):
    return {m.msgid: m for m in messages}


def test_unchanged_segment_keeps_translation_state_and_translator_comment():
    result = by_id(merge(template("Headache"), old(
        Message("Headache", "Dolor de cabeza", translator_comments=("checked by Dr Ruiz",),
                extracted_comments=("old",)))))
    m = result["Headache"]
    assert (m.msgstr, m.fuzzy, m.translator_comments, m.extracted_comments) == (
        "Dolor de cabeza", False, ("checked by Dr Ruiz",), ("new comment",))


def test_edited_segment_becomes_fuzzy_with_previous_msgid():
    result = by_id(merge(template("Nausea or mild dizziness"), old(Message("Nausea or dizziness", "Náuseas o mareos"))))
    m = result["Nausea or mild dizziness"]
    assert m.msgstr == "Náuseas o mareos" and m.fuzzy and m.previous_msgid == "Nausea or dizziness"
    assert not any(x.obsolete for x in result.values())


def test_deleted_segment_becomes_obsolete_and_returns_with_its_translation():
    first = merge(template("Rest"), old(Message("Rest", "Descanso"), Message("Headache", "Dolor de cabeza")))
    dead = [m for m in first if m.obsolete]
    assert [(m.msgid, m.msgstr) for m in dead] == [("Headache", "Dolor de cabeza")]
    again = by_id(merge(template("Rest", "Headache"), Catalog(messages=first)))
    assert again["Headache"].msgstr == "Dolor de cabeza" and not again["Headache"].obsolete
    assert not again["Headache"].fuzzy


def test_new_segment_is_empty_and_order_follows_the_template():
    result = merge(template("B", "A", "C"), old(Message("A", "a"), Message("B", "b")))
    assert [(m.msgid, m.msgstr) for m in result] == [("B", "b"), ("A", "a"), ("C", "")]


def test_untranslated_old_entries_are_dropped_not_obsoleted():
    result = merge(template("A"), old(Message("Gone", "")))
    assert [m.msgid for m in result] == ["A"]


def test_fuzzy_match_never_crosses_contexts():
    t = Catalog(messages=(Message("Home page", msgctxt="breadcrumb"),))
    result = merge(t, old(Message("Home pages", "Inicio")))
    assert result[0].msgstr == "" and result[1].obsolete


ARABIC = (("Language", "ar"),)


def test_changed_msgid_plural_makes_the_entry_fuzzy_with_the_previous_plural():
    before = Catalog(header=ARABIC, messages=(Message("one apple", msgid_plural="%d apples",
                                                      msgstr_plural=tuple(f"a{i}" for i in range(6))),))
    after = Catalog(messages=(Message("one apple", msgid_plural="%d apples in total", msgstr_plural=("", "")),))
    (m,) = merge(after, before)
    assert m.fuzzy and m.msgstr_plural == tuple(f"a{i}" for i in range(6))
    assert (m.previous_msgid, m.previous_msgid_plural) == ("one apple", "%d apples")


def test_singular_translation_matched_to_a_plural_entry_fills_the_locales_forms_as_a_draft():
    before = Catalog(header=ARABIC, messages=(Message("a single pear", msgstr="كمثرى"),))
    after = Catalog(messages=(Message("a single pear", msgid_plural="pears", msgstr_plural=("", "")),))
    (m,) = merge(after, before)
    assert m.fuzzy and m.msgstr_plural == ("كمثرى",) * 6 and m.previous_msgid == "a single pear"


def test_plural_translation_matched_to_a_singular_entry_keeps_form_0_as_a_draft():
    before = Catalog(header=(("Plural-Forms", "nplurals=2; plural=n != 1;"),),
                     messages=(Message("one plum", msgid_plural="plums", msgstr_plural=("p0", "p1")),))
    (m, dead) = merge(Catalog(messages=(Message("one plum!"),)), before)
    assert m.fuzzy and m.msgstr == "p0"
    assert (m.previous_msgid, m.previous_msgid_plural) == ("one plum", "plums")
    assert dead.obsolete and dead.msgstr_plural == ("p0", "p1")


def test_new_plural_entries_get_the_locales_number_of_forms():
    after = Catalog(messages=(Message("new", msgid_plural="news", msgstr_plural=("", "")),))
    assert merge(after, Catalog(header=(("Language", "ko"),)))[0].msgstr_plural == ("",)
    assert merge(after, Catalog(header=ARABIC))[0].msgstr_plural == ("",) * 6


def test_format_flags_follow_the_template_and_fuzzy_follows_the_file():
    before = old(Message("file %s", msgstr="Datei %s", flags=("fuzzy", "sh-format")))
    after = Catalog(messages=(Message("file %s", flags=("python-brace-format",)),))
    (m,) = merge(after, before)
    assert set(m.flags) == {"fuzzy", "python-brace-format"}


def test_fuzzy_match_uses_gnu_similarity_and_may_draft_from_a_translation_in_use():
    before = old(Message("Permalink to this definition", msgstr="Lien permanent vers cette définition"))
    after = template("Permalink to this definition", "Permalink to this definitions")
    kept, draft = merge(after, before)
    assert kept.msgstr == draft.msgstr and draft.fuzzy and not kept.fuzzy


def msgmerge_states(template: Catalog, before: Catalog) -> dict:
    """What ``msgmerge --previous`` makes of the pair: each live entry's translation, fuzzy flag and #| msgid."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from conftest import need

    from pipeline.po.pofile import read_po, write_po

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "old.po").write_text(write_po(before), encoding="utf-8")
        (Path(folder) / "new.pot").write_text(write_po(template), encoding="utf-8")
        out = subprocess.run([need("msgmerge"), "--previous", "-q", "-o", "-", "old.po", "new.pot"], cwd=folder,
                             capture_output=True, check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout
    return {m.msgid: (m.msgstr, m.fuzzy, m.previous_msgid) for m in read_po(out, "msgmerge").live}


@pytest.mark.parametrize("new, before", [
    ("Open the file now", Message("Open the file", "Ouvrir le fichier", obsolete=True)),  # obsolete entries draft too
    ("abcdefghij", Message("abcdXeYfZW", "draft")),  # a similarity of exactly 0.6 passes (GNU's context bonus)
    ("Add", Message("Adds", "Ajoute")),  # under four characters: compared by length, not by 4-grams
    ("wordword one", Message("wordword", "mot", flags=("fuzzy",))),  # a draft of a draft without #|: none
    ("a語b本a語ëë", Message("語b語b本a語é日", "x")),  # similarity of the UTF-8 bytes: 0.67 (of the characters: 0.59)
])
def test_fuzzy_draft_as_msgmerge_drafts(new, before):
    header = (("Content-Type", "text/plain; charset=UTF-8"),)
    after, catalog = Catalog(header=header, messages=template(new).messages), Catalog(header=header, messages=(before,))
    ours = {m.msgid: (m.msgstr, m.fuzzy, m.previous_msgid) for m in merge(after, catalog) if not m.obsolete}
    assert ours == msgmerge_states(after, catalog)
    assert ours[new][0] == before.msgstr


@pytest.mark.xfail(strict=True, reason="known gap: a plural entry whose msgid is now singular keeps form 0 only, as "
                   "with msgmerge; a PO file cannot also hold it obsolete under the same msgid")
def test_plural_entry_turned_singular_keeps_every_form():
    before = Catalog(header=(("Plural-Forms", "nplurals=2; plural=n != 1;"),),
                     messages=(Message("one plum", msgid_plural="plums", msgstr_plural=("p0", "p1")),))
    merged = merge(Catalog(messages=(Message("one plum"),)), before)
    assert "p1" in {s for m in merged for s in (m.msgstr, *m.msgstr_plural)}
