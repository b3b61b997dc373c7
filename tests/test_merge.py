from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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


def _reference_best_match(text, candidates, threshold):
    """best_match as it was written first: difflib's bounds, a Python LCS table."""
    from difflib import SequenceMatcher

    def lcs(a, b):
        row = [0] * (len(b) + 1)
        for ca in a:
            prev = 0
            for j, cb in enumerate(b, 1):
                prev, row[j] = row[j], prev + 1 if ca == cb else max(row[j], row[j - 1])
        return row[-1]

    best, best_ratio = None, threshold
    for c in candidates:
        matcher = SequenceMatcher(None, text, c.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        grams = {text[i:i + 4] for i in range(len(text) - 3)}
        if not grams & {c.msgid[i:i + 4] for i in range(len(c.msgid) - 3)}:
            continue
        ratio = 1.0 if not text and not c.msgid else 2 * lcs(text, c.msgid) / (len(text) + len(c.msgid))
        if ratio > best_ratio:
            best, best_ratio = c, ratio
    return best


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="abcd éü", max_size=14), others=st.lists(st.text(alphabet="abcd éü", max_size=14),
                                                                     max_size=12),
       threshold=st.sampled_from([0.3, 0.6, 0.8]))
def test_merge_best_match_equals_the_difflib_and_lcs_table_reference(text, others, threshold):
    from pipeline.po.merge import best_match

    candidates = [Message(o) for o in others]
    assert best_match(text, candidates, threshold) is _reference_best_match(text, candidates, threshold)
