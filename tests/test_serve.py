"""`clinic-l10n serve`: real HTTP on 127.0.0.1, real file saves, real snakemake afterwards, headless Chromium."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CHROMIUM_FLAGS, snakemake, snakemake_env

from pipeline.po.pofile import read_po, write_po

PAGE = "iv-ketamine-infusion"


class Served:
    """A running `clinic-l10n serve` on a free port, with its event stream read in a thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), "serve", "--port", "0"],
                                     cwd=root, env=snakemake_env(), stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.port = 0
        deadline = time.monotonic() + 120
        while not self.port and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError(f"serve ended early:\n{''.join(self.lines)}")
            self.lines.append(line)
            found = re.search(r"serve: http://127\.0\.0\.1:(\d+)/", line)
            self.port = int(found.group(1)) if found else 0
        threading.Thread(target=lambda: self.lines.extend(self.proc.stderr), daemon=True).start()
        self.events: list[dict] = []
        self.stream = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.stream.request("GET", "/_live/events")
        response = self.stream.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        self.connected = threading.Event()
        threading.Thread(target=self._read, args=(response,), daemon=True).start()
        assert self.connected.wait(10)

    def _read(self, response: http.client.HTTPResponse) -> None:
        data = ""
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            self.connected.set()
            if line.startswith("data: "):
                data = line[6:]
            elif not line and data:
                self.events.append(json.loads(data))
                data = ""

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    def wait_event(self, count: int, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.events) >= count, f"no reload event:\n{''.join(self.lines)}"
        return self.events[count - 1]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        self.stream.close()


@pytest.fixture
def served(project):
    server = Served(project)
    yield server
    if server.proc.poll() is None:
        server.stop()


def save_msgstr(po: Path, msgid: str, msgstr: str) -> None:
    """What an editor does: one entry's msgstr set (a fuzzy draft), the file saved."""
    catalog = read_po(po.read_bytes(), str(po))
    messages = tuple(replace(m.with_fuzzy(True), msgstr=msgstr) if m.msgid == msgid else m for m in catalog.messages)
    po.write_text(write_po(replace(catalog, messages=messages)), "utf-8")


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the project but Snakemake's own records: bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and ".snakemake" not in p.relative_to(root).parts}


def test_serve_rebuilds_a_saved_catalog_then_snakemake_all_changes_no_file(served):
    root = served.root
    preview = root / "output" / "preview" / "fr" / PAGE / "index.html"
    assert "Mal de tête (serve)" not in preview.read_text("utf-8")
    save_msgstr(root / "locales" / "fr" / "LC_MESSAGES" / f"{PAGE}.po", "Headache", "Mal de tête (serve)")
    event = served.wait_event(1)
    assert f"/preview/fr/{PAGE}/" in event["changed"]
    assert "Mal de tête (serve)" in preview.read_text("utf-8")
    status, body = served.get(f"/preview/fr/{PAGE}/")
    assert status == 200 and "Mal de tête (serve)" in body and "data-clinic-l10n-serve" in body
    # the live-reload script is added on the way out, never written
    assert not any(b"data-clinic-l10n-serve" in p.read_bytes() for p in (root / "output").rglob("*.html"))

    source = root / "source" / f"{PAGE}.txt"
    source.write_text(source.read_text("utf-8").replace("Headache", "Headache or migraine", 1), "utf-8")
    event = served.wait_event(2)
    assert f"/preview/de/{PAGE}/" in event["changed"]
    template = root / "locales" / "templates" / "LC_MESSAGES" / f"{PAGE}.pot"
    assert "Headache or migraine" in template.read_text("utf-8")
    served.stop()

    before = tree(root)
    result = snakemake(root, "all")
    assert "Nothing to be done" in result.stdout + result.stderr
    after = tree(root)
    assert sorted(after) == sorted(before)
    assert [p for p in after if after[p] != before[p]] == []


def test_a_page_whose_event_stream_opens_after_a_rebuild_still_hears_of_it(served):
    """The page names the last build event before it was read; its stream, opened only after the next
    rebuild ended (a slow browser, a fast build), is sent that rebuild at once."""
    status, body = served.get(f"/preview/fr/{PAGE}/")
    after = re.search(r'EventSource\("/_live/events\?after=(\d+)"\)', body)
    assert status == 200 and after, body[-600:]
    save_msgstr(served.root / "locales" / "fr" / "LC_MESSAGES" / f"{PAGE}.po", "Headache", "Mal de tête (tard)")
    served.wait_event(1)  # the rebuild is over, and the page's stream is not open yet
    late = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    late.request("GET", f"/_live/events?after={after.group(1)}")
    data = ""
    for raw in late.getresponse():  # a timeout here means the rebuild was not sent
        line = raw.decode("utf-8").rstrip("\n")
        if line.startswith("data: "):
            data = line[6:]
            break
    late.close()
    assert f"/preview/fr/{PAGE}/" in json.loads(data)["changed"]


