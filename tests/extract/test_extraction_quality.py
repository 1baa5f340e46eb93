"""Extraction quality on the 26 real recorded pages with gold bodies (copied into the project: the
pages in src/pantau/demo/replay/pages/recorded, the gold bodies in tests/fixtures/extraction-gold.jsonl;
both MIT, anpandu/indonesian-news-scraper). The same measure `make eval` prints."""

from datetime import datetime

from pantau.demo import SITE
from pantau.extract import WIB, clean_text, decode_html, extract_article, parse_html, prune_tree
from pantau.extract.quality import BOILERPLATE, evaluate_extraction
from support.paths import FIXTURES

GOLD = FIXTURES / "extraction-gold.jsonl"


def test_mean_token_f1_and_no_boilerplate():
    rows = evaluate_extraction(GOLD, SITE / "pages" / "recorded")
    assert len(rows) == 26
    mean = sum(r["f1"] for r in rows) / len(rows)
    assert mean >= 0.98, [(r["name"], round(r["f1"], 3)) for r in rows]
    assert [r["name"] for r in rows if r["boilerplate"]] == []
    # every page gets an aware timestamp; where the byline gives a time, it is kept (WIB)
    assert all(r["published"] is not None and r["published"].tzinfo is not None for r in rows)
    by_name = {r["name"]: r for r in rows}
    assert by_name["detik-singlepage.html"]["published"] == datetime(2015, 11, 5, 10, 8, tzinfo=WIB)
    assert by_name["kompas-singlepage5.html"]["published"] == datetime(2016, 2, 23, 16, 52, tzinfo=WIB)


def _page(body: str) -> str:
    return f"<html><head><title>Judul</title></head><body>{body}</body></html>"


LEAD = (
    "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Rusia Sergey Lavrov di sela "
    "pertemuan G20 di New Delhi pada Kamis untuk membahas perdamaian di Ukraina dan kerja sama."
)
PARA = (
    "Kedua menteri juga membahas kerja sama ekonomi, pangan dan energi, serta persiapan pertemuan "
    "tingkat tinggi berikutnya yang akan digelar di Jakarta pada akhir tahun ini menurut juru bicara."
)


def test_br_separated_lead_is_kept():
    # the lead sits as loose text before <br><br>: trafilatura alone drops such leads
    html = _page(
        f"<h1>Judul</h1><div class='content'><strong>JAKARTA</strong> - {LEAD}<br><br>{PARA}"
        f"<br><br>{PARA.replace('Kedua', 'Para')}</div>"
    )
    x = extract_article(html, "http://127.0.0.1/a")
    assert "Retno Marsudi bertemu" in x.text and "Para menteri" in x.text


def test_teasers_and_link_boxes_are_pruned_but_inline_links_stay():
    related = "".join(
        f"<li><span>Kamis, 05/11/2015 09:2{i} WIB</span><h5><a href='/r/{i}'>Berita lain "
        f"nomor {i} tentang sesuatu</a></h5><p>Ringkasan berita lain yang panjang {i}.</p></li>"
        for i in range(4)
    )
    html = _page(
        f"<article><h1>Judul</h1><p><a href='/tokoh/retno'>Retno Marsudi</a> mengatakan {LEAD}</p>"
        f"<p>{PARA}</p><p><a href='/x'>Menlu Retno Terima Kunjungan Menlu Ukraina di Jakarta</a></p>"
        f"<ul class='list'>{related}</ul></article>"
    )
    x = extract_article(html, "http://127.0.0.1/a")
    assert x.text.startswith("Retno Marsudi mengatakan")
    assert "Berita lain" not in x.text and "Ringkasan" not in x.text
    assert "Terima Kunjungan" not in x.text  # a paragraph that is only a link


def test_body_inside_a_share_classed_block_survives():
    html = _page(
        f"<div class='author-and-share'><h1>Judul</h1><p>{LEAD}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='sidebar'><p>Iklan di sini</p></div>"
    )
    x = extract_article(html, "http://127.0.0.1/a")
    assert x is not None and "Retno Marsudi" in x.text


def test_captions_dropped_beside_a_story_kept_on_a_photo_page():
    story = _page(
        f"<article><h1>Judul</h1><figure><img src='a.jpg'><figcaption>Foto para menteri "
        f"berpose bersama di New Delhi.</figcaption></figure><p>{LEAD}</p><p>{PARA}</p></article>"
    )
    assert "berpose" not in extract_article(story, "http://127.0.0.1/a").text
    gallery = "".join(
        f"<figure><img src='{i}.jpg'><figcaption>Menlu Retno Marsudi berjabat tangan dengan "
        f"Menlu Sergey Lavrov di New Delhi, foto ke-{i}. (ANTARA/Fulan)</figcaption></figure>"
        for i in range(3)
    )
    x = extract_article(_page(f"<article><h1>Judul</h1>{gallery}</article>"), "http://127.0.0.1/g")
    assert x is not None and x.text.count("berjabat tangan") == 3


def test_line_rules_drop_credits_stamps_and_labels_only():
    text = "\n".join(
        [
            "Kamis, 05/11/2015 10:08 WIB",
            "| Redaktur | : | Mohamad Amin |",
            "Republika/ Wihdan Hidayat",
            "BERITA TERKAIT",
            "Fotografer: Grandyos Zafna",
            "Redaksi: redaksi[at]detik.com",
            LEAD,
            "Topik",
            PARA,
        ]
    )
    assert clean_text(text).splitlines() == [LEAD, PARA]


def test_inline_read_also_markers_removed():
    assert (
        clean_text("Rusia menolak. (Baca juga: Bos Pentagon Ingin Tempatkan Rudal AS di Asia) AS menarik diri.")
        == "Rusia menolak. AS menarik diri."
    )
    assert clean_text('pidana denda.",,Baca Juga:,,"Permasalahan') == 'pidana denda.",,,,"Permasalahan'


def test_no_boilerplate_on_any_replay_page():
    """All 92 pages of the replay site (recorded pages, CC-BY texts with inline boxes, the seeds)."""
    import json

    manifest = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
    leaks = []
    for m in manifest:
        x = extract_article(decode_html((SITE / m["path"]).read_bytes()), "http://127.0.0.1/" + m["path"])
        assert x is not None, m["path"]
        if BOILERPLATE.search(x.text):
            leaks.append((m["path"], BOILERPLATE.findall(x.text)))
    assert leaks == []


def test_prune_tree_keeps_the_document_parseable():
    tree = parse_html(_page(f"<table><tr><td>USD</td><td>13396.00</td><td>13262.00</td></tr></table><p>{LEAD}</p>"))
    prune_tree(tree)
    assert tree.find(".//table") is None and "Retno" in tree.text_content()
