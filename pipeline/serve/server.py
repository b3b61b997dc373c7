"""The HTTP side of `clinic-l10n serve`: output/preview/, output/site/ and output/reports/ on
127.0.0.1, a server-sent-event stream that tells open pages to reload, and the loop that watches,
rebuilds (build.py) and announces.

Served HTML gets two additions on the way out, never on disk (so `snakemake all` output holds neither):
a short inline script that reloads the page when a build rewrote it, and while an error stands, a
banner listing each error as `path:line: error: …`. Nothing outside output/ is served: a request is
mapped onto one of the three folders and refused unless the resolved file lies inside it."""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pipeline import fsio
from pipeline.paths import Project
from pipeline.serve.build import Builder, Outcome
from pipeline.serve.watch import Watcher

log = logging.getLogger("clinic_l10n")
EVENTS = "/_live/events"
# AFTER is the number of the last build event before the page was read: the stream sends what came
# since, so a rebuild that ends between serving the page and opening the stream still reloads it.
RELOAD_SCRIPT = (
    '<script data-clinic-l10n-serve>(function(){var s=new EventSource("' + EVENTS + '?after=AFTER");'
    's.addEventListener("reload",function(e){var d=JSON.parse(e.data),p=location.pathname;'
    'if(d.all||d.changed.indexOf(p)>=0)location.reload();});})();</script>'
)
BANNER_STYLE = ("position:sticky;top:0;z-index:9999;margin:0;padding:1em;background:#8b0000;color:#fff;"
                "font:14px/1.4 monospace;white-space:pre-wrap")


@dataclass
class Hub:
    """The build events, numbered; each open event stream waits for the next one."""
    events: list[tuple[int, str]] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False

    def publish(self, payload: dict[str, object]) -> None:
        with self.condition:
            number = self.events[-1][0] + 1 if self.events else 1
            self.events = [*self.events[-50:], (number, json.dumps(payload, ensure_ascii=False))]
            self.condition.notify_all()

    def latest(self) -> int:
        with self.condition:
            return self.events[-1][0] if self.events else 0

    def lost(self, after: int) -> bool:
        """Whether events after `after` are no longer kept (a page open since many builds ago)."""
        with self.condition:
            return bool(self.events) and self.events[0][0] > after + 1

    def wait(self, after: int, timeout: float) -> list[tuple[int, str]]:
        with self.condition:
            self.condition.wait_for(lambda: self.closed or (self.events and self.events[-1][0] > after), timeout)
            return [(n, data) for n, data in self.events if n > after]

    def close(self) -> None:
        with self.condition:
            self.closed = True
            self.condition.notify_all()


@dataclass
class Live:
    """What the handlers share with the build loop."""
    project: Project
    hub: Hub
    errors: tuple[str, ...] = ()

    def folders(self) -> dict[str, Path]:
        return {"preview": self.project.preview, "site": self.project.site, "reports": self.project.reports}


def handler_for(live: Live) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "clinic-l10n-serve"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            pass  # the terminal shows builds, not requests

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            path = urlsplit(self.path).path
            if path == EVENTS:
                return self._events()
            after = live.hub.latest()  # before the page is read (see RELOAD_SCRIPT)
            if path == "/":
                body = _decorate(_index(live), live, after, missing=True)
                return self._send(HTTPStatus.OK, "text/html; charset=utf-8", body)
            file = resolve(live, path)
            if file is not None and file.is_dir():
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", quote(path + "/"))
                self.end_headers()
                return None
            data = fsio.read_own(file) if file is not None else None  # never blocks; None too for a file a build
            if data is None or file is None:  # removed since it was resolved
                body = _decorate(_not_found(path), live, after, missing=True)
                return self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = _decorate(data.decode("utf-8", "replace"), live, after)
                kind += "; charset=utf-8"
            elif kind.startswith("text/") or kind in ("application/json", "application/xml"):
                kind += "; charset=utf-8"
            return self._send(HTTPStatus.OK, kind, data)

        def _send(self, status: HTTPStatus, kind: str, body: str | bytes) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            # Since the page's build (a reconnection says where it stopped); else from now on.
            since = self.headers.get("Last-Event-ID") or parse_qs(urlsplit(self.path).query).get("after", [""])[0]
            seen = int(since) if since.isdigit() else live.hub.latest()
            try:
                if live.hub.lost(seen):  # its events are gone: reload it to be sure
                    self.wfile.write(b'event: reload\ndata: {"changed": [], "all": true}\n\n')
                self.wfile.write(b"retry: 500\n: connected\n\n")
                self.wfile.flush()
                while not live.hub.closed:
                    events = live.hub.wait(seen, timeout=15)
                    for number, data in events:
                        self.wfile.write(f"id: {number}\nevent: reload\ndata: {data}\n\n".encode())
                        seen = number
                    if not events:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def resolve(live: Live, url_path: str) -> Path | None:
    """The file a URL names inside output/preview, output/site or output/reports; None for anything
    else (another folder, `..`, a link leading out of the folder, a missing file)."""
    try:
        parts = [p for p in unquote(url_path, errors="strict").split("/") if p]
    except UnicodeDecodeError:  # not UTF-8 once decoded: names no file of ours
        return None
    if not parts or parts[0] not in live.folders() or any(p in (".", "..") or "\0" in p or "\\" in p for p in parts):
        return None
    folder = live.folders()[parts[0]]
    target = folder.joinpath(*parts[1:])
    try:
        real, base = target.resolve(strict=True), folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if (real != base and base not in real.parents) or live.project.output.resolve() not in real.parents:
        return None
    if real.is_dir():
        index = real / "index.html"
        return (index if index.is_file() else None) if url_path.endswith("/") else real
    return real if real.is_file() else None


