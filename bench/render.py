"""Article pages, RSS feeds and robots.txt in the shape Indonesian news sites serve them.

A page is a full news-site shell around the article — head metadata (Open Graph, JSON-LD
NewsArticle, inline ad and analytics scripts), top bar, off-canvas and main menus with sub-sections,
trending tags, breadcrumb, headline, byline with date, a photo with caption, the paragraphs with a
"Baca juga" link, an ad slot and a "Pilihan Untukmu" box inside, tags, share buttons, "Berita
Terkait", comments, "Berita Terbaru", a sidebar (most read, editors' picks) and a footer with the
network's links — about 850 elements and 43 KB, so extraction has the work it has on real pages.
Everything is a pure function of the article, its host and its publication time.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache, lru_cache
from html import escape

WIB = timezone(timedelta(hours=7), "WIB")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
CITIES = (
    "Jakarta",
    "Bandung",
    "Surabaya",
    "Medan",
    "Makassar",
    "Semarang",
    "Palembang",
    "Denpasar",
    "Yogyakarta",
    "Padang",
    "Pontianak",
    "Manado",
    "Balikpapan",
    "Banjarmasin",
    "Pekanbaru",
    "Malang",
    "Kupang",
    "Ambon",
    "Jayapura",
    "Mataram",
    "Samarinda",
    "Batam",
    "Jambi",
    "Kendari",
)
SECTIONS = (
    "Nasional",
    "Internasional",
    "Politik",
    "Ekonomi",
    "Hukum",
    "Megapolitan",
    "Olahraga",
    "Teknologi",
    "Hiburan",
    "Gaya Hidup",
    "Otomotif",
    "Sains",
    "Kesehatan",
    "Wisata",
    "Opini",
)
SUBSECTIONS = ("Terkini", "Analisis", "Foto", "Video", "Infografik")
AUTHORS = (
    "Rina Kusumawati",
    "Agus Prasetyo",
    "Dewi Lestari",
    "Bayu Nugroho",
    "Siti Rahmawati",
    "Fajar Hidayat",
    "Putri Anggraini",
    "Yusuf Maulana",
    "Nur Aini",
    "Hendra Wijaya",
)
NETWORK = (
    "Bisnis",
    "Bola",
    "Tekno",
    "Seleb",
    "Otomotif",
    "Sehat",
    "Travel",
    "Kuliner",
    "Properti",
    "Edukasi",
    "Karier",
    "Muslim",
    "Foto",
    "TV",
    "Data",
    "Cek Fakta",
    "Daerah",
    "Global",
)
INFO = (
    "Tentang Kami",
    "Redaksi",
    "Pedoman Media Siber",
    "Kode Etik",
    "Kontak",
    "Karier",
    "Info Iklan",
    "Kebijakan Privasi",
    "Syarat dan Ketentuan",
)
TRENDING = ("Pemilu", "Cuaca", "HargaBBM", "Timnas", "IKN", "Gempa", "Kurs", "Mudik")
ARTICLE_SPACING = timedelta(seconds=97)  # article k was published k × 97 s before the newest
ROBOTS_TXT = "User-agent: *\nDisallow: /search\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n"


def outlet_name(host_index: int) -> str:
    n, city = divmod(host_index, len(CITIES))
    return f"Warta {CITIES[city]}" + (f" {n + 1}" if n else "")


def slug(title: str, limit: int = 80) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s[:limit].rstrip("-") or "berita"


def pick(seq, key: str, salt: str = ""):
    """A fixed choice from ``seq`` for ``key`` (the same on every run)."""
    return seq[int(hashlib.md5((salt + key).encode()).hexdigest()[:8], 16) % len(seq)]


def published_at(newest: datetime, k: int) -> datetime:
    """Publication time of the k-th article (0 = newest), in Jakarta time, whole minutes."""
    return (newest - k * ARTICLE_SPACING).astimezone(WIB).replace(second=0, microsecond=0)


def article_path(art_id: str, title: str, when: datetime, section: str) -> str:
    return f"/{slug(section)}/read/{when:%Y/%m/%d}/{art_id}/{slug(title)}.html"


def long_date(when: datetime) -> str:
    """'Jumat, 13 Juni 2025 14:05 WIB' — the byline's date as Indonesian sites print it."""
    return f"{DAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year} {when:%H:%M} WIB"


