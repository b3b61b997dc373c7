"""The copy-deck grammar: markers override the heuristics; every weak guess is a warning."""

from __future__ import annotations

import pytest

from pipeline.copydeck.grammar import cta_strength
from pipeline.copydeck.model import BulletList, OrderedList, Paragraph
from pipeline.copydeck.outline import outline_lines
from pipeline.copydeck.parse import parse_deck
from pipeline.errors import SourceError

HEADER = "Page Title: T\nSubtitle: S\nMeta Title: MT\nMeta Description: MD\nURL Slug: t\nLede.\nHome > X\n"


def parse(body: str):
    return parse_deck((HEADER + body).encode("utf-8"), "source/x.txt", "x")


def rows(body: str) -> list[str]:
    return outline_lines(parse(body).page)[7:]  # after the header, lede and breadcrumb


def test_grammar_heading_marker_overrides_the_paragraph_reading_without_a_warning():
    deck = parse("## How it works.\nText.\n## fees\nMore text.\n")
    assert [s.heading.text for s in deck.page.sections] == ["How it works.", "fees"]
    assert deck.notices == ()


def test_grammar_sub_heading_marker_nests_under_the_heading():
    deck = parse("## Preparing\nText.\n### The night before\nSleep well.\n### On the day\nEat lightly.\n")
    section = deck.page.sections[0]
    assert [s.heading.text for s in section.subsections] == ["The night before", "On the day"]
    assert not section.faq
    assert rows("## Preparing\nText.\n### The night before\nSleep well.\n")[2:] == [
        "10 | sub-heading | Preparing > The night before", "11 | paragraph | Preparing > The night before"]


def test_grammar_faq_questions_nest_under_the_faq_heading():
    deck = parse("Frequently asked questions\nIs it safe?\nYes, for most people.\nDoes it hurt?\nNo.\n")
    section = deck.page.sections[0]
    assert section.faq and section.heading.text == "Frequently asked questions" and section.blocks == ()
    assert [(s.heading.text, s.blocks[0].text.text) for s in section.subsections] == [
        ("Is it safe?", "Yes, for most people."), ("Does it hurt?", "No.")]
    assert deck.notices == ()


def test_grammar_a_question_heading_outside_an_faq_stays_a_heading():
    deck = parse("What does it cost?\nA session costs £95.\n")
    assert deck.page.sections[0].heading.text == "What does it cost?" and not deck.page.sections[0].subsections


@pytest.mark.parametrize("marker", ["1.", "1)", "12."])
def test_grammar_numbered_steps_are_an_ordered_list_without_their_numbers(marker):
    page = parse(f"Steps\nDo this:\n{marker} First step.\n{marker} Second step.\n").page
    steps = page.sections[0].blocks[0]
    assert isinstance(steps, OrderedList) and [i.text for i in steps.items] == ["First step.", "Second step."]
    assert steps.intro.text == "Do this:"


def test_grammar_bullets_after_steps_start_a_new_list():
    blocks = parse("Steps\n1. One.\n2. Two.\n- a note\n").page.sections[0].blocks
    assert [type(b) for b in blocks] == [OrderedList, BulletList]


def test_grammar_call_to_action_marker_is_the_closing_without_a_warning():
    deck = parse("Overview\nText.\nCall to action: Ring the team today.\n")
    assert deck.page.closing.text == "Ring the team today." and deck.notices == ()
    assert [type(b) for b in deck.page.sections[0].blocks] == [Paragraph]


@pytest.mark.parametrize("text, strength", [
    ("Book a consultation today.", "strong"),
    ("To book an assessment, complete our online form.", "weak"),
    ("To find out whether esketamine could help you, book a consultation.", "weak"),
    ("If you think you may have ADHD, request an assessment online.", "weak"),
    ("Ready to start? Book a free call.", "weak"),
    ("Please call us on 020 7946 0958.", "weak"),
    ("Our team will confirm your appointment by e-mail.", "mention"),
    ("Benefits vary from person to person.", None),
])
def test_grammar_cta_strength(text, strength):
    assert cta_strength(text) == strength


def test_grammar_sentence_case_heading_is_read_with_a_warning():
    deck = parse("How the assessment works\nIt takes 90 minutes.\n")
    assert deck.page.sections[0].heading.text == "How the assessment works"
    assert [str(n) for n in deck.notices] == [
        'source/x.txt:8: warning: read as a heading; write "## How the assessment works" to confirm it,'
        " or end it with a full stop if it is a paragraph"]


@pytest.mark.parametrize("body", [
    "Overview\nText.\nSee you soon\n",  # last line: nothing follows it
    "Overview\nThe common ones are:\nMild headache\n- Nausea\n",  # after a list introduction
    "Overview\nText.\nCommon side effects include\n- Nausea\n",  # leads into the list
])
def test_grammar_short_line_where_no_heading_fits_is_a_paragraph_with_a_warning(body):
    deck = parse(body)
    assert len(deck.page.sections) == 1
    assert any('read as a paragraph; write "## ' in str(n) for n in deck.notices)


