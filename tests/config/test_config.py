import pytest
import yaml

from pantau.config import ConfigError, load_config, parse_config
from support.paths import PROJECT


def test_shipped_config_is_valid_and_covers_required_outlets():
    cfg = load_config(PROJECT / "config.yaml")
    outlets = {s.outlet for s in cfg.sources}
    for o in [
        "Kompas",
        "Liputan6",
        "Detik",
        "Antara",
        "Tempo",
        "CNN Indonesia",
        "Republika",
        "Okezone",
        "CNBC Indonesia",
        "Sindonews",
        "Suara",
        "Tribunnews",
        "Kumparan",
    ]:
        assert o in outlets
    assert cfg.topics[0].name == "g20-russia-ukraine"
    assert all(c.url_env for c in cfg.channels)


def _base():
    return {"sources": [{"name": "a", "url": "https://example.org/rss"}], "topics": [{"name": "t", "path": "seeds/t"}]}


def test_unknown_key_is_named(tmp_path):
    data = _base()
    data["sources"][0]["ulr"] = "typo"
    with pytest.raises(ConfigError) as e:
        parse_config(data, tmp_path)
    assert "sources.0.ulr" in str(e.value) and "unknown key" in str(e.value)


def test_wrong_type_is_named(tmp_path):
    data = _base()
    data["http"] = {"timeout_s": "soon"}
    with pytest.raises(ConfigError) as e:
        parse_config(data, tmp_path)
    assert "http.timeout_s" in str(e.value)


def test_inline_apprise_url_is_refused(tmp_path):
    data = _base()
    data["channels"] = [{"name": "slack", "url": "slack://token"}]
    with pytest.raises(ConfigError) as e:
        parse_config(data, tmp_path)
    assert "channels.0" in str(e.value)
    data["channels"] = [{"name": "slack"}]
    with pytest.raises(ConfigError, match="url_env or url_secret"):
        parse_config(data, tmp_path)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml")
    p = tmp_path / "c.yaml"
    p.write_text("sources: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(p)


def test_relative_sqlite_path_is_next_to_config(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(_base()))
    cfg = load_config(p)
    assert cfg.resolved_storage_url() == f"sqlite:///{(tmp_path / 'data' / 'pantau.db').resolve()}"


def test_duplicate_names_rejected(tmp_path):
    data = _base()
    data["sources"].append(dict(data["sources"][0]))
    with pytest.raises(ConfigError, match="duplicate name"):
        parse_config(data, tmp_path)


def test_a_topic_named_without_a_path_is_the_shipped_seed_of_that_name(tmp_path):
    """`topics: [{name: g20-russia-ukraine}]` in a config of one's own, anywhere: pantau's own topic; a
    local seeds/<name> beside the config wins; an unknown name is named when it is loaded."""
    from pantau.topic import load_topic

    data = {**_base(), "topics": [{"name": "g20-russia-ukraine"}]}
    cfg = parse_config(data, tmp_path)
    shipped = cfg.topic_dir(cfg.topics[0])
    assert (shipped / "topic.yaml").is_file() and load_topic(shipped).name == "g20-russia-ukraine"
    local = tmp_path / "seeds" / "g20-russia-ukraine"
    local.mkdir(parents=True)
    assert cfg.topic_dir(cfg.topics[0]) == local
    other = parse_config({**_base(), "topics": [{"name": "nowhere"}]}, tmp_path)
    assert other.topic_dir(other.topics[0]) == tmp_path / "seeds" / "nowhere"
