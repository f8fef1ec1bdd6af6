"""Fixtures of the SemanticCache tests: each runs on a memory and a SQLite store (the
``store`` and ``clock`` fixtures are tests/unit/conftest.py's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nearcache import ManualClock, SemanticCache
from semantic_support import DIM, TableEmbedder, make_cache


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
