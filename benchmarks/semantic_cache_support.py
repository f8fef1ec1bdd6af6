"""The semantic cache benchmark's data, fake embedder and timing (see semantic_cache.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DIM = 384
THRESHOLD = 0.9
#: HNSW search settings measured (label, ef_search; None = the cache's default).
EF_SETTINGS = (
    ("default settings", None),
    ("ef=100", 100),
    ("ef=64", 64),
    ("ef=50", 50),
    ("ef=32", 32),
)


# --------------------------------------------------------------------------- data


def lowrank(n: int, seed: int, rank: int = 64, noise: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, DIM)).astype(np.float32)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        x = rng.standard_normal((m, rank)).astype(np.float32) @ basis
        x += noise * np.sqrt(rank) * rng.standard_normal((m, DIM)).astype(np.float32)
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def isotropic(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


class Data:
    """Stored vectors X (texts "q<i>") and paraphrase queries P (texts "p<j>")."""

    def __init__(self, n: int, queries: int, kind: str = "lowrank") -> None:
        self.n = n
        rng = np.random.default_rng(2)
        if kind == "real":
            self._real(n, queries)
        else:
            self.x = lowrank(n, 1) if kind == "lowrank" else isotropic(n, 1)
            self.src = rng.integers(0, n, queries)
            p = self.x[self.src] + 0.012 * rng.standard_normal((queries, DIM)).astype(np.float32)
            self.p = p / np.linalg.norm(p, axis=1, keepdims=True)
        self.l1 = rng.integers(0, n, len(self.p))

    def _real(self, n: int, queries: int) -> None:
        from real_vectors import load

        fixture = load(int(os.environ.get("NEARCACHE_REAL_N", "1000000")))
        if n > len(fixture["vectors"]):
            raise SystemExit(f"the real-vector fixture holds {len(fixture['vectors']):,} < {n:,}")
        self.x = np.ascontiguousarray(fixture["vectors"][:n], dtype=np.float32)
        keep = fixture["edited_sources"] < n
        self.src = fixture["edited_sources"][keep][:queries]
        self.p = np.ascontiguousarray(fixture["edited"][keep][:queries], dtype=np.float32)

    def vector(self, text: str) -> np.ndarray:
        kind, idx = text[0], int(text[1:].split()[0])
        return self.x[idx] if kind == "q" else self.p[idx]

    @staticmethod
    def text(i: int) -> str:
        return f"q{i} what does the cache return for this question"


class FakeEmbedder:
    """nearcache-style embedder over the benchmark data (batch in, matrix out)."""

    provider = "bench"
    model = "fake"
    kind = "dense"

    def __init__(self, data: Data) -> None:
        self.data = data
        self.dim = DIM
        self.fingerprint = "bench/fake@1;dim=384"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.data.vector(t) for t in texts])


# --------------------------------------------------------------------------- timing


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def lat(fn: Callable[[int], Any], n: int) -> tuple[float, float, list[Any]]:
    """(p50 µs, p99 µs, results) of ``fn(i)`` for i < n, after a short warm-up."""
    for i in range(min(20, n)):
        fn(i)
    times, out = [], []
    for i in range(n):
        t = time.perf_counter()
        out.append(fn(i))
        times.append(time.perf_counter() - t)
    return pct(times, 50) * 1e6, pct(times, 99) * 1e6, out


#: ``--exact-only``: fill, reopen, then the exact-layer rows alone (nearcache and mneme).
EXACT_ONLY = os.environ.get("NEARCACHE_BENCH_EXACT_ONLY") == "1"

#: Distinct keys of the repeated-key exact-get row (each is read queries/HOT_KEYS times).
HOT_KEYS = 100


def l1_rows(get: Callable[..., Any], data: Data, queries: int, rows: dict[str, Any]) -> None:
    """The exact-layer rows of one library: uniform keys (first reads), then a hot set of
    HOT_KEYS keys, each read twice before timing and then queries/HOT_KEYS times (steady
    state of traffic that repeats itself). Every library gets the same warm-up."""
    p50, p99, _ = lat(lambda i: get(Data.text(int(data.l1[i]))), queries)
    rows["L1 get p50 (µs)"], rows["L1 get p99 (µs)"] = p50, p99
    hot = [Data.text(int(k)) for k in data.l1[-HOT_KEYS:]]  # keys the uniform row did not read
    for text in hot + hot:
        get(text)
    p50, p99, _ = lat(lambda i: get(hot[i % HOT_KEYS]), queries)
    rows[f"L1 get, {HOT_KEYS} repeated keys p50 (µs)"] = p50
    rows[f"L1 get, {HOT_KEYS} repeated keys p99 (µs)"] = p99


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def matched(hit: Any) -> int | None:
    """Index of the stored entry a hit answered with (responses are "answer <i>")."""
    if hit is None or not str(hit.response).startswith("answer "):
        return None
    return int(str(hit.response).split()[1])
