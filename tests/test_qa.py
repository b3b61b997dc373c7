from __future__ import annotations

import pytest

from pipeline.catalog import Message
from pipeline.errors import PipelineError
from pipeline.locales import SiteLocale
from pipeline.qa import Checker, Term, read_glossary

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
