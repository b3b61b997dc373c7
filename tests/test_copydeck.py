from __future__ import annotations

import pytest
from conftest import FIXTURES, SEED

from pipeline.copydeck.model import BulletList, Paragraph
from pipeline.copydeck.parse import is_heading, parse_page, read_page
from pipeline.copydeck.segments import segments
from pipeline.errors import SourceError

HEADER = (
    "Page Title: T\nSubtitle: S\nMeta Title: MT\nMeta Description: MD\nURL Slug: t\n"
)


def parse(text: str):
    return parse_page(text.encode("utf-8"), "source/x.txt", "x")


def test_seed_page_structure():
    page = read_page(SEED, "source/iv-ketamine-infusion.txt")
    assert page.title.text == "IV Ketamine Infusion"
    assert page.slug.text == "iv-ketamine-infusion"
    assert [b.text.text[:20] for b in page.lede] == ["IV ketamine infusion"]
    assert [c.text for c in page.breadcrumb] == ["Home", "All Treatments", "Chronic Depression", "IV Ketamine Infusion"]
    assert [s.heading.text for s in page.sections] == [
        "Overview", "Who This Treatment Helps", "What Is an IV Ketamine Infusion",
        "What to Expect During the Procedure", "After the Procedure", "Benefits",
        "Possible Risks and Side Effects", "When to Consider Other Options", "Safety Note",
    ]
    who = page.sections[1].blocks[0]
    assert isinstance(who, BulletList) and who.intro.text.endswith("people with:") and len(who.items) == 5
    assert page.closing.text.startswith("Arrange a consultation")


def test_every_source_line_lands_in_exactly_one_segment():
    page = read_page(SEED, "source/iv-ketamine-infusion.txt")
    lines = [line for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    by_line: dict[int, list[str]] = {}
    for seg in segments(page):
        by_line.setdefault(seg.line, []).append(seg.text)
    assert sorted(by_line) == list(range(1, len(lines) + 1))
    for number, line in enumerate(lines, start=1):
        texts = by_line[number]
        if " > " in line:
            assert " > ".join(texts) == line
        else:
            assert len(texts) == 1 and line.endswith(texts[0]), (number, line, texts)


def test_tricky_page_from_another_copywriter():
    page = read_page(FIXTURES / "pages" / "tricky.txt", "source/tricky.txt")
    headings = [s.heading.text for s in page.sections]
    assert headings == ["Is This Right for Me?", "What does a session cost?", "Side Effects & Aftercare"]
    first = page.sections[0].blocks
    assert len(first) == 1 and isinstance(first[0], BulletList) and first[0].intro is None
    cost = page.sections[1].blocks
    assert [type(b) for b in cost] == [Paragraph, Paragraph]
    assert cost[1].text.text.startswith("Dosing: 2.5 mg/kg")  # a 'Key:' line in the body is a paragraph
    aftercare = page.sections[2].blocks
    assert isinstance(aftercare[1], BulletList) and len(aftercare[1].items) == 3  # '-', '*' bullets: one list
    assert page.closing.text.startswith("Book a consultation")
    assert page.subtitle.text.startswith('"Top-up" infusions')
    texts = [s.text for s in segments(page)]
    for needle in ("£295", "≥ 15 µg/L", "020 7946 0958", "care@clinic.example", "½", "1 to 2 days"):
        assert any(needle in t for t in texts), needle


@pytest.mark.parametrize("line, heading", [
    ("Overview", True), ("What Is an IV Ketamine Infusion", True), ("Side Effects & Aftercare", True),
    ("How long does it take?", True), ("Benefits vary.", False), ("Your consultant may advise:", False),
    ("IV ketamine is not appropriate for everyone", False), ("Headache", True),
])
def test_is_heading(line, heading):
    assert is_heading(line) is heading


@pytest.mark.parametrize("text, line, message", [
    ("Page Title: T\nColour: red\n", 2, "unknown header key 'Colour'"),
    ("Page Title: T\nPage Title: U\n", 2, "repeated (first on line 1)"),
    ("Page Title: T\nSubtitle: S\nLede starts here.\n", 3, "missing header key(s) 'Meta Title'"),
    ("Page Title: T\nSubtitle:\n", 2, "has no value"),
    (HEADER + "Lede.\nOverview\n", 7, "no breadcrumb line"),
    (HEADER + "Lede.\nHome > X\n•   \n", 8, "empty bullet"),
    (HEADER + "Lede.\nHome > X\nBad \x0c char\n", 8, "control character U+000C"),
])
def test_format_errors_name_file_and_line(text, line, message):
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert caught.value.path == "source/x.txt" and caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"source/x.txt:{line}: ")


def test_non_utf8_input_reports_byte_offset_and_line():
    data = (HEADER + "Lede.\n").encode() + b"Caf\xe9 au lait\n"
    offset = len(HEADER) + len("Lede.\n") + len("Caf")
    with pytest.raises(SourceError) as caught:
        parse_page(data, "source/x.txt", "x")
    assert str(caught.value) == (
        f"source/x.txt:7: not valid UTF-8: byte 0xe9 at byte offset {offset} (save the file as UTF-8)"
    )


def test_bom_crlf_and_blank_lines_are_accepted():
    page = parse("\ufeff" + HEADER.replace("\n", "\r\n") + "\r\nLede.\r\n\r\nHome > X\r\nOverview\r\nText.\r\n")
    assert page.title.text == "T" and page.sections[0].heading.text == "Overview"
