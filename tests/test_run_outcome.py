"""How a run reports its outcome (issues 12 and 14): every `snakemake all` ends with a summary per locale
and names each unpublished version; each problem prints once, as `path:line: error: …`, with no Snakemake
dump; blocking QA findings print as errors, warnings as warnings; `snakemake check` fails on a reviewed
entry's blocking finding, not on unreviewed work."""

from __future__ import annotations

import re

import pytest
from conftest import snakemake
from helpers import review_all

PAGE = "iv-ketamine-infusion"
ES_PO = f"locales/es/LC_MESSAGES/{PAGE}.po"
ES_SLUG = "infusion-de-ketamina-iv"
BROKEN = "source/broken.txt:2: error: unknown header key 'Colour'"
DUMPS = ("RuleException", "CalledProcessError", "Error in rule", "Traceback", "WorkflowError",
         "Exiting because a job execution failed")
DOSE = 'msgstr "ES Avoid driving, alcohol, and important decisions for 24 hours"'


def output(result) -> str:
    return result.stdout + result.stderr


def summary(result) -> list[str]:
    """The lines after the summary's heading, the last thing a run prints."""
    lines = output(result).splitlines()
    assert "summary:" in lines, output(result)
    return lines[lines.index("summary:") + 1:]


def edit(po, old: str, new: str) -> int:
    """Replace `old` in the catalog; returns the line where the edited entry starts."""
    text = po.read_text("utf-8")
    assert old in text
    po.write_text(text.replace(old, new), "utf-8")
    lines = po.read_text("utf-8").splitlines()
    start = lines.index(new) + 1
    while start > 1 and lines[start - 2].strip():
        start -= 1
    return start


def test_run_outcome_source_error_prints_once_without_a_snakemake_dump_and_fails_every_run(project):
    (project / "source" / "broken.txt").write_text("Page Title: X\nColour: red\n", encoding="utf-8")
    for _ in range(2):  # the second run has nothing new to build: the problem still stands, and is said again
        result = snakemake(project, "all", check=False)
        text = output(result)
        assert result.returncode == 1, text
        assert text.count(BROKEN) == 1, text
        assert not [dump for dump in DUMPS if dump in text], text
        assert summary(result)[-1] == "1 error: fix it and run again", text
    (project / "source" / "broken.txt").unlink()
    fixed = snakemake(project, "all")
    assert BROKEN not in output(fixed) and "error" not in "\n".join(summary(fixed))


def test_run_outcome_summary_counts_each_locale_and_ends_every_run_even_with_nothing_to_do(project):
    first = snakemake(project, "all")
    assert summary(first) == [
        "en_GB: 1 published",
        *(f"{code}: 0 published, 1 not published (1 not started)" for code in ("es", "fr", "de", "it", "pt_BR",
                                                                             "pl", "ar")),
    ]
    again = snakemake(project, "all")
    assert "Nothing to be done" in output(again) and summary(again) == summary(first)
    review_all(project / ES_PO, ES_SLUG)
    published = snakemake(project, "all")
    assert "es: 1 published" in summary(published)


@pytest.mark.built
def test_run_outcome_blocking_finding_prints_as_an_error_once_and_the_summary_names_the_version(project):
    po = project / ES_PO
    review_all(po, ES_SLUG)
    line = edit(po, DOSE, DOSE.replace("24 hours", "48 horas"))
    result = snakemake(project, "all")  # a finding is the reviewer's to fix: the build itself succeeds
    text = output(result)
    finding = f"{ES_PO}:{line}: error: [numbers] number 24 hours of the source is missing or changed"
    assert text.count("[numbers] number 24 hours") == 1 and finding in text, text
    assert text.count("[numbers] number 48 hours is not in the source") == 1, text
    assert not re.search(r"\.po:0\b", text), text
    lines = summary(result)
    assert "es: 0 published, 1 not published (1 blocking QA finding)" in lines
    assert f"es/{PAGE}: NOT published: 2 blocking QA findings ({ES_PO}:{line})" in lines  # 24 missing, 48 added
    assert not [dump for dump in DUMPS if dump in text], text


@pytest.mark.built
def test_run_outcome_warnings_print_once_as_warnings_and_not_again_for_unchanged_pages(project):
    po = project / ES_PO
    review_all(po, ES_SLUG)
    line = edit(po, 'msgstr "ES Headache"', 'msgstr "ES  Headache"')
    result = snakemake(project, "all")
    warning = f"{ES_PO}:{line}: warning: [whitespace]"
    assert output(result).count(warning) == 1, output(result)
    assert "es: 1 published" in summary(result)  # a warning does not keep a page offline
    again = snakemake(project, "all")
    assert "Nothing to be done" in output(again) and warning not in output(again)


@pytest.mark.built
def test_run_outcome_finding_lines_stay_true_after_the_pipeline_rewrites_the_catalog(project):
    """The pipeline rewrites a reviewed catalog (a new source line): findings name the lines of the file as
    written, also in later runs that read the catalog from the parsed-catalog cache."""
    po = project / ES_PO
    review_all(po, ES_SLUG)
    edit(po, DOSE, DOSE.replace("24 hours", "48 horas"))
    snakemake(project, "all")
    source = project / "source" / f"{PAGE}.txt"
    text = source.read_text("utf-8")
    source.write_text(text.replace("• Headache", "• A new first symptom\n• Headache"), "utf-8")
    for change in ("a new source line", "a new page: the memory changed, the catalog is retaken unchanged"):
        result = snakemake(project, "all")
        lines = po.read_text("utf-8").splitlines()
        start = lines.index(DOSE.replace("24 hours", "48 horas")) + 1
        while start > 1 and lines[start - 2].strip():
            start -= 1
        assert f"({ES_PO}:{start})" in "\n".join(summary(result)), (change, output(result))
        assert not re.search(r"\.po:0\b", output(result)), change
        (project / "source" / "other-page.txt").write_text(text.replace(f"URL Slug: {PAGE}", "URL Slug: other"))

@pytest.mark.built
def test_run_outcome_check_fails_on_a_reviewed_blocking_finding_not_on_unreviewed_work(project):
    assert snakemake(project, "check").returncode == 0  # every locale is unreviewed work: not a failure
    po = project / ES_PO
    review_all(po, ES_SLUG)
    line = edit(po, DOSE, DOSE.replace("24 hours", "48 horas"))
    snakemake(project, "all")
    result = snakemake(project, "check", check=False)
    assert result.returncode == 1, output(result)
    assert f"{ES_PO}:{line}: error: [numbers] number 24 hours of the source is missing or changed" in output(result)
