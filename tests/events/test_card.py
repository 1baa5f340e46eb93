"""The event card on articles written for pantau (tests/fixtures/events/written-articles.yaml), its
explanation, the gazetteer's own consistency, and the measuring script."""

from __future__ import annotations

import importlib.util
from datetime import date

import pytest
import yaml

from pantau.events import extract
from pantau.events.gazetteer import gazetteer
from support.paths import FIXTURES, PROJECT

ARTICLES = yaml.safe_load((FIXTURES / "events" / "written-articles.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", ARTICLES, ids=[a["name"] for a in ARTICLES])
def test_card_fields(item):
    card = extract(item["title"], item["text"], item["date"])
    got, want = card.values(), item["expect"]
    for name in ("what", "forum", "where"):
        assert got[name] == want[name], name
    assert got["when"] == (str(want["when"]) if want["when"] else None)
    assert got["who"] == want["who"]
    if "who_shown" in want:
        assert [p.shown for p in card.who] == want["who_shown"]


def test_each_field_names_its_sentence_and_explain_shows_it():
    item = ARTICLES[0]
    card = extract(item["title"], item["text"], item["date"])
    assert card.when is not None and "(30/3)" in card.when.sentence
    assert card.when.shown == "Kamis 30 Mar 2023"
    lines = card.explain()
    assert lines[0].startswith("event: called · Menlu RI Retno Marsudi, Menlu Ukraina Dmytro Kuleba · phone call")
    assert any(line.startswith("  when: Kamis 30 Mar 2023  ← “Menteri Luar Negeri") for line in lines)
    # the date Retno was quoted on (Jumat 31/3) is not the call's
    assert all("31 Mar" not in line for line in lines)


def test_an_article_with_nothing_to_card():
    card = extract("Harga cabai naik", "Harga cabai rawit di Pasar Minggu naik menjadi Rp80.000 per kilogram.")
    assert not card and card.explain() == ["event: nothing the rules are sure of"] and card.line() == ""


def test_a_date_without_a_year_is_the_latest_one_not_after_the_article():
    text = "Presiden Joko Widodo bertemu Presiden Vladimir Putin di Moskow, Kamis (29/12)."
    assert extract("", text, date(2023, 1, 2)).values()["when"] == "2022-12-29"
    assert extract("", text, None).values()["when"] is None  # no year to resolve it with


def test_gazetteer_posts_are_ordered_and_no_alias_names_two_people():
    gz = gazetteer()
    owner: dict[str, str] = {}
    for p in gz.people:
        for a in p.aliases:
            assert owner.setdefault(a, p.name) == p.name, f"{a!r}: {owner[a]} and {p.name}"
        for post in p.posts:
            assert post.state in gz.states, f"{p.name}: unknown state {post.state!r}"
            assert post.until is None or post.start <= post.until
    assert {v.city for v in gz.venues} <= set(gz.cities)


def _eval_script():
    spec = importlib.util.spec_from_file_location("eval_events", PROJECT / "scripts" / "eval_events.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_eval_script_scores_and_skips_without_the_local_texts(tmp_path, capsys):
    mod = _eval_script()
    gold = {"who": ["A", "B"], "where": "Bali", "forum": None, "when": "2022-11-16", "what": "met"}
    got = {"who": ["A", "C"], "where": "Jakarta", "forum": "UNGA", "when": None, "what": "met"}
    r = mod.score([(got, gold)])
    assert (r["who"]["tp"], r["who"]["fp"], r["who"]["fn"]) == (1, 1, 1)
    assert (r["where"]["tp"], r["where"]["fp"], r["where"]["fn"]) == (0, 1, 1)
    assert (r["forum"]["fp"], r["forum"]["fn"], r["when"]["fn"]) == (1, 0, 1)
    assert r["what"]["precision"] == 1.0 and r["when"]["precision"] == 1.0  # nothing claimed: nothing wrong
    assert mod.main([str(tmp_path / "absent.jsonl")]) == 0
    assert "not found: event cards not measured" in capsys.readouterr().out


def test_a_post_named_without_its_holder_is_the_holder_on_that_day():
    text = "Presiden Ukraina Volodymyr Zelensky bertemu Menlu RI di Kyiv, Senin (3/3/2025)."
    assert extract("", text, "2025-03-04").values()["who"] == ["Volodymyr Zelensky", "Sugiono"]
    assert extract("", text, "2022-03-04").values()["who"] == ["Volodymyr Zelensky", "Retno Marsudi"]
    # not a deputy, not the president-elect, not when a name the gazetteer does not know follows
    assert extract("", "Wakil Menlu Rusia bertemu Menlu RI di Moskow.", "2025-03-04").values()["who"] == ["Sugiono"]
    elect = "Menhan dan Presiden Indonesia terpilih Prabowo Subianto bertemu Putin di Moskow, Rabu (31/7/2024)."
    assert extract("", elect, "2024-08-01").values()["who"] == ["Prabowo Subianto", "Vladimir Putin"]
    unknown = "Menlu RI Budi Santoso bertemu Menlu Rusia di Moskow."
    assert extract("", unknown, "2025-03-04").values()["who"] == ["Sergey Lavrov"]


def test_a_side_event_recounted_later_in_the_lead_is_not_the_event():
    text = (
        "Menlu Retno Marsudi memberikan laporan kepada Komisi I DPR di Jakarta. "
        "Bahkan, Retno menemui Menlu Rusia Sergei Lavrov di Tunxi."
    )
    assert not extract("", text, "2022-04-06").what


def test_without_the_article_date_a_person_with_several_posts_is_named_without_one():
    card = extract("", "Prabowo Subianto bertemu Sergey Lavrov di Moskow.", None)
    assert [p.shown for p in card.who] == ["Prabowo Subianto", "Menlu Rusia Sergey Lavrov"]


def test_visiting_a_person_is_meeting_them_visiting_a_city_is_a_visit():
    met = "Sekretaris Dewan Keamanan Rusia Sergei Shoigu mengunjungi Presiden Prabowo di Istana Merdeka, Jakarta."
    assert extract("", met, "2025-02-25").values()["what"] == "met"
    went = "Presiden Prabowo Subianto mengunjungi Moskow, Selasa (30/7/2024)."
    assert extract("", went, "2024-07-31").values()["what"] == "visited"
