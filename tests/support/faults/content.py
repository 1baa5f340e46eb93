"""What the fault server serves: Indonesian articles made up from fixed words (deterministic per name), RSS
feeds, and the hostile bodies (a gzip bomb, a 1×1 PNG, a PDF, an entity bomb, pages that lie about their
charset)."""

from __future__ import annotations

import functools
import random
import struct
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .loopback import HTML, MB

WIB = timezone(timedelta(hours=7))
# Words the /charset/<kind> pages carry, as they read when decoded right (tests may look for them).
CHARSET_WORDS = {"latin1-declared-utf8": "Zürich", "no-charset": "“perdamaian”", "invalid-utf8": "Ukraina"}


_COUNTRIES = ["Indonesia", "India", "Brasil", "Turki", "Afrika Selatan", "Meksiko", "Arab Saudi", "Jerman"]
_CITIES = ["Bali", "Jakarta", "New Delhi", "Rio de Janeiro", "Johannesburg", "Osaka", "Roma", "Istanbul"]
_PEOPLE = [
    "Retno Marsudi",
    "Sugiono",
    "Antonio Guterres",
    "Josep Borrell",
    "Subrahmanyam Jaishankar",
    "Mauro Vieira",
    "Hakan Fidan",
    "Naledi Pandor",
]
_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_UNIS = ["Indonesia", "Gadjah Mada", "Padjadjaran", "Airlangga", "Hasanuddin", "Diponegoro"]
_REPORTERS = ["Andi Pratama", "Siti Rahmawati", "Dewi Lestari", "Budi Santoso", "Rina Wulandari"]
_HEADLINES = [
    "Menlu {country} Bahas Perdamaian Rusia-Ukraina di Sela KTT G20 {city}",
    "{country} Dorong Dialog Rusia dan Ukraina Jelang Pertemuan G20 di {city}",
    "Lavrov dan Delegasi Ukraina Hadiri Pertemuan Menlu G20 di {city}",
    "{person} Serukan Gencatan Senjata Usai Kunjungan ke Kyiv dan Moskow",
    "Sanksi terhadap Rusia Jadi Sorotan Pertemuan Menteri G20 di {city}",
    "Diplomat G20 Cari Titik Temu soal Perang Ukraina di {city}",
]
_LEAD = (
    "Menteri Luar Negeri {country} menggelar pertemuan bilateral dengan delegasi Rusia dan Ukraina "
    "di {city} pada {day}, membahas peluang perundingan damai di sela rangkaian pertemuan G20."
)
_SENTENCES = [
    "Dalam keterangan pers, {person} menyebut kedua pihak sepakat membuka jalur komunikasi baru yang "
    "difasilitasi negara anggota G20.",
    "Pertemuan berlangsung sekitar {hours} jam dan dihadiri perwakilan dari {n} negara, termasuk negara "
    "berkembang yang selama ini memilih bersikap netral.",
    "Isu ketahanan pangan dan energi kembali menjadi sorotan karena perang di Ukraina mengganggu ekspor "
    "gandum dan pupuk ke berbagai kawasan.",
    "Sejumlah diplomat menilai forum G20 tetap penting sebagai ruang dialog meskipun perbedaan pandangan "
    "soal sanksi terhadap Moskow masih tajam.",
    "Pihak Kremlin menyatakan terbuka terhadap usulan mediasi, tetapi menolak syarat penarikan pasukan "
    "yang diajukan Kyiv.",
    "Pemerintah Ukraina menegaskan perdamaian hanya mungkin tercapai jika kedaulatan dan integritas "
    "wilayahnya dihormati sepenuhnya.",
    "{person} mengatakan {country} siap menjadi tuan rumah putaran perundingan berikutnya apabila kedua "
    "negara memberikan persetujuan.",
    "Para menteri juga membahas mekanisme pertukaran tahanan dan akses bantuan kemanusiaan ke wilayah "
    "yang terdampak pertempuran.",
    "Pengamat hubungan internasional dari Universitas {uni} menilai langkah itu sinyal positif, meski "
    "hasil konkret belum terlihat.",
    "Komunike bersama diharapkan rampung dalam {days} hari setelah tim perunding menyelesaikan paragraf "
    "yang masih diperdebatkan.",
]