def test_serve_builds_the_bytes_snakemake_builds(served, tmp_path):
    """A cold build by serve and a cold build by snakemake of the same inputs: the same files."""
    served.stop()
    other = tmp_path / "other"
    other.mkdir()
    for name in ("Snakefile", "profiles", "envs", "config", "source"):
        src = served.root / name
        subprocess.run(["cp", "-r", str(src), str(other / name)], check=True)
    snakemake(other, "all")
    for folder in ("output/site", "output/preview", "output/reports", "locales"):
        mine = {p.relative_to(served.root): p.read_bytes() for p in (served.root / folder).rglob("*") if p.is_file()}
        theirs = {p.relative_to(other): p.read_bytes() for p in (other / folder).rglob("*") if p.is_file()}
        assert mine == theirs, folder


def test_serve_answers_on_loopback_only_and_serves_nothing_outside_output(served):
    root = served.root
    (root / "output" / "preview" / "leak").symlink_to(root / "config")
    for path in ("/preview/../../config/config.yaml", "/preview/%2e%2e/%2e%2e/config/config.yaml",
                 "/source/iv-ketamine-infusion.txt", "/preview/leak/config.yaml", "/.state/site.json",
                 "/preview/..%2f..%2fconfig/config.yaml", "/site/%00", "/preview/%ff"):
        status, body = served.get(path)
        assert status == 404, path
        assert "base_url" not in body
    assert served.get("/site/sitemap.xml")[0] == 200
    assert served.get("/reports/status.html")[0] == 200
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    others -= {a for a in others if a.startswith("127.")}
    for address in others:  # the machine's other addresses: nothing listens there
        with pytest.raises(OSError):
            socket.create_connection((address, served.port), timeout=2).close()


def test_serve_survives_a_broken_catalog_and_shows_its_error_until_it_is_fixed(served):
    root = served.root
    po = root / "locales" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
    good = po.read_bytes()
    po.write_bytes(good + b'\nmsgid "broken\n')
    served.wait_event(1)
    status, body = served.get(f"/preview/es/{PAGE}/")
    assert status == 404
    lines = good.count(b"\n") + 2
    assert f"locales/es/LC_MESSAGES/{PAGE}.po:{lines}: error:" in body
    status, body = served.get(f"/preview/fr/{PAGE}/")  # every page says so while it stands
    assert status == 200 and "data-clinic-l10n-errors" in body and f"{PAGE}.po:{lines}: error:" in body
    assert "Traceback" not in "".join(served.lines)
    po.write_bytes(good)
    served.wait_event(2)
    status, body = served.get(f"/preview/es/{PAGE}/")
    assert status == 200 and "data-clinic-l10n-errors" not in body


def test_serve_refuses_to_start_while_a_run_holds_the_project(project):
    from pipeline.runtime import claim

    first = Served(project)
    try:
        result = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--port", "0"], cwd=project,
                                env=snakemake_env(), capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "another pipeline run is in progress" in result.stderr and "Traceback" not in result.stderr
    finally:
        first.stop()
    assert claim  # the lock both use


