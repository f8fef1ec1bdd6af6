"""SemanticCache under threads: namespaces kept apart, no lock held while embedding."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import hash_vector, run_threads
from nearcache import MemoryStore, SemanticCache
from semantic_support import DIM, TableEmbedder


@pytest.mark.parametrize("backend", ["exact", "hnsw", "hnsw:usearch"])
def test_eight_threads_keep_namespaces_apart(tmp_path: Path, backend: str) -> None:
    """With usearch, deletes among puts from eight threads once froze the process inside
    usearch's own removal (it is no longer called: removed rows are marked)."""
    if backend == "hnsw:usearch":
        pytest.importorskip("usearch")
    emb = TableEmbedder(DIM)
    cache = SemanticCache(
        tmp_path / "t.db",
        emb,
        index_backend=backend.split(":")[0],
        index_options={"engine": backend.split(":")[1]} if ":" in backend else None,
        similarity_threshold=-1.0,
        judge=None,
    )
    errors: list[BaseException] = []
    for t in range(4):  # one permanent entry each, so a hit is always possible
        cache.put("seed", f"tenant-{t}:seed", namespace=f"tenant-{t}")

    def worker(w: int) -> None:
        ns = f"tenant-{w % 4}"
        try:
            for i in range(40):
                cache.put(f"shared prompt {i % 7}", f"{ns}:{i % 7}", namespace=ns)
                hit = cache.get(f"shared prompt {(i * 3) % 7} extra", namespace=ns)
                assert hit is not None and hit.response.startswith(ns + ":"), hit
                if i % 9 == 0:
                    cache.delete(f"shared prompt {i % 7}", namespace=ns)
        except BaseException as exc:
            errors.append(exc)

    run_threads(worker, 8)
    assert errors == []
    assert cache.check() == []
    cache.close()


def test_no_lock_is_held_while_embedding(tmp_path: Path) -> None:
    release = threading.Event()
    entered = threading.Event()

    class Slow(TableEmbedder):
        def embed(self, texts: Any) -> np.ndarray:
            if texts == ["slow query"]:
                entered.set()
                assert release.wait(10)
            return super().embed(texts)

    cache = SemanticCache(store=MemoryStore(), embedder=Slow(DIM), judge=None)
    cache.put("seed", "s")
    t = threading.Thread(target=cache.get, args=("slow query",))
    t.start()
    assert entered.wait(10)
    # While the embedder is blocked, every other operation proceeds.
    cache.put("other", "o", embedding=hash_vector("other", DIM))
    assert cache.get("other") is not None
    assert cache.delete("seed")
    assert cache.stats().entries == 1
    release.set()
    t.join(10)
    assert not t.is_alive()
    assert cache.check() == []
    cache.close()
