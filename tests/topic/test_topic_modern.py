"""The topic on the 2022–26 news stream: diplomacy about the war versus the war itself, its markets, its
tourists and its side stories — and what `pantau explain` says the article is about.

tests/fixtures/modern-topic.jsonl holds articles written for pantau (see tests/fixtures/README.md), one per
kind; none of them is an exemplar (the exemplars in seeds/ are about other events)."""

import json
import shutil

import pytest
import yaml

from pantau.topic import Matcher, load_topic
from pantau.topic.about import DIPLOMACY
from pantau.topic.evaluate import format_match
from support.paths import FIXTURES, SEEDS

ARTICLES = [json.loads(line) for line in (FIXTURES / "modern-topic.jsonl").read_text(encoding="utf-8").splitlines()]
# what each negative kind is about instead (frames are the topic's off-topic concepts in topic.yaml)
FRAMES = {
    "battlefield": {"militer"},
    "battlefield-condemned": {"militer"},
    "oil-price": {"pasar"},
    "russian-oil-purchase": {"pasar", "perdagangan"},
    "exports-impact": {"perdagangan", "pasar"},
    "bali-tourism-visa": {"wisata & imigrasi"},
    "russia-bali-flights": {"wisata & imigrasi"},
    "russian-election": {"pemilu"},
    "g20-hotel-occupancy": {"penyelenggaraan"},
    "g20-security": {"penyelenggaraan"},
    "sports": {"olahraga"},
}


