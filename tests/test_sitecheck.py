"""The site checker accepts a good tree and names each kind of broken one."""

from __future__ import annotations

import shutil

import pytest
from conftest import snakemake
from helpers import review_all

from pipeline.site.audit import check_site

ES_SLUG = "infusion-de-ketamina-iv"
AR_SLUG = "tasrib-al-ketamin"


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    from conftest import CODE, PROJECT, ROOT, SEED

    root = tmp_path_factory.mktemp("site") / "project"
    root.mkdir()
    for name in CODE:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, root / name)
    shutil.copytree(PROJECT / "config", root / "config")
    with (root / "config" / "config.yaml").open("a", encoding="utf-8") as config:
        config.write("machine_translation: {provider: none}\n")  # the checker reads pages, not drafts
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source" / SEED.name)
    snakemake(root, "all")
    review_all(root / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po", ES_SLUG)
    review_all(root / "locales" / "ar" / "LC_MESSAGES" / "iv-ketamine-infusion.po", AR_SLUG, prefix="AR")
    snakemake(root, "all")
    return root / "output" / "site"


@pytest.fixture
def site(good_site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(good_site, copy)
    return copy


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_good_site_has_no_problems(site):
    assert check_site(site, "https://clinic.example") == []


@pytest.mark.parametrize("where, old, new, problem", [
    ("es", '<link rel="alternate" hreflang="en-GB" href="https://clinic.example/en-gb/iv-ketamine-infusion/">\n',
     "", "missing return links"),
    ("es", '<link rel="alternate" hreflang="x-default"', '<link rel="alternate" hreflang="xx-default"',
     "invalid hreflang value"),
    ("es", f'<link rel="canonical" href="https://clinic.example/es/{ES_SLUG}/">',
     '<link rel="canonical" href="/es/other/">', "not an absolute URL"),
    ("es", '<html lang="es" dir="ltr">', '<html lang="es_ES" dir="ltr">', "not a valid BCP 47"),
    ("es", '<meta property="og:locale" content="es_ES">', '<meta property="og:locale" content="es-ES">',
     "og:locale"),
    ("es", '"inLanguage":"es"', '"inLanguage":"en"', "MedicalWebPage inLanguage"),
    ("en", '<meta charset="utf-8">\n', "", "meta charset"),
    ("es", "<body>", "<body><script>alert(1)</script>", "not the page's JSON-LD"),
    ("es", "<h1>", "<h1 onclick=\"x()\">", "event handler attribute"),
])
def test_broken_pages_are_named(site, where, old, new, problem):
    page = site / ("es/" + ES_SLUG if where == "es" else "en-gb/iv-ketamine-infusion") / "index.html"
    edit(page, old, new)
    problems = [found.located() for found in check_site(site, "https://clinic.example")]
    assert any(problem in line and line.startswith(page.relative_to(site).as_posix()) for line in problems), problems


def test_sitemap_must_match_the_pages(site):
    edit(site / "sitemap.xml", 'hreflang="es"', 'hreflang="fr"')
    assert any("differ from the page's hreflang set" in found.located() for found in check_site(site))
    (site / "sitemap.xml").unlink()
    assert "sitemap.xml: missing" in [found.located() for found in check_site(site)]


def test_the_good_site_has_a_published_right_to_left_page(site):
    page = (site / "ar" / AR_SLUG / "index.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl"' in page


@pytest.mark.parametrize("lang, slug, old, new, expected", [
    ("ar", AR_SLUG, 'dir="rtl"', 'dir="ltr"', "expected 'rtl' for ar"),  # Arabic shown left to right
    ("ar", AR_SLUG, ' dir="rtl"', "", "expected 'rtl' for ar"),  # no dir: the browser's default is ltr
    ("es", ES_SLUG, 'dir="ltr"', 'dir="rtl"', "expected 'ltr' for es"),  # Spanish shown right to left
])
def test_a_page_whose_direction_is_not_its_languages_is_a_problem(site, lang, slug, old, new, expected):
    page = site / lang / slug / "index.html"
    edit(page, old, new)
    lines = [found.located() for found in check_site(site)]
    assert any(line.startswith(f"{lang}/{slug}/index.html") and expected in line for line in lines)
