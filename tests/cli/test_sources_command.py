"""`pantau sources` (issue 18, defect 6): each source's health from the store as an aligned table, the
line that matters last, exit 1 when a source needs attention."""

from datetime import timedelta

import yaml

from pantau.cli import main as cli
from pantau.clock import utcnow
from pantau.models import FeedResult
from pantau.store import Store
from support.paths import SEEDS


def setup(tmp_path, failing_since_h: float | None):
    db = tmp_path / "p.db"
    cfg = {
        "storage_url": f"sqlite:///{db}",
        "sources": [
            {"name": "antara", "url": "https://example.org/antara.xml"},
            {"name": "kompas", "url": "https://example.org/kompas.xml"},
            {"name": "tempo", "url": "https://example.org/tempo.xml"},
        ],
        "topics": [{"name": "g20-russia-ukraine", "path": str(SEEDS)}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    store = Store(cfg["storage_url"])
    now = utcnow()
    err = "HTTP 500" if failing_since_h is not None else None
    results = [
        FeedResult("antara", "https://example.org/antara.xml"),
        FeedResult("kompas", "https://example.org/kompas.xml", error=err),
    ]
    for r in results:
        store.feeds.save(r)
    store.health.record(results, {"antara": 14}, now - timedelta(hours=failing_since_h or 0))
    store.health.record(results, {"antara": 0}, now)
    return path


def test_the_table_and_the_verdict_last(tmp_path, capsys):
    path = setup(tmp_path, failing_since_h=30)
    assert cli(["sources", "--config", str(path)]) == 1
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert lines[0].split()[:3] == ["source", "last", "success"]
    table = lines[1:3]
    assert [r.split()[0] for r in table] == ["antara", "kompas"]  # the failing one last
    assert "2.0" in table[0] and len({len(x) for x in lines[:3]}) == 1  # 14 new links over 7 days; aligned
    assert lines[-1].startswith("1 source problem: source kompas has failed on every run since 30 h ago")
    assert lines[-1].endswith("not read yet: tempo")


def test_healthy(tmp_path, capsys):
    path = setup(tmp_path, failing_since_h=None)
    (tmp_path / "config.yaml").write_text(
        (tmp_path / "config.yaml").read_text().replace("- name: tempo\n  url: https://example.org/tempo.xml\n", "")
    )
    assert cli(["sources", "--config", str(path)]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "all 2 sources healthy"
