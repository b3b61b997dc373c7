"""A QA finding: one check's verdict on one entry of one catalog (qa.py finds them, the update job
records them in its manifest, the status report, the previews and the run's outcome show them)."""

from __future__ import annotations

from pipeline.errors import Problem
from pipeline.values import immutable


@immutable
class Finding:
    check: str
    message: str
    line: int
    blocking: bool
    sub: str | None = None
    accepted: str | None = None  # the reviewer's reason, from `# qa-accept: <code> <reason>`
    path: str | None = None  # the catalog (project-relative), once the update job knows which

    @property
    def code(self) -> str:
        """What a reviewer writes after `qa-accept:` (and what the finding prints in brackets)."""
        return f"{self.check}-{self.sub}" if self.sub else self.check

    def problem(self) -> Problem:
        """As the run prints it: a blocking finding is an error, any other (an accepted one too) a warning."""
        note = f" (accepted: {self.accepted})" if self.accepted else ""
        return Problem(self.path, self.line, "error" if self.blocking else "warning", self.message + note, self.code)

    def render(self) -> str:
        """``path:line: [code] message (accepted: reason)``: a reason not to publish, a note in a preview."""
        return self.problem().located()

    def as_report(self) -> dict[str, object]:
        """As the status report (status.json) and the previews show it."""
        return {"where": f"{self.path}:{self.line}", "check": self.check, "code": self.code, "message": self.message,
                "blocking": self.blocking, "accepted": self.accepted}
