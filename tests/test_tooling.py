"""The project's own quality gates run in the suite, so CI (make test) enforces them."""

import subprocess

from conftest import ROOT, need


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean():
    folders = [name for name in ("pipeline", "tests", "benchmarks") if (ROOT / name).is_dir()]
    result = run(need("ruff"), "check", *folders)
    assert result.returncode == 0, result.stdout


def test_mypy_strict_is_clean():
    result = run(need("mypy"), "--strict", "pipeline")
    assert result.returncode == 0, result.stdout


def test_snakemake_lint_is_clean():
    result = run(need("snakemake"), "--lint")
    assert result.returncode == 0, result.stdout + result.stderr


IMMUTABLE = ("pipeline.po.catalog", "Message", 'Message("a")', "msgstr"), \
            ("pipeline.copydeck.model", "Segment", 'Segment("paragraph", "a", 1, None, "", "")', "text"), \
            ("pipeline.review.findings", "Finding", 'Finding("numbers", "x", 1, True)', "line")


def test_immutable_values_are_frozen_for_the_type_checker(tmp_path):
    """pipeline/values.py: `@immutable` classes are plain slots classes at run time (a frozen dataclass costs
    ~9× as much to make) and frozen where it is checked: mypy --strict rejects an assignment to a field."""
    snippet = tmp_path / "assign.py"
    snippet.write_text("".join(f"from {module} import {name}\nv{i} = {make}\nv{i}.{attr} = v{i}.{attr}\n"
                               for i, (module, name, make, attr) in enumerate(IMMUTABLE)))
    result = run(need("mypy"), "--strict", str(snippet))
    assert result.returncode == 1
    assert result.stdout.count("is read-only") == len(IMMUTABLE), result.stdout


def test_immutable_values_compare_and_hash_by_their_fields():
    from pipeline.po.catalog import Message

    assert Message("a", "b") == Message("a", "b") and hash(Message("a", "b")) == hash(Message("a", "b"))
    assert Message("a", "b") != Message("a", "c")
    assert Message("a", line=1) == Message("a", line=2)  # a field with compare=False is left out, as before
    assert hash(Message("a", line=1)) == hash(Message("a", line=2))
    assert not hasattr(Message("a"), "__dict__")  # slots: no per-instance dictionary
