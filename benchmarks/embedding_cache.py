"""Embedding cache: batch get / put of 1,000 384-d vectors from a cache holding N.

Runs, in one process and on the same texts and vectors:

* the raw floor: BLAKE3 of each text (no normalization), a Python dict from digest to the
  stored float32 vector, and ``np.stack`` of the 1,000 hits -- what a get costs with no
  store, no checks and no bookkeeping at all;
* nearcache's ``EmbeddingCache`` on ``MemoryStore``, ``SQLiteStore`` and (when
  ``redis-server`` is installed; a private one is started) ``RedisStore``;
* diskcache (SQLite) and LangChain's ``CacheBackedEmbeddings`` (in-memory and local-file
  byte stores) as peers.

Two kinds of text: ``short`` (one line of ~200 characters, single spaces) and ``chunks``
(~500-character chunks of real code and docs cut by ``nearcache embed``'s chunker, with
newlines and indentation; see :mod:`corpus`). It prints p50/p99 per system and text
kind, then every target of the hot-path issue with the measured ratio and whether it is
met.

    python benchmarks/embedding_cache.py            # N = 100,000, 30 repetitions
    python benchmarks/embedding_cache.py --quick    # N = 10,000, 10 repetitions
    python benchmarks/embedding_cache.py --texts chunks --no-redis --no-langchain
    python benchmarks/embedding_cache.py --cpu   # CPU time of this process, not wall time

Peers are optional (``pip install -e '.[bench]'``); a missing one is reported and skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import EmbeddingCache, MemoryStore, SQLiteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

DIM = 384
BATCH = 1000
NS = "bench.fake.dense"
WORDS = ["cache", "vector", "embed", "chunk", "query", "model", "token", "store", "batch", "index"]


def short_texts(start: int, n: int) -> list[str]:
    rng = random.Random(start)
    return [
        f"chunk {start + i}: " + " ".join(rng.choice(WORDS) for _ in range(30)) for i in range(n)
    ]


def _distinct_keys(texts: list[str]) -> list[str]:
    """``texts`` without those whose key (normalized text) an earlier one has: chunks
    that differ only in whitespace share one cached vector, so the check that a get
    returns each text's own vector would fail on them."""
    from nearcache.keys import content_hashes

    first: dict[str, str] = {}
    for key, text in zip(content_hashes(texts), texts):
        first.setdefault(key, text)
    return list(first.values())


def make_vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


#: what ``timed`` reads: wall time, or the process's CPU time with ``--cpu``
CLOCK = time.perf_counter


