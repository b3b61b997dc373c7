import pytest

from pipeline.po.catalog import Catalog, Message
from pipeline.review.publish import decide, slug_problem


@pytest.mark.parametrize("slug", ["infusion-de-ketamina", "инфузия-кетамина", "تسريب-الكيتامين", "ketamin-2"])
def test_valid_slugs(slug):
    assert slug_problem(slug) is None


@pytest.mark.parametrize("slug, why", [
    ("", "empty"), ("Ketamina", "uppercase"), ("a/b", "not allowed"), ("a.b", "not allowed"), ("a%2f", "not allowed"),
    ("a b", "not allowed"), ("-a", "hyphens"), ("a--b", "hyphens"), ("..", "not allowed"), ("a\\b", "not allowed"),
    ("a\x00b", "not allowed"), ("a／b", "look-alike"), ("x" * 201, "200 bytes"),
])
def test_invalid_slugs(slug, why):
    assert why in slug_problem(slug)


def catalogs(state: str):
    template = Catalog(messages=(Message("Title", msgctxt="page title"), Message("t", msgctxt="URL slug")))
    flags = ("fuzzy",) if state == "fuzzy" else ()
    translated = Catalog(messages=(Message("Title", "Título", msgctxt="page title", flags=flags),
                                   Message("t", "t-es" if state != "empty" else "", msgctxt="URL slug")))
    return template, translated


@pytest.mark.parametrize("state, published", [("reviewed", True), ("fuzzy", False), ("empty", False)])
def test_only_fully_reviewed_versions_are_published(state, published):
    template, translated = catalogs(state)
    version = decide("p", "es", template, translated, ("URL slug", "t"))
    assert version.published is published
    assert bool(version.reasons) is not published


def test_slug_clashes_names_every_page_that_shares_a_slug():
    from pipeline.review.publish import slug_clashes

    assert slug_clashes({"a": "x", "b": "y", "c": "x"}) == {"x": ["a", "c"]}
    assert slug_clashes({"a": "x"}) == {}


def test_a_source_change_wins_over_where_the_draft_came_from():
    from pipeline.drafts.provenance import machine_note, memory_note
    from pipeline.review.publish import count, state_of

    machine = Message("New text", "Texto", flags=("fuzzy",), translator_comments=(machine_note("apertium eng-spa"),))
    outdated = Message("New text", "Texto", flags=("fuzzy",), previous_msgid="Old text",
                       translator_comments=(machine_note("apertium eng-spa"),))
    near = Message("New text", "Texto", flags=("fuzzy",), previous_msgid="New texts",
                   translator_comments=(memory_note("other-page", 0.92),))
    exact = Message("New text", "Texto", flags=("fuzzy",), translator_comments=(memory_note("other-page"),))
    assert [state_of(m) for m in (machine, outdated, near, exact)] == ["machine", "outdated", "memory", "memory"]
    template = Catalog(messages=(Message("New text"),))
    assert count(template, Catalog(messages=(outdated,))).messages["outdated"] == 1
