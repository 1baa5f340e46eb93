"""The script a user would write instead of pantau: read each feed, fetch each page, extract it —
one page after another, with one keep-alive HTTP client.

    python -m bench.plain FEED_URL ... [--json]

prints one JSON object (feeds, pages, extracted, chars, errors). The bench runs it as a subprocess, so
its wall time, like pantau's, includes starting Python and importing the libraries.
"""

from __future__ import annotations

import json
import sys

# The one extraction call of the bench: raw and plain use the same (title, date and author wanted too).
EXTRACT_KW = {"with_metadata": True, "include_comments": False}


def run(feed_urls: list[str], keep_texts: bool = False) -> dict:
    """Read every feed and every page it lists; ``keep_texts`` adds ``texts`` (page URL → text)."""
    import feedparser
    import httpx
    import trafilatura

    out = {"feeds": 0, "pages": 0, "extracted": 0, "chars": 0, "errors": []}
    texts: dict[str, str] = {}
    with httpx.Client(timeout=20, follow_redirects=True, headers={"User-Agent": "plain-script/1.0"}) as client:
        for feed in feed_urls:
            try:
                r = client.get(feed)
                r.raise_for_status()
            except httpx.HTTPError as e:
                out["errors"].append(f"{feed}: {e}")
                continue
            out["feeds"] += 1
            for entry in feedparser.parse(r.content).entries:
                try:
                    page = client.get(entry.link)
                    page.raise_for_status()
                except httpx.HTTPError as e:
                    out["errors"].append(f"{entry.link}: {e}")
                    continue
                out["pages"] += 1
                text = trafilatura.extract(page.text, url=str(page.url), **EXTRACT_KW)
                if text:
                    out["extracted"] += 1
                    out["chars"] += len(text)
                    if keep_texts:
                        texts[str(page.url)] = text
    if keep_texts:
        out["texts"] = texts
    return out


def main(argv: list[str]) -> int:
    feeds = [a for a in argv if not a.startswith("--")]
    if not feeds:
        print("usage: python -m bench.plain FEED_URL ...", file=sys.stderr)
        return 2
    print(json.dumps(run(feeds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
