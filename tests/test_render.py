from __future__ import annotations

import json

from conftest import SEED
from lxml import html

from pipeline.config import settings_from_dict
from pipeline.copydeck import read_page
from pipeline.locales import SiteLocale
from pipeline.model import Link
from pipeline.render import json_ld, render_page
from pipeline.segments import walk

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
    assert not doc.xpath("//img") and not doc.xpath("//@onerror")
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
    assert doc.xpath("//nav[@aria-label='Breadcrumb']//li/text()")[-1] == "IV Ketamine Infusion"
    assert doc.xpath("//aside[@class='call-to-action']/p/text()")[0].startswith("Arrange a consultation")
