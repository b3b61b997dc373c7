"""Where breadcrumbs lead (pipeline/site/navigation.py) and the interface strings' template."""

from __future__ import annotations

from pipeline.locales import SiteLocale
from pipeline.review.publish import slug_problem
from pipeline.site.interface import Interface, messages, template_catalog
from pipeline.site.navigation import crumb_paths, index_pages, section_slug


def test_section_slug_is_a_valid_slug_of_the_english_item():
    assert section_slug("All Treatments") == "all-treatments"
    assert section_slug("Vitamin C & Iron Infusions") == "vitamin-c-iron-infusions"
    assert section_slug("Ánimo / Salud mental") == "animo-salud-mental"
    assert section_slug("???") == "section"
    for text in ("All Treatments", "ADHD", "Ánimo / Salud mental", "???"):
        assert slug_problem(section_slug(text)) is None


def test_crumb_paths_name_home_index_pages_and_the_page_itself():
    assert crumb_paths(["Home", "All Treatments", "Chronic Depression", "IV Ketamine"]) == [
        (), ("all-treatments",), ("all-treatments", "chronic-depression"), None]
    assert crumb_paths(["Home", "TMS"]) == [(), None]


def test_index_pages_list_pages_under_them_named_by_the_first_translation():
    crumbs = {"b-page": ["Home", "All Treatments", "Depression", "B"], "a-page": ["Home", "All Treatments", "A"],
              "c-page": ["Home", "All Treatments", "Depression", "C"]}
    names = {"b-page": {"Depression": "Depresión (b)"}, "c-page": {"Depression": "Depresión (c)"},
             "a-page": {"All Treatments": "Todos los tratamientos"}}
    pages = index_pages(crumbs, names)
    assert sorted(pages) == [(), ("all-treatments",), ("all-treatments", "depression")]
    assert pages[()].pages == ["a-page", "b-page", "c-page"] and pages[()].children == [("all-treatments",)]
    assert pages[("all-treatments",)].name == "Todos los tratamientos"
    assert pages[("all-treatments", "depression")].name == "Depresión (b)"  # the first page by name
    assert pages[("all-treatments", "depression")].pages == ["b-page", "c-page"]


def test_interface_strings_are_extracted_from_the_templates_with_comments_and_positions():
    found = {m.msgid: m for m in messages()}
    assert {"Skip to main content", "Languages", "Breadcrumb", "Medically reviewed by", "Book an appointment",
            "Treatments"} <= set(found)
    skip = found["Skip to main content"]
    assert skip.references[0].startswith("pipeline/site/templates/layout.html.j2:")
    assert "keyboard" in skip.extracted_comments[0]
    template = template_catalog("Clinic", SiteLocale.parse("en-GB"), "2026-01-01 00:00+0000")
    assert [m.msgid for m in template.messages] == [m.msgid for m in messages()]


def test_interface_falls_back_to_the_text_itself():
    ui = Interface(SiteLocale.parse("es"), {"Languages": "Idiomas", "Breadcrumb": ""})
    assert [ui.gettext(s) for s in ("Languages", "Breadcrumb", "Phone")] == ["Idiomas", "Breadcrumb", "Phone"]
