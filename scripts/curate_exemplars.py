"""Build the starter exemplars of seeds/g20-russia-ukraine from the shared dev set (run once; the
result is committed). Usage: python scripts/curate_exemplars.py [SHARED_DIR]

The rule, so that it can be checked and repeated:
  * only the training half of dev: items for which ``held_aside(id)`` is False (the other half is
    kept for measuring; its ids are written to scripts/dev-held-aside.txt);
  * only text we may copy: CLICK-ID (2018–2019 items) and the Indonesian News Corpus 2015, both
    CC BY 4.0 — never the June 2025 scrape, which has no licence;
  * only Indonesian text (langdetect, seeded);
  * positive: label 1; negative: label 0 where the lexicon finds a topic actor (the hard cases:
    Russia as a sports nation, a market, an industry, a place, a backdrop).
Each file carries its origin on its ``source:`` line (URL, dataset, licence, dev id, outlet).
"""

import json
import sys
from pathlib import Path

from pantau.extract.language import detect_language
from pantau.topic import Matcher, load_topic
from pantau.topic.evaluate import held_aside, read_labeled
from pantau.topic.exemplars import folder, render, slug

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
ROOT = Path(__file__).resolve().parent.parent
TOPIC = ROOT / "seeds" / "g20-russia-ukraine"
DATASETS = {"2015": "Indonesian News Corpus 2015", "2018": "CLICK-ID", "2019": "CLICK-ID"}


def main() -> None:
    items = read_labeled(SHARED / "corpus" / "articles" / "topic-dev.jsonl")
    (ROOT / "scripts" / "dev-held-aside.txt").write_text(
        "# dev items kept aside for measuring (pantau.topic.evaluate.held_aside): "
        "never exemplars, never tuned on\n" + "".join(f"{i['id']}\n" for i in items if held_aside(i["id"])),
        encoding="utf-8",
    )
    matcher = Matcher(load_topic(TOPIC))
    written = {"positive": 0, "negative": 0}
    for i in items:
        dataset = DATASETS.get(i.get("date", "")[:4])
        if held_aside(i["id"]) or dataset is None or i["label"] == 2:
            continue
        if detect_language(f"{i['title']}\n{i['text']}")[0] != "id":
            continue
        actor = matcher.concept_evidence(i["title"], i["text"])["mass"]["actor"] > 0
        polarity = "positive" if i["label"] == 1 else "negative" if actor else None
        if polarity is None:
            continue
        meta = {"source": f"{i['url']} ({dataset}, CC BY 4.0, id {i['id']}, {i['outlet']})", "date": i["date"]}
        d = folder(TOPIC, polarity)
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{slug(i['title'], 40)}-{i['id'][:8]}.txt").write_text(
            render(i["title"], i["text"], meta), encoding="utf-8"
        )
        written[polarity] += 1
    print(json.dumps(written))


main()
