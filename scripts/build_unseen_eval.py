"""Build the unseen-layout extraction set (git-ignored) from a fetched public extractor test repository.

    python scripts/build_unseen_eval.py GIT_DIR [--out data/eval/unseen]

GIT_DIR is the git directory of a repository brought here with the ``fetch`` tool
(``/work/.mirror/<owner>+<name>/repo``; it has no work tree: files are read with ``git show``).
Recognised layouts:

* scrapinghub/article-extraction-benchmark (MIT): ``html/<id>.html.gz`` + ``ground-truth.json``
  (``articleBody``, ``url``), 181 news pages hand-annotated in 2019–2020;
* mozilla/readability (Apache-2.0): ``test/test-pages/<name>/source.html`` + ``expected.html``
  (Readability's own expected output, as text); pages whose expected text has < 50 words or is
  placeholder text (lorem ipsum) are unit cases (tag cleaning, SVG parsing, base URLs), not article
  layouts, and are left out.

Each page becomes ``<out>/<set>/<id>.html`` and ``<id>.txt`` (the expected body); ``<out>/index.jsonl``
gets one line per page: set, id, url, split, origin (repository, commit, path), licence. ``split`` is
``tune`` or ``held`` by a hash of the page id (half each): rules are tuned on ``tune`` only, ``held``
is reported apart. Page texts are the outlets'; they never go into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout


def split_of(set_name: str, page_id: str) -> str:
    return "tune" if hashlib.sha1(f"{set_name}/{page_id}".encode()).digest()[0] % 2 == 0 else "held"


def html_text(markup: str) -> str:
    """Text of an expected-output HTML fragment, one line per block."""
    tree = lxml_html.fromstring(markup)
    for el in tree.iter("script", "style"):
        el.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr"}:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def aeb(git_dir: Path, commit: str):
    truth = json.loads(git(git_dir, "show", f"{commit}:ground-truth.json"))
    for page_id, item in sorted(truth.items()):
        raw = gzip.decompress(git(git_dir, "show", f"{commit}:html/{page_id}.html.gz"))
        yield page_id, raw, item.get("articleBody") or "", item.get("url") or "", f"html/{page_id}.html.gz"


def readability(git_dir: Path, commit: str):
    names = git(git_dir, "ls-tree", "--name-only", f"{commit}:test/test-pages").decode().split()
    for name in sorted(names):
        base = f"test/test-pages/{name}"
        try:
            raw = git(git_dir, "show", f"{commit}:{base}/source.html")
            expected = html_text(git(git_dir, "show", f"{commit}:{base}/expected.html").decode("utf-8"))
        except subprocess.CalledProcessError:
            continue
        if len(expected.split()) >= 50 and "lorem ipsum" not in expected.lower():
            yield name, raw, expected, "http://fakehost/test/page.html", f"{base}/source.html"


LAYOUTS = {
    # set name: (file that identifies the layout, reader, repository, licence)
    "aeb": ("ground-truth.json", aeb, "scrapinghub/article-extraction-benchmark", "MIT"),
    "readability": ("test/test-pages", readability, "mozilla/readability", "Apache-2.0"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("git_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "eval" / "unseen")
    a = ap.parse_args()
    try:
        commit = git(a.git_dir, "rev-parse", "HEAD").decode().strip()
        top = set(git(a.git_dir, "ls-tree", "--name-only", "HEAD").decode().split())
        top |= {"test/test-pages"} if "test" in top and git(a.git_dir, "ls-tree", "HEAD", "test/test-pages") else set()
    except (subprocess.CalledProcessError, FileNotFoundError):
        sys.exit(f"{a.git_dir}: not a git directory (bring one with the fetch tool: /work/.mirror/<owner>+<name>/repo)")
    found = [(name, spec) for name, spec in LAYOUTS.items() if spec[0] in top]
    if not found:
        sys.exit(f"{a.git_dir}: no known test-set layout ({', '.join(s[2] for s in LAYOUTS.values())})")
    set_name, (_, reader, repo, licence) = found[0]
    out = a.out / set_name
    out.mkdir(parents=True, exist_ok=True)
    index_path = a.out / "index.jsonl"
    keep = [
        line
        for line in (index_path.read_text(encoding="utf-8").splitlines() if index_path.exists() else [])
        if line.strip() and json.loads(line)["set"] != set_name
    ]
    n = 0
    for page_id, raw, expected, url, path in reader(a.git_dir, commit):
        (out / f"{page_id}.html").write_bytes(raw)
        (out / f"{page_id}.txt").write_text(expected, encoding="utf-8")
        entry = {"set": set_name, "id": page_id, "url": url, "split": split_of(set_name, page_id)}
        entry |= {"origin": f"github.com/{repo}@{commit[:12]}:{path}", "licence": licence}
        keep.append(json.dumps(entry, ensure_ascii=False))
        n += 1
    index_path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    print(f"{n} pages of {repo} ({licence}) in {out}; index {index_path}")


if __name__ == "__main__":
    main()
