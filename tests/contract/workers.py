"""Functions run in spawned child processes by the contract suite (importable by name)."""

from __future__ import annotations

from typing import Any

from nearcache.keys import content_hash
from nearcache.stores.protocol import Item
from nearcache.stores.url import open_store


def key(i: int) -> str:
    return content_hash(f"k{i}")


def add_race(url: str, table: str, namespace: str, n: int, conn: Any) -> None:
    """Try to ``add`` keys 0..n-1; report how many this process inserted."""
    store = open_store(url)
    won = 0
    try:
        for i in range(n):
            if store.add(table, namespace, Item(key(i), b"v%d" % i), now=1000.0):
                won += 1
    finally:
        store.close()
    conn.send(won)
    conn.close()


def writer(url: str, table: str, namespace: str, n: int, conn: Any) -> None:
    """Write ``n`` single-record batches and one delete; report each acked version."""
    store = open_store(url)
    acked: list[tuple[int, str]] = []
    try:
        for i in range(n):
            v = store.put_many(table, namespace, [Item(key(i), b"w%d" % i)], now=1000.0 + i)
            acked.append((v, key(i)))
        store.delete_many(table, namespace, [key(0)])
    finally:
        store.close()
    conn.send(acked)
    conn.close()


def open_together(url: str, n: int, dim: int, barrier: Any, queue: Any) -> None:
    """Open a semantic cache on ``url`` (new data) at the same moment as the others, put
    ``text {n}`` at the ``n``-th unit vector and close; report ``None`` or the error."""
    import numpy as np

    from nearcache import FunctionEmbedder, SemanticCache

    def unused(texts: list[str]) -> Any:
        raise AssertionError("the worker passes embeddings")

    barrier.wait(timeout=300)
    try:
        store = open_store(url)
        cache = SemanticCache(
            store=store, embedder=FunctionEmbedder(unused, dim, "together"), judge=None
        )
        try:
            cache.put(f"text {n}", f"answer {n}", embedding=np.eye(dim, dtype=np.float32)[n])
        finally:
            cache.close()
            store.close()
        queue.put(None)
    except Exception as exc:  # reported to the test, which asserts there was none
        queue.put(f"worker {n}: {exc!r}")
