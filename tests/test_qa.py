from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.errors import PipelineError
from pipeline.locales import SiteLocale
from pipeline.po.catalog import Message
from pipeline.review.qa import Checker, Term, entry_digest, read_glossary

EN = SiteLocale.parse("en-GB")


def findings(source, text, locale="es", ctxt=None, glossary=()):
    checker = Checker(EN, SiteLocale.parse(locale), glossary, ("IV", "CBT", "NHS"))
    return [(f.check, f.blocking) for f in checker.entry(Message(source, text, msgctxt=ctxt, line=9))]


@pytest.mark.parametrize("source, text, locale", [
    ("Avoid driving for 24 hours.", "Evite conducir durante 24 horas.", "es"),
    ("A dose of 2.5 mg/kg.", "Una dosis de 2,5 mg/kg.", "es"),
    ("A dose of 2.5 mg/kg.", "Eine Dosis von 2,5 mg/kg.", "de"),
    ("Half (½) the dose.", "La mitad (0,5) de la dosis.", "es"),
    ("From 1 to 5 sessions.", "De 1–5 sesiones.", "es"),
    ("About 1,000 mg.", "Unos 1.000 mg.", "es"),
    ("About 1,000 mg.", "Około 1 000 mg.", "pl"),
    ("Ferritin ≥ 15 µg/L, 10% of people.", "Ferritina ≥ 15 µg/L, 10 % de las personas.", "es"),
    ("For 24 hours.", "لمدة ٢٤ ساعة.", "ar"),
])
def test_numbers_that_keep_their_value_pass(source, text, locale):
    assert ("numbers", True) not in findings(source, text, locale)


@pytest.mark.parametrize("source, text", [
    ("Avoid driving for 24 hours.", "Evite conducir durante 48 horas."),
    ("Take 10 mg.", "Tome 100 mg."),
    ("Take 10 mg.", "Tome 10 g."),
    ("Ferritin ≥ 15.", "Ferritina 15."),
    ("Two doses of 2.5 mg.", "Dos dosis de 25 mg."),
])
def test_changed_numbers_block(source, text):
    assert ("numbers", True) in findings(source, text)


def test_protected_text_and_terms_block():
    assert ("protected", True) in findings("Call 020 7946 0958.", "Llame al 020 7946 0959.")
    assert ("protected", True) in findings("Email care@clinic.example.", "Escriba a care@clinica.example.")
    assert ("protected", True) in findings("IV ketamine.", "Ketamina intravenosa.")
    assert findings("CBT or ACT.", "TCC o ACT.").count(("protected", True)) == 1


def test_glossary_requires_the_rendering():
    terms = (Term("ketamine", "ketamina", 2),)
    assert ("glossary", True) in findings("IV ketamine.", "IV ketamine.", glossary=terms)
    assert ("glossary", True) not in findings("IV Ketamine.", "Ketamina IV.", glossary=terms)


def test_warnings_do_not_block():
    assert ("markup", False) in findings("Headache.", "Dolor <b>de</b> cabeza.")
    assert ("length", False) in findings("Title", "T" * 61 + ".", ctxt="meta title")
    assert ("length", False) in findings("Wide", "診" * 31, ctxt="meta title")
    assert ("punctuation", False) in findings("Rest.", "Descanso")
    assert ("repeated-word", False) in findings("Rest.", "Descanso descanso.")
    assert ("repeated-word", False) not in findings("The Duran Duran song.", "La canción de Duran Duran.")
    assert ("repeated-word", False) in findings("The Duran Duran song.", "La la canción de Duran Duran.")
    assert ("whitespace", False) in findings("Rest.", "Descanso. ")


def test_glossary_file_errors_name_the_line():
    with pytest.raises(PipelineError, match=r"es.csv:3: each row needs a term and its translation"):
        read_glossary(b"term,translation\nketamine,ketamina\nlidocaine\n", "es.csv")
    with pytest.raises(PipelineError, match="es.csv:1: the first row must be the header"):
        read_glossary(b"source,target\n", "es.csv")
    with pytest.raises(PipelineError, match=r"es.csv:2: not UTF-8 text"):
        read_glossary(b"term,translation\nk\xe9tamine,ketamina\n", "es.csv")
    with pytest.raises(PipelineError, match=r"es.csv:1: not UTF-8 text .*UTF-16"):
        read_glossary("term,translation\n".encode("utf-16"), "es.csv")


def test_glossary_reads_what_spreadsheets_save():
    """Case 3 of issue 11: Excel's "CSV UTF-8" starts with a byte-order mark and ends lines with CRLF;
    where the decimal mark is a comma it separates fields with semicolons."""
    expected = (Term("headache", "cefalea", 2), Term("ketamine", "ketamina", 3))
    for data in (b"term,translation\nheadache,cefalea\nketamine,ketamina\n",
                 b"\xef\xbb\xbfterm,translation\r\nheadache,cefalea\r\nketamine,ketamina\r\n",
                 b"\xef\xbb\xbfTerm;Translation;Note\r\nheadache;cefalea;\r\nketamine;ketamina;INN\r\n"):
        assert read_glossary(data, "es.csv") == expected


