from __future__ import annotations

import json

from conftest import SEED
from lxml import html

from pipeline.config import settings_from_dict
from pipeline.copydeck.model import Link
from pipeline.copydeck.parse import read_page
from pipeline.copydeck.segments import walk
from pipeline.locales import SiteLocale
from pipeline.site.pages import json_ld, render_page

SETTINGS = settings_from_dict({})
EN = Link(SETTINGS.source_locale, "iv-ketamine-infusion", SETTINGS.base_url)
AR = Link(SiteLocale.parse("ar"), "تسريب-الكيتامين", SETTINGS.base_url)


def page():
    return read_page(SEED, "source/iv-ketamine-infusion.txt")


def test_translations_are_text_never_markup():
    payload = '<script>alert(1)</script>"><img src=x onerror=1>'
    hostile = walk(page(), lambda s: s.text if s.role == "URL slug" else payload)
    doc = html.document_fromstring(render_page(hostile, SETTINGS, AR, [EN, AR]))
    assert [s.get("type") for s in doc.iter("script")] == ["application/ld+json"]
    assert doc.xpath("//img/@src") == ["../../assets/logo.svg"] and not doc.xpath("//@onerror")  # the logo only
    assert "<script>alert(1)</script>" in doc.findtext(".//h1")


def test_json_ld_cannot_close_its_script_element():
    text = json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_right_to_left_page_has_dir_and_localised_metadata():
    doc = html.document_fromstring(render_page(page(), SETTINGS, AR, [EN, AR]))
    assert doc.get("lang") == "ar" and doc.get("dir") == "rtl"
    assert doc.xpath("//meta[@property='og:locale']/@content") == ["ar_EG"]
    assert doc.xpath("//meta[@property='og:locale:alternate']/@content") == ["en_GB"]
    head = doc.find("head")
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    switcher = doc.xpath("//nav[@class='languages']//a")
    assert [(a.text, a.get("hreflang"), a.get("lang")) for a in switcher] == [("English", "en-GB", "en-GB")]


def test_one_section_per_heading_and_every_block_rendered():
    doc = html.document_fromstring(render_page(page(), SETTINGS, EN, [EN]))
    assert len(doc.xpath("//main//section/h2")) == 9
    assert len(doc.xpath("//main//li")) == 36
    assert doc.xpath("//nav[@aria-label='Breadcrumb']//li//text()")[-1] == "IV Ketamine Infusion"
    assert doc.xpath("//aside[@class='call-to-action']/p/text()")[0].startswith("Arrange a consultation")


ES = Link(SiteLocale.parse("es"), "esketamina", SETTINGS.base_url)


def fixture_page(name: str):
    from conftest import FIXTURES

    return read_page(FIXTURES / "pages" / f"{name}.txt", f"source/{name}.txt")


def graph(doc) -> dict[str, dict]:
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    return {node["@type"]: node for node in data["@graph"]}


def test_render_faq_questions_are_h3_inside_the_faq_section_with_faqpage_json_ld():
    doc = html.document_fromstring(render_page(fixture_page("tms-therapy"), SETTINGS, EN, [EN]))
    faq = doc.xpath("//main//section[h2='Frequently Asked Questions']")[0]
    assert faq.xpath("./section/h3/text()") == ["Does TMS hurt?", "How many sessions will I need?",
                                                "Is TMS the same as ECT?", "Can I keep taking my medication?"]
    assert not doc.xpath("//main//section/h2[contains(., '?')]")
    nodes = graph(doc)
    assert list(nodes) == ["MedicalWebPage", "BreadcrumbList", "MedicalClinic", "FAQPage"]
    first = nodes["FAQPage"]["mainEntity"][0]
    assert first["@type"] == "Question" and first["name"] == "Does TMS hurt?"
    assert first["acceptedAnswer"]["text"].startswith("Most people feel a tapping sensation")


def test_render_faq_json_ld_is_in_the_translated_language():
    translated = walk(fixture_page("tms-therapy"), lambda s: s.text if s.role == "URL slug" else f"ES {s.text}")
    doc = html.document_fromstring(render_page(translated, SETTINGS, ES, [EN, ES]))
    faq = graph(doc)["FAQPage"]
    assert faq["inLanguage"] == "es" and faq["mainEntity"][0]["name"] == "ES Does TMS hurt?"


def test_render_numbered_steps_are_an_ordered_list():
    doc = html.document_fromstring(render_page(fixture_page("adult-adhd-assessment"), SETTINGS, EN, [EN]))
    steps = doc.xpath("//main//section[h2='How the assessment works']/ol/li/text()")
    assert len(steps) == 4 and steps[0].startswith("Complete our online screening")
    assert doc.xpath("//main//section[h2='What we look at']/ul/li")


def test_render_links_take_their_targets_from_the_source_in_every_locale():
    page = fixture_page("esketamine-nasal-spray")
    translated = walk(page, lambda s: s.text if s.role == "URL slug" else f"ES {s.text}")
    for localised, here in ((page, EN), (translated, ES)):
        doc = html.document_fromstring(render_page(localised, SETTINGS, here, [EN, ES]))
        links = {a.text: (a.get("href"), a.get("rel")) for a in doc.xpath("//main//a")}
        assert links == {
            "020 7946 0958": ("tel:+442079460958", None),
            "esketamine@clinic.example": ("mailto:esketamine@clinic.example", None),
            "https://www.nice.org.uk/guidance/ta854": ("https://www.nice.org.uk/guidance/ta854", "noopener"),
        }


def test_render_a_translation_never_chooses_a_link_target():
    page = fixture_page("esketamine-nasal-spray")
    hostile = walk(page, lambda s: s.text if s.role == "URL slug" else "Call 0800 000 0000 or see https://evil.example/")
    doc = html.document_fromstring(render_page(hostile, SETTINGS, ES, [EN, ES]))
    assert not doc.xpath("//main//a")


def test_render_phone_region_comes_from_the_configured_country():
    settings = settings_from_dict({"country": "US"})
    page = walk(fixture_page("esketamine-nasal-spray"), lambda s: s.text)
    doc = html.document_fromstring(render_page(page, settings, EN, [EN]))
    assert not doc.xpath("//main//a[starts-with(@href, 'tel:')]")  # 020 7946 0958 is no US number
