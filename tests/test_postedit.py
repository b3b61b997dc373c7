"""Post-editing analysis and the clinical sign-off: a bulk un-fuzzy of machine drafts is not a review."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import need, snakemake
from helpers import review_all

from pipeline.drafts.provenance import MACHINE, machine_note, origin_of
from pipeline.po.catalog import Catalog, Message
from pipeline.po.pofile import read_po
from pipeline.review.postedit import analyse, signoff, unreviewed_reasons

PO = "locales/{}/LC_MESSAGES/iv-ketamine-infusion.po"


@pytest.mark.parametrize("value, ok", [
    ("Dr Ana Ruiz <ana.ruiz@clinic.example>, 2026-11-29", True),
    ("Ana Ruiz, 2026-11-29", False),
    ("Ana Ruiz <ana.ruiz>, 2026-11-29", False),
    ("Ana Ruiz <ana@clinic.example>, 2026-13-01", False),
    ("Ana Ruiz <ana@clinic.example>", False),
])
def test_signoff_header_is_validated(value, ok):
    signed, problem = signoff(Catalog(header=(("X-Clinical-Review", value),)))
    assert (signed is not None, problem is None) == (ok, ok)


def catalog_of(*entries):
    template = Catalog(messages=tuple(Message(source) for source, _ in entries))
    note = (machine_note("apertium eng-spa"),)
    return template, Catalog(messages=tuple(Message(s, t, translator_comments=note) for s, t in entries))


def test_short_entries_mt_got_right_do_not_need_a_signoff():
    drafts = {"Headache": "Dolor de cabeza", "A long paragraph about the infusion and its risks": "MT draft"}
    template, catalog = catalog_of(("Headache", "Dolor de cabeza"),
                                   ("A long paragraph about the infusion and its risks", "Un párrafo revisado"))
    edit = analyse(template, catalog, lambda m: drafts[m.msgid])
    assert (edit.drafted, edit.unchanged, edit.machine_share) == (2, 1, 0.1)
    assert 0 < edit.distance < 1
    assert unreviewed_reasons(edit, catalog, 0.5) == []


def _config(project, locales):
    config = project / "config" / "config.yaml"
    text = config.read_text().replace("{provider: none}", "{provider: apertium}")
    config.write_text(re.sub(r"(?m)^locales: .*$", f"locales: [{', '.join(locales)}]", text))


def _status(project, locale):
    status = json.loads((project / "output" / "reports" / "status.json").read_text("utf-8"))
    return status["pages"]["iv-ketamine-infusion"]["locales"][locale]


def test_bulk_unfuzzied_machine_drafts_need_a_signoff_and_edited_pages_do_not(project):
    need("apertium")
    _config(project, ["es", "fr"])
    snakemake(project, "all")
    fr = project / PO.format("fr")
    subprocess.run([need("msgattrib"), "--clear-fuzzy", "-o", str(fr), str(fr)], check=True)
    text = fr.read_text("utf-8").replace('msgctxt "meta description"',
                                         '# qa-accept: length the clinic approved this description\n'
                                         'msgctxt "meta description"')
    fr.write_text(text, "utf-8")
    review_all(project / PO.format("es"), "infusion-de-ketamina-iv")  # a reviewer who edited every entry
    snakemake(project, "all")
    site = project / "output" / "site"
    state = _status(project, "fr")
    assert not (site / "fr").exists() and state["published"] is False
    assert state["postedit"]["unchanged_share"] == 1.0 and state["signoff"] is None
    assert any("bulk un-fuzzy is not a review" in reason and "X-Clinical-Review" in reason
               for reason in state["reasons"])
    es = _status(project, "es")
    assert es["published"] is True and es["postedit"]["unchanged"] == 0 and es["postedit"]["distance"] > 0.3
    assert (site / "es" / "infusion-de-ketamina-iv" / "index.html").is_file()

    header = '"X-Clinical-Review: Dr Marie Dubois <m.dubois@clinic.example>, 2026-11-29\\n"\n'
    fr.write_text(fr.read_text("utf-8").replace('"X-Generator:', header + '"X-Generator:'), "utf-8")
    snakemake(project, "all")
    state = _status(project, "fr")
    assert state["published"] is True, state["reasons"]
    assert state["signoff"] == {"name": "Dr Marie Dubois", "email": "m.dubois@clinic.example", "date": "2026-11-29"}
    accepted = [f["accepted"] for f in state["findings"] if f["check"] == "length"]
    assert accepted == ["the clinic approved this description"]
    report = (project / "output" / "reports" / "status.html").read_text("utf-8")
    assert "Dr Marie Dubois" in report and "accepted by the reviewer: the clinic approved this description" in report
    assert "75 of 75 drafts accepted unchanged" in report


def test_the_threshold_is_configured_and_validated():
    from pipeline.config import settings_from_dict
    from pipeline.errors import ConfigError

    assert settings_from_dict({}).max_unchanged_machine_share == 0.5
    assert settings_from_dict({"review": {"max_unchanged_machine_share": 0.8}}).max_unchanged_machine_share == 0.8
    with pytest.raises(ConfigError, match="max_unchanged_machine_share"):
        settings_from_dict({"review": {"max_unchanged_machine_share": 2}})


def test_a_bulk_unfuzzy_is_caught_without_the_mt_cache(project):
    """The MT cache is not in git: on a fresh clone (a CI machine that deploys) the drafts a reviewer
    started from are computed again with the Apertium pairs the provenance comments name; a draft
    no engine here can make again counts as accepted unchanged. Either way nothing is published."""
    need("apertium")
    _config(project, ["fr"])
    snakemake(project, "all")
    fr = project / PO.format("fr")
    subprocess.run([need("msgattrib"), "--clear-fuzzy", "-o", str(fr), str(fr)], check=True)
    shutil.rmtree(project / ".cache")  # a fresh clone of the repository: catalogs, no cache
    snakemake(project, "all", check=False)
    state = _status(project, "fr")
    assert state["published"] is False and state["postedit"]["unchanged_share"] == 1.0
    assert state["postedit"]["lost_machine"] == 0  # every draft computed again, offline
    assert (project / ".cache").is_dir()  # and kept

    # Drafts from pairs not installed here (drafted on another machine): not recoverable, fail closed.
    fr.write_text(fr.read_text("utf-8").replace("apertium eng-spa | es-fr", "apertium eng-fra"), "utf-8")
    shutil.rmtree(project / ".cache")
    snakemake(project, "all", check=False)
    state = _status(project, "fr")
    machine = [m for m in read_po(fr.read_bytes(), "fr.po").live if m.reviewed and origin_of(m) == MACHINE]
    assert len(machine) > 60
    assert state["published"] is False and state["postedit"]["drafted"] == 0
    assert state["postedit"]["lost_machine"] == len(machine)
    assert any("could not be recovered" in reason for reason in state["reasons"])
    assert not (project / "output" / "site" / "fr").exists()


def sign(project, locale, reviewer="Dr Marie Dubois <m.dubois@clinic.example>", date="2026-11-29"):
    return subprocess.run([sys.executable, "-m", "pipeline", "sign", PO.format(locale), "--reviewer", reviewer,
                           "--date", date], cwd=project, capture_output=True, text=True)


def test_a_signoff_covers_the_reviewed_text_it_was_given_for(project):
    """`clinic-l10n sign` names the reviewed text in the header; a later change of a reviewed entry
    (another bulk accept, an edit) is not covered, and the version waits for a new sign-off."""
    need("apertium")
    _config(project, ["fr"])
    snakemake(project, "all")
    fr = project / PO.format("fr")
    subprocess.run([need("msgattrib"), "--clear-fuzzy", "-o", str(fr), str(fr)], check=True)
    before = fr.read_bytes()
    done = sign(project, "fr")
    assert done.returncode == 0, done.stderr
    added = [line for line in fr.read_bytes().split(b"\n") if line not in before.split(b"\n")]
    assert len(added) == 1 and re.fullmatch(
        rb'"X-Clinical-Review: Dr Marie Dubois <m.dubois@clinic.example>, 2026-11-29, reviewed [0-9a-f]{12}\\n"',
        added[0])
    assert fr.read_bytes().replace(added[0] + b"\n", b"") == before  # nothing else touched
    snakemake(project, "all", check=False)
    assert _status(project, "fr")["published"] is True

    text = fr.read_text("utf-8")  # a reviewed entry changed after the sign-off
    fr.write_text(text.replace('msgctxt "URL slug"\nmsgid "iv-ketamine-infusion"\nmsgstr "',
                               'msgctxt "URL slug"\nmsgid "iv-ketamine-infusion"\nmsgstr "perfusion-', 1), "utf-8")
    assert fr.read_text("utf-8") != text
    snakemake(project, "all", check=False)
    state = _status(project, "fr")
    assert state["published"] is False
    assert any("covers another revision" in reason and "clinic-l10n sign" in reason for reason in state["reasons"])
    assert sign(project, "fr").returncode == 0
    snakemake(project, "all", check=False)
    assert _status(project, "fr")["published"] is True


def test_a_hand_written_signoff_older_than_the_catalogs_revision_is_stale(project):
    need("apertium")
    _config(project, ["fr"])
    snakemake(project, "all")
    fr = project / PO.format("fr")
    subprocess.run([need("msgattrib"), "--clear-fuzzy", "-o", str(fr), str(fr)], check=True)
    header = '"X-Clinical-Review: Dr Marie Dubois <m.dubois@clinic.example>, 2026-11-29\\n"\n'
    text = re.sub(r'"PO-Revision-Date: [^"]*"', r'"PO-Revision-Date: 2026-12-03 10:00+0000\\n"', fr.read_text("utf-8"))
    fr.write_text(text.replace('"X-Generator:', header + '"X-Generator:'), "utf-8")
    snakemake(project, "all", check=False)
    state = _status(project, "fr")
    assert state["published"] is False
    assert any("older than the catalog's revision (PO-Revision-Date 2026-12-03)" in r for r in state["reasons"])
    fr.write_text(fr.read_text("utf-8").replace("2026-12-03 10:00", "2026-11-29 10:00"), "utf-8")
    snakemake(project, "all", check=False)
    assert _status(project, "fr")["published"] is True


def test_sign_refuses_what_is_not_a_catalog_or_a_reviewer(project):
    snakemake(project, "all")
    bad = sign(project, "fr", reviewer="Marie")
    assert bad.returncode == 1 and "is not 'Name <email>'" in bad.stderr and "Traceback" not in bad.stderr
    outside = subprocess.run([sys.executable, "-m", "pipeline", "sign", "source/iv-ketamine-infusion.txt",
                              "--reviewer", "A B <a@b.example>"], cwd=project, capture_output=True, text=True)
    assert outside.returncode == 1 and "not a catalog of this project" in outside.stderr
