"""Pre-fill: protected text, translation memory, Apertium for real, and the pipeline's promises."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from conftest import SEED, need, snakemake
from helpers import review_all, treatment_pages

from pipeline.drafts.engines import ApertiumEngine, apertium_modes, unmarked
from pipeline.drafts.masks import mask, protected_pattern
from pipeline.drafts.memory import Memory
from pipeline.drafts.mtcache import Cache
from pipeline.drafts.prefill import Outcome, fill_from_machine, fill_from_memory, slugify
from pipeline.drafts.provenance import machine_origin, pivot_leftovers
from pipeline.po.catalog import Catalog, Message
from pipeline.po.pofile import read_po

PATTERN = protected_pattern(["IV", "CBT", "ACT", "ECG", "GP", "NHS"])


def test_protected_text_is_masked_and_restored():
    text = ("Call 020 7946 0958 or email care@clinic.example (see https://clinic.example/help): 2.5 mg/kg, "
            "≥ 15 µg/L, £295, ½ dose, IV and CBT, 24 hours.")
    masked = mask(text, PATTERN)
    for kept in ("020 7946 0958", "care@clinic.example", "https://clinic.example/help", "2.5 mg/kg", "≥ 15",
                 "£295", "½", "IV", "CBT"):
        assert kept in masked.spans and kept not in masked.text.replace("ZXQ", "")
    assert "hours" in masked.text  # word units are the engine's to translate
    assert masked.restore(masked.text) == text


def test_a_lost_or_doubled_mask_gives_no_draft():
    masked = mask("Take 10 mg with IV fluids", PATTERN)
    assert masked.restore(masked.text.replace("ZXQ0QXZ", "")) is None
    assert masked.restore(masked.text + " ZXQ0QXZ") is None


def test_memory_drafts_exact_and_near_matches_as_fuzzy_with_their_origin():
    other = Catalog(messages=(Message("Avoid driving for 24 hours", "Evite conducir durante 24 horas"),
                              Message("Headache", "Dolor de cabeza"),
                              Message("Unreviewed", "Borrador", flags=("fuzzy",))))
    memory = Memory()
    memory.add("other-page", other)
    mine = Catalog(messages=(Message("Headache"), Message("Avoid driving for 48 hours"), Message("Unreviewed"),
                             Message("Kept", "Mantener", flags=("fuzzy",))))
    outcome = Outcome()
    filled = {m.msgid: m for m in fill_from_memory("page", mine, memory, 0.85, outcome).messages}
    assert filled["Headache"].msgstr == "Dolor de cabeza" and filled["Headache"].fuzzy
    assert filled["Headache"].translator_comments == ("pre-filled from translation memory: other-page",)
    near = filled["Avoid driving for 48 hours"]
    assert near.fuzzy and near.previous_msgid == "Avoid driving for 24 hours"
    assert near.translator_comments[0].startswith("pre-filled from translation memory (96% match)")
    assert filled["Unreviewed"].msgstr == ""  # memory holds reviewed translations only
    assert filled["Kept"].msgstr == "Mantener"  # an entry with a msgstr is never touched
    assert outcome.memory == 2


def test_slug_drafts_are_valid_slugs():
    assert slugify("Infusión de Ketamina IV") == "infusión-de-ketamina-iv"


def need_apertium(*modes: str) -> None:
    need("apertium")
    missing = [m for m in modes if m not in apertium_modes()]
    if missing:
        pytest.skip(f"Apertium pairs {missing} are not installed (make test installs them where apt-get can run)")


def test_apertium_translates_a_batch_in_one_process_per_pair():
    need_apertium("eng-spa", "es-fr")
    texts = ["Take ZXQ0QXZ of ketamine.", "Overview", "Rest & relax <carefully>"]
    spanish = ApertiumEngine(("eng-spa",)).translate(texts)
    french = ApertiumEngine(("eng-spa", "es-fr")).translate(texts)
    assert spanish[0].startswith("Toma ZXQ0QXZ") and len(spanish) == len(french) == 3
    assert "&" in spanish[2] and "<" in spanish[2]  # text, not markup, survives the HTML format


@pytest.fixture
def apertium_project(project):
    need_apertium("eng-spa", "es-fr")
    config = project / "config" / "config.yaml"
    config.write_text(config.read_text().replace("machine_translation: {provider: none}",
                                                 "machine_translation: {provider: apertium}\nlocales: [es, fr, de]"))
    shutil.copy2(SEED, project / "source" / "other-page.txt")
    other = project / "source" / "other-page.txt"
    other.write_text(other.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", "URL Slug: other-page"))
    calls = project.parent / "apertium-calls.log"
    wrapper = project.parent / "bin" / "apertium"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {shutil.which("apertium")} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    os.environ["PATH"] = f"{wrapper.parent}:{os.environ['PATH']}"
    yield project, calls
    os.environ["PATH"] = os.environ["PATH"].split(":", 1)[1]


def test_pipeline_drafts_es_fr_by_machine_de_from_memory_and_publishes_nothing(apertium_project):
    project, calls = apertium_project
    snakemake(project, "all")
    for code, engine in (("es", "apertium eng-spa"), ("fr", "apertium eng-spa | es-fr")):
        catalog = read_po((project / "locales" / code / "LC_MESSAGES" / "iv-ketamine-infusion.po").read_bytes(), code)
        drafted = [m for m in catalog.live if m.msgstr]
        assert len(drafted) >= 0.95 * len(catalog.live)
        assert all(m.fuzzy and machine_origin(m) == engine for m in drafted)
    first_calls = calls.read_text().count("-f html")
    assert first_calls == 3  # one process per pair and locale, for both pages together: es, es->fr (2)
    review_all(project / "locales" / "de" / "LC_MESSAGES" / "other-page.po", "andere-seite", prefix="DE")
    snakemake(project, "all")
    de = read_po((project / "locales" / "de" / "LC_MESSAGES" / "iv-ketamine-infusion.po").read_bytes(), "de")
    from_memory = [m for m in de.live if m.msgstr]
    assert len(from_memory) >= 0.9 * len(de.live)
    assert all(m.fuzzy and "pre-filled from translation memory: other-page" in m.translator_comments
               for m in from_memory)
    site = project / "output" / "site"
    assert sorted(p.parent.parent.name for p in treatment_pages(site)) == ["de", "en-gb", "en-gb"]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.rglob("*") if p.is_file()
              and ".snakemake" not in p.parts}
    again = snakemake(project, "all")
    assert "Nothing to be done" in again.stderr
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.rglob("*") if p.is_file()
             and ".snakemake" not in p.parts}
    assert before == after and calls.read_text().count("-f html") == first_calls


def test_unknown_word_marks_come_off_and_name_the_words():
    assert unmarked("Perfusion de *kétamine *infusión, *infusión ZXQ0QXZ") == (
        "Perfusion de kétamine infusión, infusión ZXQ0QXZ", ("kétamine", "infusión"))
    assert unmarked("5 * 3 = 15, nothing marked") == ("5 * 3 = 15, nothing marked", ())


def test_words_the_pivot_left_are_named_in_the_draft_and_the_sources_own_are_not(tmp_path):
    """English -> Spanish -> French: a word the es-fr pair did not know stays Spanish; the draft's
    provenance comment names it (QA's `pivot` check reads it). Names of the source ("ketamine",
    unknown to every pair) and masked text are not leftovers."""
    need_apertium("eng-spa", "es-fr")
    engine = ApertiumEngine(("eng-spa", "es-fr"))
    assert engine.marks_unknown and not ApertiumEngine(("eng-spa",)).marks_unknown
    catalog = Catalog(messages=(Message("IV Ketamine Infusion", msgctxt="page title"),
                                Message("iv-ketamine-infusion", msgctxt="URL slug"),
                                Message("Take 0.5 mg/kg of ketamine.")))
    cache = Cache(tmp_path / "mt.sqlite", engine.provider, engine.engine, "en_GB", "fr")
    try:
        drafted = fill_from_machine({"p": catalog}, engine, cache, PATTERN, Outcome())["p"].by_key()
        again = fill_from_machine({"p": catalog}, engine, cache, PATTERN, Outcome())["p"].by_key()
    finally:
        cache.close()
    assert again == drafted  # the answers the cache keeps carry the marks too
    title, slug, dose = (drafted[k] for k in (("page title", "IV Ketamine Infusion"),
                                               ("URL slug", "iv-ketamine-infusion"),
                                               (None, "Take 0.5 mg/kg of ketamine.")))
    assert pivot_leftovers(title) == ("Infusión",) and "Infusión" in title.msgstr
    assert pivot_leftovers(slug) == ("infusión",) and "infusión" in slug.msgstr
    assert machine_origin(slug) == "apertium eng-spa | es-fr"
    assert not {"ketamine", "Ketamine", "ZXQ0QXZ"} & {w for m in drafted.values() for w in pivot_leftovers(m)}
    assert "0.5 mg/kg" in dose.msgstr and all(m.fuzzy for m in drafted.values())
