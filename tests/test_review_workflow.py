"""Review workflow end to end: previews for every locale, QA blocking publication, the status report,
and the pages people look at rendered in headless Chromium."""

from __future__ import annotations

import json

import pytest
from conftest import ARTIFACTS, chromium, snakemake
from helpers import png_colours, review_all
from lxml import html

ES_PO = "locales/es/LC_MESSAGES/iv-ketamine-infusion.po"
LOCALES = ["es", "fr", "de", "it", "pt-br", "pl", "ar"]


@pytest.fixture
def reviewed_with_a_changed_number(project):
    snakemake(project, "all")
    po = project / ES_PO
    review_all(po, "infusion-de-ketamina-iv")
    text = po.read_text("utf-8")
    old = "msgstr \"ES Avoid driving, alcohol, and important decisions for 24 hours\""
    assert old in text
    po.write_text(text.replace(old, "msgstr \"ES Avoid driving, alcohol, and important decisions for 48 horas\""),
                  "utf-8")
    line = po.read_text("utf-8").splitlines().index(old.replace("24 hours", "48 horas")) + 1
    result = snakemake(project, "all", check=False)
    return project, result, line


def test_changed_dose_number_blocks_publication_and_the_report_says_where(reviewed_with_a_changed_number):
    project, result, line = reviewed_with_a_changed_number
    assert result.returncode == 0  # a QA finding is the reviewer's to fix, not a broken build
    site = project / "output" / "site"
    assert not (site / "es").exists()
    output = result.stdout + result.stderr
    entry_line = _entry_line(project / ES_PO, line)
    where = f"{ES_PO}:{entry_line}"
    assert f"{where}: error: [numbers] number 24 hours of the source is missing or changed" in output
    status = json.loads((project / "output" / "reports" / "status.json").read_text("utf-8"))
    es = status["pages"]["iv-ketamine-infusion"]["locales"]["es"]
    assert es["published"] is False and es["messages"]["reviewed"] == 75
    assert any(f"{where}: [numbers]" in reason for reason in es["reasons"])
    assert {"where": where, "check": "numbers", "code": "numbers", "blocking": True, "accepted": None,
            "message": "number 24 hours of the source is missing or changed"} in es["findings"]
    report = (project / "output" / "reports" / "status.html").read_text("utf-8")
    assert where in report and "blocks publishing" in report


def _entry_line(po, msgstr_line):
    lines = po.read_text("utf-8").splitlines()
    start = msgstr_line
    while start > 1 and lines[start - 2].strip():
        start -= 1
    return start


@pytest.mark.built
def test_previews_for_every_locale_are_marked_noindex_and_never_deployed(project):
    review_all(project / ES_PO, "infusion-de-ketamina-iv")
    po = project / "locales" / "fr" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgid "Headache"\nmsgstr ""', 'msgid "Headache"\nmsgstr "Mal de tête"'))
    snakemake(project, "all")
    preview = project / "output" / "preview"
    for lang in LOCALES:
        doc = html.document_fromstring((preview / lang / "iv-ketamine-infusion" / "index.html").read_bytes())
        assert doc.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
        assert not doc.xpath("//link[@hreflang]") and not doc.xpath("//link[@rel='canonical']")
        assert doc.xpath("//aside[@class='preview-banner']")
    fr = html.document_fromstring((preview / "fr" / "iv-ketamine-infusion" / "index.html").read_bytes())
    # reviewed: not marked with a state, and its English source is at hand (tooltip and "show source")
    assert "Mal de tête" in fr.xpath("//main//li/span[@class='seg-pair']/text()")
    assert "Mal de tête" not in fr.xpath("//span[contains(concat(' ', @class, ' '),' seg ')]/text()")
    pair = fr.xpath("//main//li/span[@class='seg-pair'][text()='Mal de tête']")[0]
    assert pair.get("title") == "English: Headache"
    assert pair.xpath("span[@class='seg-source']/text()") == ["Headache"]
    assert pair.xpath("span[@class='seg-source']/@lang") == ["en-GB"]
    drafted = fr.xpath("//main//span[contains(@class,'seg-untranslated')]")
    assert drafted and all(not d.xpath("span[@class='seg-source']") for d in drafted)  # it is the source
    assert fr.xpath("//input[@type='checkbox' and @id='show-source']")
    untranslated = fr.xpath("//main//span[contains(@class,'seg-untranslated')]")
    assert untranslated and untranslated[0].get("lang") == "en-GB"
    es = html.document_fromstring((preview / "es" / "iv-ketamine-infusion" / "index.html").read_bytes())
    assert not es.xpath("//main//span[contains(concat(' ', @class, ' '),' seg ')]")  # all reviewed: nothing marked
    assert es.xpath("//main//span[@class='seg-pair']")  # (each with its source at hand)
    assert not list((project / "output" / "site").rglob("preview*"))


