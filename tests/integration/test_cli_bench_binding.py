"""``nearcache bench`` on a store without semantic entries leaves it free for any
embedder: its semantic rows bound the store to the bench's 384-d embedder, so the
application's first semantic cache on it (another dimension) was refused with "the store
holds 384-d entries, the embedder makes 8-d vectors" while it held none."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import eight_d_embedder
from nearcache import SemanticCache, open_store
from nearcache.cli.runner import run


def test_bench_leaves_a_store_without_semantic_entries_unbound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "b.db"
    assert run(["bench", "--store", str(db), "--n", "10", "--repeat", "1", "--json"]) == 0
    assert '"semantic.put"' in capsys.readouterr().out  # the semantic cache was timed
    with (
        open_store(f"sqlite:///{db}") as store,
        SemanticCache(store=store, embedder=eight_d_embedder()) as c,
    ):
        c.put("what is the capital of France", "Paris")
        hit = c.get("what is the capital of France")
        assert hit is not None and hit.response == "Paris"


def test_bench_keeps_the_binding_of_a_store_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "b.db"
    with (
        open_store(f"sqlite:///{db}") as store,
        SemanticCache(store=store, embedder=eight_d_embedder()) as c,
    ):
        c.put("what is the capital of France", "Paris")
    assert run(["bench", "--store", str(db), "--n", "10", "--repeat", "1", "--json"]) == 0
    assert "semantic cache not timed" in capsys.readouterr().err  # 8-d entries: not its own
    with (
        open_store(f"sqlite:///{db}") as store,
        SemanticCache(store=store, embedder=eight_d_embedder()) as c,
    ):
        assert c.get("what is the capital of France") is not None