def checked(source, text, locale="es", comments=()):
    checker = Checker(EN, SiteLocale.parse(locale), (), ("IV", "CBT", "NHS"))
    return checker.entry(Message(source, text, translator_comments=tuple(comments), line=9))


@pytest.mark.parametrize("source, text", [
    ("Drink 2 L a day.", "Beba 2 mL al día."),
    ("A 5 mm cannula.", "Una cánula de 5 cm."),
    ("Take 10 mg.", "Tome 10 mcg."),
    ("Take 500 mcg.", "Tome 500 mg."),
    ("Take 1 g.", "Tome 1 kg."),
    ("Give 0.5 mg/kg.", "Administre 0,5 mg."),
    ("Observe for 40 minutes.", "Observe durante 40 horas."),
])
def test_unit_swaps_block(source, text):
    assert [(f.code, f.blocking) for f in checked(source, text)] == [("numbers-unit", True)]


@pytest.mark.parametrize("source, text, locale", [
    ("Give 0.5 mg.", "Administre 0,5 mg.", "es"),
    ("Give 0.5 mcg.", "Administre 0,5 µg.", "es"),
    ("Give 500 mL.", "Administre 500 ml.", "es"),
    ("Give 10 IU.", "Administre 10 UI.", "es"),
    ("Costs £4,500.", "Cuesta 4500 £.", "es"),
    ("Costs £4,500.", "Cuesta 4.500 £.", "es"),
    ("Costs £4,500.", "Coûte 4\u202f500 £.", "fr"),
    ("Below 37 °C.", "Por debajo de 37 ºC.", "es"),
    ("Over 2–3 hours.", "Durante 2 a 3 horas.", "es"),
    ("At 90 bpm.", "A 90 lpm.", "es"),
])
def test_locale_spellings_of_the_same_quantity_pass(source, text, locale):
    assert [f.code for f in checked(source, text, locale) if f.blocking] == []


@pytest.mark.parametrize("source, text, shown", [
    ("Costs £4,500.", "Cuesta 4,500 £.", "'4,500' reads as 4.5 in es"),
    ("Up to 30,000 patients.", "Hasta 30,000 pacientes.", "'30,000' reads as 30 in es"),
])
def test_an_english_thousands_separator_blocks_with_its_reason(source, text, shown):
    findings = checked(source, text)
    assert [(f.code, f.blocking) for f in findings] == [("numbers-separator", True)]
    assert shown in findings[0].message and "decimal separator" in findings[0].message


def test_a_changed_phone_number_is_one_protected_finding():
    findings = checked("Call 020 7946 3456 today.", "Llame hoy al 020 7946 3465.")
    assert [f.code for f in findings] == ["protected"]


@pytest.mark.parametrize("source, text", [
    ("£690 (84 mg) or £890 (56 mg).", "690 £ (56 mg) o 890 £ (84 mg)."),
    ("5 mg every 4 hours or 10 mg every 8 hours.", "5 mg cada 8 horas o 10 mg cada 4 horas."),
    ("From 1 to 5 sessions.", "De 5 a 1 sesiones."),
])
def test_swapped_pairs_block(source, text):
    assert [(f.code, f.blocking) for f in checked(source, text)] == [("numbers-order", True)]


def test_pairs_in_the_same_order_pass():
    assert not checked("£690 (84 mg) or £890 (56 mg).", "690 £ (84 mg) o 890 £ (56 mg).")


def test_a_reviewer_accepts_one_finding_with_a_reason():
    source, text = "£690 (84 mg) or £890 (56 mg).", "690 £ (56 mg) o 890 £ (84 mg)."
    findings = checked(source, text, comments=["qa-accept: numbers-order the client's order, checked by Dr Ruiz"])
    assert [(f.code, f.blocking, f.accepted) for f in findings] == [
        ("numbers-order", False, "the client's order, checked by Dr Ruiz")]
    assert "(accepted: the client's order" in replace(findings[0], path="x.po").render()
    whole_check = checked(source, text, comments=["qa-accept: numbers reordered on purpose"])
    assert [f.blocking for f in whole_check] == [False]


def test_an_accept_without_reason_or_finding_is_a_warning_and_accepts_nothing():
    source, text = "£690 (84 mg) or £890 (56 mg).", "690 £ (56 mg) o 890 £ (84 mg)."
    findings = checked(source, text, comments=["qa-accept: numbers-order"])
    assert [(f.code, f.blocking) for f in findings] == [("numbers-order", True), ("qa-accept", False)]
    findings = checked(source, text, comments=["qa-accept: glossary not needed here"])
    assert ("qa-accept", False) in [(f.code, f.blocking) for f in findings]
    assert ("numbers-order", True) in [(f.code, f.blocking) for f in findings]


def test_masking_and_qa_read_one_unit_table():
    from pipeline.drafts.masks import mask, protected_pattern
    from pipeline.quantities import SYMBOL_UNITS

    pattern = protected_pattern(())
    for spellings in SYMBOL_UNITS.values():
        for spelling in spellings:
            masked = mask(f"Give 2 {spelling} now.", pattern)
            assert masked.spans == (f"2 {spelling}",), spelling


