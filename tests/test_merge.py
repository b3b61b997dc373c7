from __future__ import annotations

from pipeline.catalog import Catalog, Message
from pipeline.merge import merge


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
