"""The first hour of a new user: where pantau looks for its config and data, `pantau init`, one-line
errors for every expected mistake, clean alert excerpts, and a wheel that carries what it needs."""

import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
import yaml

from pantau.alerts import excerpt_of
from pantau.cli import main as cli
from pantau.config import load_config
from pantau.connectors.net.failures import connect_error
from pantau.paths import default_config, find_config, seeds_dir
from support.paths import PROJECT

PANTAU = str(Path(sys.executable).with_name("pantau"))


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """An empty working folder with no config.yaml, and a data home of its own."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("PANTAU_CONFIG", raising=False)
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    return work


def test_without_a_config_file_the_packaged_one_is_used_and_data_goes_to_the_data_home(elsewhere, tmp_path):
    path, packaged = find_config()
    assert packaged and path == default_config()
    cfg = load_config()
    assert cfg.topic_dir(cfg.topics[0]) == seeds_dir() / "g20-russia-ukraine"
    assert (cfg.topic_dir(cfg.topics[0]) / "topic.yaml").is_file()
    url = cfg.resolved_storage_url()
    assert url == f"sqlite:///{tmp_path / 'home' / 'data' / 'pantau.db'}"
    assert (tmp_path / "home" / "data").is_dir() and not any(elsewhere.iterdir())


def test_a_config_in_the_working_folder_wins(elsewhere):
    (elsewhere / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "sources": [{"name": "mine", "url": "https://example.org/rss"}],
                "topics": [{"name": "g20-russia-ukraine", "path": "seeds/g20-russia-ukraine"}],
            }
        )
    )
    cfg = load_config()
    assert [s.name for s in cfg.sources] == ["mine"]
    assert cfg.topic_dir(cfg.topics[0]) == seeds_dir() / "g20-russia-ukraine"  # not copied: the shipped one
    assert cfg.resolved_storage_url() == f"sqlite:///{elsewhere / 'data' / 'pantau.db'}"


def test_init_writes_a_config_and_a_topic_to_edit(elsewhere, capsys):
    assert cli(["init", "desk"]) == 0
    desk = elsewhere / "desk"
    assert (desk / "config.yaml").read_text() == default_config().read_text()
    topic = desk / "seeds" / "g20-russia-ukraine"
    assert (topic / "topic.yaml").is_file() and list((topic / "exemplars" / "positive").glob("*.txt"))
    cfg = load_config(desk / "config.yaml")
    assert cfg.topic_dir(cfg.topics[0]) == topic  # the user's copy, not the shipped one
    (desk / "config.yaml").write_text("# edited\n" + (desk / "config.yaml").read_text())
    capsys.readouterr()
    assert cli(["init", "desk"]) == 0
    assert "exists; left as it is" in capsys.readouterr().out
    assert (desk / "config.yaml").read_text().startswith("# edited")


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "cannot read config (No such file or directory)"),
        ("sources: [\n", "not valid YAML (line 2, column 1)"),
        ("sources: []\ntopics: [{name: t, path: nowhere}]\n", "topics.t: "),
        (
            "sources: []\ntopics: []\nstorage_url: 'postgresql+nosuchdriver://x/y'\n",
            "storage_url: cannot open the store",
        ),
        ("sources: []\ntopics: []\nstorage_url: 'sqlite:////proc/no/such/dir/p.db'\n", "storage_url: cannot open"),
    ],
)
def test_every_config_mistake_is_one_line_and_exit_2(tmp_path, capsys, content, expected):
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content)
    for command in (["run"], ["outbox"], ["explain", str(path)]):
        assert cli([*command, "--config", str(path)]) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) <= 3, err


def test_a_missing_file_for_extract_is_one_line(tmp_path, capsys):
    assert cli(["extract", str(tmp_path / "nope.html"), "--config", str(PROJECT / "config.yaml")]) == 2
    assert (
        capsys.readouterr().err.strip() == f"pantau extract: {tmp_path / 'nope.html'}: cannot read "
        "(No such file or directory)"
    )


def test_the_installed_command_prints_no_traceback_for_a_bad_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("sources: []\ntopics: []\nchanels: []\n")
    r = subprocess.run([PANTAU, "run", "--config", str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "chanels: unknown key" in r.stderr and "Traceback" not in r.stderr + r.stdout


def _cause(exc, cause):
    try:
        raise exc from cause
    except type(exc) as e:
        return e


def test_connection_failures_read_as_one_plain_line():
    dns = connect_error(
        _cause(
            httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
            socket.gaierror(-3, "Temporary failure in name resolution"),
        ),
        "https://www.kompas.com/rss",
    )
    assert str(dns) == "DNS lookup failed for www.kompas.com" and dns.network and not dns.transient
    refused = connect_error(
        _cause(httpx.ConnectError("All connection attempts failed"), ConnectionRefusedError(111, "Connection refused")),
        "http://127.0.0.1:9/x",
    )
    assert str(refused) == "connection refused by 127.0.0.1" and refused.network and refused.transient


@pytest.mark.parametrize(
    "text, start",
    [
        (", - Menteri Luar Negeri Rusia Sergei Lavrov bertemu", "Menteri Luar Negeri"),
        ("  —  «Rusia» menolak", "Rusia» menolak"),
        ("Putin bertemu Erdogan.", "Putin bertemu Erdogan."),
    ],
)
def test_alert_excerpts_start_at_a_word(text, start):
    assert excerpt_of(text).startswith(start)


def test_excerpts_are_cut_at_a_word():
    text = "kata " * 100
    out = excerpt_of(text, limit=42)
    assert out.endswith(" …") and len(out) <= 44 and out[:-2].split(" ")[-1] == "kata"


def test_the_wheel_carries_seeds_default_config_templates_and_demo_site(tmp_path):
    """A plain (non-editable) build holds everything `pantau demo/run/evaluate/explain` read."""
    src = tmp_path / "src"  # a copy: an in-tree build/ would outlive the test
    skip = shutil.ignore_patterns("*.egg-info", "__pycache__", ".pytest_cache")
    shutil.copytree(
        PROJECT,
        src,
        ignore=lambda d, names: (
            set(skip(d, names)) | ({".venv", "data", "build", ".git"} & set(names) if Path(d) == PROJECT else set())
        ),
    )
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Warning" not in r.stderr, r.stderr[-2000:]
    (wheel,) = tmp_path.glob("pantau-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    manifest = json.loads((PROJECT / "src" / "pantau" / "demo" / "replay" / "manifest.json").read_text())
    needed = {
        "pantau/seeds/g20-russia-ukraine/topic.yaml",
        "pantau/defaults/config.yaml",
        "pantau/logging.yaml",
        "pantau/templates/markdown.j2",
        "pantau/data/idf.json.gz",
        "pantau/demo/replay/manifest.json",
        "pantau/flows/ingest.py",
        "pantau/connectors/sources/rss.py",
    }
    needed |= {
        f"pantau/seeds/{p.relative_to(PROJECT / 'seeds')}" for p in (PROJECT / "seeds").rglob("*") if p.is_file()
    }
    needed |= {f"pantau/demo/replay/{m['path']}" for m in manifest}
    assert needed <= names, sorted(needed - names)
    assert not any(n.startswith(("flows/", "connectors/", "seeds/")) for n in names)  # nothing top-level
    with zipfile.ZipFile(wheel) as z:
        assert z.read("pantau/defaults/config.yaml") == (PROJECT / "config.yaml").read_bytes()


def test_prefect_home_is_created_by_pantau(tmp_path, monkeypatch):
    from pantau.prefect_env import prepare

    home = tmp_path / "not" / "yet" / "prefect"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    prepare()
    assert home.is_dir()
    assert os.environ["PREFECT_LOGGING_CONFIG_PATH"].endswith("logging.yaml")
