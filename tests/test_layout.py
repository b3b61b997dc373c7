"""The package's layout is a specification: every module imports on its own, no two modules import
each other (directly or round a longer circle, lazy imports included), po/ is generic gettext, no
module name appears twice, and each sub-package says what it holds."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports_of(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = {m for m, _ in modules()}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("pipeline"):
                continue
            for alias in node.names:  # `from pipeline.po import pofile` imports the module pofile
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    found.discard(name)
    return {m for m in found if m in known and m != "pipeline"}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(name, path) for name, path in modules()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    assert cycles(graph()) == []


def test_every_module_imports_on_its_own():
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m == 'pipeline' or m.startswith('pipeline.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as err:\n"
        "        bad.append(f'{name}: {err!r}')\n"
        "print('\\n'.join(bad))\n"
    )
    names = [name for name, _ in modules()]
    done = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_po_is_generic_gettext():
    allowed = {"pipeline.errors", "pipeline.values"}  # problems, and the decorator of immutable values
    for name, path in modules():
        if name.startswith("pipeline.po"):
            outside = {m for m in imports_of(name, path) if not m.startswith("pipeline.po")}
            assert outside <= allowed, f"{name} imports {outside - allowed}"


def test_no_module_name_appears_twice():
    seen: dict[str, str] = {}
    for name, path in modules():
        short = name.rpartition(".")[2]
        if path.name == "__init__.py":
            continue
        assert short not in seen, f"{name} and {seen[short]}"
        seen[short] = name


def test_every_sub_package_says_what_it_holds():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 20, f"{init} has no paragraph saying what it holds"


def test_stages_do_not_reach_into_each_others_private_names():
    """`from x import _private` across modules is a hidden interface: make it public or move it."""
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, f"{name} imports private {private} from {node.module}"


def test_tests_use_the_package_through_public_names():
    """A test that reaches into a private name breaks on a refactoring that changes no behaviour."""
    for path in sorted(PACKAGE.parent.joinpath("tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    and (node.module or "").startswith("pipeline") for alias in node.names}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in imported):
                raise AssertionError(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr} is private")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_") \
                    and node.value[1:2].isalpha() and path.name != "test_layout.py":
                parent_calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and node in n.args
                                and getattr(n.func, "attr", "") == "setattr"]
                assert not parent_calls, f"{path.name}:{node.lineno}: setattr of private {node.value}"


def layout_blocks() -> dict[str, str]:
    """README's Layout drawing, cut per entry: "copydeck/" -> the text of its lines."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout", 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, str] = {}
    entry = ""
    for line in section.splitlines():
        if line.startswith("  ") and not line.startswith("   "):  # an entry under pipeline/
            entry = line.split()[0]
        if entry:
            blocks[entry] = blocks.get(entry, "") + line + "\n"
    return blocks


def test_readme_layout_names_every_module_under_its_folder():
    blocks = layout_blocks()
    basics = next(text for entry, text in blocks.items() if entry.endswith(".py"))
    for name, path in modules():
        if path.name == "__init__.py":
            continue
        folder = path.parent.relative_to(PACKAGE).as_posix()
        text = basics if folder == "." else blocks.get(f"{folder}/", "")
        assert re.search(rf"\b{path.stem}\b", text), f"README's Layout does not name {name} under {folder}/"
