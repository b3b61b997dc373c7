"""Where a draft came from, spelled once: pre-fill writes these translator comments, the review
state (publish.state_of) and the post-editing analysis (postedit.py) read them.

    # pre-filled from translation memory: <page>
    # pre-filled from translation memory (92% match): <page>      (+ #| msgid: the text it matched)
    # machine translation: apertium eng-spa | es-fr
    # machine translation: apertium eng-spa | es-fr; pivot leftovers: infusión
"""

from __future__ import annotations

from pipeline.po.catalog import Message

MEMORY_NOTE = "pre-filled from translation memory"
MACHINE_NOTE = "machine translation"
LEFTOVERS_NOTE = "; pivot leftovers: "
MACHINE, MEMORY = "machine", "memory"


def machine_note(origin: str, leftovers: tuple[str, ...] = ()) -> str:
    """`leftovers`: words of the pivot language the last pair of the chain did not translate."""
    return f"{MACHINE_NOTE}: {origin}" + (LEFTOVERS_NOTE + ", ".join(leftovers) if leftovers else "")


def memory_note(page: str, ratio: float | None = None) -> str:
    """`ratio` None: an exact match; otherwise the similarity of a near match."""
    return f"{MEMORY_NOTE}: {page}" if ratio is None else f"{MEMORY_NOTE} ({int(ratio * 100)}% match): {page}"


def origin_of(m: Message) -> str | None:
    """MACHINE, MEMORY, or None for an entry no pre-fill drafted (the comment stays as history after review)."""
    for comment in m.translator_comments:
        if comment.startswith(MACHINE_NOTE + ":"):
            return MACHINE
        if comment.startswith(MEMORY_NOTE):
            return MEMORY
    return None


def machine_origin(m: Message) -> str | None:
    """The engine named by the machine-translation comment (`apertium eng-spa`), if any."""
    for comment in m.translator_comments:
        if comment.startswith(MACHINE_NOTE + ":"):
            return comment[len(MACHINE_NOTE) + 1:].partition(LEFTOVERS_NOTE)[0].strip()
    return None


def pivot_leftovers(m: Message) -> tuple[str, ...]:
    """The pivot-language words the machine draft of this entry kept (see machine_note)."""
    for comment in m.translator_comments:
        if comment.startswith(MACHINE_NOTE + ":") and LEFTOVERS_NOTE in comment:
            return tuple(w.strip() for w in comment.partition(LEFTOVERS_NOTE)[2].split(",") if w.strip())
    return ()


def near_match(m: Message) -> bool:
    """A near memory match shows the text it matched as `#| msgid`, which is not a source change."""
    return any(c.startswith(MEMORY_NOTE + " (") for c in m.translator_comments)


def provenance_comment(comment: str) -> bool:
    return comment.startswith((MEMORY_NOTE, MACHINE_NOTE))
