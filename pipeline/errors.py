"""One base exception; every error a user can cause names a file and, where known, a line.

Messages read like a compiler's: ``locales/fr/LC_MESSAGES/x.po:41: unterminated string``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a run reports: where, how bad, which check (for QA findings) and what. A value from
    where it is found to where it is printed, as a compiler prints it:
    ``locales/es/LC_MESSAGES/x.po:319: error: [numbers] …``."""

    path: str | None
    line: int | None
    severity: Severity
    message: str
    check: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.path and self.line else self.path or ""

    def located(self) -> str:
        """Without the severity: ``path:line: [check] message`` (how the status report and the check
        commands show it)."""
        check = f"[{self.check}] " if self.check else ""
        return f"{self.where}: {check}{self.message}" if self.where else f"{check}{self.message}"

    def __str__(self) -> str:
        check = f"[{self.check}] " if self.check else ""
        where = f"{self.where}: " if self.where else ""
        return f"{where}{self.severity}: {check}{self.message}"


class PipelineError(Exception):
    """An error in the user's input or configuration (not a bug): printed without a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[type[PipelineError], tuple[str, str | None, int | None]]:
        """Pickled whole (a worker process raises it to its job: jobs/extract.py)."""
        return type(self), (self.message, self.path, self.line)

    @property
    def problem(self) -> Problem:
        return Problem(self.path, self.line, "error", self.message)

    def __str__(self) -> str:
        return self.problem.located()


class SourceError(PipelineError):
    """A source page (copy deck) that cannot be read."""


class CatalogError(PipelineError):
    """A .po/.pot file that cannot be read or would lose a translator's work."""


class ConfigError(PipelineError):
    """config/config.yaml is invalid."""


class ConflictError(CatalogError):
    """A file changed on disk between the pipeline reading it and writing it."""


class CatalogChanged(CatalogError):
    """A file holds other bytes than the ones a decision was made on (saved during the run)."""
