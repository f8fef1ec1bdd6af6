"""``nearcache embed --model openai:MODEL`` and the model's window. The count of chunks
past the window read ``max_length`` / ``max_seq_length`` only, and the command line had no
way to give an API model's window: a local server that cuts long inputs silently (Ollama
does) had its chunks embedded in part without a word."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import assert_one_line_error, make_corpus, nc
from proxy_support import Upstream, upstream_server


@pytest.fixture(scope="module")
def server() -> Iterator[Upstream]:
    with upstream_server() as up:
        yield up


def _embed(server: Upstream, tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        make_corpus(corpus, paragraphs=30)
    proc = nc(
        "embed",
        str(corpus),
        "--store",
        f"sqlite:///{tmp_path / 'store.db'}",
        *args,
        model="openai:local-e5",
        env={"OPENAI_BASE_URL": server.url, "NEARCACHE_EMBEDDING_DIM": "8", **env},
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_a_given_window_counts_the_chunks_that_may_pass_it(
    server: Upstream, tmp_path: Path
) -> None:
    status, out, err = _embed(
        server, tmp_path, "--chunk-size", "3000", "--json", NEARCACHE_EMBEDDING_MAX_TOKENS="512"
    )
    assert status == 0, err
    data = json.loads(out)
    assert data["window"] == 512 and data["window_exact"] is False
    assert 0 < data["truncated"] <= data["embedded"]
    status, out, err = _embed(
        server, tmp_path, "--chunk-size", "2500", NEARCACHE_EMBEDDING_MAX_TOKENS="512"
    )
    assert status == 0, err
    [line] = [x for x in err.splitlines() if "window" in x]
    assert line.startswith("warning: ") and "may be longer than the model's window" in line
    assert "(512 tokens, counted without its tokenizer)" in line
    status, out, err = _embed(server, tmp_path, "--json", NEARCACHE_EMBEDDING_MAX_TOKENS="512")
    assert status == 0 and json.loads(out)["truncated"] == 0, err  # ~175 tokens a chunk


def test_an_unknown_window_says_how_to_give_it(server: Upstream, tmp_path: Path) -> None:
    status, _, err = _embed(server, tmp_path, "--chunk-size", "3000")
    assert status == 0, err
    [line] = [x for x in err.splitlines() if "window" in x]
    assert line.startswith("note: ") and "NEARCACHE_EMBEDDING_MAX_TOKENS" in line
    status, _, err = _embed(server, tmp_path)  # the default --chunk-size: nothing to say
    assert status == 0 and "window" not in err, err


@pytest.mark.parametrize("value", ["abc", "0"])
def test_a_bad_window_is_one_line_naming_the_variable(
    server: Upstream, tmp_path: Path, value: str
) -> None:
    proc = nc(
        "search",
        "hi",
        "--store",
        f"sqlite:///{tmp_path}/s.db",
        model="openai:local-e5",
        env={
            "OPENAI_BASE_URL": server.url,
            "NEARCACHE_EMBEDDING_DIM": "8",
            "NEARCACHE_EMBEDDING_MAX_TOKENS": value,
        },
    )
    assert_one_line_error(proc, "NEARCACHE_EMBEDDING_MAX_TOKENS must be", repr(value))
