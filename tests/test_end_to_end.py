"""The real `snakemake all` on a temporary copy of the project."""

from __future__ import annotations

import re

import pytest
from conftest import msgcat, msgfmt_check, snakemake
from helpers import review_all, set_fuzzy

from pipeline.site.audit import check_site

ES_SLUG = "infusion-de-ketamina-iv"


def pages(root):
    """The treatment pages of the site (not the home, index or chooser pages)."""
    site = root / "output" / "site"
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if '"@type":"MedicalTherapy"' in p.read_text("utf-8"))


@pytest.mark.built
def test_cold_build_publishes_english_only_with_valid_catalogs(project):
    assert pages(project) == ["en-gb/iv-ketamine-infusion/index.html"]
    assert check_site(project / "output" / "site", "https://clinic.example") == []
    catalogs = sorted((project / "locales").glob("*/LC_MESSAGES/*.po"))
    locales = sorted(["es", "fr", "de", "it", "pt_BR", "pl", "ar"])
    assert sorted((p.parts[-3], p.name) for p in catalogs) == sorted(
        (code, name) for code in locales for name in ("iv-ketamine-infusion.po", "site.po"))
    for path in catalogs + sorted((project / "locales" / "templates" / "LC_MESSAGES").glob("*.pot")):
        result = msgfmt_check(path)
        assert result.returncode == 0, result.stderr
        if path.suffix == ".po":
            assert result.stderr == "", result.stderr
        assert msgcat(path) == path.read_bytes(), path
    rerun = snakemake(project, "all")
    assert "Nothing to be done" in rerun.stdout + rerun.stderr


@pytest.mark.built
def test_reviewing_a_locale_publishes_it_and_one_fuzzy_entry_withdraws_it(project):
    po = project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
    review_all(po, ES_SLUG)
    snakemake(project, "all")
    site = project / "output" / "site"
    assert pages(project) == ["en-gb/iv-ketamine-infusion/index.html", f"es/{ES_SLUG}/index.html"]
    assert check_site(site, "https://clinic.example") == []
    english = (site / "en-gb" / "iv-ketamine-infusion" / "index.html").read_text("utf-8")
    spanish = (site / "es" / ES_SLUG / "index.html").read_text("utf-8")
    es_url = f"https://clinic.example/es/{ES_SLUG}/"
    en_url = "https://clinic.example/en-gb/iv-ketamine-infusion/"
    for html in (english, spanish):
        assert f'<link rel="alternate" hreflang="es" href="{es_url}">' in html
        assert f'<link rel="alternate" hreflang="en-GB" href="{en_url}">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{en_url}">' in html
    assert '<html lang="es" dir="ltr">' in spanish and '<meta property="og:locale" content="es_ES">' in spanish
    assert '<meta property="og:locale:alternate" content="es_ES">' in english
    assert ">Español</a>" in english and "ES Overview" in spanish
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{es_url}</loc>" in sitemap and f"<loc>{en_url}</loc>" in sitemap

    set_fuzzy(po, "Headache")
    snakemake(project, "all")
    assert pages(project) == ["en-gb/iv-ketamine-infusion/index.html"]
    english = (site / "en-gb" / "iv-ketamine-infusion" / "index.html").read_text("utf-8")
    assert "/es/" not in english and "es_ES" not in english and "Español" not in english
    assert "/es/" not in (site / "sitemap.xml").read_text("utf-8")
    assert check_site(site, "https://clinic.example") == []


def test_same_inputs_give_byte_identical_site(project, tmp_path):
    snakemake(project, "all")
    review_all(project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po", ES_SLUG)
    snakemake(project, "all")
    first = {p: p.read_bytes() for p in (project / "output" / "site").rglob("*") if p.is_file()}
    import shutil

    shutil.rmtree(project / "output")
    snakemake(project, "all")
    second = {p: p.read_bytes() for p in (project / "output" / "site").rglob("*") if p.is_file()}
    assert first == second


def test_broken_source_page_is_reported_with_line_and_the_rest_builds(project):
    (project / "source" / "broken.txt").write_text("Page Title: X\nColour: red\n", encoding="utf-8")
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0
    assert re.search(r"source/broken\.txt:2: error: unknown header key 'Colour'", result.stdout + result.stderr)
    assert pages(project) == ["en-gb/iv-ketamine-infusion/index.html"]


def test_check_mode_builds_nothing_and_fails_on_stale_catalogs(project):
    assert snakemake(project, "check", check=False).returncode != 0  # nothing built yet
    snakemake(project, "all")
    result = snakemake(project, "check")
    assert "catalogs: 0 problems" in result.stdout + result.stderr
    assert ", 0 problems" in result.stdout + result.stderr
    source = project / "source" / "iv-ketamine-infusion.txt"
    source.write_text(source.read_text("utf-8").replace("• Headache", "• Headache or migraine"), "utf-8")
    stale = snakemake(project, "check", check=False)
    text = stale.stdout + stale.stderr
    assert stale.returncode != 0
    pot = "locales/templates/LC_MESSAGES/iv-ketamine-infusion.pot"
    assert f"{pot}: out of date with source/iv-ketamine-infusion.txt" in text
    assert "locales/es/LC_MESSAGES/iv-ketamine-infusion.po: out of date" in text and "run 'snakemake all'" in text
    assert "Headache or migraine" not in (project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
                                          ).read_text("utf-8")
