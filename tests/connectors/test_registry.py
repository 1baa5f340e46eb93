"""One registry ties a source kind to its connector: every kind of config.yaml's schema has a module in
connectors/sources/ (found by name), every module there is a kind, and each kind is documented."""

from pantau.config import Source
from pantau.connectors import sources
from pantau.source_kinds import SOURCE_KINDS
from support.paths import PROJECT


def test_every_kind_has_its_connector_and_every_connector_a_kind():
    assert set(sources.CONNECTORS) == set(SOURCE_KINDS)
    for kind, discover in sources.CONNECTORS.items():
        assert discover.__module__ == f"pantau.connectors.sources.{kind}"


def test_every_kind_is_documented_where_a_newcomer_looks():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = sources.__doc__ or ""
    for kind in SOURCE_KINDS:
        assert f"``{kind}.py``" in table, kind
        assert f"`{kind}`" in readme, kind


def test_an_unknown_kind_is_refused_by_name():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'atom' is not a source kind: rss, sitemap"):
        Source(name="x", kind="atom", url="https://example.org/feed")
    assert Source(name="g", kind="gdelt").url == SOURCE_KINDS["gdelt"].endpoint
