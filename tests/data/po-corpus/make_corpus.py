"""Build po-corpus.tar.xz from local bare clones of public repositories (their PO/POT files only).

    python tests/data/po-corpus/make_corpus.py MIRROR_DIR OUT.tar.xz

MIRROR_DIR holds one bare git directory per repository, named owner+name/repo. The archive holds
files/<owner+name>/<path> (every PO/POT file of the newest commit) and merges/<n>/{old.po,new.pot}
(a released .po with a later release's .pot of the same project), plus MANIFEST.tsv (repo, commit,
path, licence, member). Only data files are taken: no code of the fetched repositories.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

LICENCES = {
    "sphinx-doc/sphinx": "BSD-2-Clause", "readthedocs/sphinx_rtd_theme": "MIT", "searxng/searxng": "AGPL-3.0",
    "flatpak/flatpak": "LGPL-2.1", "git/git": "GPL-2.0", "pennersr/django-allauth": "MIT",
    "python-babel/babel": "BSD-3-Clause", "translate/translate": "GPL-2.0",
}
# (repo, commit-ish of the old .po files, commit-ish of the new .pot, folder of the .po files, the .pot, how many)
MERGES = [
    ("sphinx-doc/sphinx", "v7.0.0", "v7.3.0", "sphinx/locale", "sphinx/locale/sphinx.pot", 30),
    ("sphinx-doc/sphinx", "v5.0.0", "v6.0.0", "sphinx/locale", "sphinx/locale/sphinx.pot", 20),
    ("readthedocs/sphinx_rtd_theme", "1.0.0", "2.0.0", "sphinx_rtd_theme/locale",
     "sphinx_rtd_theme/locale/sphinx.pot", 10),
    ("searxng/searxng", "7fa717775", "48f8ac48d", "searx/translations", "searx/translations/messages.pot", 20),
]
MAX_FILE = 900_000  # bytes: the largest catalogs (git's) would make the archive too big


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def po_files(repo: Path, commit: str, under: str = "") -> list[tuple[str, int]]:
    rows = git(repo, "ls-tree", "-r", "-l", commit, *([under] if under else [])).decode().splitlines()
    found = []
    for row in rows:
        meta, path = row.split("\t", 1)
        size = meta.split()[3]
        if path.endswith((".po", ".pot")) and size != "-" and int(size) <= MAX_FILE:
            found.append((path, int(size)))
    return found


def add(tar: tarfile.TarFile, member: str, data: bytes) -> None:
    info = tarfile.TarInfo(member)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def main(mirror: Path, out: Path) -> None:
    manifest = ["repo\tcommit\tpath\tlicence\tmember"]
    with tarfile.open(out, "w:xz", preset=9) as tar:
        for name, licence in LICENCES.items():
            repo = mirror / name.replace("/", "+") / "repo"
            commit = git(repo, "rev-parse", "HEAD").decode().strip()
            for path, _ in po_files(repo, commit):
                member = f"files/{name.replace('/', '+')}/{path}"
                add(tar, member, git(repo, "show", f"{commit}:{path}"))
                manifest.append(f"{name}\t{commit}\t{path}\t{licence}\t{member}")
        n = 0
        for name, old, new, folder, pot, count in MERGES:
            repo = mirror / name.replace("/", "+") / "repo"
            old_commit = git(repo, "rev-parse", f"{old}^{{commit}}").decode().strip()
            new_commit = git(repo, "rev-parse", f"{new}^{{commit}}").decode().strip()
            template = git(repo, "show", f"{new_commit}:{pot}")
            olds = [p for p, _ in po_files(repo, old_commit, folder) if p.endswith(".po")][:count]
            for path in olds:
                n += 1
                add(tar, f"merges/{n:03d}/old.po", git(repo, "show", f"{old_commit}:{path}"))
                add(tar, f"merges/{n:03d}/new.pot", template)
                manifest.append(f"{name}\t{old_commit}\t{path}\t{LICENCES[name]}\tmerges/{n:03d}/old.po")
                manifest.append(f"{name}\t{new_commit}\t{pot}\t{LICENCES[name]}\tmerges/{n:03d}/new.pot")
        add(tar, "MANIFEST.tsv", ("\n".join(manifest) + "\n").encode())
    (out.parent / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
