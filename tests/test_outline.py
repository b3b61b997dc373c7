"""Fixture decks in several copywriters' styles read exactly as their `.outline` and `.warnings` say."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED

from pipeline.catalogs.template import template_for
from pipeline.config import settings_from_dict
from pipeline.copydeck.outline import explain_lines, outline_lines
from pipeline.copydeck.parse import read_deck
from pipeline.po.pofile import write_po

PAGES = FIXTURES / "pages"
DECKS = sorted(p.stem for p in PAGES.glob("*.txt"))


def deck(name: str):
    return read_deck(PAGES / f"{name}.txt", f"source/{name}.txt")


def expected(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("name", DECKS)
def test_outline_fixture_deck_reads_as_its_outline_file(name):
    assert outline_lines(deck(name).page) == expected(PAGES / f"{name}.outline")


@pytest.mark.parametrize("name", DECKS)
def test_outline_fixture_deck_warns_exactly_as_its_warnings_file(name):
    assert [str(n) for n in deck(name).notices] == expected(PAGES / f"{name}.warnings")


@pytest.mark.parametrize("name", DECKS)
def test_outline_names_every_non_blank_line(name):
    text = (PAGES / f"{name}.txt").read_text("utf-8").splitlines()
    lines = {int(row.split(" | ")[0]) for row in outline_lines(deck(name).page)}
    assert lines == {number for number, line in enumerate(text, start=1) if line.strip()}


def test_outline_has_at_least_four_new_decks_in_other_styles():
    assert {"tms-therapy", "esketamine-nasal-spray", "adult-adhd-assessment", "psychiatric-consultation"} <= set(DECKS)


def test_outline_seed_and_tricky_decks_read_without_a_warning():
    assert read_deck(SEED, "source/iv-ketamine-infusion.txt").notices == ()
    assert deck("tricky").notices == ()


def test_outline_tricky_deck_keeps_its_segment_identity():
    """tricky.pot was written by the code before issue 14: msgctxt, msgid and comments unchanged."""
    template = template_for(deck("tricky").page, settings_from_dict({}), "2026-01-01 00:00+0000")
    assert write_po(template) == (PAGES / "tricky.pot").read_text("utf-8")


def test_explain_prints_role_section_segment_and_warnings():
    lines = explain_lines(deck("adult-adhd-assessment"))
    assert "source/adult-adhd-assessment.txt:1: page title: \"Adult ADHD Assessment\" (msgctxt \"page title\")" in lines
    assert ("source/adult-adhd-assessment.txt:13: numbered step in “How the assessment works”: "
            "\"Complete our online screening questionnaire, which takes about 20 minutes.\"") in lines
    assert any(line.startswith("source/adult-adhd-assessment.txt:12: warning: read as a heading") for line in lines)
    assert lines[-1] == "source/adult-adhd-assessment.txt: 23 lines, 26 segments, 5 warning(s)"


def test_explain_command_prints_the_parse_and_needs_no_configuration(tmp_path):
    import subprocess
    import sys

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "tms-therapy.txt").write_bytes((PAGES / "tms-therapy.txt").read_bytes())
    result = subprocess.run([sys.executable, "-m", "pipeline", "explain", "source/tms-therapy.txt"], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert ("source/tms-therapy.txt:26: question in “Frequently Asked Questions > Does TMS hurt?”: "
            "\"Does TMS hurt?\"") in result.stdout.splitlines()


def test_explain_command_reports_an_unreadable_deck_as_an_error(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.txt"
    bad.write_text("Page Title: T\nColour: red\n")
    result = subprocess.run([sys.executable, "-m", "pipeline", "explain", str(bad)], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.strip() == f"{bad}:2: error: unknown header key 'Colour' (expected one of: Page Title, " \
        "Subtitle, Meta Title, Meta Description, URL Slug; optional: Medically Reviewed By, Last Reviewed)"