def test_a_word_the_pivot_left_is_flagged_until_the_reviewer_translates_it():
    note = "machine translation: apertium eng-spa | es-fr; pivot leftovers: infusión"
    checker = Checker(EN, SiteLocale.parse("fr"), (), ())
    left = Message("iv-ketamine-infusion", "iv-ketamine-infusión", msgctxt="URL slug", translator_comments=(note,))
    fixed = Message("iv-ketamine-infusion", "perfusion-de-ketamine-iv", msgctxt="URL slug", translator_comments=(note,))
    found = checker.entry(left)
    assert [(f.check, f.blocking) for f in found] == [("pivot", False)]
    assert "'infusión'" in found[0].message and "apertium eng-spa | es-fr" in found[0].message
    assert "French" in found[0].message
    assert checker.entry(fixed) == []
    accepted = Message(left.msgid, left.msgstr, msgctxt="URL slug",
                       translator_comments=(note, "qa-accept: pivot the clinic's brand keeps the accent"))
    assert [f.accepted for f in checker.entry(accepted)] == ["the clinic's brand keeps the accent"]


def test_entry_digests_tell_apart_texts_split_differently_and_none_from_empty():
    texts = [
        (None, "a", "b", None, (), ()),
        ("", "a", "b", None, (), ()),
        (None, "ab", "", None, (), ()),
        (None, "a", "b", "", (), ()),
        (None, "a", "b", None, ("",), ()),
        (None, "a", "b", None, ("x", "y"), ()),
        (None, "a", "b", None, ("xy",), ()),
        (None, "a", "b", None, (), ("x", "y")),
        (None, "a", "b", None, ("x",), ("y",)),
        (None, "a", "bS1:x", None, (), ()),
        (None, "a', 'b", "", None, (), ()),  # quotes and backslashes inside a text: its repr escapes them
        (None, 'a", "b', "", None, (), ()),
        (None, "a\\", "b", None, (), ()),
        (None, "a", "\\b", None, (), ()),
        (None, "a\ud800", "b", None, (), ()),  # a lone surrogate (a broken file's text) is named too
        (None, "a\\ud800", "b", None, (), ()),
    ]
    assert len({entry_digest(*t) for t in texts}) == len(texts)


def test_a_remembering_checker_takes_what_it_recalls_and_learns_what_it_checks():
    es = SiteLocale.parse("es")
    changed = Message("Avoid driving for 24 hours.", "Evite conducir durante 48 horas.", line=3)
    fields = (changed.msgctxt, changed.msgid, changed.msgstr, changed.msgid_plural, changed.msgstr_plural,
              changed.translator_comments)
    checked = Checker(EN, es, (), ()).entry(changed)
    assert [f.check for f in checked] == ["numbers", "numbers"]
    recalling = Checker(EN, es, (), ())
    recalling.remember({entry_digest(*fields): (("whitespace", None, "recalled"),)})
    assert [(f.check, f.message, f.line) for f in recalling.entry(changed)] == [("whitespace", "recalled", 3)]
    other = replace(changed, msgstr="Evite conducir durante 72 horas.")
    assert recalling.entry(other) == Checker(EN, es, (), ()).entry(other)
    assert set(recalling.learned) == {entry_digest(*fields), entry_digest(*fields[:2], other.msgstr, *fields[3:])}



def test_entries_met_again_keep_their_own_lines_and_findings_past_what_a_checker_recalls_by_texts():
    """A checker recalls the last RECENT_TEXTS entries by their texts (a shared disclaimer on every page):
    met again, at another line or after that many others, an entry gets a fresh checker's findings at
    its own line, and every entry stays in `learned` (the memo the next run recalls)."""
    from pipeline.review import qa

    es = SiteLocale.parse("es")
    shared = Message("Avoid driving for 24 hours.", "Evite conducir durante 48 horas.", line=3)
    others = [Message(f"Rest for {n} minutes.", f"Descanse {n + (n % 2)} minutos.", line=10) for n in range(1, 60)]
    many = Checker(EN, es, (), ())
    rounds = [[shared, *others], [replace(shared, line=40), *others[:5]], [replace(shared, line=77),
                                                                 replace(shared, msgstr="Evite conducir 24 horas.")]]
    old = qa.RECENT_TEXTS
    qa.RECENT_TEXTS = 16  # so the entries of the first round are forgotten by texts before the later ones
    try:
        seen = [[many.entry(m) for m in entries] for entries in rounds]
    finally:
        qa.RECENT_TEXTS = old
    assert seen == [[Checker(EN, es, (), ()).entry(m) for m in entries] for entries in rounds]
    assert [f.line for f in seen[1][0]] == [40, 40] and [f.line for f in seen[2][0]] == [77, 77]
    assert seen[2][1] == []  # the same source text, translated again
    assert sum(bool(found) for found in seen[0]) == 1 + 30  # the odd minutes are changed numbers
    assert len(many.learned) == 2 + len(others)  # the shared entry in two translations, and the others
