"""Processes opening one NEW store at the same moment (the first users of a file, a
PostgreSQL schema, a Redis prefix, a DynamoDB table) all succeed, and nothing is lost.

Each process opens a semantic cache on the store, so the creation of everything a first
user makes is raced: the SQLite file and its WAL switch, the PostgreSQL schema and the
pgvector table and index, the DynamoDB table, the saved index beside a SQLite file. The
processes meet at a barrier; the test does not depend on which one wins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from contract.kits import kind_params, kit_for
from contract.workers import open_together
from helpers import run_together
from nearcache import FunctionEmbedder, SemanticCache

PROCS = 4
DIM = 8


def _unused(texts: list[str]) -> np.ndarray:
    raise AssertionError("the test passes embeddings")


@pytest.mark.parametrize(
    "kind", kind_params(["sqlite", "redis", "postgres", "pgvector", "dynamodb"])
)
def test_processes_creating_one_store_together_all_succeed(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with kit_for(kind, request, tmp_path) as kit:
        results = run_together(open_together, [(kit.url, n, DIM) for n in range(PROCS)])
        assert results == [None] * PROCS
        cache = SemanticCache(
            store=kit.open(), embedder=FunctionEmbedder(_unused, DIM, "together"), judge=None
        )
        try:
            for n in range(PROCS):
                hit = cache.get(f"text {n}", embedding=np.eye(DIM, dtype=np.float32)[n])
                assert hit is not None and hit.response == f"answer {n}", n
            assert cache.check() == []
        finally:
            cache.close()
