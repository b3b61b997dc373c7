"""The publish gate, proved by a stateful differential test (issue 11, "How it is proved").

A Hypothesis `RuleBasedStateMachine` plays everyone who touches a small real project (three pages,
the locales es, fr, ar and sometimes de, machine translation off, `SOURCE_DATE_EPOCH` set): content
ops edit, add, break, delete and misname copy decks; translators review, un-review and edit
catalog entries; someone edits glossaries and the locale list, deletes files under `output/`,
kills a run with SIGKILL or saves a catalog while a run is in progress. Every file is written by
rename or in place, and its mtime is left as it is, moved into the past or the future, or kept from
before the write (as `cp -p`, `rsync -t` or an unzipped delivery leave it).

After every `snakemake all` that completed with nothing changing during it, the test asserts:

- the run ended with exit 0 or 1 and without a Python traceback;
- every translated page under `output/site/` comes from a catalog that GNU gettext reads as fully
  reviewed against its template (`msgattrib --translated --no-fuzzy`; a whitespace-only msgstr
  counts as empty), holds no text of an entry that is not reviewed, and keeps every glossary term
  of its locale;
- the site, `sitemap.xml` and `source/` agree: no page of a deleted source page or of a locale that
  is not configured, every valid page's English version online, no unsafe path;
- `locales/` and `output/` equal, byte for byte, a cold `snakemake all` of today's `source/`,
  `config/` and `locales/` in a fresh folder, and both runs end with the same exit status.

Texts written as reviewed carry a marker `«R:<letters>»` (letters, so that the numbers check has
nothing to object to), drafts `«D:<letters>»`; each write gets new letters.

Knobs (environment variables), printed with every failure so that it can be replayed:

    GATE_SEED=0       Hypothesis seed (the run is reproducible for a given seed, steps and examples)
    GATE_STEPS=30     steps per example
    GATE_EXAMPLES=2   examples (the first one Hypothesis tries is its simplest: the first rule with
                      the simplest arguments, repeated)
    GATE_SHRINK=1     0: report the failing steps as found, without shrinking (shrinking replays
                      the real pipeline and may take up to 5 minutes)
    GATE_SKIP=        rules left out, comma-separated (e.g. add_or_remove_badly_named_file), to look
                      past a failure that is known and not fixed yet

The default (2 examples of 30 steps, about 10 runs each, checked against a cold build) takes about
60 s on a 2-core machine when nothing fails; a failure adds up to 5 minutes of shrinking.
A long run: GATE_STEPS=1000 GATE_EXAMPLES=1 .venv/bin/python -m pytest tests/test_publish_gate_stateful.py -x
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from difflib import unified_diff
from pathlib import Path
from typing import ClassVar, TypeVar

import pytest
from conftest import ROOT, SEED, need, snakemake, snakemake_env
from helpers import sitemap_urls, treatment_pages
from hypothesis import HealthCheck, Phase, note, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pipeline.po.catalog import Catalog, Key, Message
from pipeline.po.pofile import read_po, write_po

GATE_SEED = int(os.environ.get("GATE_SEED", "0"))
GATE_STEPS = int(os.environ.get("GATE_STEPS", "30"))
GATE_EXAMPLES = int(os.environ.get("GATE_EXAMPLES", "2"))
GATE_SHRINK = os.environ.get("GATE_SHRINK", "1") != "0"
GATE_SKIP = tuple(name for name in os.environ.get("GATE_SKIP", "").split(",") if name)
REPLAY = (f"replay: GATE_SEED={GATE_SEED} GATE_STEPS={GATE_STEPS} GATE_EXAMPLES={GATE_EXAMPLES} "
          f"GATE_SHRINK={int(GATE_SHRINK)} GATE_SKIP={','.join(GATE_SKIP)} "
          ".venv/bin/python -m pytest tests/test_publish_gate_stateful.py -x")

BASE_URL = "https://clinic.example"
ENGLISH = "en-gb"
LOCALES = ("es", "fr", "ar", "de")  # gettext spelling == URL segment for these
FIRST_LOCALES = ("es", "fr", "ar")
SKELETON = ("Snakefile", "profiles", "envs")  # what a project folder needs besides its inputs
INPUTS = ("source", "config", "locales")
# Run-specific records, left out of the comparison with a cold build: output/logs/ holds each job's
# messages of *this* run, output/.state/ the pipeline's private bookkeeping (manifests naming what
# earlier runs wrote, parsed-catalog and translation-memory caches keyed by past contents, compiled
# templates). Neither is read by a person or deployed; everything that is (site/, preview/,
# reports/) must match.
RUN_RECORDS = ("output/logs", "output/.state")
PAST = 978_307_200  # 2001-01-01: older than every output
MARKER = re.compile(r"«([RD]):([a-z]+)»")


# ------------------------------------------------------------------------------------ copy decks


@dataclass(frozen=True)
class Deck:
    """A copy deck and two lines that edits vary: version 0 is the base text, others replace the
    line ('' deletes it; a text with a newline inserts a paragraph)."""

    text: str
    variable: tuple[tuple[str, tuple[str, str]], tuple[str, tuple[str, str]]]

    def version(self, choice: tuple[int, int]) -> str:
        lines = self.text.splitlines()
        for (line, alternatives), pick in zip(self.variable, choice, strict=True):
            if pick:
                lines[lines.index(line)] = alternatives[pick - 1]
        return "\n".join(x for x in lines if x) + "\n"


CBT = """Page Title: CBT Sessions
Subtitle: Talking therapy for low mood
Meta Title: CBT Sessions for Low Mood and Anxiety
Meta Description: Cognitive behavioural therapy for adults with low mood or anxiety, with accredited therapists.
URL Slug: cbt-sessions
CBT helps you notice patterns of thought and change them.
Home > All Treatments > Therapy > CBT Sessions
Overview
Sessions last 50 minutes.
Book a consultation to start."""

IRON = """Page Title: Iron Infusions
Subtitle: Restore iron stores in a single visit
Meta Title: Iron Infusions for Low Ferritin at the Clinic
Meta Description: Iron infusions for adults who cannot take iron tablets, with nurse led monitoring.
URL Slug: iron-infusions
An iron infusion restores iron stores in about 30 minutes.
Home > All Treatments > Infusions > Iron Infusions
Is This Right for Me?
• Ferritin below 30 µg/L on a recent blood test
• Unable to tolerate iron tablets
Book a consultation to ask about iron infusions."""

DECKS = {  # the source slug of each page is its name
    "cbt-sessions": Deck(CBT, (
        ("Sessions last 50 minutes.", ("Sessions last 55 minutes.", "Sessions last 50 minutes in person.")),
        ("Overview", ("Overview\nMost people need between 6 and 12 sessions.",
                      "Overview\nYou can bring a relative to the first visit.")))),
    "iron-infusions": Deck(IRON, (
        ("• Unable to tolerate iron tablets", ("• Unable to tolerate iron tablets or syrup", "")),
        ("An iron infusion restores iron stores in about 30 minutes.",
         ("An iron infusion restores iron stores in about 45 minutes.",
          "An iron infusion restores iron stores in about 30 minutes.\nMost people need one visit.")))),
    "iv-ketamine-infusion": Deck(SEED.read_text("utf-8"), (
        ("• Avoid driving, alcohol, and important decisions for 24 hours",
         ("• Avoid driving, alcohol, and important decisions for 48 hours", "")),
        ("Overview", ("Overview\nEach infusion takes about 40 minutes.",
                      "Overview\nMost people have a course of 6 infusions.")))),
}
FIRST_PAGES = ("cbt-sessions", "iv-ketamine-infusion")
CHOICES = st.tuples(st.integers(0, 2), st.integers(0, 2))

BREAKAGES = {  # how a copywriter breaks a deck: text -> bytes
    "unknown header key": lambda text: text.replace("Subtitle:", "Colour: blue\nSubtitle:", 1).encode(),
    "not UTF-8": lambda text: text.replace("Home", "Hom\udce9", 1).encode("utf-8", "surrogateescape"),
    "no breadcrumb": lambda text: re.sub(r"(?m)^Home > .*\n", "", text).encode(),
    "slug with a space": lambda text: re.sub(r"(?m)^URL Slug: (.*)$",
                                             lambda m: "URL Slug: " + m[1].replace("-", " ").title(), text).encode(),
    "control character": lambda text: text.replace("Home", "Ho\x07me", 1).encode(),
}
BAD_NAMES = ("draft{2}.txt", "Bad Name.txt", "-notes.txt")  # copies people leave in source/

# ------------------------------------------------------------------------------------ glossaries

# term -> required rendering. The translator (`render`) follows the first three; reviewed pages whose
# English holds one of the last three violate them, so adding such a term must withdraw the page.
TERMS = {"ketamine": "ketamina", "therapy": "terapia", "iron": "hierro",
         "depression": "depresión", "mood": "ánimo", "tablets": "comprimidos"}
FOLLOWED = ("ketamine", "therapy", "iron")
GLOSSARY_FORMS = {  # how spreadsheets save CSV: (separator, byte-order mark, line end)
    "comma": (",", "", "\n"), "Excel (BOM, CRLF)": (",", "\ufeff", "\r\n"), "BOM": (",", "\ufeff", "\n"),
    "CRLF": (",", "", "\r\n"), "semicolon": (";", "", "\n"),
}


def term_pattern(term: str) -> re.Pattern[str]:
    """A glossary term as README's glossary rule reads it: whole word, any case."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def render(text: str) -> str:
    """The English with the followed glossary terms rendered (keeping an initial capital)."""
    for term in FOLLOWED:
        text = term_pattern(term).sub(lambda m, t=term: _same_case(m[0], TERMS[t]), text)
    return text


