"""The human reference translations are QA-clean, and QA catches the seeded clinical mutations."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import qa_mutations  # noqa: E402


def test_clean_references_have_no_finding():
    assert qa_mutations.clean_findings() == []


def test_every_numeric_unit_and_contact_mutation_is_caught():
    tally, missed, _ = qa_mutations.run(seed=12)
    assert sum(n for _, n in tally.values()) >= 500
    assert set(qa_mutations.MUST_CATCH_ALL) <= set(tally)
    assert missed == []
