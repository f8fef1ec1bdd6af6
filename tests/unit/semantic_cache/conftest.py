"""Fixtures of the SemanticCache tests: each runs on a memory and a SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nearcache import ManualClock, MemoryStore, SemanticCache, SQLiteStore
from semantic_support import DIM, TableEmbedder, make_cache


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield s
    s.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000_000.0)


@pytest.fixture
def emb() -> TableEmbedder:
    return TableEmbedder(DIM)


@pytest.fixture
def cache(store: Any, emb: TableEmbedder, clock: ManualClock) -> Iterator[SemanticCache]:
    c = make_cache(store, emb, clock)
    yield c
    if not c.closed:
        assert c.check() == []
        c.close()
