"""Documents in the published formats of each kind of source, crafted from the replay manifest:
RSS 2.0 per outlet, a Google News sitemap (index + gzip), a front page, Google News search RSS (in
its four link styles) and a GDELT artlist answer. Google News and GDELT cannot be reached offline;
these follow their documented formats."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


def feed_xml(base: str, outlet: str, items: list[dict]) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(outlet)} (pantau replay)</title><link>{base}/</link>",
        f"<description>Recorded articles of {escape(outlet)}</description><language>id</language>",
    ]
    for it in items:
        pub = ""
        if it.get("published"):
            pub = f"<pubDate>{format_datetime(datetime.fromisoformat(it['published']))}</pubDate>"
        out.append(
            f"<item><title>{escape(it['title'])}</title><link>{base}/{it['path']}</link>"
            f"<guid>{base}/{it['path']}</guid>{pub}</item>"
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def w3c(published: str | None) -> str | None:
    return datetime.fromisoformat(published).isoformat() if published else None


def sitemap_xml(base: str, items: list[dict]) -> bytes:
    """A Google News sitemap (sitemaps.org 0.9 + the news extension)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for it in items:
        date = w3c(it.get("published"))
        news = (
            f"<news:news><news:publication><news:name>{escape(it['outlet'])}</news:name>"
            f"<news:language>id</news:language></news:publication>"
            + (f"<news:publication_date>{date}</news:publication_date>" if date else "")
            + f"<news:title>{escape(it['title'])}</news:title></news:news>"
        )
        out.append(f"<url><loc>{base}/{it['path']}</loc>{news}</url>")
    out.append("</urlset>")
    return "\n".join(out).encode("utf-8")


def sitemap_index_xml(locs: list[str]) -> bytes:
    body = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
    ).encode()


def google_news_id(url: str) -> str:
    """An old-style Google News article id: base64 of a protobuf whose field 4 is the outlet URL."""
    raw = url.encode("utf-8")
    n, varint = len(raw), b""
    while True:
        b, n = n & 0x7F, n >> 7
        varint += bytes([b | (0x80 if n else 0)])
        if not n:
            break
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + varint + raw + b"\xd2\x01\x00").decode().rstrip("=")


GN_STYLES = 4  # 0: id carries the URL; 1: HTTP redirect; 2: data-n-au page; 3: opaque id → batchexecute


def google_news_rss(base: str, items: list[dict]) -> bytes:
    """Google News search RSS: links point at Google, in four styles (see GN_STYLES, google_news.py)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">',
        '<channel><title>"Rusia" - Google Berita</title><link>https://news.google.com/</link>',
        "<language>id</language><description>Google Berita</description>",
    ]
    for i, it in enumerate(items):
        style = i % GN_STYLES
        token = google_news_id(f"{base}/{it['path']}") if style == 0 else f"AU_yqL{style}x{i}"
        link = f"{base}/gn/rss/articles/{token}?oc=5"
        pub = (
            f"<pubDate>{format_datetime(datetime.fromisoformat(it['published']))}</pubDate>"
            if it.get("published")
            else ""
        )
        outlet = it["outlet"].capitalize()
        out.append(
            f"<item><title>{escape(it['title'])} - {escape(outlet)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{token}</guid>{pub}'
            f'<source url="{base}/">{escape(outlet)}</source></item>'
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def gdelt_json(base: str, items: list[dict]) -> bytes:
    arts = []
    for it in items:
        seen = (
            datetime.fromisoformat(it["published"]).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            if it.get("published")
            else ""
        )
        arts.append(
            {
                "url": f"{base}/{it['path']}",
                "url_mobile": "",
                "title": it["title"],
                "seendate": seen,
                "socialimage": "",
                "domain": f"{it['outlet']}.example",
                "language": "Indonesian",
                "sourcecountry": "Indonesia",
            }
        )
    return json.dumps({"articles": arts}, ensure_ascii=False).encode("utf-8")


def homepage_html(base: str, outlet: str, items: list[dict], feed: str | None) -> bytes:
    link = f'<link rel="alternate" type="application/rss+xml" href="{feed}">' if feed else ""
    lis = "".join(f'<li><a href="/{it["path"]}">{escape(it["title"])}</a></li>' for it in items)
    return (
        f"<!doctype html><html><head><title>{escape(outlet)}</title>{link}</head><body>"
        f'<nav><a href="/">Beranda</a> <a href="/tag/politik">Politik</a></nav>'
        f"<h1>{escape(outlet)}</h1><ul>{lis}</ul></body></html>"
    ).encode()
