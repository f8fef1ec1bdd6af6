"""Embedders, vectors and spawn-child workers for the semantic cache tests.

A spawn child's target must live in a module the child can import by the same name:
under ``--import-mode=importlib`` a test module is ``tests.x.test_y``, which a child
imports only when the repository root is on its path (``python -m pytest`` from the
root, not the ``pytest`` script), so targets live here, on the path conftest sets.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

from helpers import hash_vector

if TYPE_CHECKING:
    from nearcache import SemanticCache

DIM = 16


def text_vector(text: str, dim: int = 16) -> np.ndarray:
    """A random unit vector seeded by ``text``: distinct texts get unrelated vectors."""
    from nearcache.keys import digest_bytes

    seed = int.from_bytes(digest_bytes(text.encode("utf-8"))[:8], "little")
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def angled(degrees: float, dim: int = 16, axis: int = 1) -> np.ndarray:
    """A unit vector at ``degrees`` from e0 (towards e_axis): cosine to e0 = cos(angle)."""
    v = np.zeros(dim, dtype=np.float32)
    rad = math.radians(degrees)
    v[0] = math.cos(rad)
    v[axis] = math.sin(rad)
    return v


class TableEmbedder:
    """Vectors from a table (texts are looked up as given), else a hashed bag of words.

    Counts every text it embeds; ``fail`` makes it raise; ``bad`` makes it return NaN.
    """

    provider = "test"
    kind = "dense"

    def __init__(
        self,
        dim: int = 16,
        table: dict[str, Any] | None = None,
        *,
        name: str = "table",
        fail: bool = False,
    ) -> None:
        self.dim = dim
        self.model = name
        self.fingerprint = f"test/{name}@1;dim={dim}"
        self.table = dict(table or {})
        self.fail = fail
        self.bad = False
        self.calls: list[list[str]] = []
        self._lock = threading.Lock()

    def vector(self, text: str) -> np.ndarray:
        if text in self.table:
            return np.asarray(self.table[text], dtype=np.float32)
        return hash_vector(text, self.dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.calls.append(list(texts))
        if self.fail:
            raise RuntimeError("embedder is down")
        out = np.stack([self.vector(t) for t in texts])
        if self.bad:
            out[:, 0] = np.nan
        return out

    @property
    def seen(self) -> list[str]:
        with self._lock:
            return [t for call in self.calls for t in call]


def make_cache(store: Any, emb: Any, clock: Any, **kw: Any) -> SemanticCache:
    """A ``SemanticCache`` on ``store`` with no judge, so decisions are the threshold's."""
    from nearcache import SemanticCache

    return SemanticCache(store=store, embedder=emb, clock=clock, **kw, judge=None)


class AsyncTableEmbedder(TableEmbedder):
    async def embed(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[override]
        import asyncio

        await asyncio.sleep(0)
        return TableEmbedder.embed(self, texts)


def put_and_close(db: Any, tab: dict[str, np.ndarray], dim: int = 16) -> None:
    """A SQLite-backed cache at ``db`` holding each text of ``tab`` (as its own answer),
    closed: its index is saved beside it, for tests of a reopen."""
    from nearcache import SemanticCache

    cache = SemanticCache(db, TableEmbedder(dim, tab), similarity_threshold=0.95, judge=None)
    for text in tab:
        cache.put(text, text)
    cache.close()


def lowrank(n: int, dim: int, *, rank: int = 16, noise: float = 0.05, seed: int = 0) -> np.ndarray:
    """Unit vectors near a random low-rank subspace (like real text embeddings)."""
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, dim)).astype(np.float32)
    x = rng.standard_normal((n, rank)).astype(np.float32) @ basis
    x += noise * math.sqrt(rank) * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# --------------------------------------------------------------------------- children


