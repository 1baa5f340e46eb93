"""Build src/pantau/demo/replay/: the replay site `pantau demo` and the integration tests serve on 127.0.0.1.

Run from the project root with ../shared beside it:  python scripts/build_demo_site.py ../shared
What goes in (see src/pantau/demo/replay/README.md for origins and licences):
  * recorded/  the 26 real recorded article pages of shared/corpus/html (byte for byte);
  * rendered/  real article texts (title + body) from shared/corpus/articles/topic-dev.jsonl, 2015 and
               2019 items only (the CC BY 4.0 sources), wrapped in a plain news-page HTML shell;
  * seeds/     the two seed articles (Liputan6, Kompas; 3 March 2023) in the same shell.
Feeds are not stored: the replay server builds one RSS 2.0 feed per outlet from manifest.json.
"""

import html
import json
import random
import shutil
import sys
from pathlib import Path

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
OUT = Path(__file__).resolve().parent.parent / "src" / "pantau" / "demo" / "replay"

SHELL = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{title_e} - {outlet_e}</title>
<meta property="og:title" content="{title_e}">
<meta property="og:site_name" content="{outlet_e}">
<meta property="article:published_time" content="{date}">
<meta name="author" content="Redaksi {outlet_e}">
{canonical}</head>
<body>
<header><nav><a href="/">Beranda</a> | <a href="/news">News</a> | <a href="/internasional">Internasional</a> | <a href="/bola">Bola</a></nav></header>
<main><article>
<h1>{title_e}</h1>
<div class="date">{date}</div>
<div class="content">
{paras}
</div>
</article>
<aside class="related"><h3>Berita Terkait</h3><ul><li><a href="/other-1">Berita lain hari ini</a></li><li><a href="/other-2">Terpopuler</a></li></ul></aside>
</main>
<footer><p>Copyright {outlet_e}. All rights reserved.</p></footer>
</body></html>
"""

SEED_META = {
    "000_d65872ee167d278c": (
        "Liputan6",
        "liputan6",
        "2023-03-03T09:00:00+07:00",
        "Blinken Bertemu Lavrov di Sela Pertemuan G20 New Delhi, Desak Rusia Akhiri Perang di Ukraina",
    ),
    "004_f752538dff42923b": (
        "Kompas",
        "kompas",
        "2023-03-03T11:30:00+07:00",
        "Rusia Tuduh Barat Lakukan Pemerasan di Pertemuan Menlu G20 India",
    ),
}


def slug(text: str) -> str:
    s = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(filter(None, s.split("-")))[:80]


def render(title: str, outlet: str, date: str, body: str, canonical: str | None) -> str:
    paras = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
    can = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return SHELL.format(title_e=html.escape(title), outlet_e=html.escape(outlet), date=date, paras=paras, canonical=can)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "pages").mkdir(parents=True)
    manifest = []

    # 1. real recorded pages
    expected = {
        json.loads(l)["fixture"].rsplit("/", 1)[1]: json.loads(l)
        for l in (SHARED / "corpus/html/EXPECTED_from_upstream_tests.jsonl").open(encoding="utf-8")
    }
    for src in sorted((SHARED / "corpus/html").glob("*singlepage*.html")):
        site, name = src.name.split("__", 1)
        e = expected.get(name, {})
        rel = f"pages/recorded/{src.name}"
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, OUT / rel)
        manifest.append(
            dict(
                path=rel,
                outlet=site,
                title=e.get("title", name),
                kind="recorded",
                published=None,
                origin=f"shared/corpus/html/{src.name}",
                charset="iso-8859-1" if site == "kapanlagi" else "utf-8",
            )
        )

    # 2. real texts in an HTML shell (CC BY 4.0 sources only: the 2015 and 2019 items)
    rows = [json.loads(l) for l in (SHARED / "corpus/articles/topic-dev.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["date"][:4] in ("2015", "2019") and r["title"].strip()]
    rng = random.Random(20230303)
    pick = [r for r in rows if r["label"] == 1]
    pick += rng.sample([r for r in rows if r["group"] in ("keyword", "keyword-extra") and r["label"] == 0], 24)
    pick += rng.sample([r for r in rows if r["group"] == "background"], 16)
    pick += rng.sample([r for r in rows if r["group"] == "diplomacy-other"], 8)
    for r in pick:
        outlet = r["outlet"].split(".")[0].lower().replace("news", "news")
        rel = f"pages/rendered/{slug(outlet)}/{r['id']}-{slug(r['title'])[:50]}.html"
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        date = f"{r['date']}T08:00:00+07:00"
        (OUT / rel).write_text(render(r["title"], r["outlet"], date, r["text"], r["url"]), encoding="utf-8")
        manifest.append(
            dict(
                path=rel,
                outlet=slug(outlet),
                title=r["title"],
                kind="rendered",
                published=date,
                origin=f"shared/corpus/articles/topic-dev.jsonl id {r['id']} ({r['url']})",
                label=r["label"],
                charset="utf-8",
            )
        )

    # 3. the two seed stories
    for p in sorted((SHARED / "seeds").glob("*.txt")):
        outlet, key, date, title = SEED_META[p.stem]
        rel = f"pages/seeds/{key}-{slug(title)[:60]}.html"
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        (OUT / rel).write_text(render(title, outlet, date, p.read_text(encoding="utf-8"), None), encoding="utf-8")
        manifest.append(
            dict(
                path=rel,
                outlet=key,
                title=title,
                kind="seed",
                published=date,
                origin=f"shared/seeds/{p.name} (title written for the demo)",
                label=1,
                charset="utf-8",
            )
        )

    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(SHARED / "corpus/html/LICENSE.upstream", OUT / "LICENSE.recorded-pages")
    print(f"{OUT}: {len(manifest)} pages")


main()