def timed(fn: Callable[[], Any], reps: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(reps):
        t = CLOCK()
        fn()
        out.append(CLOCK() - t)
    return out


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


class Fixture:
    """Stored texts and vectors, fresh batches for puts, and the samples every system gets."""

    def __init__(self, kind: str, n: int, reps: int) -> None:
        fresh = (reps + 2) * BATCH
        if kind == "short":
            self.texts = short_texts(0, n)
            extra = short_texts(10**7, fresh)
        else:
            from corpus import chunks

            every = _distinct_keys(chunks((n + fresh) * 21 // 20))[: n + fresh]
            if len(every) < n + fresh:
                raise SystemExit(f"only {len(every):,} distinct chunks here; lower -n")
            self.texts, extra = every[:n], every[n:]
        self.kind = kind
        self.vectors = make_vectors(n, 0)
        self.put_batches = [
            (extra[i * BATCH : (i + 1) * BATCH], make_vectors(BATCH, i + 1))
            for i in range(reps + 2)
        ]
        rng = random.Random(1)
        self.samples = [rng.sample(range(n), BATCH) for _ in range(reps + 2)]
        self.lookup = dict(zip(self.texts, self.vectors))

    def sample_texts(self) -> Iterator[list[str]]:
        for idx in self.samples:
            yield [self.texts[i] for i in idx]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.lookup.get(t, self.vectors[0]) for t in texts])


# --------------------------------------------------------------------------- systems


def bench_floor(fx: Fixture, reps: int) -> dict[str, Any]:
    from blake3 import blake3

    table = {blake3(t.encode()).digest(): v for t, v in zip(fx.texts, fx.vectors)}
    samples = fx.sample_texts()

    def get() -> None:
        np.stack([table[blake3(t.encode()).digest()] for t in next(samples)])

    return {"get": timed(get, reps)}


def bench_nearcache(
    store: Any, fx: Fixture, reps: int, parts: bool = False, settle: float = 0.0
) -> dict[str, Any]:
    cache = EmbeddingCache(store, max_bytes=None)
    for i in range(0, len(fx.texts), 10_000):
        cache.put_many(fx.texts[i : i + 10_000], fx.vectors[i : i + 10_000], NS)
    time.sleep(settle)  # --settle: background work of the fill (a checkpoint) ends first
    samples = fx.sample_texts()
    get = timed(lambda: cache.get_many(next(samples), NS), reps)
    by_parts = bench_parts(cache, fx, reps) if parts else {}
    keys = iter([cache.keys_for(s) for s in fx.sample_texts()])
    get_hash = timed(lambda: cache.get_many_by_hash(next(keys), NS), reps)
    stages = bench_stages(cache, fx, reps)
    batches = iter(fx.put_batches)
    put = timed(lambda: cache.put_many(*next(batches), NS), reps)
    first = next(fx.sample_texts())
    got, mask = cache.get_many(first, NS)
    assert mask.all() and np.array_equal(got, fx.embed(first))
    cache.close()
    return {"get": get, "get_by_hash": get_hash, "put": put, **stages, **by_parts}


def bench_parts(cache: EmbeddingCache, fx: Fixture, reps: int) -> dict[str, list[float]]:
    """``get_many`` read in parts (the default for 1,000 texts on SQLite and Redis) and in one
    read, batch by batch alternating on the same batches (``--parts``)."""
    from nearcache.embedding import reads

    sizes = reads.PART, reads.LONG_PART
    out: dict[str, list[float]] = {"get in parts": [], "get in one read": []}
    for i, texts in enumerate(list(fx.sample_texts()) * 2):
        for name in ("get in parts", "get in one read")[:: 1 if i % 2 else -1]:
            in_parts = name == "get in parts"
            reads.PART, reads.LONG_PART = sizes if in_parts else (len(texts), len(texts))
            t = CLOCK()
            cache.get_many(texts, NS)
            out[name].append(CLOCK() - t)
    reads.PART, reads.LONG_PART = sizes
    return out


def bench_stages(cache: EmbeddingCache, fx: Fixture, reps: int) -> dict[str, list[float]]:
    """Where a ``get_many`` goes, stage by stage on the same batches: keys (normalize +
    hash), the store's read of the raw records, and decoding them (checksums, identity
    checks, the float32 matrix). The rest of a get is the cache's own bookkeeping."""
    from nearcache.codecs import decode_dense_batch

    batches = list(fx.sample_texts())
    keys = [cache.keys_for(b) for b in batches]
    it = iter(batches)
    out = {"stage keys": timed(lambda: cache.keys_for(next(it)), reps)}
    ik = iter(keys)
    store, touch = cache.store, cache._touch

    def read() -> None:
        store.get_many("embedding", NS, next(ik), now=time.time(), touch=touch)

    out["stage store"] = timed(read, reps)
    raw = [store.get_many("embedding", NS, k, now=time.time(), touch=False) for k in keys]
    ir = iter(zip(raw, keys))
    ir = iter(zip(raw, keys))

    def decode() -> None:
        blobs, ks = next(ir)
        decode_dense_batch(blobs, NS, ks)

    out["stage decode"] = timed(decode, reps)
    return out


def bench_langchain(kind: str, fx: Fixture, reps: int, tmp: Path) -> dict[str, Any]:
    from langchain_classic.embeddings import CacheBackedEmbeddings
    from langchain_classic.storage import InMemoryByteStore, LocalFileStore
    from langchain_core.embeddings import Embeddings

    class Under(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return fx.embed(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    where = tmp / f"lc-{fx.kind}"
    store = InMemoryByteStore() if kind == "memory" else LocalFileStore(str(where))
    cbe = CacheBackedEmbeddings.from_bytes_store(
        Under(), store, namespace="bench", key_encoder="sha256"
    )
    for i in range(0, len(fx.texts), 10_000):
        cbe.embed_documents(fx.texts[i : i + 10_000])
    samples = fx.sample_texts()
    get = timed(lambda: cbe.embed_documents(next(samples)), reps)
    batches = iter(fx.put_batches)
    put = timed(lambda: cbe.embed_documents(next(batches)[0]), reps)
    shutil.rmtree(where, ignore_errors=True)
    return {"get": get, "put": put}


def bench_diskcache(fx: Fixture, reps: int, tmp: Path, settle: float = 0.0) -> dict[str, Any]:
    import diskcache

    where = tmp / f"dc-{fx.kind}"
    dc = diskcache.Cache(str(where))
    for i in range(0, len(fx.texts), 10_000):
        with dc.transact():
            for t, v in zip(fx.texts[i : i + 10_000], fx.vectors[i : i + 10_000]):
                dc.set(t, v.tobytes())
    time.sleep(settle)
    samples = fx.sample_texts()

    def get() -> None:
        texts = next(samples)
        np.frombuffer(b"".join(dc.get(t) for t in texts), dtype=np.float32).reshape(-1, DIM)

    get_t = timed(get, reps)
    batches = iter(fx.put_batches)

    def put() -> None:
        texts, vecs = next(batches)
        with dc.transact():
            for t, v in zip(texts, vecs):
                dc.set(t, v.tobytes())

    put_t = timed(put, reps)
    dc.close()
    shutil.rmtree(where, ignore_errors=True)
    return {"get": get_t, "put": put_t}


@contextlib.contextmanager
def redis_url(enabled: bool) -> Iterator[str | None]:
    """A private redis-server on 127.0.0.1 (as the tests start one), or None."""
    if not enabled or shutil.which("redis-server") is None:
        yield None
        return
    import servers

    server = servers.RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.cleanup()


# --------------------------------------------------------------------------- report

# (row label, system, operation, reference system or None, limit in ms or None,
#  least speed-up over the reference or None, most ratio to the reference or None)
TARGETS: list[tuple[str, str, str, str | None, float | None, float | None, float | None]] = [
    ("get_many, memory <= 1.2x raw floor", "nearcache memory", "get", "raw floor", None, None, 1.2),
    ("get_many, SQLite <= 4 ms", "nearcache sqlite", "get", None, 4.0, None, None),
    ("get_many, SQLite >= 3x diskcache", "nearcache sqlite", "get", "diskcache", None, 3.0, None),
    ("get_many, Redis <= 5 ms", "nearcache redis", "get", None, 5.0, None, None),
    ("put_many, memory <= 5 ms", "nearcache memory", "put", None, 5.0, None, None),
    ("put_many, SQLite <= 25 ms", "nearcache sqlite", "put", None, 25.0, None, None),
    ("put_many, SQLite >= 3x diskcache", "nearcache sqlite", "put", "diskcache", None, 3.0, None),
]


def table(kind: str, n: int, reps: int, results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        f"#### {kind} texts: batch of {BATCH} x {DIM}-d float32, cache holding {n:,} ({reps} reps)",
        "",
        "| system | get p50 | get p99 | put p50 | put p99 | get by hash p50 |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        cells = []
        for op in ("get", "put", "get_by_hash"):
            xs = r.get(op)
            quantiles = (50, 99) if op != "get_by_hash" else (50,)
            for q in quantiles:
                cells.append(f"{pct(xs, q) * 1e3:.2f} ms" if xs else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def stage_table(kind: str, results: dict[str, dict[str, Any]]) -> list[str]:
    """p50 of each stage of a nearcache ``get_many`` (see ``bench_stages``) beside the
    whole get and the raw floor; ``other`` is the whole minus the stages."""
    floor = results.get("raw floor", {}).get("get")
    lines = [
        f"#### {kind} texts: where a get_many goes (p50 of each stage, ms)",
        "",
        "| system | get | keys | store read | decode | other | raw floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        if "stage keys" not in r:
            continue
        parts = [statistics.median(r[f"stage {s}"]) * 1e3 for s in ("keys", "store", "decode")]
        whole = statistics.median(r["get"]) * 1e3
        cells = [whole, *parts, whole - sum(parts)]
        ref = f"{statistics.median(floor) * 1e3:.2f}" if floor else "-"
        lines.append(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + f" | {ref} |")
    return lines


def verdicts(by_kind: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    lines = [
        "| target | texts | nearcache p50 | reference p50 | ratio | met |",
        "|---|---|---|---|---|---|",
    ]
    for label, system, op, ref, limit, speedup, most in TARGETS:
        for kind, results in by_kind.items():
            mine = results.get(system, {}).get(op)
            if not mine:
                continue
            m = statistics.median(mine) * 1e3
            ref_ms = ratio = None
            if ref is not None and results.get(ref, {}).get(op):
                ref_ms = statistics.median(results[ref][op]) * 1e3
                ratio = m / ref_ms if most is not None else ref_ms / m
            ok = True
            if limit is not None:
                ok = m <= limit
            elif ratio is None:
                continue
            elif most is not None:
                ok = ratio <= most
            elif speedup is not None:
                ok = ratio >= speedup
            ref_cell = "-" if ref_ms is None else f"{ref_ms:.2f} ms ({ref})"
            ratio_cell = "-" if ratio is None else f"{ratio:.2f}x"
            lines.append(
                f"| {label} | {kind} | {m:.2f} ms | {ref_cell} | {ratio_cell} | "
                f"{'met' if ok else 'MISSED'} |"
            )
    return lines


def run_kind(
    kind: str, n: int, reps: int, args: argparse.Namespace, tmp: Path, redis: str | None
) -> dict[str, dict[str, Any]]:
    fx = Fixture(kind, n, reps)
    settle = args.settle
    runs: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("raw floor", lambda: bench_floor(fx, reps)),
        ("nearcache memory", lambda: bench_nearcache(MemoryStore(), fx, reps, settle=settle)),
        (
            "nearcache sqlite",
            lambda: bench_nearcache(
                SQLiteStore(tmp / f"nc-{kind}.db"), fx, reps, args.parts, settle
            ),
        ),
    ]
    if redis is not None:
        from nearcache.stores.url import open_store

        runs.append(
            (
                "nearcache redis",
                lambda: bench_nearcache(open_store(redis), fx, reps, args.parts, settle),
            )
        )
    runs.append(("diskcache", lambda: bench_diskcache(fx, reps, tmp, settle)))
    if not args.no_langchain:
        runs.append(("LangChain CBE memory", lambda: bench_langchain("memory", fx, reps, tmp)))
        runs.append(("LangChain CBE file", lambda: bench_langchain("file", fx, reps, tmp)))
    results: dict[str, dict[str, Any]] = {}
    for name, run in runs:
        print(f"... {kind}: {name}", file=sys.stderr, flush=True)
        try:
            results[name] = run()
        except ImportError as exc:
            print(f"    skipped: {exc}", file=sys.stderr)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N=10,000 and 10 repetitions")
    ap.add_argument("-n", type=int, default=None, help="entries held by each cache")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--texts", choices=("short", "chunks", "both"), default="both")
    ap.add_argument("--no-redis", action="store_true", help="skip the Redis store")
    ap.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="seconds to wait after each cache's fill before timing (steady-state reads)",
    )
    ap.add_argument("--no-langchain", action="store_true", help="skip LangChain's peers")
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    ap.add_argument(
        "--parts",
        action="store_true",
        help="SQLite and Redis: also time get_many read in parts and in one read, alternating",
    )
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU clock (leaves out waiting for a core on a shared "
        "machine, and the Redis server's own time)",
    )
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    n = args.n or (10_000 if args.quick else 100_000)
    reps = args.reps or (10 if args.quick else 30)
    kinds = ["short", "chunks"] if args.texts == "both" else [args.texts]
    tmp = Path(tempfile.mkdtemp(prefix="nearcache-bench-"))
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        with redis_url(not args.no_redis) as redis:
            for kind in kinds:
                by_kind[kind] = run_kind(kind, n, reps, args, tmp, redis)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"# command: python {' '.join(sys.argv)}")
    for kind, results in by_kind.items():
        print()
        print("\n".join(table(kind, n, reps, results)))
        print()
        print("\n".join(stage_table(kind, results)))
    for kind, results in by_kind.items():
        for system in ("nearcache sqlite", "nearcache redis"):
            r = results.get(system, {})
            if "get in parts" in r:
                cells = [
                    f"{name} p50 {pct(r[name], 50) * 1e3:.2f} ms" for name in r if "get in" in name
                ]
                print(f"\n{system}, {kind}: " + ", ".join(cells))
    print()
    print("\n".join(verdicts(by_kind)))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "benchmark": "embedding_cache",
                    "n": n,
                    "batch": BATCH,
                    "dim": DIM,
                    "results": {
                        kind: {
                            name: {
                                op: {"p50_ms": pct(v, 50) * 1e3, "p99_ms": pct(v, 99) * 1e3}
                                for op, v in r.items()
                            }
                            for name, r in results.items()
                        }
                        for kind, results in by_kind.items()
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
