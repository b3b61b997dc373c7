"""What each body line of a copy deck is: the writer's markers first, then the heuristics.

A marker makes a line's role explicit and always wins:

    ## Fees and insurance         a heading (h2)
    ### How many sessions?        a sub-heading (h3) under the heading above: in an FAQ, a question
    1. Complete the screening     a numbered step (also "1)"); consecutive steps are one list
    • item  - item  * item        a bullet; consecutive bullets are one list (an indented bullet is
                                  read as an item of the same list, with a warning: lists do not nest)
    Q: Does it hurt?              a question of an FAQ (as "### Does it hurt?"); also "Question:"
    A: Most people feel …         its answer, a paragraph; also "Answer:"
    Call to action: To book, …    the closing call to action (the last line of the page)
    Paragraph: Book early.        a paragraph, whatever it looks like (never a heading, question or
                                  call to action)

Without a marker the reading is a guess, strong or weak. Strong guesses are the ones the seed's
format always relied on (a few Title-Case words are a heading; a short question is a heading; a
line starting "Book"/"Call"/… at the end asks the reader to act) and are read silently. A weak
guess — a sentence-case heading, a "To book…" closing — is read, and a warning (a `Problem`) says so with the
marker that would make it explicit. See `reading_notice` and copydeck._closing for the wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.copydeck.model import Text
from pipeline.errors import Problem, SourceError

BULLET = re.compile(r"(?:•\s*|[-*]\s+)(.*)")
NUMBERED = re.compile(r"\d{1,3}[.)]\s+(.*)|\d{1,3}[.)]")
HEADING_MARK = re.compile(r"(#{2,3})(?:\s+(.*)|)")
CTA_MARK = re.compile(r"(?:call to action|cta)\s*:\s*(.*)", re.IGNORECASE)
QUESTION_MARK = re.compile(r"(?:Q|Question)\s*:\s*(.*)")
ANSWER_MARK = re.compile(r"(?:A|Answer)\s*:\s*(.*)")
PARAGRAPH_MARK = re.compile(r"paragraph\s*:\s*(.*)", re.IGNORECASE)
BREADCRUMB_SEP = " > "
LOOSE_BREADCRUMB_SEP = re.compile(r"\s+[›»→/|>]\s+")
SMALL_WORDS = frozenset(
    "a an and as at but by for from if in into is nor of on or per the to vs via with without &".split()
)
# A short line before a list that ends in one of these words leads into it: not a heading.
CONNECTORS = frozenset(
    "a an and are as include includes including is like of or such than that the to which with".split()
)
MAX_HEADING_WORDS = 10
MAX_QUESTION_HEADING_WORDS = 14
MAX_FAQ_QUESTION_WORDS = 25
MAX_SENTENCE_CASE_WORDS = 8
FAQ_HEADINGS = frozenset({
    "faq", "faqs", "faq's", "frequently asked questions", "common questions", "questions and answers",
    "your questions answered", "q&a", "questions", "frequently asked questions (faqs)",
})
ENDINGS = ".:;,!…?？؟"


class Reading(NamedTuple):  # a NamedTuple: a megabyte deck makes 40,000 of them, twice
    """One body line as read: its kind, its text without the marker, and how sure the reading is.

    kind: paragraph, bullet, numbered, heading, subheading, breadcrumb, cta; `candidate` only
    between the two passes (a short line without final punctuation: heading or paragraph?).
    `explicit`: a marker said so. `guess`: a weak signal decided it, and which warning it gets
    (a key of GUESS_NOTICES; empty when the reading is sure)."""

    kind: str
    text: Text
    explicit: bool = False
    guess: str = ""


def read_lines(lines: list[Text], source: str, indented: frozenset[int] = frozenset()) -> list[Reading]:
    """Every non-blank body line, read first on its own, then in its context. `indented`: the numbers
    of the lines written with leading spaces (a nested bullet)."""
    first = [_read_alone(line, source) for line in lines if line.text]
    first = [r._replace(guess="nested") if r.kind == "bullet" and r.text.line in indented else r for r in first]
    return _in_context(first, source)


def _read_alone(line: Text, source: str) -> Reading:
    text = line.text
    marked = _marked(line, source)
    if marked is not None:
        return marked
    bullet = BULLET.fullmatch(text) if text[0] in "•-*" else None
    if bullet:
        return Reading("bullet", _required(bullet.group(1), "empty bullet", source, line))
    if is_breadcrumb(text):
        return Reading("breadcrumb", line)
    if is_heading(text):
        return Reading("heading", line)
    if _is_short_unpunctuated(text):
        return Reading("candidate", line)
    return Reading("paragraph", line)


def _marked(line: Text, source: str) -> Reading | None:
    """The reading a marker gives the line (`## `, `### `, `1. `, `Call to action: `), or None."""
    text, first = line.text, line.text[0]
    mark = HEADING_MARK.fullmatch(text) if first == "#" else None
    if mark:
        kind = "heading" if mark.group(1) == "##" else "subheading"
        return Reading(kind, _required(mark.group(2), "empty heading", source, line), True)
    step = NUMBERED.fullmatch(text) if first.isdigit() else None
    if step:
        return Reading("numbered", _required(step.group(1), "empty numbered step", source, line), True)
    cta = CTA_MARK.fullmatch(text) if first in "CcTt" and ":" in text[:20] else None
    if cta:
        return Reading("cta", _required(cta.group(1), "empty call to action", source, line), True)
    question = QUESTION_MARK.fullmatch(text) if first == "Q" else None
    if question and question.group(1).endswith(("?", "？", "؟")):
        return Reading("subheading", _required(question.group(1), "empty question", source, line), True)
    answer = ANSWER_MARK.fullmatch(text) if first == "A" else None
    if answer:
        return Reading("paragraph", _required(answer.group(1), "empty answer", source, line), True)
    paragraph = PARAGRAPH_MARK.fullmatch(text) if first in "Pp" and ":" in text[:12] else None
    if paragraph:
        return Reading("paragraph", _required(paragraph.group(1), "empty paragraph", source, line), True)
    return None


def _required(text: str | None, message: str, source: str, line: Text) -> Text:
    if not text or not text.strip():
        raise SourceError(message, source, line.line)
    return Text(text.strip(), line.line)


@dataclass(slots=True)
class _Context:
    breadcrumb: bool = False
    heading: bool = False  # a heading (h2) is open
    faq: bool = False  # ... and it is an FAQ's


def _in_context(readings: list[Reading], source: str) -> list[Reading]:
    state = _Context()
    result: list[Reading] = []
    for i, reading in enumerate(readings):
        following = readings[i + 1] if i + 1 < len(readings) else None
        reading = _resolve(reading, result[-1] if result else None, following, state, source)
        _advance(state, reading)
        result.append(reading)
    return result


def _resolve(reading: Reading, before: Reading | None, after: Reading | None, state: _Context,
             source: str) -> Reading:
    kind, text = reading.kind, reading.text.text
    if kind == "breadcrumb" and state.breadcrumb:
        return Reading("paragraph", reading.text)
    if kind == "breadcrumb":
        return reading
    if not state.breadcrumb and kind in ("paragraph", "candidate", "heading") and is_loose_breadcrumb(text):
        return Reading("breadcrumb", reading.text, guess="breadcrumb")
    if not state.breadcrumb:
        return _before_breadcrumb(reading, source)
    if kind == "subheading" and not state.heading:
        raise SourceError("a sub-heading ('### ') needs a heading ('## ') above it", source, reading.text.line)
    if state.faq and _is_question(text) and kind in ("heading", "paragraph", "candidate") and not reading.explicit:
        return Reading("subheading", reading.text)
    if kind == "candidate":
        if is_faq_name(text):
            return Reading("heading", reading.text)
        kind = "heading" if _heading_fits(reading, before, after) else "paragraph"
        return Reading(kind, reading.text, guess=kind)
    return reading


def _before_breadcrumb(reading: Reading, source: str) -> Reading:
    """Before the breadcrumb is the lede: paragraphs only (a marked heading there is a mistake)."""
    if reading.explicit and reading.kind in ("heading", "subheading"):
        raise SourceError("a heading before the breadcrumb line ('Home > … > Page'): the lede comes first,"
                          " then the breadcrumb, then the sections", source, reading.text.line)
    if reading.kind in ("heading", "candidate"):
        return Reading("paragraph", reading.text, guess="lede")
    return reading


def _advance(state: _Context, reading: Reading) -> None:
    if reading.kind == "breadcrumb":
        state.breadcrumb = True
    elif reading.kind == "heading":
        state.heading, state.faq = True, is_faq_name(reading.text.text)


def _heading_fits(reading: Reading, before: Reading | None, after: Reading | None) -> bool:
    """A sentence-case heading: a short line followed by text, not leading into a list."""
    if after is None or after.kind not in ("paragraph", "numbered", "bullet", "cta"):
        return False
    if before is not None and before.kind == "paragraph" and before.text.text.endswith(":"):
        return False
    last = reading.text.text.split()[-1].strip("()[]\"'“”‘’").lower()
    return after.kind not in ("numbered", "bullet") or last not in CONNECTORS


GUESS_NOTICES = {
    "heading": 'read as a heading; write "## {text}" to confirm it, or end it with a full stop if it is a paragraph',
    "paragraph": 'read as a paragraph; write "## {text}" if it is a heading',
    "lede": "read as a paragraph of the lede (every line before the breadcrumb is); if it is a heading,"
            ' move it below the breadcrumb as "## {text}"',
    "breadcrumb": "read as the breadcrumb; separate its items with ' > ' (Home > … > Page)",
    "nested": "read as an item of the list above: lists do not nest in a copy deck; if it belongs under"
              " the item before, write it into that item, or make the item a heading ('## …')",
}


def reading_notice(reading: Reading, source: str) -> Problem | None:
    """The warning for a line whose role was a weak guess: the reading chosen, and the marker that
    would make it explicit."""
    if not reading.guess:
        return None
    return Problem(source, reading.text.line, "warning", GUESS_NOTICES[reading.guess].format(text=reading.text.text))


def is_breadcrumb(text: str) -> bool:
    if BREADCRUMB_SEP not in text:
        return False
    items = text.split(BREADCRUMB_SEP)
    return len(items) >= 2 and all(item.strip() for item in items)


def is_loose_breadcrumb(text: str) -> bool:
    """'Home › Treatments › ADHD': a breadcrumb with another separator (read, with a warning)."""
    items = LOOSE_BREADCRUMB_SEP.split(text)
    return len(items) >= 2 and items[0].strip().lower() == "home" and all(len(i.split()) <= 6 for i in items)


def breadcrumb_items(line: Text) -> tuple[Text, ...]:
    text = line.text
    parts = text.split(BREADCRUMB_SEP) if is_breadcrumb(text) else LOOSE_BREADCRUMB_SEP.split(text)
    return tuple(Text(item.strip(), line.line) for item in parts)


def is_heading(text: str) -> bool:
    """A short title-case line without sentence-ending punctuation, or a short question."""
    words = text.split()
    if not words:
        return False
    if text.endswith(("?", "？", "؟")):
        return len(words) <= MAX_QUESTION_HEADING_WORDS
    if len(words) > MAX_HEADING_WORDS or text[-1] in ".:;,!…" or not (text[0].isupper() or text[0].isdigit()):
        return False
    for word in words[1:]:
        core = word.strip("()[]\"'“”‘’«»,")
        if core and core[0].isalpha() and core.lower() not in SMALL_WORDS and not core[0].isupper():
            return False
    return True


def is_faq_name(text: str) -> bool:
    return text.strip().rstrip(":").lower() in FAQ_HEADINGS


def _is_question(text: str) -> bool:
    return text.endswith(("?", "？", "؟")) and len(text.split()) <= MAX_FAQ_QUESTION_WORDS


def _is_short_unpunctuated(text: str) -> bool:
    words = text.split()
    return (len(words) <= MAX_SENTENCE_CASE_WORDS and text[0].isupper() and text[-1] not in ENDINGS
            and not text.endswith(("”", '"', "'", "’", ")")))


# A last paragraph that starts with one of these asks the reader to act: the closing call to action.
CTA_VERBS = ("arrange", "book", "call", "contact", "speak", "talk", "get in touch", "request",
             "schedule", "ask", "find out", "make an appointment", "enquire", "email", "phone")
_VERBS = "|".join(re.escape(v) for v in (*CTA_VERBS, "visit", "complete", "fill in", "ring", "use", "send"))
# Weaker: an imperative after an opening clause, or a polite lead-in ("To book, call…", "If you think…,
# request…", "Ready to start? Book…", "Please call…", "You can book…").
WEAK_CTA = re.compile(
    rf"to (?:{_VERBS})\b.*"
    rf"|(?:to|if|for|when|whether|once|ready|unsure|not sure|think)\b[^.!?]*?[,?!:]\s+"
    rf"(?:please\s+|then\s+)?(?:{_VERBS})\b.*"
    rf"|(?:please|why not|you can|you may|feel free to|do not hesitate to|don't hesitate to)\s+(?:{_VERBS})\b.*",
    re.IGNORECASE | re.DOTALL,
)
MENTIONS_ACTION = re.compile(r"\b(?:book|booking|appointment|contact|call|request|enquir\w*|get in touch)\b",
                             re.IGNORECASE)


def cta_strength(text: str) -> str | None:
    """How surely a last paragraph asks the reader to act: strong, weak, mention (it talks of
    booking or contact but is not read as the call to action), or None."""
    if text.lower().startswith(CTA_VERBS):
        return "strong"
    if WEAK_CTA.fullmatch(text):
        return "weak"
    return "mention" if MENTIONS_ACTION.search(text) else None