def test_every_kind_is_covered_with_realistic_articles():
    kinds = {a["id"] for a in ARTICLES}
    assert {"g20-summit", "bilateral-call", "visit", "unga-vote", "peace-talks", "sanctions-decision"} <= kinds
    assert set(FRAMES) <= kinds
    for a in ARTICLES:
        assert 130 <= len(a["text"].split()) <= 300, a["id"]
        assert a["origin"].startswith("written for pantau"), a["id"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_decides_diplomacy_not_the_war(matcher, article):
    m = matcher.score(article["title"], article["text"])
    assert m.relevant == (article["label"] == 1), f"{m.score} {m.reason}"
    if article["label"] == 1:
        assert m.about == DIPLOMACY and m.score >= 0.6, m.reason
    elif article["id"] in FRAMES:
        assert m.about in FRAMES[article["id"]], (m.about, m.about_votes)
        assert m.score < 0.3, m.reason


def test_explain_shows_what_it_is_about_and_why(matcher):
    oil = next(a for a in ARTICLES if a["id"] == "oil-price")
    m = matcher.score(oil["title"], oil["text"])
    out = format_match(oil["title"], m)
    assert "about: pasar" in out and "sentence votes: pasar" in out
    assert "[title] pasar: Harga Minyak Melonjak" in out  # the sentences that voted, with where they stand
    assert "about pasar" in m.reason
    visit = next(a for a in ARTICLES if a["id"] == "visit")
    m = matcher.score(visit["title"], visit["text"])
    assert m.about == DIPLOMACY and m.about_votes[DIPLOMACY] > 0.5
    assert any(s.startswith("[title] diplomacy: Jokowi Tiba di Kyiv") for s in m.about_sentences)
    assert m.to_dict()["about"] == DIPLOMACY


def test_a_cause_or_an_occasion_is_not_the_act(matcher):
    """Words after a setting marker (to the end of the clause) are a cause or a time, not the act."""
    cause = matcher.score("Harga minyak melonjak akibat sanksi terhadap Rusia", "")
    assert "akibat" in cause.concepts["setting"] and "sanksi" in cause.concepts["setting"]
    assert "sanksi" not in cause.concepts["diplomacy"] and not cause.relevant
    act = matcher.score("Uni Eropa jatuhkan sanksi terhadap Rusia", "")
    assert "sanksi" in act.concepts["diplomacy"] and "Rusia" in act.concepts["actor"]
    # the marker reaches to the end of its clause only: after the comma the act counts again
    both = matcher.score("Menjelang KTT G20, Menlu Retno bertemu Lavrov", "")
    assert "pertemuan" in both.concepts["diplomacy"] and "Rusia" in both.concepts["actor"]


def test_what_an_actor_speaks_of_is_not_a_frame_against_it(matcher):
    """After "soal"/"terkait" in a sentence where an actor speaks, off-topic words are its subject."""
    protest = matcher.concept_evidence("Dubes Ukraina kecewa soal usulan cabut visa turis", "")
    assert protest["decided"] == DIPLOMACY and "soal" in protest["found"]["subject"]
    tourists = matcher.concept_evidence("Turis asal Ukraina kecewa soal usulan cabut visa on arrival", "")  # no actor
    assert tourists["decided"] == "wisata & imigrasi"


def test_headline_speaker_must_be_the_actor(matcher):
    """'Rusia: …' is Russia speaking; 'Wamendag: … Rusia …' is a minister talking about Russia."""
    spoken = matcher.concept_evidence("Rusia: Jangan tarik kesimpulan soal serangan", "")
    about = matcher.concept_evidence("Wamendag: Perang Rusia ganggu ekspor", "")
    assert spoken["about"].get(DIPLOMACY, 0) > 0
    assert about["about"].get(DIPLOMACY, 0) == 0 and about["decided"] == "perdagangan"


def test_frames_and_settings_are_the_topics_own_data(tmp_path):
    """A second topic brings its own actors, acts, settings and frames; nothing is G20-specific in code."""
    folder = tmp_path / "banjir"
    shutil.copytree(FIXTURES / "topics" / "kabut-asap" / "exemplars", folder / "exemplars")
    spec = {
        "name": "banjir",
        "threshold": 0.3,
        "concepts": {
            "actor": {"banjir": ["banjir", "bpbd"]},
            "diplomacy": {"penanganan": ["evakuasi", "mengevakuasi", "bantuan", "posko"]},
            "setting": {"sebab": ["akibat", "gara gara"]},
            "offtopic": {"olahraga": ["pertandingan", "liga", "ditunda"]},
        },
    }
    (folder / "topic.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    m = Matcher(load_topic(folder))
    sport = m.score("Pertandingan liga ditunda akibat banjir", "Pertandingan liga pekan ini ditunda akibat banjir.")
    assert sport.about == "olahraga" and "akibat" in sport.concepts["setting"] and not sport.relevant
    relief = m.score("BPBD evakuasi warga korban banjir", "BPBD mengevakuasi ratusan warga dan membuka posko banjir.")
    assert relief.about == DIPLOMACY and relief.relevant
    # the shipped topic's frames do not leak into another topic
    assert "pasar" not in m.topic.concepts["offtopic"]


def test_topic_without_lexicon_has_no_frames():
    m = Matcher(load_topic(FIXTURES / "topics" / "kabut-asap"))
    x = m.score("Kabut asap kebakaran hutan", "Kabut asap dari kebakaran hutan menyelimuti Pekanbaru selama sepekan.")
    assert x.about == "-" and x.about_votes == {}


def test_modern_exemplars_name_their_origin():
    for polarity in ("positive", "negative"):
        files = sorted((SEEDS / "exemplars" / polarity).glob("modern-*.txt"))
        assert len(files) >= 8, polarity
        for f in files:
            assert "\nsource: written for pantau in its own words from public reporting of " in f.read_text("utf-8")


def test_figures_per_kind(matcher):
    from pantau.topic.evaluate import evaluate_by, format_by

    r = evaluate_by(matcher, ARTICLES)
    assert r["tp"] == sum(a["label"] == 1 for a in ARTICLES) and r["fp"] == r["fn"] == 0
    assert r["by"]["diplomacy"]["tp"] == 6 and r["by"]["war-economics"]["tn"] == 3
    table = format_by(r)
    assert "diplomacy" in table and "1.000" in table and "war-economics" in table


def test_modern_cache_joins_pages_and_labels(tmp_path):
    import subprocess
    import sys

    from support.paths import PROJECT

    pages = tmp_path / "pages.jsonl"
    pages.write_text(
        "\n".join(json.dumps({**{k: a[k] for k in ("id", "kind", "title", "text")}, "url": "u"}) for a in ARTICLES[:3]),
        encoding="utf-8",
    )
    labels = tmp_path / "labels.csv"
    labels.write_text(f"id,label,note\n{ARTICLES[0]['id']},1,x\n{ARTICLES[1]['id']},0,y\n", encoding="utf-8")
    out = tmp_path / "cache.jsonl"
    script = PROJECT / "scripts" / "build_modern_cache.py"
    done = subprocess.run([sys.executable, str(script), str(pages), str(labels), "-o", str(out)], capture_output=True)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["label"]) for r in rows] == [(ARTICLES[0]["id"], 1), (ARTICLES[1]["id"], 0)]
    no_pages = [sys.executable, str(script), str(tmp_path / "none.jsonl"), str(labels)]
    missing = subprocess.run(no_pages, capture_output=True)
    assert missing.returncode == 2 and len(missing.stderr.decode().strip().splitlines()) == 1