def crash_writer(path: str, dim: int, conn: Connection) -> None:
    """Put entries one by one (with explicit vectors), acking each after put returns.

    The parent SIGKILLs this process at a random moment, so the index saved on close is
    never written: the reopened cache must catch up from the store.
    """
    from nearcache import SemanticCache

    cache = SemanticCache(path, TableEmbedder(dim), index_backend="exact")
    i = 0
    while True:
        text = f"crash question {os.getpid()} {i}"
        cache.put(text, f"answer {i}", embedding=text_vector(text, dim))
        conn.send(text)
        i += 1


def saving_writer(path: str, dim: int, first: int, conn: Connection) -> None:
    """Put ``first`` entries, save the index, then keep putting until killed."""
    from nearcache import SemanticCache

    cache = SemanticCache(path, TableEmbedder(dim), index_backend="exact")
    i = 0
    while True:
        text = f"saved question {os.getpid()} {i}"
        cache.put(text, f"answer {i}", embedding=text_vector(text, dim))
        conn.send(text)
        i += 1
        if i == first:
            cache.save_index()
            conn.send("saved")


def dumping_child(path: str, dim: int, dest: str, conn: Connection) -> None:
    """Export the cache to ``dest`` again and again until killed."""
    from nearcache import SemanticCache

    cache = SemanticCache(path, TableEmbedder(dim), judge=None)
    conn.send("ready")
    while True:
        cache.dumps(dest)
        conn.send("dumped")


def maintenance_child(path: str, dim: int, conn: Connection) -> None:
    """Vacuum, compact and save the index again and again until killed."""
    from nearcache import SemanticCache

    cache = SemanticCache(path, TableEmbedder(dim), judge=None)
    conn.send("ready")
    while True:
        cache.vacuum()
        conn.send("vacuumed")
        cache.compact()
        cache.save_index()
        conn.send("compacted")


def shared_peer(path: str, dim: int, conn: Connection) -> None:
    """A second process on a shared store: applies commands from the parent's pipe."""
    from nearcache import SemanticCache

    cache = SemanticCache(
        path, TableEmbedder(dim), multi_process_mode="shared", similarity_threshold=0.99
    )
    while True:
        cmd = conn.recv()
        op = cmd[0]
        if op == "put":
            cache.put(cmd[1], cmd[2], namespace=cmd[3])
            conn.send("ok")
        elif op == "get":
            hit = cache.get(cmd[1], namespace=cmd[2])
            conn.send(None if hit is None else (hit.response, hit.layer))
        elif op == "delete":
            conn.send(cache.delete(cmd[1], namespace=cmd[2]))
        elif op == "clear":
            conn.send(cache.clear())
        elif op == "check":
            conn.send(cache.check())
        elif op == "stop":
            cache.close()
            conn.send("bye")
            return


WINDOW = 40
PREFIX = "Context: the support rules for every customer account. " * 2
RESET = PREFIX + "Question: how do I reset my password?"
DELETE = PREFIX + "Question: how do I delete my account?"


class WindowEmbedder:
    """A model with a window of ``WINDOW`` characters: embeds the first ``WINDOW``
    characters only; ``fits`` says so unless turned off."""

    dim = 16
    fingerprint = "test/window@1;dim=16"

    def __init__(self, *, says_fits: bool = True, fits_raises: bool = False) -> None:
        self.says_fits = says_fits
        self.fits_raises = fits_raises

    def embed(self, texts: Sequence[str]) -> Any:
        return np.stack([text_vector(t[:WINDOW]) for t in texts])

    def __getattr__(self, name: str) -> Any:
        if name == "fits" and self.says_fits:
            return self._fits
        raise AttributeError(name)

    def _fits(self, text: str) -> bool:
        if self.fits_raises:
            raise RuntimeError("tokenizer broke")
        return len(text) <= WINDOW


class AsyncWindowEmbedder(WindowEmbedder):
    async def embed(self, texts: Sequence[str]) -> Any:  # type: ignore[override]
        return WindowEmbedder.embed(self, texts)