def test_grammar_closing_that_is_not_read_as_a_call_to_action_is_warned():
    deck = parse("Overview\nText.\nOur team will confirm your appointment by e-mail.\n")
    assert deck.page.closing is None
    assert [str(n) for n in deck.notices] == [
        'source/x.txt:10: warning: read as a paragraph; write "Call to action: " before it if it is the closing'
        " call to action"]


@pytest.mark.parametrize("body, line, message", [
    ("Text.\n### Orphan\nMore.\n", 9, "a sub-heading ('### ') needs a heading ('## ') above it"),
    ("Overview\nCall to action: Book now.\nText.\n", 9, "must be the last line of the page"),
    ("Overview\n##\nText.\n", 9, "empty heading"),
    ("Overview\n1.\n", 9, "empty numbered step"),
])
def test_grammar_marker_errors_name_their_line(body, line, message):
    with pytest.raises(SourceError) as caught:
        parse(body)
    assert caught.value.line == line and message in str(caught.value)


def test_grammar_heading_marker_in_the_lede_is_an_error_at_its_line():
    data = HEADER.replace("Lede.\n", "Lede.\n## Too early\n").encode()
    with pytest.raises(SourceError) as caught:
        parse_deck(data, "source/x.txt", "x")
    assert caught.value.line == 7 and "before the breadcrumb" in str(caught.value)


def test_grammar_slug_error_points_at_the_slug_line():
    data = HEADER.replace("URL Slug: t", "URL Slug: Bad Slug").encode()
    with pytest.raises(SourceError) as caught:
        parse_deck(data, "source/x.txt", "x")
    assert str(caught.value).startswith("source/x.txt:5: invalid URL Slug 'Bad Slug': ")


def test_grammar_breadcrumb_error_points_at_the_first_heading_not_the_lede():
    data = HEADER.replace("Home > X\n", "More lede.\nOverview\nText.\n").encode()
    with pytest.raises(SourceError) as caught:
        parse_deck(data, "source/x.txt", "x")
    assert caught.value.line == 8 and "between the lede and this heading" in str(caught.value)


def test_grammar_breadcrumb_with_another_separator_is_read_with_a_warning():
    data = HEADER.replace("Home > X", "Home › Treatments › X").encode()
    deck = parse_deck(data + b"Overview\nText.\n", "source/x.txt", "x")
    assert [c.text for c in deck.page.breadcrumb] == ["Home", "Treatments", "X"]
    assert "read as the breadcrumb" in str(deck.notices[0]) and deck.notices[0].line == 7


def test_grammar_anchors_come_from_the_source_text():
    deck = parse("Contact\nCall 020 7946 0958, email a@clinic.example or see https://www.nice.org.uk/x.\n")
    assert [(a.kind, a.text) for a in deck.page.anchors] == [
        ("tel", "020 7946 0958"), ("mailto", "a@clinic.example"), ("url", "https://www.nice.org.uk/x")]


def test_grammar_q_and_a_lines_are_an_faqs_questions_and_answers_without_their_markers():
    deck = parse_deck((HEADER + "Frequently Asked Questions\nQ: Does it hurt?\nA: A little.\n"
                       "Question: Is it safe?\nAnswer: Yes: A: stays inside a sentence.\n"
                       "A. Smith is our consultant.\n").encode(), "source/x.txt", "x")
    faq = deck.page.sections[0]
    assert faq.faq and [s.heading.text for s in faq.subsections] == ["Does it hurt?", "Is it safe?"]
    answers = [[b.text.text for b in s.blocks] for s in faq.subsections]
    assert answers == [["A little."], ["Yes: A: stays inside a sentence.", "A. Smith is our consultant."]]
    assert not deck.notices


def test_grammar_an_indented_bullet_is_an_item_of_the_same_list_with_a_warning():
    deck = parse_deck((HEADER + "Aftercare\n• Before\n  - Wash your hair\n\t* Rest\n• After\n").encode(),
                      "source/x.txt", "x")
    items = [t.text for t in deck.page.sections[0].blocks[0].items]
    assert items == ["Before", "Wash your hair", "Rest", "After"]
    assert [n.line for n in deck.notices] == [len(HEADER.splitlines()) + 3, len(HEADER.splitlines()) + 4]
    assert all("lists do not nest" in str(n) for n in deck.notices)


def test_grammar_paragraph_marker_keeps_a_closing_line_that_looks_like_a_call_to_action_a_paragraph():
    body = "Aftercare\nRest for a day.\n{}Book your follow-up within two weeks.\n"
    guessed = parse_deck((HEADER + body.format("")).encode(), "source/x.txt", "x").page
    marked = parse_deck((HEADER + body.format("Paragraph: ")).encode(), "source/x.txt", "x")
    assert guessed.closing is not None and guessed.closing.text == "Book your follow-up within two weeks."
    assert marked.page.closing is None and not marked.notices
    assert [b.text.text for b in marked.page.sections[0].blocks] == ["Rest for a day.",
                                                                      "Book your follow-up within two weeks."]
    heading_like = parse_deck((HEADER + "Aftercare\nParagraph: Fees and Insurance\nText.\n").encode(),
                              "source/x.txt", "x").page
    assert [b.text.text for b in heading_like.sections[0].blocks] == ["Fees and Insurance", "Text."]