class Chromium:
    """Headless Debian Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe):
    no WebSocket client needed, nothing listens on a port."""

    def __init__(self, profile: Path) -> None:
        binary = subprocess.run(["sh", "-c", "command -v chromium || command -v chromium-browser"],
                                capture_output=True, text=True).stdout.strip()
        if not binary:
            pytest.skip("chromium is not installed (make test installs it where apt-get can run)")
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def fds() -> None:  # in the child: the protocol's descriptors are 3 (commands) and 4 (answers)
            commands, answers = os.dup(to_browser), os.dup(from_browser)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.proc = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
                                      "about:blank"], preexec_fn=fds, pass_fds=(to_browser, from_browser, 3, 4),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self.buffer = b""
        self.next_id = 0

    def send(self, method: str, session: str | None = None, **params: object) -> dict:
        self.next_id += 1
        message: dict = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self._read, 1 << 16)
                if not chunk:
                    raise AssertionError("chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self.next_id:
                assert "error" not in answer, answer
                return answer["result"]

    def open(self, url: str) -> str:
        target = self.send("Target.createTarget", url=url)["targetId"]
        return self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def evaluate(self, session: str, expression: str) -> object:
        return self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        os.close(self._write)
        os.close(self._read)


def wait_for(check, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_serve_reloads_an_open_preview_in_chromium_when_its_catalog_is_saved(served, tmp_path):
    browser = Chromium(tmp_path / "profile")
    try:
        page = browser.open(f"http://127.0.0.1:{served.port}/preview/fr/{quote(PAGE)}/")
        assert wait_for(lambda: browser.evaluate(page, "document.readyState") == "complete"
                        and "Headache" in str(browser.evaluate(page, "document.body.innerText")))
        browser.evaluate(page, "window.notReloaded = true")  # gone once the page is loaded again
        assert wait_for(lambda: len([1 for line in served.lines if "rebuilt" in line]) >= 1)
        save_msgstr(served.root / "locales" / "fr" / "LC_MESSAGES" / f"{PAGE}.po", "Headache", "Céphalée (en direct)")
        assert wait_for(lambda: "Céphalée (en direct)" in str(browser.evaluate(page, "document.body.innerText")))
        assert browser.evaluate(page, "window.notReloaded === undefined") is True
    finally:
        browser.close()


def test_a_save_wakes_the_watcher_without_waiting_for_a_scan(tmp_path, monkeypatch):
    """On Linux a save is seen when it happens (inotify), not at the next scan; a folder made after
    the watcher started (a new locale) is watched too."""
    from pipeline.paths import Project
    from pipeline.serve import watch

    for folder in ("source", "locales/es/LC_MESSAGES", "config"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setattr(watch, "SAFETY_SCAN", 60.0)  # no scan would come in time: only an event wakes it
    watcher = watch.Watcher(Project(tmp_path))
    if not watcher.notified:
        pytest.skip("no inotify on this system: serve polls")
    fr = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    steps = [("a save in locales/es", lambda: (tmp_path / "locales/es/LC_MESSAGES/page.po").write_text("x")),
             ("a new locale folder", lambda: fr.mkdir(parents=True)),
             ("a save in the new folder", lambda: (fr / "page.po").write_text("x"))]
    try:
        for what, act in steps:
            woke = threading.Event()
            waiting = threading.Thread(target=lambda woke=woke: (watcher.wait(60.0), woke.set()), daemon=True)
            waiting.start()
            time.sleep(0.3)  # the watcher is waiting
            act()
            assert woke.wait(10), f"{what} did not wake the watcher"
    finally:
        watcher.close()


def test_a_save_in_place_wakes_the_watcher_when_it_is_written_not_when_it_is_truncated(tmp_path, monkeypatch):
    """An editor saving in place truncates the file, writes, closes: a build woken at the truncation
    would read it half written, so only the close wakes the watcher."""
    from pipeline.paths import Project
    from pipeline.serve import watch

    for folder in ("source", "locales", "config"):
        (tmp_path / folder).mkdir()
    page = tmp_path / "source" / "page.txt"
    page.write_text("Page Title: Before\n", "utf-8")
    monkeypatch.setattr(watch, "SAFETY_SCAN", 60.0)  # no scan would come in time: only an event wakes it
    watcher = watch.Watcher(Project(tmp_path))
    if not watcher.notified:
        pytest.skip("no inotify on this system: serve polls")
    woke = threading.Event()
    waiting = threading.Thread(target=lambda: (watcher.wait(60.0), woke.set()), daemon=True)
    try:
        waiting.start()
        time.sleep(0.3)  # the watcher is waiting
        with page.open("w", encoding="utf-8") as handle:  # truncated now
            handle.write("Page Title: ")
            handle.flush()
            assert not woke.wait(1.0), "a half-written save woke the watcher"
            handle.write("After\n")
        assert woke.wait(10), "the closed save did not wake the watcher"
    finally:
        watcher.close()


def test_without_inotify_the_watcher_polls(tmp_path):
    """Where there is no inotify (another system, no libc), a save is found by the next look."""
    from pipeline.paths import Project
    from pipeline.serve import watch

    (tmp_path / "source").mkdir()
    watcher = watch.Watcher(Project(tmp_path), notify=False)
    assert not watcher.notified
    before = watcher.snapshot()
    (tmp_path / "source" / "page.txt").write_text("Page Title: X\n")
    watcher.wait(0.01)
    assert watcher.snapshot() != before
    watcher.close()