def _same_case(found: str, rendering: str) -> str:
    return rendering[:1].upper() + rendering[1:] if found[:1].isupper() else rendering


def glossary_bytes(terms: list[str], form: str) -> bytes:
    sep, bom, end = GLOSSARY_FORMS[form]
    rows = [f"term{sep}translation{sep}note"] + [f"{t}{sep}{TERMS[t]}{sep}required" for t in terms]
    return (bom + end.join(rows) + end).encode("utf-8")


def config_bytes(locales: list[str]) -> bytes:
    return f"locales: [{', '.join(locales)}]\nmachine_translation: {{provider: none}}\n".encode()


# ------------------------------------------------------------------------------------ saving files


@dataclass(frozen=True)
class Save:
    """How a file is written: by `rename` (temporary file, then rename: most editors) or `in place`
    (truncate and write the same inode); its mtime then `now`, in the `past`, in the `future`, or
    `kept` from before the write."""

    how: str
    mtime: str

    def __call__(self, path: Path, data: bytes) -> None:
        before = path.stat().st_mtime if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.how == "rename" or before is None:
            temporary = path.with_name(f".{path.name}.saving")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        else:
            with open(path, "r+b") as handle:
                handle.truncate(0)
                handle.write(data)
        when = {"now": None, "past": PAST, "future": time.time() + 3600, "kept": before}[self.mtime]
        if when is not None:
            os.utime(path, (when, when))


