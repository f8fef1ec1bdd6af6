"""``--model openai:MODEL`` for a model whose vector size nearcache does not know: the
error said "pass dim=...", a Python argument the command line has not (the docs name
``NEARCACHE_EMBEDDING_DIM``), and ``NEARCACHE_EMBEDDING_DIM=abc`` printed int()'s raw
"ValueError: invalid literal for int() with base 10"."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import assert_one_line_error, nc

BASE = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}  # nothing is sent: refused before


def test_an_unknown_size_names_the_variable_to_set(tmp_path: Path) -> None:
    proc = nc(
        "search", "hi", "--store", f"sqlite:///{tmp_path}/s.db", model="openai:local-e5", env=BASE
    )
    assert_one_line_error(proc, "--model openai:local-e5", "set NEARCACHE_EMBEDDING_DIM")


@pytest.mark.parametrize("value", ["abc", "0", "-3", "7.5"])
def test_a_bad_size_is_one_line_naming_the_variable(tmp_path: Path, value: str) -> None:
    env = {**BASE, "NEARCACHE_EMBEDDING_DIM": value}
    proc = nc(
        "search", "hi", "--store", f"sqlite:///{tmp_path}/s.db", model="openai:local-e5", env=env
    )
    assert_one_line_error(proc, "NEARCACHE_EMBEDDING_DIM must be", repr(value))
    assert "ValueError" not in proc.stderr
