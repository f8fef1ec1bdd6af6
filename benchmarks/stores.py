"""Stores: 1,000 384-d vectors through ``EmbeddingCache`` on every store, with peers.

For each store (memory, sqlite, redis, postgres, dynamodb) it measures, through
``EmbeddingCache``: ``put_many`` of 1,000 fresh vectors, ``get_many`` of 1,000 cached
vectors (p50/p99) and a single ``get`` (p50). Side by side, on the same Redis server:

* the common hand-written pattern — redis-py, one JSON list of floats per key, one
  ``SET``/``GET`` per key;
* LangChain's ``CacheBackedEmbeddings`` over ``langchain_community.storage.RedisStore``.

Servers are started privately on 127.0.0.1 (as the tests do, see ``tests/servers.py``)
unless given with ``--redis-url`` / ``--postgres-dsn`` / ``--dynamodb-endpoint``.
DynamoDB runs only with ``--dynamodb``: against moto its numbers mean nothing. Then a
``SemanticCache`` of 100,000 entries (``--semantic-n``) on each store: load rate and L1
(exact) / L2 (semantic) get p50/p99.

    python benchmarks/stores.py            # 30 repetitions per operation
    python benchmarks/stores.py --quick    # 5 repetitions, smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import EmbeddingCache
from nearcache.clock import ManualClock
from nearcache.stores.url import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

DIM = 384
BATCH = 1000
NS = "bench.fake.dense"


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


def ms(x: float) -> str:
    return f"{x * 1000:.2f}"


def vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def texts(start: int, n: int) -> list[str]:
    return [f"chunk {start + i}: some text of a realistic-ish length for a key" for i in range(n)]


# ------------------------------------------------------------------------------ servers


@contextlib.contextmanager
def servers(args: argparse.Namespace) -> Iterator[dict[str, str]]:
    """URLs of the servers to use, starting private ones where none was given."""
    import servers as srv

    found: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        if args.redis_url:
            found["redis"] = args.redis_url
        else:
            try:
                r = srv.RedisServer()
                r.start()
                stack.callback(r.cleanup)
                found["redis"] = r.url
            except Exception as exc:
                print(f"# redis: skipped ({exc})", file=sys.stderr)
        if args.postgres_dsn:
            found["postgres"] = args.postgres_dsn
        elif not args.skip_postgres:
            try:
                p = srv.PostgresServer()
                stack.callback(p.cleanup)
                p.start()
                found["postgres"] = p.dsn
            except Exception as exc:
                print(f"# postgres: skipped ({exc})", file=sys.stderr)
        for var, value in (
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
        ):
            os.environ.setdefault(var, value)  # a local endpoint still wants credentials
        if args.dynamodb_endpoint:
            found["dynamodb"] = args.dynamodb_endpoint
        elif args.dynamodb:
            try:
                d = srv.DynamoServer()
                d.start(timeout=60)
                stack.callback(d.stop)
                found["dynamodb"] = d.endpoint_url
            except Exception as exc:
                print(f"# dynamodb: skipped ({exc})", file=sys.stderr)
        yield found


def store_urls(found: dict[str, str], tmp: Path) -> dict[str, str]:
    from urllib.parse import quote

    urls = {"memory": "memory://", "sqlite": f"sqlite:///{tmp}/bench.db"}
    if "redis" in found:
        urls["redis"] = f"{found['redis']}?prefix=bench{time.time_ns()}"
    if "postgres" in found:
        urls["postgres"] = f"{found['postgres']}?prefix=bench{time.time_ns() % 10**9}"
    if "dynamodb" in found:
        urls["dynamodb"] = (
            f"dynamodb://bench{time.time_ns()}?endpoint_url={quote(found['dynamodb'], safe='')}"
        )
    return urls


# ------------------------------------------------------------------------------ runs


def bench_store(url: str, reps: int) -> dict[str, float]:
    store = open_store(url)
    cache = EmbeddingCache(store, clock=ManualClock(1.0))
    counter = iter(range(10**9))

    def put() -> None:
        i = next(counter)
        cache.put_many(texts(i * BATCH, BATCH), vectors(BATCH, i), NS)

    put_times = timed(put, reps)
    hot = texts(0, BATCH)

    def get() -> None:
        _, found = cache.get_many(hot, NS)
        assert found.all()

    get_times = timed(get, reps)
    hot_keys = cache.keys_for(hot)
    by_hash = timed(lambda: cache.get_many_by_hash(hot_keys, NS), reps)
    one = timed(lambda: cache.get(hot[7], NS), reps * 10)
    assert store.check() == []
    store.close()
    return {
        "put_p50": pct(put_times, 50),
        "put_p99": pct(put_times, 99),
        "get_p50": pct(get_times, 50),
        "get_p99": pct(get_times, 99),
        "hash_p50": pct(by_hash, 50),
        "one_p50": pct(one, 50),
    }


def bench_naive_redis(url: str, reps: int) -> dict[str, float]:
    """redis-py, one JSON list of floats per key, one SET / GET per key."""
    import redis

    r = redis.Redis.from_url(url)
    prefix = f"naive{time.time_ns()}:"
    counter = iter(range(10**9))

    def put() -> None:
        i = next(counter)
        for t, v in zip(texts(i * BATCH, BATCH), vectors(BATCH, i)):
            r.set(prefix + t, json.dumps(v.tolist()))

    put_times = timed(put, reps)
    hot = [prefix + t for t in texts(0, BATCH)]

    def get() -> None:
        np.array([json.loads(r.get(k)) for k in hot], dtype=np.float32)  # type: ignore[arg-type]

    get_times = timed(get, reps)
    one = timed(lambda: np.array(json.loads(r.get(hot[7])), dtype=np.float32), reps * 10)  # type: ignore[arg-type]
    for key in r.scan_iter(match=prefix + "*", count=1000):
        r.unlink(key)
    r.close()
    return {
        "put_p50": pct(put_times, 50),
        "put_p99": pct(put_times, 99),
        "get_p50": pct(get_times, 50),
        "get_p99": pct(get_times, 99),
        "one_p50": pct(one, 50),
    }


def bench_langchain_redis(url: str, reps: int) -> dict[str, float] | None:
    """LangChain CacheBackedEmbeddings over langchain_community's RedisStore."""
    try:
        from langchain_classic.embeddings import CacheBackedEmbeddings
        from langchain_community.storage import RedisStore
        from langchain_core.embeddings import Embeddings
    except ImportError as exc:
        print(f"# langchain: skipped ({exc})", file=sys.stderr)
        return None

    table: dict[str, list[float]] = {}

    class Precomputed(Embeddings):
        """Returns vectors made up front, so only the cache path is timed."""

        def embed_documents(self, docs: list[str]) -> list[list[float]]:
            return [table[d] for d in docs]

        def embed_query(self, text: str) -> list[float]:
            return table[text]

    store = RedisStore(redis_url=url, namespace=f"lc{time.time_ns()}")
    cached = CacheBackedEmbeddings.from_bytes_store(Precomputed(), store, namespace="bench")
    counter = iter(range(10**9))
    batches = []
    for i in range(reps + 1):
        ts = texts(i * BATCH, BATCH)
        for t, v in zip(ts, vectors(BATCH, i).tolist()):
            table[t] = v
        batches.append(ts)

    put_times = timed(lambda: cached.embed_documents(batches[next(counter)]), reps)
    hot = batches[0]
    get_times = timed(lambda: cached.embed_documents(hot), reps)
    one = timed(lambda: cached.embed_documents([hot[7]]), reps * 10)
    return {
        "put_p50": pct(put_times, 50),
        "put_p99": pct(put_times, 99),
        "get_p50": pct(get_times, 50),
        "get_p99": pct(get_times, 99),
        "one_p50": pct(one, 50),
    }


