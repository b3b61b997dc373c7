"""A job's progress on stderr, for work that can take more than a few seconds.

    update es: drafting 340 / 2,100 entries (apertium), 12/s
    update es: 2,100 entries drafted in 175.2 s

At most one line a second, and a final line with the counts. Quiet when stderr is not a terminal
(a log file, CI), unless asked: CLINIC_L10N_PROGRESS=1 shows it anyway, =0 never.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

ENV = "CLINIC_L10N_PROGRESS"
INTERVAL = 1.0  # seconds between two lines, at least


def wanted(stream: TextIO) -> bool:
    asked = os.environ.get(ENV, "").strip().lower()
    if asked in ("1", "yes", "true", "on"):
        return True
    if asked in ("0", "no", "false", "off"):
        return False
    return stream.isatty()


class Progress:
    """Counts `done` of `total` `unit`s of one job's step, named `label` ("update es")."""

    def __init__(self, label: str, total: int, unit: str, doing: str, detail: str = "",
                 stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.total, self.unit, self.doing = label, total, unit, doing
        self.detail = f" ({detail})" if detail else ""
        self.stream = stream or sys.stderr
        self.enabled = wanted(self.stream)
        self.clock = clock
        self.start = self.last = clock()
        self.done = 0

    def each(self, items: Iterable[T]) -> Iterator[T]:
        """`items`, counting each one as done when the next is asked for."""
        for item in items:
            yield item
            self.advance()

    def advance(self, count: int = 1, doing: str | None = None) -> None:
        self.done += count
        self.doing = doing or self.doing
        now = self.clock()
        if self.enabled and now - self.last >= INTERVAL:
            self.last = now
            self._print(f"{self.doing} {self.done:,} / {self.total:,} {self.unit}{self.detail}, {self._rate(now)}")

    def finish(self, summary: str | None = None) -> None:
        """The final line: `summary`, or how many were done and in how long."""
        if self.enabled and self.done:
            elapsed = self.clock() - self.start
            self._print(summary or f"{self.done:,} {self.unit} done in {elapsed:.1f} s")

    def _rate(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        return f"{self.done / elapsed:,.0f}/s"

    def _print(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.stream, flush=True)
