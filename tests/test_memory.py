"""Translation memory: the indexed near-match search gives what comparing every pair gives."""

from __future__ import annotations

import importlib.util
from difflib import SequenceMatcher
from types import ModuleType

from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.drafts.memory import Match, Memory
from pipeline.po.catalog import Catalog, Message


def _benchmark() -> ModuleType:
    """benchmarks/memory.py, loaded by its path: on sys.path, benchmarks/ would lend its corpus.py and
    memory.py names to every test module after this one."""
    spec = importlib.util.spec_from_file_location("benchmark_memory", ROOT / "benchmarks" / "memory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


every_pair = _benchmark().every_pair  # the search the index is measured against


def brute_force_near(memory: Memory, key, page: str, threshold: float) -> Match | None:
    """The search without an index, with Python's own difflib: every text of the memory against the query."""
    return every_pair(memory, key, page, threshold, SequenceMatcher)


# Few letters and short words: texts that are near one another, ties between equally near texts,
# and memories where the nearest text is held only by the asking page.
WORDS = st.text(alphabet="abcde é", min_size=0, max_size=6) | st.text(alphabet="ab", min_size=1, max_size=8)
TEXTS = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
PAGES = st.sampled_from(["p1", "p2", "p3"])
ENTRY = st.tuples(PAGES, st.sampled_from([None, "heading", ""]), TEXTS, st.sampled_from(["x", "y", "zz"]))


def _memory(entries) -> Memory:
    memory = Memory()
    for page, ctx, msgid, msgstr in entries:
        memory.add(page, Catalog(messages=(Message(msgid, msgstr, msgctxt=ctx),)))
    return memory


@settings(max_examples=400, deadline=None)
@given(entries=st.lists(ENTRY, min_size=0, max_size=40), queries=st.lists(st.tuples(PAGES, ENTRY), max_size=8),
       threshold=st.sampled_from([0.5, 0.6, 0.75, 0.85, 0.9, 0.95, 1.0]))
def test_memory_near_index_equals_comparing_every_pair(entries, queries, threshold):
    memory = _memory(entries)
    for page, (_, ctx, text, _) in queries:
        assert memory.near((ctx, text), page, threshold) == brute_force_near(memory, (ctx, text), page, threshold)
    # a memory read back from its rows (as a later run does) answers the same
    again = Memory.from_rows(memory.rows())
    for page, (_, ctx, text, _) in queries:
        assert again.near((ctx, text), page, threshold) == memory.near((ctx, text), page, threshold)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.sampled_from([0.5, 0.85, 0.95]))
def test_memory_near_index_equals_comparing_every_pair_on_sentences_that_differ_by_a_number(seed, threshold):
    """Benchmark-like memories: one sentence per page with its page number, many equally near texts."""
    import random

    rng = random.Random(seed)
    sentences = ["Avoid driving for 24 hours after the infusion", "Rest for the remainder of the day",
                 "Your consultant may advise a course of infusions"]
    entries = [(f"p{i}", None, f"{rng.choice(sentences)} (ref {rng.randrange(200)}).", f"t{rng.randrange(3)}")
               for i in range(rng.randrange(1, 60))]
    memory = _memory(entries)
    for _ in range(10):
        text = f"{rng.choice(sentences)} (ref {rng.randrange(200)})."
        page = f"p{rng.randrange(60)}"
        assert memory.near((None, text), page, threshold) == brute_force_near(memory, (None, text), page, threshold)



EDIT = st.tuples(st.integers(0, 200), st.integers(0, 3), st.text(alphabet="abcxyz ", max_size=4))


@settings(max_examples=200, deadline=None)
@given(base=st.text(alphabet="abcdefgh ", min_size=20, max_size=90),
       edits=st.lists(st.tuples(PAGES, EDIT), max_size=30),
       asked=st.lists(st.tuples(PAGES, EDIT), min_size=1, max_size=6),
       threshold=st.sampled_from([0.8, 0.85, 0.9, 0.93, 0.96, 0.985]))
