"""A SQLite store URL or path starting with ``~`` is in the home folder: ``--store
sqlite:///~/nc.db`` (or ``NEARCACHE_STORE=~/nc.db`` in a service's environment file, where
no shell expands it) made a folder literally named ``~`` in the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache import EmbeddingCache, open_store
from nearcache.cli.runner import run
from nearcache.stores.url import parse_store_url


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return folder


def test_a_leading_tilde_is_the_home_folder(home: Path) -> None:
    assert parse_store_url("sqlite:///~/a.db?timeout=2") == (
        "sqlite",
        f"{home}/a.db",
        {"timeout": 2.0},
    )
    assert parse_store_url("~/b.db")[1] == f"{home}/b.db"
    assert parse_store_url("sqlite:///a~b.db")[1] == "a~b.db"  # only a leading one
    with open_store("sqlite:///~/c.db") as store:
        assert store.get_meta("x") is None
    assert (home / "c.db").is_file()
    assert list(Path.cwd().iterdir()) == []


def test_the_cli_store_option_reads_a_leading_tilde(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = home / "pairs.jsonl"
    pairs.write_text('{"a": "a cat", "b": "a cat", "same": true}\n')
    argv = ["calibrate", str(pairs), "--model", "hash-test", "--quiet", "--json"]
    assert run([*argv, "--store", "sqlite:///~/nc/cli.db"]) == 0, capsys.readouterr().err
    assert (home / "nc" / "cli.db").is_file()
    assert run(["stats", "--store", "~/nc/cli.db"]) == 0
    assert f"sqlite:///{home}/nc/cli.db" in capsys.readouterr().out
    assert list(Path.cwd().iterdir()) == []


def test_a_cache_path_with_a_leading_tilde_is_in_the_home_folder(home: Path) -> None:
    EmbeddingCache(path="~/e.db").close()
    assert (home / "e.db").is_file()
    assert list(Path.cwd().iterdir()) == []