@pytest.mark.built
def test_status_page_and_a_preview_render_in_chromium(project, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = project / "output" / "reports" / "status.html"
    dom = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr
    doc = html.document_fromstring(dom.stdout)
    headers = [th.text_content() for th in doc.xpath("//table[@id='status']/thead//th")]
    assert len(headers) == 1 + 7 and any("Arabic" in h for h in headers)
    cells = doc.xpath("//table[@id='status']//td[@data-locale]")
    assert len(cells) == 2 * 7 and all(c.xpath(".//div[@class='bar']/span") for c in cells)  # the page; site.po
    shot = ARTIFACTS / "status.png"
    result = chromium(f"--screenshot={shot}", "--window-size=1400,700", report.as_uri(), profile=tmp_path / "p2")
    assert result.returncode == 0 and shot.stat().st_size > 0
    assert (0x9A, 0x9A, 0x9A) in png_colours(shot)  # the untranslated bars are painted
    preview = project / "output" / "preview" / "ar" / "iv-ketamine-infusion" / "index.html"
    page_shot = ARTIFACTS / "preview-ar.png"
    result = chromium(f"--screenshot={page_shot}", "--window-size=1000,900", preview.as_uri(), profile=tmp_path / "p3")
    assert result.returncode == 0 and page_shot.stat().st_size > 0
    page_dom = html.document_fromstring(chromium("--dump-dom", preview.as_uri(), profile=tmp_path / "p4").stdout)
    assert page_dom.get("dir") == "rtl" and page_dom.xpath("//aside[@class='preview-banner']")


def test_preview_groups_findings_per_check_and_highlights_each_segment_with_its_findings(
        reviewed_with_a_changed_number):
    project, _, line = reviewed_with_a_changed_number
    po = project / ES_PO
    po.write_text(po.read_text("utf-8").replace('msgstr "ES Headache"', 'msgstr "ES  Headache"'), "utf-8")
    snakemake(project, "all")
    doc = html.document_fromstring((project / "output" / "preview" / "es" / "iv-ketamine-infusion" / "index.html"
                                    ).read_bytes())
    banner = doc.xpath("//aside[@class='preview-banner']")[0]
    assert [li.text_content() for li in banner.xpath(".//ul[@class='findings']/li")] == [
        "[numbers] 2 blocking findings", "[whitespace] 1 warning"]
    assert not [r for r in banner.xpath(".//ul[@class='reasons']/li/text()") if r.startswith("QA:")]  # grouped
    dose, headache = doc.xpath("//main//mark[contains(@class, 'qa')]")
    assert "48 horas" in dose.text_content() and "qa-error" in dose.get("class")
    notes = dose.getnext()
    assert notes.get("class") == "qa-note" and notes.text_content() == (
        "[numbers] number 24 hours of the source is missing or changed;"
        " [numbers] number 48 hours is not in the source")
    assert "ES  Headache" in headache.text_content() and "qa-warning" in headache.get("class")
    assert headache.getnext().text_content().startswith("[whitespace] ")
