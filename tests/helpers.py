"""Small deterministic embedders and helpers shared by the tests."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nearcache.keys import digest_bytes

_WORD = re.compile(r"\w+")


def hash_vector(text: str, dim: int) -> np.ndarray:
    """Feature-hashed bag of words, L2-normalized: similar texts give similar vectors."""
    vec = np.zeros(dim, dtype=np.float32)
    words = _WORD.findall(text.lower()) or [text]
    for word in words:
        d = digest_bytes(word.encode("utf-8", "surrogatepass"))
        idx = int.from_bytes(d[:4], "little") % dim
        vec[idx] += 1.0 if d[4] & 1 else -1.0
    if not vec.any():
        vec[0] = 1.0
    return vec / np.linalg.norm(vec)


class HashEmbedder:
    """Deterministic embedder that records every call (thread-safe)."""

    provider = "test"
    kind = "dense"

    def __init__(self, dim: int = 32, *, name: str = "hash", delay: float = 0.0) -> None:
        self.dim = dim
        self.model = name
        self.fingerprint = f"test/{name}@1;dim={dim}"
        self.delay = delay
        self.calls: list[list[str]] = []
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.calls.append(list(texts))
        if self.delay:
            time.sleep(self.delay)
        return np.stack([hash_vector(t, self.dim) for t in texts])

    @property
    def seen(self) -> list[str]:
        with self._lock:
            return [t for call in self.calls for t in call]


class AsyncHashEmbedder(HashEmbedder):
    async def embed(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[override]
        import asyncio

        with self._lock:
            self.calls.append(list(texts))
        if self.delay:
            await asyncio.sleep(self.delay)
        return np.stack([hash_vector(t, self.dim) for t in texts])


def store_fingerprint(store: Any, table: str = "embedding") -> tuple[Any, ...]:
    """Everything observable about a store's table: counters and every record."""
    out: list[Any] = [store.info(table)]
    for ns in sorted(store.namespaces(table)):
        out.append((ns, store.info(table, ns)))
        for batch in store.scan(table, ns):
            out.extend(sorted((i.key, i.value, i.expires_at) for i in batch))
    return tuple(out)


def run_threads(worker: Callable[[int], None], n: int, timeout: float = 300.0) -> None:
    """Run ``worker(0)`` .. ``worker(n - 1)`` on ``n`` threads and wait for every one; a
    thread still running after ``timeout`` fails the test instead of hanging the run."""
    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker thread did not finish"


def run_together(
    target: Callable[..., None], arg_lists: Sequence[tuple[Any, ...]], timeout: float = 300.0
) -> list[Any]:
    """Run ``target(*args, barrier, queue)`` in one spawned process per argument tuple;
    the processes meet at ``barrier`` and each puts one report on ``queue``. The reports,
    in arrival order; every process is joined (or killed) before returning."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(len(arg_lists)), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, queue)) for args in arg_lists]
    for p in procs:
        p.start()
    try:
        return [queue.get(timeout=timeout) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.exitcode is None:
                p.kill()
                p.join()
