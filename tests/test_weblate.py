"""Weblate finds everything by itself: its discovery (translation-finder, what Weblate runs when a
repository is added) proposes one component per page, with the page's template, on a built tree."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, snakemake
from translation_finder import discover

from pipeline.po.pofile import read_po


def test_weblate_discovers_each_page_as_a_component_with_its_template(project):
    shutil.copy2(FIXTURES / "project" / "source" / "iv-ketamine-infusion.txt", project / "source" / "second-page.txt")
    text = (project / "source" / "second-page.txt").read_text("utf-8")
    (project / "source" / "second-page.txt").write_text(text.replace("URL Slug: iv-ketamine-infusion",
                                                                      "URL Slug: second-page"), "utf-8")
    snakemake(project, "all")
    found = sorted((dict(r) for r in discover(str(project)) if r["file_format"] == "po"), key=lambda r: r["filemask"])
    assert found == [
        {"filemask": "locales/*/LC_MESSAGES/iv-ketamine-infusion.po", "file_format": "po",
         "new_base": "locales/templates/LC_MESSAGES/iv-ketamine-infusion.pot"},
        {"filemask": "locales/*/LC_MESSAGES/second-page.po", "file_format": "po",
         "new_base": "locales/templates/LC_MESSAGES/second-page.pot"},
        {"filemask": "locales/*/LC_MESSAGES/site.po", "file_format": "po",  # the interface strings
         "new_base": "locales/templates/LC_MESSAGES/site.pot"},
    ]
    # the template Weblate starts a new language from is the page's own
    pot = project / "locales" / "templates" / "LC_MESSAGES" / "second-page.pot"
    assert read_po(pot.read_bytes(), "second-page.pot").messages
    assert not list((project / "locales" / "templates").glob("*.pot"))


@pytest.mark.built
def test_templates_generated_at_the_old_place_are_moved(project):
    """A project built by an earlier version has its templates in locales/templates/: the generated
    ones go (the new place has them), a file someone else put there stays."""
    new = project / "locales" / "templates" / "LC_MESSAGES" / "iv-ketamine-infusion.pot"
    old = project / "locales" / "templates" / "iv-ketamine-infusion.pot"
    shutil.copy2(new, old)
    theirs = project / "locales" / "templates" / "glossary.pot"
    theirs.write_text('msgid "x"\nmsgstr ""\n', "utf-8")
    (project / "source" / "iv-ketamine-infusion.txt").write_text(
        (project / "source" / "iv-ketamine-infusion.txt").read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    snakemake(project, "all")
    assert not old.exists() and new.is_file() and theirs.is_file()
