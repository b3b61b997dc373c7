"""`clinic-l10n serve` latency: from a file saved to the reload event an open page receives.

usage: python benchmarks/serve.py [PAGES] [--jobs]   (default 100 pages × 8 locales, machine translation off;
       --jobs prints how long each job of each rebuild took)

  one msgstr saved in one `.po` -> that preview rewritten and the reload event sent (median of 20)
  one source sentence edited (one page, 8 locales)                                   (median of 10)

Each measurement starts just before the file is written and ends when the event stream, read by
this process over real HTTP on 127.0.0.1, delivers the event naming the page; the file is checked to
hold the new text by then. On Linux serve wakes on the save (inotify); elsewhere its polling interval
(0.1 s) adds to it.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_project  # noqa: E402
from scale import ENV, LOCALES8, save_draft, snakemake  # noqa: E402

SHOW_JOBS = "--jobs" in sys.argv  # print the server's lines that time each job


class Stream:
    def __init__(self, port: int) -> None:
        self.events: list[tuple[float, dict]] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("GET", "/_live/events")
        self.response = conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.response:
            line = raw.decode("utf-8")
            if line.startswith("data: "):
                self.events.append((time.perf_counter(), json.loads(line[6:])))

    def wait(self, url: str, after: int, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, event in self.events[after:]:
                if url in event["changed"]:
                    return at
            time.sleep(0.002)
        raise SystemExit(f"no event for {url}")


def main() -> int:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    pages = int(numbers[0]) if numbers else 100
    scratch = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    root = make_project(scratch / "p", pages, LOCALES8)
    snakemake(root)  # a reviewer starts serve on a project built before
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", "0"], cwd=root, env=ENV,
                            stderr=subprocess.PIPE, text=True)
    port = 0
    assert proc.stderr is not None
    while not port:
        line = proc.stderr.readline()
        if not line:
            raise SystemExit("serve ended early")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        port = int(found.group(1)) if found else 0
    threading.Thread(target=lambda: [sys.stderr.write(line) if "ms" in line and SHOW_JOBS else None
                                     for line in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
    try:
        rows = measure(root, Stream(port))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    print(f"{pages} pages × {len(LOCALES8)} locales, machine translation off")
    print("| scenario | median | runs (s) | target | met |")
    print("| --- | --- | --- | --- | --- |")
    ok = True
    for name, runs, target in rows:
        value = median(runs)
        ok = ok and value <= target
        print(f"| {name} | {value * 1000:.0f} ms | {', '.join(f'{t:.3f}' for t in runs)} |"
              f" ≤ {target * 1000:.0f} ms | {'yes' if value <= target else 'NO'} |")
    subprocess.run(["rm", "-rf", str(scratch)], check=False)
    return 0 if ok else 1


def measure(root: Path, stream: Stream) -> list[tuple[str, list[float], float]]:
    time.sleep(1.5)  # the start-up build's own writes are looked at once more
    rows = []

    po = root / "locales" / "fr" / "LC_MESSAGES" / "page-0007.po"
    preview = root / "output" / "preview" / "fr" / "iv-clonidine-infusion-7" / "index.html"
    times = []
    for i in range(20):
        seen = len(stream.events)
        text = f"Mal de tête ({i + 1})"
        start = time.perf_counter()
        save_draft(po, "Headache", text)
        times.append(stream.wait("/preview/fr/iv-clonidine-infusion-7/", seen) - start)
        assert text in preview.read_text("utf-8"), "event sent before the preview was rewritten"
        time.sleep(0.4)  # let the look at the build's own writes pass
    rows.append(("`serve`: one msgstr saved → preview rewritten and reload event sent", times, 0.250))

    source = root / "source" / "page-0042.txt"
    times = []
    for i in range(10):
        seen = len(stream.events)
        start = time.perf_counter()
        source.write_text(source.read_text("utf-8").replace("Headache", f"Headache or migraine ({i + 1})", 1))
        times.append(stream.wait("/preview/de/iv-magnesium-infusion-42/", seen) - start)
        time.sleep(0.6)
    rows.append((f"`serve`: one source sentence edited (one page, {len(LOCALES8)} locales)", times, 0.600))

    return rows


if __name__ == "__main__":
    sys.exit(main())