def _a(href: str, text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<a{cls} href="{escape(href)}">{escape(text)}</a>'


def _card(o: dict, css: str, teaser: bool = False) -> str:
    """A teaser card of another article: thumbnail, section, headline, time (and lead)."""
    lead = f'<p class="{css}__lead">{escape(o["lead"][:150])}…</p>' if teaser else ""
    thumb = f'<img src="/img/thumb/{o["id"]}.jpg" alt="" loading="lazy" width="120" height="80">'
    label = _a("/" + slug(o["section"]), o["section"])
    return (
        f'<article class="{css}__item"><a class="{css}__thumb" href="{escape(o["url"])}">{thumb}</a>'
        f'<div class="{css}__body"><span class="{css}__label">{label}</span>'
        f'<h3 class="{css}__title">{_a(o["url"], o["title"])}</h3>'
        f'<time class="{css}__date" datetime="{o["when"].isoformat()}">{long_date(o["when"])}</time>'
        f"{lead}</div></article>"
    )


@cache
def _menu(css: str) -> str:
    items = []
    for s in SECTIONS:
        subs = "".join(f"<li>{_a(f'/{slug(s)}/{slug(x)}', x)}</li>" for x in SUBSECTIONS)
        items.append(f'<li class="{css}__item">{_a("/" + slug(s), s)}<ul class="{css}__sub">{subs}</ul></li>')
    return f'<ul class="{css}">{"".join(items)}</ul>'


@lru_cache(maxsize=256)
def _footer(outlet: str, year: int) -> str:
    def col(title: str, links: str) -> str:
        return f'<div class="footer__col"><h4>{title}</h4><ul>{links}</ul></div>'

    net = "".join(f"<li>{_a(f'https://{slug(n)}.warta.example/', 'Warta ' + n)}</li>" for n in NETWORK)
    secs = "".join(f"<li>{_a('/' + slug(s), s)}</li>" for s in SECTIONS)
    info = "".join(f"<li>{_a('/' + slug(x), x)}</li>" for x in INFO)
    social = "".join(
        _a(f"https://{x}.com/wartaid", x, "footer__social") for x in ("facebook", "x", "instagram", "youtube", "tiktok")
    )
    return (
        f'<footer class="footer"><div class="footer__brand"><img src="/img/logo-white.png" alt="">'
        f"<p>{escape(outlet)} menyajikan berita terkini dan terpercaya dari seluruh Indonesia.</p>"
        f'{social}<p class="footer__apps">Unduh aplikasi: {_a("/app/android", "Android")} '
        f"{_a('/app/ios', 'iOS')}</p></div>{col('Kanal', secs)}{col('Jaringan', net)}"
        f'{col("Informasi", info)}<p class="footer__copy">Copyright &copy; {year} {escape(outlet)}. '
        f"All rights reserved.</p></footer>"
    )


_STYLE = (
    "body{font-family:Georgia,serif;margin:0}.wrap{max-width:1100px;margin:auto}"
    ".nav__sub{display:none}.nav__item:hover .nav__sub{display:block}.read__content p{line-height:1.7}"
    ".ads{min-height:250px;background:#f4f4f4}.sidebar{float:right;width:300px}"
    ".related{border-top:3px solid #c00}.offcanvas{display:none}.footer{background:#222;color:#ccc}"
)
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
    "gtag('js',new Date());gtag('config','G-WARTA0001',{content_group:'SECTION'});"
    "var googletag=googletag||{};googletag.cmd=googletag.cmd||[];googletag.cmd.push(function(){"
    "googletag.defineSlot('/1234/SECTION/mid',[300,250],'div-gpt-mid').addService(googletag.pubads());"
    "googletag.defineSlot('/1234/SECTION/side',[[300,250],[300,600]],'div-gpt-side')"
    ".addService(googletag.pubads());googletag.pubads().enableSingleRequest();"
    "googletag.pubads().collapseEmptyDivs();googletag.enableServices()});"
    "(function(w,d){var s=d.createElement('script');s.async=true;s.src='/js/analytics.js';"
    "d.head.appendChild(s)})(window,document);"
)
_AD_MID = (
    '<div class="ads ads--inarticle" id="div-gpt-mid"><span>ADVERTISEMENT</span>'
    '<script>googletag.cmd.push(function(){googletag.display("div-gpt-mid")})</script></div>'
)


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def _body(paragraphs, related: list[dict], picks: list[dict]) -> str:
    """The article's paragraphs with what sites put between them: "Baca juga", an ad, a picks box."""
    out = []
    middle = max(1, len(paragraphs) // 2)
    for i, p in enumerate(paragraphs):
        if i == 1 and related:
            out.append(
                f'<p class="baca-juga"><strong>Baca juga:</strong> {_a(related[0]["url"], related[0]["title"])}</p>'
            )
        if i == middle:
            out.append(_AD_MID)
            if len(picks) >= 3:
                links = "".join(f"<li>{_a(o['url'], o['title'])}</li>" for o in picks[:3])
                out.append(f'<div class="inline-picks"><span>Pilihan Untukmu</span><ul>{links}</ul></div>')
        out.append(f"<p>{escape(p)}</p>")
    return "\n".join(out)


def page_html(
    *,
    base: str,
    outlet: str,
    art_id: str,
    title: str,
    paragraphs: tuple[str, ...] | list[str],
    when: datetime,
    section: str,
    others: list[dict],
) -> str:
    """One article page. ``others``: other articles of the site (dicts with id, title, url, when,
    section, lead) for the related box, the latest and most-read lists and the editors' picks."""
    url = base + article_path(art_id, title, when, section)
    author, editor = pick(AUTHORS, art_id), pick(AUTHORS, art_id, "editor")
    lead, iso, sec = paragraphs[0], when.isoformat(), slug(section)
    e_title, e_outlet, e_url = escape(title), escape(outlet), escape(url)
    related, latest, popular, picks = others[:5], others[5:15], others[15:25], others[25:31]
    ld = _json(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "url": url,
            "datePublished": iso,
            "dateModified": iso,
            "inLanguage": "id-ID",
            "author": {"@type": "Person", "name": author},
            "publisher": {
                "@type": "Organization",
                "name": outlet,
                "logo": {"@type": "ImageObject", "url": base + "/img/logo.png"},
            },
            "image": f"{base}/img/{art_id}.jpg",
            "description": lead[:160],
        }
    )
    state = _json(
        {
            "page": {"type": "article", "id": art_id, "section": section},
            "latest": [{"id": o["id"], "title": o["title"], "url": o["url"]} for o in latest],
        }
    )
    tags = sorted(set(re.findall(r"[A-Z][a-z]{4,}", title)))[:5] or [section]
    trending = " ".join(_a(f"/tag/{slug(t)}", "#" + t) for t in TRENDING)
    most = "".join(
        f'<li><span class="rank">{i + 1}</span>{_a(o["url"], o["title"])}</li>' for i, o in enumerate(popular)
    )
    share = " ".join(
        _a(f"{u}{url}", n)
        for n, u in (
            ("Facebook", "https://www.facebook.com/sharer.php?u="),
            ("X", "https://twitter.com/intent/tweet?url="),
            ("WhatsApp", "https://wa.me/?text="),
        )
    )
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{e_title} - {e_outlet}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(lead[:160])}">
<meta name="author" content="{escape(author)}">
<meta name="robots" content="index, follow, max-image-preview:large">
<meta property="og:type" content="article"><meta property="og:site_name" content="{e_outlet}">
<meta property="og:title" content="{e_title}"><meta property="og:url" content="{e_url}">
<meta property="og:image" content="{base}/img/{art_id}.jpg">
<meta name="twitter:card" content="summary_large_image">
<meta property="article:published_time" content="{iso}"><meta property="article:section" content="{section}">
<link rel="canonical" href="{e_url}"><link rel="amphtml" href="{e_url}?amp=1">
<link rel="alternate" type="application/rss+xml" title="{e_outlet}" href="{base}/rss/terbaru.xml">
<link rel="stylesheet" href="/css/main.css"><style>{_STYLE}</style>
<script type="application/ld+json">{ld}</script>
<script async src="/js/gpt.js"></script><script>{_SCRIPT.replace("SECTION", sec)}</script>
</head><body class="page-article">
<div class="topbar"><span>{long_date(when)}</span> {_a("/login", "Masuk")} {_a("/daftar", "Daftar")}</div>
<div class="offcanvas" aria-hidden="true">{_menu("offcanvas__menu")}</div>
<div class="wrap">
<header class="header"><a class="logo" href="/"><img src="/img/logo.png" alt="{e_outlet}"></a>
<form class="search" action="/search"><input name="q" placeholder="Cari berita"><button>Cari</button></form>
<nav class="nav">{_menu("nav")}</nav>
<div class="trending">Trending: {trending}</div></header>
<div class="ads ads--billboard">ADVERTISEMENT</div>
<aside class="sidebar"><div class="ads ads--sidebar" id="div-gpt-side">ADVERTISEMENT</div>
<div class="most-popular"><h3>Terpopuler</h3><ol>{most}</ol></div>
<div class="editor-picks"><h3>Pilihan Redaksi</h3>{"".join(_card(o, "pick", True) for o in picks)}</div>
</aside>
<main class="read">
<ul class="breadcrumb"><li>{_a("/", "Beranda")}</li><li>{_a("/" + sec, section)}</li></ul>
<article class="read__article">
<h1 class="read__title">{e_title}</h1>
<div class="read__byline"><span class="read__author">Penulis: {_a("/penulis/" + slug(author), author)}</span>
 | <span class="read__editor">Editor: {escape(editor)}</span></div>