def _decorate(page: str, live: Live, after: int, missing: bool = False) -> bytes:
    """The page with the live-reload script (reloading on the events after build event `after`) and,
    while errors stand, their banner (served only)."""
    script = RELOAD_SCRIPT.replace("AFTER", str(after))
    extra = script.replace("d.all||", "true||") if missing else script
    if live.errors:
        lines = "\n".join(html.escape(e) for e in live.errors)
        extra = f'<pre role="alert" data-clinic-l10n-errors style="{BANNER_STYLE}">{lines}</pre>' + extra
    at = page.rfind("</body>")
    page = page[:at] + extra + page[at:] if at >= 0 else page + extra
    return page.encode("utf-8")


def _index(live: Live) -> str:
    links = []
    for name, folder in live.folders().items():
        pages = sorted(folder.rglob("index.html")) if folder.is_dir() else []
        pages += sorted(folder.glob("*.html")) if name == "reports" else []
        for page in pages:
            url = "/" + quote(f"{name}/{page.relative_to(folder).as_posix()}").removesuffix("index.html")
            links.append(f'<li><a href="{html.escape(url)}">{html.escape(url)}</a></li>')
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>clinic-l10n serve</title></head>"
            f"<body><h1>clinic-l10n serve</h1><ul>{''.join(links)}</ul></body></html>")


def _not_found(path: str) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not built</title></head><body>"
            f"<h1>Not built: {html.escape(path)}</h1><p>This page is not in output/ now. It comes back when the"
            " build can make it again; this page reloads then.</p></body></html>")


def url_paths(project: Project, files: set[Path]) -> list[str]:
    """How pages reached over HTTP name these files (location.pathname: percent-encoded)."""
    folders = {"preview": project.preview, "site": project.site, "reports": project.reports}
    out = []
    for file in files:
        for name, folder in folders.items():
            if folder in file.parents:
                url = "/" + quote(f"{name}/{file.relative_to(folder).as_posix()}")
                out.append(url)
                if url.endswith("/index.html"):
                    out.append(url.removesuffix("index.html"))
    return sorted(out)


def rebuild(builder: Builder, live: Live, config_changed: bool) -> Outcome:
    """One build, and the event that tells open pages what it changed."""
    start = time.perf_counter()
    # What changed: the files the build wrote or removed, as fsio saw them (every write and removal of
    # a generated file goes through it), rather than stamps of all output/ before and after (~50 ms
    # each at 100 pages x 8 locales: a page is a folder).
    with fsio.observe_changes() as written:
        try:
            outcome = builder.build(config_changed)
        except Exception as exc:  # a bug: say so with its traceback and keep serving the last good files
            log.exception("serve: the build failed")
            outcome = Outcome((), (f"error: the build failed: {exc!r} (traceback in the terminal)",), "")
    served = (builder.project.preview, builder.project.site, builder.project.reports)
    changed = {p for p in written if any(folder in p.parents for folder in served)}
    errors_changed = outcome.errors != live.errors
    live.errors = outcome.errors
    if changed or errors_changed:
        live.hub.publish({"changed": url_paths(builder.project, changed), "all": errors_changed})
    if outcome.ran or errors_changed:
        took = (time.perf_counter() - start) * 1000
        sys.stderr.write(f"serve: rebuilt in {took:.0f} ms ({', '.join(outcome.ran) or 'no job'});"
                         f" {len(changed)} files changed\n{outcome.summary}")
        if not outcome.summary:
            sys.stderr.write("".join(e + "\n" for e in outcome.errors))
        sys.stderr.flush()
    return outcome


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, interval: float = 0.1) -> int:
    """Serve until interrupted (Ctrl-C, SIGTERM): build, then rebuild on every change."""
    import signal

    builder = Builder(project)
    builder.start()
    live = Live(project, Hub())
    watcher = Watcher(project)
    httpd = ThreadingHTTPServer((host, port), handler_for(live))
    httpd.daemon_threads = True
    signal.signal(signal.SIGTERM, _interrupt)
    seen = watcher.snapshot()
    rebuild(builder, live, config_changed=True)
    threading.Thread(target=httpd.serve_forever, name="serve-http", daemon=True).start()
    sys.stderr.write(f"serve: http://{host}:{httpd.server_address[1]}/ (previews /preview/, site /site/, report"
                     f" /reports/status.html); watching source/, locales/, config/; Ctrl-C stops\n")
    sys.stderr.flush()
    try:
        while True:
            watcher.wait(interval)
            now = watcher.snapshot()
            if now == seen:
                continue
            # The snapshot is taken before the build: the build's own writes show at the next poll and
            # cost one more look at the ledgers; a save during the build is found by content then too.
            config_changed, seen = watcher.config_changed(seen, now), now
            rebuild(builder, live, config_changed)
    except KeyboardInterrupt:
        sys.stderr.write("serve: stopped\n")
        return 0
    finally:
        watcher.close()
        live.hub.close()
        httpd.shutdown()
        httpd.server_close()