def test_memory_near_index_equals_comparing_every_pair_on_small_edits_of_one_sentence(base, edits, asked, threshold):
    """Near matches at every ratio between the threshold and 1, and texts of many lengths on both sides of
    the query's: the search looks at the lengths near the query's first and stops as soon as no other
    length can beat (or tie) what it found."""
    def edited(edit) -> str:
        at, cut, insert = edit
        at %= len(base) + 1
        return base[:at] + insert + base[at + cut:]

    memory = _memory([(page, None, edited(edit), f"t{i % 3}") for i, (page, edit) in enumerate(edits)])
    for page, edit in asked:
        text = edited(edit)
        assert memory.near((None, text), page, threshold) == brute_force_near(memory, (None, text), page, threshold)



def test_memory_near_tie_between_lengths_goes_to_the_text_held_first():
    """Two texts as near as each other (0.9), one of the query's length and one longer: the longer one,
    held first, wins, though the search finds the other first (it looks at the query's length first)."""
    letters = [chr(0x4E00 + i) for i in range(300)]  # all different: the matching characters are plain to count
    query = "".join(letters[:100])
    longer = query[:50] + letters[100] + query[51:] + "".join(letters[101:121])  # 99 of 120 match: 198/220
    same_length = "".join(letters[110 + i] if i % 10 == 0 else c for i, c in enumerate(query))  # 90 of 100
    memory = _memory([("p1", None, longer, "held first"), ("p2", None, same_length, "held second")])
    match = memory.near((None, query), "p3", 0.85)
    assert match == brute_force_near(memory, (None, query), "p3", 0.85)
    assert match is not None and match.msgstr == "held first" and match.ratio == 0.9


def test_memory_near_sees_entries_added_after_a_search():
    memory = _memory([("p1", None, "Avoid driving for 24 hours", "Evite conducir 24 horas")])
    assert memory.near((None, "Avoid driving for 48 hours"), "p1", 0.85) is None  # only the asking page holds it
    memory.add("p2", Catalog(messages=(Message("Avoid driving for 12 hours", "Evite conducir 12 horas"),)))
    match = memory.near((None, "Avoid driving for 48 hours"), "p1", 0.85)
    assert match == Match("Evite conducir 12 horas", "p2", "Avoid driving for 12 hours", match.ratio)
    assert match.ratio > 0.9


def test_memory_near_ties_go_to_the_text_held_first_even_when_a_later_one_looks_closer():
    """difflib's ratio is below the common-subsequence bound for 'aaababa' (0.57 against a bound of 0.71)
    and equal to it for 'abbbabb' (0.57): the index reads 'aaababa' first, yet the tie goes to the text
    held first, as comparing every pair in order gives it."""
    memory = _memory([("p0", None, "abbbabb", "first"), ("p1", None, "aaababa", "second"), ("p2", None, "bbbba", "x")])
    match = memory.near((None, "bbaaaab"), "p9", 0.5)
    assert match == brute_force_near(memory, (None, "bbaaaab"), "p9", 0.5)
    assert (match.msgstr, match.source) == ("first", "abbbabb")


def test_memory_near_answers_each_page_for_itself_when_pages_ask_for_the_same_text():
    """A text empty on several pages is searched once; each page still gets a match held by another page."""
    memory = _memory([("p1", None, "Avoid driving for 24 hours", "Evite conducir 24 horas"),
                      ("p2", None, "Avoid driving for 12 hours", "Evite conducir 12 horas")])
    asked = (None, "Avoid driving for 48 hours")
    first, second, third = (memory.near(asked, page, 0.85) for page in ("p1", "p2", "p3"))
    assert first is not None and first.page == "p2"  # p1's own text is not offered to p1
    assert second is not None and second.page == "p1"
    assert third is not None and third.page == "p1"  # the two are as near: the text held first wins
    for page, found in (("p1", first), ("p2", second), ("p3", third)):
        assert found == brute_force_near(memory, asked, page, 0.85)
