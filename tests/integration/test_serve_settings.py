"""``nearcache serve --config FILE``: the settings file is checked by the setting's name,
as the command line is, since the command line's parser never sees its values."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from nearcache.cli.serve import serve
from nearcache.cli.servesettings import read_settings
from nearcache.errors import InvalidInputError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_option_names_are_settings(tmp_path: Path) -> None:
    # "keys named like the long options", but `threshold` and `exact_only` were unknown
    toml = 'upstream = "http://127.0.0.1:9/v1"\nthreshold = 0.8\nexact-only = true\n'
    assert read_settings(write(tmp_path, "a.toml", toml)) == {
        "upstream": "http://127.0.0.1:9/v1",
        "similarity_threshold": 0.8,
        "semantic": False,
    }
    both = {"similarity_threshold": 1, "max-entries": 10, "semantic": True}
    assert read_settings(write(tmp_path, "b.json", json.dumps(both))) == {
        "similarity_threshold": 1,
        "max_entries": 10,
        "semantic": True,
    }


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('share_across_keys = "no"', "share_across_keys must be true or false, not 'no'"),
        ('ttl = "abc"', "ttl must be a number, not 'abc'"),
        ('similarity_threshold = "high"', "similarity_threshold must be a number"),
        ("port = 80.5", "port must be a whole number, not 80.5"),
        ("workers = -1", "workers must be 1 or more, not -1"),
        ("semantic = 1", "semantic must be true or false, not 1"),
        ("threshhold = 0.5", "unknown setting threshhold (did you mean threshold?)"),
        ("port = 8080,", "not valid TOML: "),
    ],
)
def test_a_bad_value_is_refused_by_its_setting_and_file(
    tmp_path: Path, text: str, said: str
) -> None:
    # `share_across_keys = "no"` was taken as yes; `workers = -1` ran; a string where a
    # number belongs failed with "TypeError: '>' not supported ..."; a file that did not
    # parse was reported without its name.
    path = write(tmp_path, "serve.toml", text + "\n")
    with pytest.raises(InvalidInputError) as info:
        read_settings(path)
    assert str(info.value).startswith(f"{path}: ") and said in str(info.value), info.value


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # RedisVL's and LiteLLM's distance: it was hinted as `threshold`, the opposite scale
        # (distance_threshold = 0.1 copied as threshold = 0.1 accepts nearly anything)
        (
            "distance_threshold = 0.1",
            "unknown setting distance_threshold"
            " (did you mean similarity_threshold = 1 - distance_threshold?)",
        ),
        ("score_threshold = 0.8", "(did you mean similarity_threshold?)"),
        # the openai client's and LiteLLM's names had no hint at all
        ('base_url = "http://127.0.0.1:9/v1"', "base_url (did you mean upstream?)"),
        ('api_base = "http://127.0.0.1:9/v1"', "api_base (did you mean upstream?)"),
        ('redis_url = "redis://127.0.0.1:6379/0"', "redis_url (did you mean store?)"),
        ("maxsize = 100", "maxsize (did you mean max_entries?)"),
        (
            'api_base = "http://127.0.0.1:9/v1"\nmaxsize = 100',
            "unknown settings api_base (did you mean upstream?), maxsize (did you mean",
        ),
    ],
)
def test_another_librarys_name_is_hinted_with_the_setting_meant(
    tmp_path: Path, text: str, said: str
) -> None:
    path = write(tmp_path, "serve.toml", text + "\n")
    with pytest.raises(InvalidInputError) as info:
        read_settings(path)
    assert said in str(info.value), info.value
    assert "(did you mean threshold?)" not in str(info.value)


def test_proxy_config_field_names_are_settings(tmp_path: Path) -> None:
    # "or like ProxyConfig's fields": default_ttl (ProxyConfig's name for --ttl) was unknown
    path = write(tmp_path, "serve.toml", "default_ttl = 60\n")
    assert read_settings(path) == {"ttl": 60}


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("serve.yaml", "YAML is not read; settings files are TOML"),
        ("serve.YML", "YAML is not read; settings files are TOML"),
        ("serve.conf", "not valid TOML: "),
    ],
)
def test_a_file_in_another_format_says_which_are_read(tmp_path: Path, name: str, said: str) -> None:
    # A LiteLLM-style config.yaml was parsed as TOML: "not valid TOML: Expected '=' after
    # a key", naming neither the format read nor the one the file is in.
    path = write(tmp_path, name, "port: 8080\nupstream: https://api.example\n")
    with pytest.raises(InvalidInputError) as info:
        read_settings(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and said in text, text
    assert "port = 8080" in text and ".json" in text, text


def test_a_json_file_that_does_not_parse_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "serve.json", '{"upstream": "x",}')
    proc = subprocess.run(
        [sys.executable, "-m", "nearcache", "serve", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"nearcache: error: {path}: not valid JSON: Expecting property name enclosed in "
        "double quotes: line 1 column 18 (char 17)"
    ]


def test_the_threshold_help_states_the_default_serve_uses() -> None:
    from nearcache import SemanticCache
    from nearcache.embedders.default import default_embedder

    hints = typing.get_type_hints(serve, include_extras=True)
    text = hints["similarity_threshold"].__metadata__[0].help
    with SemanticCache(embedder=default_embedder()) as cache:
        assert f"(default: {cache.similarity_threshold})" in text, text


def test_a_relative_client_keys_path_is_read_beside_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it was read from the folder serve was started in: "no such file" from a service
    # manager's working directory, or another file of that name
    from nearcache.proxy import load_client_keys

    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "keys.txt").write_text("sk-client-1 team-a\n", "utf-8")
    path = write(conf, "serve.toml", 'client_keys = "keys.txt"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = read_settings(Path("..") / "conf" / "serve.toml")
    assert Path(settings["client_keys"]).resolve() == (conf / "keys.txt").resolve()
    assert load_client_keys(settings["client_keys"]) is not None
    absolute = write(conf, "abs.json", json.dumps({"client_keys": str(tmp_path / "k")}))
    assert read_settings(absolute)["client_keys"] == str(tmp_path / "k")
    assert path.exists()


@pytest.mark.parametrize(
    ("written", "opened"),
    [
        ("cache.db", "{conf}/cache.db"),
        ("data/cache.db", "{conf}/data/cache.db"),
        ("sqlite:///cache.db?timeout=5", "sqlite:///{conf}/cache.db?timeout=5"),
        ("sqlite:///my%20cache.db", "sqlite:///{conf}/my%20cache.db"),
        ("{tmp}/abs.db", "{tmp}/abs.db"),
        ("sqlite:///{tmp}/abs.db", "sqlite:///{tmp}/abs.db"),
        ("sqlite:///~/c.db", "sqlite:///~/c.db"),
        ("memory://", "memory://"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_a_relative_sqlite_store_is_read_beside_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, opened: str
) -> None:
    # `store = "cache.db"` was opened in the folder serve was started in (a service
    # manager's working directory: a new empty cache), while client_keys was read beside
    # the file
    conf = tmp_path / "conf"
    conf.mkdir()
    write(conf, "serve.json", json.dumps({"store": written.format(tmp=tmp_path)}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = read_settings(Path("..") / "conf" / "serve.json")
    assert settings["store"] == opened.format(conf=conf, tmp=tmp_path)


def test_a_relative_sqlite_store_in_a_settings_file_is_opened_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nearcache.cli.common import open_cli_store

    conf = tmp_path / "conf"
    conf.mkdir()
    write(conf, "serve.toml", 'store = "cache.db"\n')
    monkeypatch.chdir(tmp_path)
    open_cli_store(read_settings(Path("conf/serve.toml"))["store"]).close()
    assert (conf / "cache.db").exists() and not (tmp_path / "cache.db").exists()


def test_a_mistyped_store_url_in_a_settings_file_is_named_with_the_file(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "serve.toml", 'store = "localhost:6379"\n')
    with pytest.raises(InvalidInputError, match=r"serve\.toml: store: .*redis://localhost:6379"):
        read_settings(path)
