"""The fixture decks through the real `snakemake all`: warnings printed, pages with FAQ, steps and
links in every published locale, and a slug clash that names its line. Chromium reads the links."""

from __future__ import annotations

import json
import shutil

from conftest import FIXTURES, chromium, snakemake
from helpers import review_all
from lxml import html

from pipeline.site.audit import check_site

DECKS = ("tms-therapy", "esketamine-nasal-spray", "adult-adhd-assessment", "psychiatric-consultation")
ES_SLUGS = {"tms-therapy": "terapia-emt", "esketamine-nasal-spray": "esketamina-espray-nasal"}


def add_decks(project):
    for name in DECKS:
        shutil.copy2(FIXTURES / "pages" / f"{name}.txt", project / "source" / f"{name}.txt")


def page(project, lang: str, slug: str):
    return html.parse(str(project / "output" / "site" / lang / slug / "index.html")).getroot()


def faq_questions(doc) -> list[str]:
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    faq = [node for node in data["@graph"] if node["@type"] == "FAQPage"]
    return [q["name"] for q in faq[0]["mainEntity"]] if faq else []


def test_copydeck_e2e_new_decks_publish_with_faq_steps_and_links_in_every_locale(project):
    add_decks(project)
    result = snakemake(project, "all")
    assert "source/adult-adhd-assessment.txt:12: warning: read as a heading" in result.stderr
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "esketamine-nasal-spray.po"
    review_all(catalog, ES_SLUGS["esketamine-nasal-spray"])  # the glossary makes it esketamina@clinic.example
    result = snakemake(project, "all", check=False)
    assert "[protected] 'esketamine@clinic.example' must appear unchanged" in result.stderr
    assert not (project / "output" / "site" / "es").exists()
    for name, slug in ES_SLUGS.items():
        review_all(project / "locales" / "es" / "LC_MESSAGES" / f"{name}.po", slug, prefix="ES:")
    snakemake(project, "all")
    assert check_site(project / "output" / "site", "https://clinic.example") == []
    for lang, slug in (("en-gb", "tms-therapy"), ("es", "terapia-emt")):
        doc = page(project, lang, slug)
        assert len(doc.xpath("//main//section[h2]/section/h3")) == 4
        assert len(faq_questions(doc)) == 4
    assert faq_questions(page(project, "es", "terapia-emt"))[0] == "ES: Does TMS hurt?"
    for lang, slug in (("en-gb", "esketamine-nasal-spray"), ("es", "esketamina-espray-nasal")):
        doc = page(project, lang, slug)
        assert doc.xpath("//main//a[starts-with(@href, 'tel:')]/@href") == ["tel:+442079460958"]
        assert len(doc.xpath("//main//section[contains(h2, 'On the day of treatment')]/ol/li")) == 4


def test_copydeck_e2e_slug_clash_names_the_slug_lines(project):
    deck = (FIXTURES / "pages" / "tms-therapy.txt").read_text("utf-8")
    (project / "source" / "tms-a.txt").write_text(deck, "utf-8")
    (project / "source" / "tms-b.txt").write_text("\n" + deck, "utf-8")
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0
    assert "source/tms-a.txt:5: error: URL Slug 'tms-therapy' is also used by tms-b" in result.stderr
    assert "source/tms-b.txt:6: error: URL Slug 'tms-therapy' is also used by tms-a" in result.stderr


def test_copydeck_e2e_chromium_sees_tel_and_mailto_links_and_parses_the_faq(project, tmp_path):
    add_decks(project)
    snakemake(project, "all")
    esketamine = project / "output" / "site" / "en-gb" / "esketamine-nasal-spray" / "index.html"
    dom = chromium("--dump-dom", esketamine.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr
    doc = html.document_fromstring(dom.stdout)
    links = {a.text_content(): a.get("href") for a in doc.xpath("//main//a")}
    assert links["020 7946 0958"] == "tel:+442079460958"
    assert links["esketamine@clinic.example"] == "mailto:esketamine@clinic.example"
    tms = project / "output" / "site" / "en-gb" / "tms-therapy" / "index.html"
    doc = html.document_fromstring(chromium("--dump-dom", tms.as_uri(), profile=tmp_path / "p2").stdout)
    assert faq_questions(doc) == ["Does TMS hurt?", "How many sessions will I need?", "Is TMS the same as ECT?",
                                 "Can I keep taking my medication?"]