def bench_semantic(url: str, n: int, queries: int) -> dict[str, float]:
    """SemanticCache on this store: ``n`` entries, then L1 (exact) and L2 (semantic) gets.

    Vectors are given (no embedder runs); L2 queries are stored vectors plus noise
    (cosine ~0.98), answered through the index the cache picks (``auto``).
    """
    from helpers import HashEmbedder
    from nearcache import SemanticCache

    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    cache = SemanticCache(store=open_store(url), embedder=HashEmbedder(dim=DIM), judge=None)
    t = time.perf_counter()
    for start in range(0, n, 5000):
        part = range(start, min(n, start + 5000))
        cache.put_many(
            [f"stored question {i}" for i in part],
            [f"answer {i}" for i in part],
            embeddings=vecs[start : start + len(part)],
            namespace="bench",
        )
    load = time.perf_counter() - t
    picks = rng.integers(0, n, queries)
    l1, l2 = [], []
    found = 0
    for i in picks:
        t = time.perf_counter()
        hit = cache.get(f"stored question {i}", namespace="bench")
        l1.append(time.perf_counter() - t)
        assert hit is not None and hit.layer == "exact"
        noisy = vecs[i] + 0.2 / np.sqrt(DIM) * rng.standard_normal(DIM).astype(np.float32)
        t = time.perf_counter()
        hit = cache.get(f"reworded {i}", embedding=noisy, namespace="bench")
        l2.append(time.perf_counter() - t)
        found += hit is not None and hit.response == f"answer {i}"
    cache.clear_namespace("bench")
    cache.close()
    return {
        "n": n,
        "load_per_s": n / load,
        "l1_p50": pct(l1, 50),
        "l1_p99": pct(l1, 99),
        "l2_p50": pct(l2, 50),
        "l2_p99": pct(l2, 99),
        "l2_found": found / queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 repetitions (smoke run)")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--redis-url")
    parser.add_argument("--postgres-dsn")
    parser.add_argument("--dynamodb-endpoint")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--semantic-n", type=int, help="entries of the SemanticCache rows (default 100,000)"
    )
    parser.add_argument(
        "--dynamodb",
        action="store_true",
        help="also run DynamoDBStore against moto (an emulator: its times say nothing "
        "about DynamoDB, and moto copies every table on each transaction, so it is slow)",
    )
    args = parser.parse_args()
    reps = args.reps or (5 if args.quick else 30)
    sem_n = args.semantic_n or (10_000 if args.quick else 100_000)

    rows: list[tuple[str, dict[str, float]]] = []
    semantic: dict[str, dict[str, float]] = {}
    with servers(args) as found, tempfile.TemporaryDirectory() as tmp:
        for name, url in store_urls(found, Path(tmp)).items():
            print(f"# {name} ...", file=sys.stderr)
            rows.append(
                (
                    f"nearcache {name}",
                    bench_store(url, reps if name != "dynamodb" else max(3, reps // 5)),
                )
            )
            if name != "dynamodb":
                print(f"# {name} semantic ...", file=sys.stderr)
                semantic[name] = bench_semantic(url, sem_n, 100 if args.quick else 500)
        if "redis" in found:
            print("# naive redis ...", file=sys.stderr)
            rows.append(("redis-py JSON per key (naive)", bench_naive_redis(found["redis"], reps)))
            print("# langchain ...", file=sys.stderr)
            lc = bench_langchain_redis(found["redis"], reps)
            if lc:
                rows.append(("LangChain CacheBackedEmbeddings + RedisStore", lc))

    print(f"\n1,000 x {DIM}-d float32 vectors per batch, {reps} repetitions, times in ms\n")
    print(
        "| store / peer | put_many p50 | put_many p99 | get_many p50 | get_many p99 "
        "| get_many by hash p50 | get p50 |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        by_hash = ms(r["hash_p50"]) if "hash_p50" in r else "—"
        print(
            f"| {name} | {ms(r['put_p50'])} | {ms(r['put_p99'])} | {ms(r['get_p50'])} | "
            f"{ms(r['get_p99'])} | {by_hash} | {ms(r['one_p50'])} |"
        )
    if semantic:
        print("\nSemanticCache, 384-d, L1 = exact layer, L2 = semantic layer (index: auto)\n")
        print(
            "| store | entries | load (entries/s) | L1 p50 | L1 p99 | L2 p50 | L2 p99 "
            "| L2 found its source |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for name, r in semantic.items():
            print(
                f"| {name} | {int(r['n']):,} | {r['load_per_s']:,.0f} | {ms(r['l1_p50'])} | "
                f"{ms(r['l1_p99'])} | {ms(r['l2_p50'])} | {ms(r['l2_p99'])} "
                f"| {r['l2_found']:.3f} |"
            )
    ours = dict(rows).get("nearcache redis")
    naive = dict(rows).get("redis-py JSON per key (naive)")
    if ours and naive:
        print(
            f"\nRedis get_many of 1,000: {ms(ours['get_p50'])} ms, by hash "
            f"{ms(ours['hash_p50'])} ms (target <= 5 ms); "
            f"{naive['get_p50'] / ours['get_p50']:.1f}x faster than JSON per key "
            f"(target >= 10x); put_many {naive['put_p50'] / ours['put_p50']:.1f}x."
        )


if __name__ == "__main__":
    main()
