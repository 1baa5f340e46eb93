from datetime import datetime

from pantau.demo import SITE
from pantau.extract import WIB, clean_text, clean_title, content_hash, decode_html, extract_article, parse_date
from pantau.extract.language import detect_language


def test_recorded_kompas_page():
    html = (SITE / "pages/recorded/kompas__kompas-singlepage.html").read_text(encoding="utf-8")
    x = extract_article(html, "http://127.0.0.1/x")
    assert x.title == "Polres Lhokseumawe Serahkan Anggota Di Minimi ke Kejaksaan"
    assert x.text.startswith("LHOKSEUMAWE, KOMPAS.com")
    assert x.published == datetime(2015, 11, 4, 21, 4, tzinfo=WIB)  # the byline time, "21:04 WIB"
    assert x.url.startswith("http://regional.kompas.com/read/2015/11/04/")


def test_recorded_page_in_iso_8859_1():
    raw = (SITE / "pages/recorded/kapanlagi__kapanlagi-singlepage.html").read_bytes()
    x = extract_article(decode_html(raw, "text/html; charset=iso-8859-1"), "http://127.0.0.1/k")
    assert x is not None and "Brandon Salim" in x.title


def test_boilerplate_lines_removed():
    text = "\n".join(
        [
            "NEW DELHI, KOMPAS.com - Rusia menuduh barat.",
            "Advertisement",
            "Baca juga: Kesepakatan Minyak Jerman-Kazakhstan Untungkan Rusia",
            "[Gambas:Video 20detik]",
            "Simak Video 'Putin bertemu Xi'",
            "Lihat juga Video: Zelensky di PBB",
            "Tulis komentarmu dengan tagar #JernihBerkomentar dan menangkan e-voucher untuk 90 pemenang!",
            "Blinken mengatakan pada pertemuan G20 bahwa dia terus meminta Rusia.",
        ]
    )
    out = clean_text(text)
    assert out.splitlines() == [
        "NEW DELHI, KOMPAS.com - Rusia menuduh barat.",
        "Blinken mengatakan pada pertemuan G20 bahwa dia terus meminta Rusia.",
    ]


def test_title_suffix_and_dates():
    assert clean_title("Menlu Bertemu Lavrov - Kompas.com", "Kompas.com", "kompas.com") == "Menlu Bertemu Lavrov"
    assert clean_title("Rusia-Ukraina: Pembicaraan Damai", None, None) == "Rusia-Ukraina: Pembicaraan Damai"
    assert parse_date("2023-03-03").tzinfo is not None
    assert parse_date("2023-03-03T10:00:00+00:00").hour == 17  # 10:00 UTC is 17:00 WIB
    assert parse_date("not a date") is None


def test_content_hash_ignores_case_and_punctuation():
    assert content_hash("t", "Rusia, Ukraina!") == content_hash("t", "rusia ukraina")
    assert content_hash("t", "Rusia") != content_hash("t", "Ukraina")


def test_language_is_deterministic():
    text = "Menteri Luar Negeri Rusia bertemu dengan Menteri Luar Negeri Amerika Serikat di sela pertemuan G20."
    results = {detect_language(text) for _ in range(5)}
    assert len(results) == 1 and next(iter(results))[0] == "id"
    assert detect_language("The foreign ministers met on the sidelines of the summit in New Delhi.")[0] == "en"
    assert detect_language("1234 !!")[0] is None