T = TypeVar("T")


def pick(data: st.DataObject, items: list[T], label: str) -> T:
    """One of `items`, which come from the project's files: drawn as an index into them, not with
    sampled_from(items). What a killed run leaves (catalogs, entries, output/) depends on the machine's
    speed, and Hypothesis must replay a test case with the same draws: a list of another length there
    is an error ("inconsistent data generation"), an index is not."""
    chosen = items[data.draw(st.integers(0, 9_999), label=f"{label} index") % len(items)]
    note(f"{label}: {chosen}")
    return chosen


SAVES = st.builds(Save, st.sampled_from(("rename", "in place")), st.sampled_from(("now", "past", "future", "kept")))


# ------------------------------------------------------------------------------------ the translator


def token(serial: int) -> str:
    """Letters, not digits: a reviewed text must not add a number the numbers check would flag."""
    letters = ""
    while True:
        serial, digit = divmod(serial, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if not serial:
            return letters


ENTRY_STATES = {  # a state an entry is saved in -> (reviewed?, flags); "blank" is a whitespace-only msgstr
    "reviewed": (True, ()), "fuzzy": (False, ("fuzzy",)), "fuzzy, c-format": (False, ("fuzzy", "c-format")),
    "c-format, fuzzy": (False, ("c-format", "fuzzy")), "fuzzy c-format": (False, ("fuzzy c-format",)),
    "blank": (True, ()),
}


def translated(message: Message, state: str, locale: str, serial: int) -> Message:
    """`message` as a translator saves it in `state`, with a new marked text."""
    reviewed, flags = ENTRY_STATES[state]
    mark = token(serial)
    if state == "blank":
        text = " "
    elif message.msgctxt == "URL slug":
        text = f"{render(message.msgid)}-{locale}-{mark}" if reviewed else f"{message.msgid}-draft-{mark}"
    else:
        text = f"«R:{mark}» {render(message.msgid)}" if reviewed else f"«D:{mark}» {message.msgid}"
    kept = tuple(f for f in message.flags if "fuzzy" not in f)
    if reviewed:  # a reviewer clears the fuzzy flag and the old English (#| msgid) with it
        return replace(message, msgstr=text, flags=kept, previous_msgid=None, previous_msgctxt=None)
    return replace(message, msgstr=text, flags=flags)


def reviewed_catalog(catalog: Catalog, locale: str, serial: int) -> Catalog:
    """Every live entry translated and reviewed, each with its own marker (from `serial` on)."""
    return replace(catalog, messages=tuple(m if m.obsolete else translated(m, "reviewed", locale, serial + i)
                                           for i, m in enumerate(catalog.messages)))


def read_catalog(path: Path) -> Catalog:
    return read_po(path.read_bytes(), str(path))


def catalog_bytes(catalog: Catalog) -> bytes:
    return write_po(catalog).encode("utf-8")


# ------------------------------------------------------------------------------------ trees


def files_under(root: Path, folders: tuple[str, ...], skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under `folders` of `root` (relative path -> bytes), leaving out `skip`."""
    found = {}
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not any(name == s or name.startswith(s + "/") for s in skip):
                found[name] = path.read_bytes()
    return found


def differences(here: dict[str, bytes], there: dict[str, bytes], than: str = "a cold build") -> list[str]:
    """One line per file that differs from `there` (what `than` wrote), with the start of a diff."""
    lines = []
    for name in sorted(here.keys() | there.keys()):
        if name not in there:
            lines.append(f"{name}: only here, not in {than}")
        elif name not in here:
            lines.append(f"{name}: missing, {than} has it")
        elif here[name] != there[name]:
            diff = unified_diff(there[name].decode("utf-8", "replace").splitlines(),
                                here[name].decode("utf-8", "replace").splitlines(), than, "here", lineterm="", n=1)
            lines.append(f"{name}: differs from {than}\n    " + "\n    ".join(list(diff)[2:14]))
    return lines


@dataclass(frozen=True)
class Run:
    status: int
    output: str
    seconds: float

    @property
    def summary(self) -> str:
        said = [line.strip() for line in self.output.splitlines() if "error" in line or "Nothing to be done" in line]
        return f"exit {self.status} in {self.seconds:.1f} s" + "".join(f"\n    {line}" for line in dict.fromkeys(said))


def run_all(root: Path) -> Run:
    start = time.perf_counter()
    result = snakemake(root, "all", check=False)
    return Run(result.returncode, result.stdout + result.stderr, time.perf_counter() - start)


def start_all(root: Path) -> subprocess.Popen:
    """`snakemake all` in its own process group, so that a SIGKILL reaches its jobs too."""
    return subprocess.Popen([need("snakemake"), "all"], cwd=root, env=snakemake_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass
class World:
    """What the examples share: a built starting tree, and the cold builds already made."""

    template: Path
    scratch: Path
    cold: dict[str, tuple[int, dict[str, bytes]]] = field(default_factory=dict)

    def cold_build(self, root: Path) -> tuple[int, dict[str, bytes]]:
        """Exit status and `locales/` + `output/` (without run records) of a cold `snakemake all` of
        the inputs of `root`, in a fresh folder. Kept by the digest of the inputs."""
        inputs = files_under(root, INPUTS)
        key = hashlib.sha256(repr(sorted(inputs.items())).encode()).hexdigest()
        if key not in self.cold:
            fresh = Path(tempfile.mkdtemp(dir=self.scratch, prefix="cold-"))
            for name in SKELETON + INPUTS:
                copy(root / name if name in INPUTS else self.template / name, fresh / name)
            run = run_all(fresh)
            self.cold[key] = (run.status, files_under(fresh, ("locales", "output"), RUN_RECORDS))
            shutil.rmtree(fresh)
        return self.cold[key]


def copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    elif source.exists():
        shutil.copy2(source, target)


# ------------------------------------------------------------------------------------ the machine


class PublishGate(RuleBasedStateMachine):
    """The project folder, and a model of what its inputs should say."""

    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(dir=self.world.scratch, prefix="tree-"))
        self.pages: dict[str, tuple[int, int]] = {}  # present pages -> the version of their lines
        self.broken: dict[str, str] = {}  # present pages whose deck is broken -> how
        self.bad_names: set[str] = set()
        self.locales: list[str] = []
        self.glossaries: dict[str, list[str]] = {}
        self.changes = 0  # since the last run that completed with nothing changing during it
        self.changes_per_run = 1
        self.serial = 1000  # the template's markers use smaller numbers

    # -------------------------------------------------------------------------- set-up

    @initialize(changes_per_run=st.sampled_from((3, 2, 4, 5)))
    def start_from_the_built_template(self, changes_per_run: int) -> None:
        """A copy of the template: two pages built, some catalogs reviewed and published. A run
        follows at the latest after `changes_per_run` changes (see `changed`)."""
        shutil.rmtree(self.root)
        copy(self.world.template, self.root)
        self.pages = {page: (0, 0) for page in FIRST_PAGES}
        self.locales = list(FIRST_LOCALES)
        self.changes_per_run = changes_per_run
        note(REPLAY)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -------------------------------------------------------------------------- content ops

    @precondition(lambda self: len(self.pages) < len(DECKS))
    @rule(data=st.data(), save=SAVES)
    def add_page(self, data: st.DataObject, save: Save) -> None:
        """A new copy deck in source/."""
        page = data.draw(st.sampled_from(sorted(DECKS.keys() - self.pages.keys())), label="page")
        self._write_page(page, (0, 0), save)

    @precondition(lambda self: self.pages)
    @rule(data=st.data(), choice=CHOICES, save=SAVES)
    def edit_page(self, data: st.DataObject, choice: tuple[int, int], save: Save) -> None:
        """Rewrite a page with its variable lines in the versions `choice` (this also repairs a broken deck)."""
        self._write_page(self._draw_page(data), choice, save)

    @precondition(lambda self: self.pages)
    @rule(data=st.data(), how=st.sampled_from(sorted(BREAKAGES)), save=SAVES)
    def break_page(self, data: st.DataObject, how: str, save: Save) -> None:
        """Save a copy deck the parser must refuse."""
        page = self._draw_page(data)
        save(self.root / "source" / f"{page}.txt", BREAKAGES[how](DECKS[page].version(self.pages[page])))
        self.broken[page] = how
        self.changed()

    @precondition(lambda self: self.pages)
    @rule(data=st.data())
    def delete_page(self, data: st.DataObject) -> None:
        page = self._draw_page(data)
        (self.root / "source" / f"{page}.txt").unlink()
        del self.pages[page]
        self.broken.pop(page, None)
        self.changed()

    @rule(name=st.sampled_from(BAD_NAMES))
    def add_or_remove_badly_named_file(self, name: str) -> None:
        """Add (or remove again) a copy of a deck under a name that cannot be a page."""
        path = self.root / "source" / name
        if name in self.bad_names:
            path.unlink()
            self.bad_names.remove(name)
        else:
            path.write_text(CBT.replace("URL Slug: cbt-sessions", "URL Slug: cbt-sessions-copy") + "\n", "utf-8")
            self.bad_names.add(name)
        self.changed()

    def _draw_page(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.pages)), label="page")

    def _write_page(self, page: str, choice: tuple[int, int], save: Save) -> None:
        save(self.root / "source" / f"{page}.txt", DECKS[page].version(choice).encode("utf-8"))
        self.pages[page] = choice
        self.broken.pop(page, None)
        self.changed()

    # -------------------------------------------------------------------------- translators

    @precondition(lambda self: self._catalogs())
    @rule(data=st.data(), save=SAVES)
    def review_catalog(self, data: st.DataObject, save: Save) -> None:
        """Translate and review every entry of a catalog (its page can then be published)."""
        self._review(self._draw_catalog(data), save)

    @precondition(lambda self: self._catalogs())
    @rule(data=st.data(), state=st.sampled_from(list(ENTRY_STATES)), save=SAVES)
    def edit_entry(self, data: st.DataObject, state: str, save: Save) -> None:
        """Save one entry with a new text: reviewed, a draft under one of the flag spellings gettext
        reads as fuzzy, or a whitespace-only msgstr."""
        self._edit_entry(self._draw_catalog(data), data, state, save)

    def _catalogs(self) -> list[str]:
        return sorted(p.relative_to(self.root / "locales").as_posix()
                      for p in self.root.glob("locales/*/LC_MESSAGES/*.po"))

    def _draw_catalog(self, data: st.DataObject) -> Path:
        return self.root / "locales" / pick(data, self._catalogs(), "catalog")

    def _review(self, path: Path, save: Save) -> None:
        catalog = read_catalog(path)
        save(path, catalog_bytes(reviewed_catalog(catalog, path.parts[-3], self.serial)))
        self.serial += len(catalog.messages)
        self.changed()

    def _edit_entry(self, path: Path, data: st.DataObject, state: str, save: Save) -> None:
        catalog = read_catalog(path)
        keys = [m.key for m in catalog.live]
        if not keys:
            return note(f"{path.name}: no entries to edit")
        key = pick(data, keys, "entry")
        self.serial += 1
        messages = tuple(translated(m, state, path.parts[-3], self.serial) if m.key == key and not m.obsolete
                         else m for m in catalog.messages)
        save(path, catalog_bytes(replace(catalog, messages=messages)))
        self.changed()

    # -------------------------------------------------------------------------- configuration

    @rule(locale=st.sampled_from(LOCALES), terms=st.lists(st.sampled_from(sorted(TERMS)), unique=True, max_size=3),
          form=st.sampled_from(sorted(GLOSSARY_FORMS)), save=SAVES)
    def set_glossary(self, locale: str, terms: list[str], form: str, save: Save) -> None:
        """Save config/glossary/<locale>.csv with `terms` (none: delete it) as a spreadsheet would."""
        path = self.root / "config" / "glossary" / f"{locale}.csv"
        if terms:
            save(path, glossary_bytes(terms, form))
        else:
            path.unlink(missing_ok=True)
        self.glossaries[locale] = terms
        self.changed()

    @rule(locale=st.sampled_from(LOCALES), save=SAVES)
    def toggle_locale(self, locale: str, save: Save) -> None:
        """Add a locale to config/config.yaml, or remove it (one always stays)."""
        if locale not in self.locales:
            self.locales.append(locale)
        elif len(self.locales) > 1:
            self.locales.remove(locale)
        save(self.root / "config" / "config.yaml", config_bytes(self.locales))
        self.changed()

    # -------------------------------------------------------------------------- accidents

    @precondition(lambda self: (self.root / "output").is_dir())
    @rule(data=st.data())
    def delete_output(self, data: st.DataObject) -> None:
        """Delete a file or folder under output/ (the next run must write what is missing)."""
        output = self.root / "output"
        names = sorted(p.relative_to(self.root).as_posix() for p in output.rglob("*"))
        path = self.root / pick(data, names or ["output"], "path")
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        self.changed()

    @rule(delay=st.integers(1, 30).map(lambda tenths: tenths / 10))
    def kill_run(self, delay: float) -> None:
        """`kill -9` a run (and its jobs) `delay` seconds after it started."""
        process = start_all(self.root)
        time.sleep(delay)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        note(f"killed after {delay} s: exit {process.wait()}")
        self.changed()

    @precondition(lambda self: self._catalogs())
    @rule(data=st.data(), delay=st.integers(1, 30).map(lambda tenths: tenths / 10),
          state=st.sampled_from(["review the catalog", *ENTRY_STATES]), save=SAVES)
    def save_during_run(self, data: st.DataObject, delay: float, state: str, save: Save) -> None:
        """A translator saves a catalog `delay` seconds into a run; this run or the next must see it."""
        path = self._draw_catalog(data)
        process = start_all(self.root)
        time.sleep(delay)
        if state == "review the catalog":
            self._review(path, save)
        else:
            self._edit_entry(path, data, state, save)
        note(f"saved {delay} s into the run: exit {process.wait(timeout=300)}")
        self.changed()

    # -------------------------------------------------------------------------- runs and checks

    def changed(self) -> None:
        """Count a change; after `changes_per_run` of them, run and check. (Hypothesis's swarm testing
        leaves some rules out of each example: without this, an example could have no run at all.)"""
        self.changes += 1
        if self.changes >= self.changes_per_run:
            self._run_and_check()

    @precondition(lambda self: self.changes)
    @rule(again=st.booleans())
    def run(self, again: bool) -> None:
        """`snakemake all`, then every check against the model and a cold build; `again`: a second
        `snakemake all` changes nothing in locales/ or output/ and ends the same way."""
        first = self._run_and_check()
        if again:
            before = files_under(self.root, ("locales", "output"), RUN_RECORDS)
            second = run_all(self.root)
            note(f"snakemake all again: {second.summary}")
            problems = differences(files_under(self.root, ("locales", "output"), RUN_RECORDS), before, "the first run")
            assert not problems, listing("a second run with nothing changed changed files", problems)
            assert second.status == first.status, f"exit {first.status}, then {second.status}"

    def _run_and_check(self) -> Run:
        run = run_all(self.root)
        note(f"snakemake all after {self.changes} change(s): {run.summary}")
        self.changes = 0
        assert run.status in (0, 1) and "Traceback (most recent call last)" not in run.output, run.output[-4000:]
        self._check_published_pages()
        self._check_site_agrees_with_sources()
        self._check_equals_a_cold_build(run)
        return run

    def _check_published_pages(self) -> None:
        """Each translated page comes from a fully reviewed catalog, shows only reviewed texts and
        keeps its locale's glossary."""
        translations = [p for p in treatment_pages(self.root / "output" / "site") if p.parts[-3] != ENGLISH]
        problems = [line for path in translations for line in self._page_problems(path, *path.parts[-3:-1])]
        assert not problems, listing("published without review", problems)
        problems = [line for path in translations for line in self._glossary_problems(path)]
        assert not problems, listing("published against the glossary", problems)

    def _source_page(self, page_file: Path) -> str | None:
        """The page a published file belongs to: the slug of its x-default (English) link."""
        found = re.search(r'hreflang="x-default" href="[^"]*/en-gb/([^"/]+)/"', page_file.read_text("utf-8"))
        return found[1] if found else None

    def _page_problems(self, path: Path, lang: str, slug: str) -> list[str]:
        where = path.relative_to(self.root).as_posix()
        page = self._source_page(path)
        if page not in self.pages:
            return [f"{where}: its English page {page!r} is not in source/"]
        if lang not in self.locales:
            return [f"{where}: locale {lang} is not configured"]
        reviewed = gettext_reviewed(self.root / "locales" / lang / "LC_MESSAGES" / f"{page}.po")
        template = read_catalog(self.root / "locales" / "templates" / "LC_MESSAGES" / f"{page}.pot")
        missing = [m.msgid for m in template.live if m.msgid and m.key not in reviewed]
        shown = set(MARKER.findall(path.read_text("utf-8")))
        allowed = {found for text in reviewed.values() for found in MARKER.findall(text) if found[0] == "R"}
        slug_entry = next((m.key for m in template.live if m.msgctxt == "URL slug"), None)
        return ([f"{where}: entry not reviewed in the catalog: {msgid!r}" for msgid in missing[:5]]
                + [f"{where}: shows «{kind}:{mark}», not (or no longer) a reviewed text of its catalog"
                   for kind, mark in sorted(shown - allowed)]
                + ([f"{where}: slug is not the reviewed one {reviewed.get(slug_entry)!r}"]
                   if not missing and reviewed.get(slug_entry) != slug else []))

    def _glossary_problems(self, path: Path) -> list[str]:
        lang, page = path.parts[-3], self._source_page(path)
        reviewed = gettext_reviewed(self.root / "locales" / lang / "LC_MESSAGES" / f"{page}.po")
        return [f"{path.relative_to(self.root)}: {msgid!r} -> {text!r} lacks {TERMS[term]!r} ({term!r}, {lang}.csv)"
                for (_, msgid), text in reviewed.items() for term in self.glossaries.get(lang, [])
                if term_pattern(term).search(msgid) and TERMS[term].lower() not in text.lower()]

    def _check_site_agrees_with_sources(self) -> None:
        site = self.root / "output" / "site"
        pages = {f"{BASE_URL}/{p.parts[-3]}/{p.parts[-2]}/" for p in treatment_pages(site)}
        sitemap = site / "sitemap.xml"
        listed = sitemap_urls(site) if sitemap.exists() else set()
        problems = [f"{url}: published, not in sitemap.xml" for url in sorted(pages - listed)]
        problems += [f"{url}: in sitemap.xml, not published" for url in sorted(listed - pages)]
        problems += [f"{url}: its folder is not a safe slug" for url in sorted(pages)
                     if not re.fullmatch(rf"{BASE_URL}/[a-z-]+/[\w-]+/", url) or url != url.lower()]
        english = {p.parts[-2] for p in treatment_pages(site) if p.parts[-3] == ENGLISH}
        problems += [f"{ENGLISH}/{page}/: valid page not published in English"
                     for page in sorted(self.pages.keys() - self.broken.keys() - english)]
        problems += [f"{ENGLISH}/{slug}/: published, but source/{slug}.txt is gone"
                     for slug in sorted(english - self.pages.keys())]
        problems += [f"{ENGLISH}/{slug}/: published, but source/{slug}.txt is broken"
                     for slug in sorted(english & self.broken.keys())]
        assert not problems, listing("site, sitemap and source/ disagree", problems)

    def _check_equals_a_cold_build(self, run: Run) -> None:
        """A cold build of today's inputs: same exit status, same locales/ and output/ (a page whose deck
        is broken has no version in output/ until it is fixed, as in a cold build: README)."""
        status, cold = self.world.cold_build(self.root)
        here = files_under(self.root, ("locales", "output"), RUN_RECORDS)
        assert run.status == status, f"exit {run.status}, a cold build exits {status}:\n{run.summary}"
        problems = differences({k: v for k, v in here.items() if k.startswith("locales/")},
                               {k: v for k, v in cold.items() if k.startswith("locales/")})
        assert not problems, listing("locales/ differs from a cold build", problems)
        problems = differences({k: v for k, v in here.items() if k.startswith("output/")},
                               {k: v for k, v in cold.items() if k.startswith("output/")})
        assert not problems, listing("output/ differs from a cold build", problems)


def listing(title: str, problems: list[str], most: int = 12) -> str:
    more = f"\n  … and {len(problems) - most} more" if len(problems) > most else ""
    return f"{title}:\n  " + "\n  ".join(problems[:most]) + more


def gettext_reviewed(po: Path) -> dict[Key, str]:
    """The entries GNU gettext reads as translated and not fuzzy, whitespace-only ones left out
    (an oracle independent of the pipeline's own reading of flags)."""
    if not po.is_file():
        return {}
    result = subprocess.run([need("msgattrib"), "--translated", "--no-fuzzy", "--no-obsolete", str(po)],
                            capture_output=True)
    if result.returncode != 0 or not result.stdout.strip():
        return {}
    return {m.key: m.msgstr for m in read_po(result.stdout, str(po)).live if m.msgid and m.msgstr.strip()}


# ------------------------------------------------------------------------------------ the test


def build_template(root: Path) -> None:
    """The starting tree: two pages built; es of both pages and ar of cbt-sessions reviewed and published."""
    (root / "source").mkdir(parents=True)
    for name in SKELETON:
        copy(ROOT / name, root / name)
    for page in FIRST_PAGES:
        (root / "source" / f"{page}.txt").write_text(DECKS[page].version((0, 0)), "utf-8")
    (root / "config").mkdir()
    (root / "config" / "config.yaml").write_bytes(config_bytes(list(FIRST_LOCALES)))
    snakemake(root, "all")
    for serial, name in enumerate(("es/LC_MESSAGES/cbt-sessions.po", "ar/LC_MESSAGES/cbt-sessions.po",
                                   "es/LC_MESSAGES/iv-ketamine-infusion.po")):
        path = root / "locales" / name
        path.write_bytes(catalog_bytes(reviewed_catalog(read_catalog(path), path.parts[-3], serial * 100)))
    snakemake(root, "all")
    assert len(treatment_pages(root / "output" / "site")) == 5  # 2 English, 3 translated


SETTINGS = settings(
    max_examples=GATE_EXAMPLES, stateful_step_count=GATE_STEPS, deadline=None, database=None,
    phases=[Phase.generate, Phase.shrink] if GATE_SHRINK else [Phase.generate],
    suppress_health_check=list(HealthCheck),
)


for _name in GATE_SKIP:  # a rule whose precondition never holds is never chosen
    setattr(PublishGate, _name, precondition(lambda self: False)(getattr(PublishGate, _name)))


@pytest.mark.long
def test_published_site_equals_a_cold_build_after_any_steps(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("publish-gate")
    build_template(scratch / "template")
    PublishGate.world = World(scratch / "template", scratch)
    try:
        run_state_machine_as_test(seed(GATE_SEED)(PublishGate), settings=SETTINGS)
    except BaseException as err:
        err.add_note(REPLAY)
        raise