<div class="read__time"><time datetime="{iso}">{e_outlet} - {long_date(when)}</time></div>
<figure class="photo"><img src="/img/{art_id}.jpg" alt="{e_title}" width="780" height="440">
<figcaption class="photo__caption">Ilustrasi: {escape(title[:90])}.
({escape(outlet.upper())}/{escape(author.split()[0])})</figcaption></figure>
<div class="read__content"><p><strong>{pick(CITIES, art_id, "city").upper()}, {e_outlet}</strong> &ndash;</p>
{_body(paragraphs, related, picks)}
</div>
<div class="read__tags">Tag: {" ".join(_a(f"/tag/{slug(t)}", t) for t in tags)}</div>
<div class="social-share">Bagikan: {share} <button class="copy">Salin tautan</button></div>
</article>
<section class="related"><h2>Berita Terkait</h2>{"".join(_card(o, "related") for o in related)}</section>
<div class="comments"><h3>Komentar</h3><p>Silakan login untuk berkomentar.</p></div>
<section class="latest"><h2>Berita Terbaru</h2>{"".join(_card(o, "latest") for o in latest)}
{_a("/indeks", "Indeks Berita", "latest__more")}</section>
</main>
{_footer(outlet, when.year)}
</div>
<script>window.__INITIAL_STATE__={state};</script>
</body></html>
"""


def feed_xml(*, base: str, outlet: str, items: list[dict], built: datetime) -> bytes:
    """RSS 2.0, newest first; ``items``: dicts with title, url, published, section, description."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
        f"<title>{escape(outlet)} - Berita Terkini</title><link>{base}/</link>",
        f'<atom:link href="{base}/rss/terbaru.xml" rel="self" type="application/rss+xml"/>',
        f"<description>Berita terbaru dari {escape(outlet)}</description><language>id</language>",
        f"<lastBuildDate>{format_datetime(built.astimezone(WIB))}</lastBuildDate><ttl>5</ttl>",
    ]
    for it in items:
        out.append(
            f"<item><title>{escape(it['title'])}</title><link>{escape(it['url'])}</link>"
            f'<guid isPermaLink="true">{escape(it["url"])}</guid>'
            f"<pubDate>{format_datetime(it['published'])}</pubDate>"
            f"<category>{escape(it['section'])}</category>"
            f"<description>{escape(it['description'])}</description></item>"
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")
