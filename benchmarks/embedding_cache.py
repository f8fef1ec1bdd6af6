"""Embedding cache: batch get / put of 1,000 384-d vectors from a cache holding N.

Runs nearcache (MemoryStore, SQLiteStore) side by side with LangChain's
CacheBackedEmbeddings (InMemoryByteStore, LocalFileStore) and diskcache in one process,
and prints p50/p99 latencies plus each peer's ratio to nearcache on the same store kind.

    python benchmarks/embedding_cache.py            # N = 100,000
    python benchmarks/embedding_cache.py --quick    # N = 10,000, fewer repetitions

Peers are optional (``pip install -e '.[bench]'``); a missing one is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import EmbeddingCache, MemoryStore, SQLiteStore

DIM = 384
BATCH = 1000
NS = "bench.fake.dense"
WORDS = ["cache", "vector", "embed", "chunk", "query", "model", "token", "store", "batch", "index"]


def make_texts(start: int, n: int) -> list[str]:
    rng = random.Random(start)
    return [
        f"chunk {start + i}: " + " ".join(rng.choice(WORDS) for _ in range(30)) for i in range(n)
    ]


def make_vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def timed(fn: Callable[[], Any], reps: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


class Fixture:
    """Pre-computed texts and vectors: the 'embedder' of every peer just looks them up."""

    def __init__(self, n: int) -> None:
        self.texts = make_texts(0, n)
        self.vectors = make_vectors(n, 0)
        self.lookup = dict(zip(self.texts, self.vectors))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.lookup.get(t, self.vectors[0]) for t in texts])


def prefill_nearcache(cache: EmbeddingCache, fx: Fixture) -> None:
    for i in range(0, len(fx.texts), 10_000):
        cache.put_many(fx.texts[i : i + 10_000], fx.vectors[i : i + 10_000], NS)


def bench_nearcache(store: Any, fx: Fixture, reps: int, rng: random.Random) -> dict[str, Any]:
    cache = EmbeddingCache(store, max_bytes=None)
    prefill_nearcache(cache, fx)
    samples = [rng.sample(fx.texts, BATCH) for _ in range(reps + 1)]
    it = iter(samples)
    get = timed(lambda: cache.get_many(next(it), NS), reps)
    keys = [cache.keys_for(s) for s in samples]
    it2 = iter(keys)
    get_hash = timed(lambda: cache.get_many_by_hash(next(it2), NS), reps)
    counter = iter(range(10**9))

    def put() -> None:
        i = next(counter)
        cache.put_many(make_texts(10**7 + i * BATCH, BATCH), make_vectors(BATCH, i), NS)

    put_t = timed(put, reps)
    got, mask = cache.get_many(samples[0], NS)
    assert mask.all() and np.array_equal(got, fx.embed(samples[0]))
    cache.close()
    return {"get": get, "get_by_hash": get_hash, "put": put_t}


def bench_langchain(
    kind: str, fx: Fixture, reps: int, rng: random.Random, tmp: Path
) -> dict[str, Any]:
    from langchain_classic.embeddings import CacheBackedEmbeddings
    from langchain_classic.storage import InMemoryByteStore, LocalFileStore
    from langchain_core.embeddings import Embeddings

    class Under(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return fx.embed(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    store = InMemoryByteStore() if kind == "memory" else LocalFileStore(str(tmp / "lc"))
    cbe = CacheBackedEmbeddings.from_bytes_store(
        Under(), store, namespace="bench", key_encoder="sha256"
    )
    for i in range(0, len(fx.texts), 10_000):
        cbe.embed_documents(fx.texts[i : i + 10_000])
    samples = iter([rng.sample(fx.texts, BATCH) for _ in range(reps + 1)])
    get = timed(lambda: cbe.embed_documents(next(samples)), reps)
    counter = iter(range(10**9))
    put = timed(
        lambda: cbe.embed_documents(make_texts(2 * 10**7 + next(counter) * BATCH, BATCH)), reps
    )
    return {"get": get, "put": put}


def bench_diskcache(fx: Fixture, reps: int, rng: random.Random, tmp: Path) -> dict[str, Any]:
    import diskcache

    dc = diskcache.Cache(str(tmp / "dc"))
    for i in range(0, len(fx.texts), 10_000):
        with dc.transact():
            for t, v in zip(fx.texts[i : i + 10_000], fx.vectors[i : i + 10_000]):
                dc.set(t, v.tobytes())
    samples = iter([rng.sample(fx.texts, BATCH) for _ in range(reps + 1)])

    def get() -> None:
        texts = next(samples)
        np.frombuffer(b"".join(dc.get(t) for t in texts), dtype=np.float32).reshape(-1, DIM)

    get_t = timed(get, reps)
    counter = iter(range(10**9))

    def put() -> None:
        i = next(counter)
        with dc.transact():
            for t, v in zip(make_texts(3 * 10**7 + i * BATCH, BATCH), make_vectors(BATCH, i)):
                dc.set(t, v.tobytes())

    put_t = timed(put, reps)
    dc.close()
    return {"get": get_t, "put": put_t}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N=10,000 and fewer repetitions")
    ap.add_argument("-n", type=int, default=None, help="entries held by each cache")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    args = ap.parse_args()
    n = args.n or (10_000 if args.quick else 100_000)
    reps = args.reps or (10 if args.quick else 30)
    fx = Fixture(n)
    tmp = Path(tempfile.mkdtemp(prefix="nearcache-bench-"))
    results: dict[str, dict[str, Any]] = {}
    runs: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        (
            "nearcache MemoryStore",
            lambda: bench_nearcache(MemoryStore(), fx, reps, random.Random(1)),
        ),
        (
            "nearcache SQLiteStore",
            lambda: bench_nearcache(SQLiteStore(tmp / "nc.db"), fx, reps, random.Random(1)),
        ),
        (
            "LangChain CBE InMemoryByteStore",
            lambda: bench_langchain("memory", fx, reps, random.Random(1), tmp),
        ),
        (
            "LangChain CBE LocalFileStore",
            lambda: bench_langchain("file", fx, reps, random.Random(1), tmp),
        ),
        ("diskcache (SQLite)", lambda: bench_diskcache(fx, reps, random.Random(1), tmp)),
    ]
    try:
        for name, run in runs:
            print(f"... {name}", file=sys.stderr, flush=True)
            try:
                results[name] = run()
            except ImportError as exc:
                print(f"    skipped: {exc}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    base = {
        "memory": results.get("nearcache MemoryStore"),
        "sqlite": results.get("nearcache SQLiteStore"),
    }
    print(
        f"\nEmbedding cache, batch of {BATCH} x {DIM}-d float32, cache holding {n:,} ({reps} reps)\n"
    )
    print(
        "| system | get p50 | get p99 | put p50 | put p99 | get vs nearcache | put vs nearcache |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        ref = base["memory"] if ("Memory" in name) else base["sqlite"]
        ratio_get = (
            statistics.median(r["get"]) / statistics.median(ref["get"]) if ref else float("nan")
        )
        ratio_put = (
            statistics.median(r["put"]) / statistics.median(ref["put"]) if ref else float("nan")
        )
        print(
            f"| {name} | {pct(r['get'], 50) * 1e3:.2f} ms | {pct(r['get'], 99) * 1e3:.2f} ms "
            f"| {pct(r['put'], 50) * 1e3:.2f} ms | {pct(r['put'], 99) * 1e3:.2f} ms "
            f"| {ratio_get:.1f}x | {ratio_put:.1f}x |"
        )
    for name in ("nearcache MemoryStore", "nearcache SQLiteStore"):
        if name in results:
            r = results[name]
            print(
                f"\n{name}: get_many_by_hash (keys already hashed) p50 "
                f"{pct(r['get_by_hash'], 50) * 1e3:.2f} ms, p99 {pct(r['get_by_hash'], 99) * 1e3:.2f} ms"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "benchmark": "embedding_cache",
                    "n": n,
                    "batch": BATCH,
                    "dim": DIM,
                    "results": {
                        name: {
                            op: {"p50_ms": pct(v, 50) * 1e3, "p99_ms": pct(v, 99) * 1e3}
                            for op, v in r.items()
                        }
                        for name, r in results.items()
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