@functools.lru_cache(maxsize=4096)
def article(name: str) -> tuple[str, list[str]]:
    """A headline and three paragraphs (~150 words) of a made-up Indonesian news article about
    G20, Russia and Ukraine diplomacy; the same ``name`` always gives the same article."""
    rnd = random.Random(zlib.crc32(name.encode("utf-8")))
    slots = {
        "country": rnd.choice(_COUNTRIES),
        "city": rnd.choice(_CITIES),
        "person": rnd.choice(_PEOPLE),
        "day": rnd.choice(_DAYS),
        "uni": rnd.choice(_UNIS),
        "hours": rnd.randint(2, 9),
        "n": rnd.randint(5, 20),
        "days": rnd.randint(2, 14),
    }
    sentences = [_LEAD] + rnd.sample(_SENTENCES, 8)
    text = [s.format(**slots) for s in sentences]
    return rnd.choice(_HEADLINES).format(**slots), [" ".join(text[i : i + 3]) for i in (0, 3, 6)]


def article_html(name: str, charset: str | None = "utf-8") -> str:
    headline, paragraphs = article(name)
    reporter = _REPORTERS[zlib.crc32(name.encode("utf-8")) % len(_REPORTERS)]
    now = datetime.now(WIB).replace(second=0, microsecond=0)
    stamp = f"{_DAYS[now.weekday()]}, {now:%d/%m/%Y %H:%M} WIB"
    meta = f'<meta charset="{charset}">\n' if charset else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="id">\n<head>\n{meta}'
        f"<title>{escape(headline)} - Warta Nusantara</title>\n"
        f'<meta property="og:title" content="{escape(headline)}">\n'
        f'<meta property="article:published_time" content="{now.isoformat()}">\n'
        '</head>\n<body>\n<header><nav><a href="/">Beranda</a> <a href="/internasional/">Internasional</a>'
        "</nav></header>\n<main><article>\n"
        f"<h1>{escape(headline)}</h1>\n"
        f'<p class="byline">Oleh {reporter} | <time datetime="{now.isoformat()}">{stamp}</time></p>\n'
        f"{body}\n</article></main>\n<footer>&copy; Warta Nusantara</footer>\n</body>\n</html>\n"
    )


def rss_items(items: Iterable[tuple[str, str]]) -> Iterator[str]:
    """``<item>`` elements for (title, link) pairs, dated a minute apart back from now."""
    now = datetime.now(UTC)
    for i, (title, link) in enumerate(items):
        pub = format_datetime(now - timedelta(minutes=i), usegmt=True)
        yield (
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{escape(link)}</guid><pubDate>{pub}</pubDate>'
            f"<description>{escape(title)}</description></item>\n"
        )


def rss_open(base: str, title: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title><link>{base}/</link>"
        f"<description>{escape(title)}</description><language>id</language>\n"
    )


RSS_CLOSE = "</channel></rss>\n"


def rss(base: str, title: str, items: Iterable[tuple[str, str]]) -> bytes:
    return (rss_open(base, title) + "".join(rss_items(items)) + RSS_CLOSE).encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=8)
def gzip_bomb(mb: float) -> bytes:
    """A gzip stream of ``mb`` MB of zeros (about 1 KB per MB compressed), built once per size."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros, left, out = bytes(MB), int(mb * MB), []
    while left > 0:
        out.append(comp.compress(zeros[: min(left, MB)]))
        left -= MB
    return b"".join(out) + comp.flush()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = _png()
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def charset_page(kind: str) -> tuple[str, bytes] | None:
    """(content type, body) of /charset/<kind>, or None for an unknown kind."""
    headline, paragraphs = article("charset-" + kind)
    if kind == "latin1-declared-utf8":
        extra = "Delegasi juga bertemu di Zürich dan Genève; « dialog » tetap dibuka, kata José Ramos."
        page = f"<html><head><title>{headline}</title></head><body><h1>{headline}</h1><p>{extra}</p>"
        page += "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
        return HTML, page.encode("iso-8859-1")
    if kind == "no-charset":
        extra = "Kedua pihak menyebut pertemuan itu langkah menuju “perdamaian” — bukan sekadar seremoni."
        page = f"<html><head><title>{headline}</title></head><body><h1>{headline}</h1><p>{extra}</p>"
        page += "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
        return "text/html", page.encode("cp1252")
    if kind == "invalid-utf8":
        rnd = random.Random(7)
        bad = [b"\xff", b"\xfe\xfe", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80\x80\x80"]
        words = article_html("charset-invalid", charset="utf-8").encode("utf-8").split(b" ")
        out = [w + (rnd.choice(bad) if rnd.random() < 0.08 else b"") for w in words]
        return HTML, b" ".join(out)
    return None


# --- the fault server --------------------------------------------------------------------------
