"""Progress of long jobs on stderr: at most once a second, a final line, quiet unless on a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

from conftest import snakemake_env

from pipeline.jobs.progress import ENV, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_prints_at_most_once_a_second_then_the_counts(monkeypatch):
    monkeypatch.setenv(ENV, "1")
    out, clock = io.StringIO(), Clock()
    progress = Progress("update es", 2100, "entries", "drafting", "apertium", stream=out, clock=clock)
    for _ in range(340):
        clock.now += 0.125  # 8 entries a second: one line a second, not one an entry
        progress.advance()
    progress.finish()
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["update es: drafting 8 / 2,100 entries (apertium), 8/s",
                         "update es: drafting 16 / 2,100 entries (apertium), 8/s"]
    assert len(lines) == 42 + 1 and lines[-1] == "update es: 340 entries done in 42.5 s"


def test_progress_is_quiet_off_a_terminal_unless_asked(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    out, clock = io.StringIO(), Clock()  # a StringIO is not a terminal
    progress = Progress("render shard 0", 10, "pages", "rendering", stream=out, clock=clock)
    for _ in progress.each(range(10)):
        clock.now += 5
    progress.finish()
    assert out.getvalue() == ""
    monkeypatch.setenv(ENV, "0")
    assert not Progress("x", 1, "pages", "y", stream=sys.stderr).enabled


def test_jobs_report_progress_when_asked(project):
    env = {**snakemake_env(), ENV: "1"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract"], cwd=project, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "extract: 1 pages read, 0 with a problem" in result.stderr
    quiet = subprocess.run([sys.executable, "-m", "pipeline", "update", "--locale", "es"], cwd=project,
                           capture_output=True, text=True, env={**env, ENV: "0"})
    assert quiet.returncode == 0 and "update es:" not in quiet.stderr, quiet.stderr
    loud = subprocess.run([sys.executable, "-m", "pipeline", "update", "--locale", "fr"], cwd=project,
                          capture_output=True, text=True, env=env)
    # the page's catalog and the interface strings' (site.po)
    assert "update fr: 2 pages, 2 merged and checked, 0 with a problem" in loud.stderr, loud.stderr
