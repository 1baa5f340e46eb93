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
