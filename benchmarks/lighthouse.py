"""Lighthouse scores of the built site: an English, a translated (es) and a right-to-left (ar) page.

usage: python benchmarks/lighthouse.py
Builds a project like the tests' (the seed and TMS pages; es and ar reviewed, their interface
catalogs too; machine translation off) with base_url set to where it is served — http://127.0.0.1:PORT,
by Python's http.server: no compression, no caching headers — and runs npm `lighthouse` (pinned in
package.json, `make setup` installs it) with the system Chromium. Prints the four scores per page and
every audit below 1 with its category.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"English": "en-gb/tms-therapy/", "translated (es)": "es/terapia-emt/",
         "right-to-left (ar)": "ar/العلاج-بالتحفيز-المغناطيسي/"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def build(folder: Path, base_url: str) -> Path:
    from helpers import review_all

    project = folder / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "project", project)
    for name in ("Snakefile", "profiles", "envs"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    shutil.copy2(ROOT / "tests" / "fixtures" / "pages" / "tms-therapy.txt", project / "source")
    config = project / "config" / "config.yaml"
    text = config.read_text().replace("locales: [es, fr, de, it, pt_BR, pl, ar]", "locales: [es, ar]")
    config.write_text(text + f"\nbase_url: {base_url}\nmachine_translation: {{provider: none}}\n")
    snakemake = [str(Path(sys.executable).parent / "snakemake"), "all", "-q"]
    subprocess.run(snakemake, cwd=project, check=True, capture_output=True)
    locales = project / "locales"
    review_all(locales / "es/LC_MESSAGES/tms-therapy.po", "terapia-emt")
    review_all(locales / "es/LC_MESSAGES/site.po", "")
    review_all(locales / "ar/LC_MESSAGES/tms-therapy.po", "العلاج-بالتحفيز-المغناطيسي", prefix="AR")
    review_all(locales / "ar/LC_MESSAGES/site.po", "", prefix="AR")
    subprocess.run(snakemake, cwd=project, check=True, capture_output=True)
    return project / "output" / "site"


def lighthouse(url: str, folder: Path) -> dict:
    report = folder / "report.json"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (make setup installs it)")
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run make setup (npm ci)")
    subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                   check=True, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True)
    return json.loads(report.read_text("utf-8"))


def main() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    site = build(folder, base)
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows, failing = [], {}
    try:
        for label, path in PAGES.items():
            result = lighthouse(f"{base}/{quote(path)}", folder)
            categories = result["categories"]
            rows.append((label, path, [round(100 * (categories[c]["score"] or 0)) for c in CATEGORIES]))
            for category in CATEGORIES:
                for ref in categories[category]["auditRefs"]:
                    audit = result["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        failing.setdefault((category, ref["id"], audit["title"]), []).append(label)
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    version = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    print(f"lighthouse {version}, mobile, served by http.server on 127.0.0.1 (no compression, no cache headers)")
    print("| page | path | " + " | ".join(CATEGORIES) + " |")
    print("| --- | --- |" + " --- |" * len(CATEGORIES))
    for label, path, scores in rows:
        print(f"| {label} | `/{path}` | " + " | ".join(str(s) for s in scores) + " |")
    for (category, audit, title), pages in sorted(failing.items()):
        print(f"below 1: [{category}] {audit}: {title} ({', '.join(pages)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
