"""Semantic cache: put, exact (L1) and semantic (L2) gets, recall, memory and reopen.

Runs nearcache's SemanticCache (SQLite store; exact, HNSW and int8 indexes) side by side
with mneme-cache (SQLite; NumPy exact and hnswlib) and GPTCache (sqlite + faiss flat) in
one process, with the same fake deterministic 384-d embedder, and prints each peer's
ratio to nearcache.

    python benchmarks/semantic_cache.py            # N = 10,000 and 100,000
    python benchmarks/semantic_cache.py --quick    # N = 2,000, fewer queries
    python benchmarks/semantic_cache.py --full     # also N = 1,000,000 (nearcache only)
    python benchmarks/semantic_cache.py --sizes 1000000   # one size only
    python benchmarks/semantic_cache.py --sizes 100000 --exact-only  # exact-layer rows

The exact layer is measured twice: a different uniformly drawn key per get (a store read
each time) and a hot set of 100 keys, read twice before timing, then ten times each (the
steady state that an in-process copy of hot entries serves). Data is "lowrank" (random low-rank + noise, like real text embeddings);
``--random`` adds a recall row on isotropic random data, ANN's worst case. Queries for the semantic
layer are stored vectors plus noise (cosine ~0.98 to their source). ``--data real`` uses
the real-vector fixture instead (chunks of code and docs embedded by the default model,
see ``real_vectors.py``; queries are stored chunks with a line dropped, embedded).
Peers are optional (``pip install mneme-cache gptcache hnswlib``); a missing one is
reported and skipped. The report ends with the hot-path issue's targets, met or missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import SemanticCache

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
RAW_F32 = DIM * 4


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


def repeated_l1(get: Callable[..., Any], data: Data, queries: int, rows: dict[str, Any]) -> None:
    """Exact gets of a hot set of HOT_KEYS keys, each read twice before timing and then
    queries/HOT_KEYS times (steady state of traffic that repeats itself); the uniform row
    above measures first reads. Every library gets the same warm-up."""
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


# --------------------------------------------------------------------------- nearcache


def bench_nearcache(data: Data, queries: int, work: Path, rows: dict[str, Any]) -> None:
    n = data.n
    db = work / "nearcache.db"
    emb = FakeEmbedder(data)

    def open_cache(**kw: Any) -> SemanticCache:
        return SemanticCache(db, emb, similarity_threshold=THRESHOLD, **kw, judge=None)

    cache = open_cache(index_backend="exact")
    single = min(n, 20_000)  # one put at a time (each its own transaction) ...
    t = time.perf_counter()
    for i in range(single):
        cache.put(Data.text(i), f"answer {i}")
    rows["put/s (exact index)"] = single / (time.perf_counter() - t)
    t = time.perf_counter()  # ... and the rest in batches of 1,000
    for start in range(single, n, 1000):
        stop = min(n, start + 1000)
        cache.put_many(
            [Data.text(i) for i in range(start, stop)], [f"answer {i}" for i in range(start, stop)]
        )
    if n > single:
        rows["bulk load/s (put_many, import_data)"] = (n - single) / (time.perf_counter() - t)
    cache.close()

    if not EXACT_ONLY:
        restart(db, "exact", "float32", n, "exact f32", rows)
    cache = open_cache(index_backend="exact")
    rows["index bytes per entry, exact f32 (B)"] = cache.stats().index_bytes / n
    p50, p99, _ = lat(lambda i: cache.get(Data.text(int(data.l1[i]))), queries)
    rows["L1 get p50 (µs)"], rows["L1 get p99 (µs)"] = p50, p99
    repeated_l1(cache.get, data, queries, rows)
    if EXACT_ONLY:
        cache.close()
        return
    q_exact = min(queries, 200 if n >= 1_000_000 else queries)
    p50, p99, hits = lat(lambda i: cache.get(f"p{i} paraphrase", embedding=data.p[i]), q_exact)
    rows["L2 get exact p50 (µs)"], rows["L2 get exact p99 (µs)"] = p50, p99
    truth = [matched(h) for h in hits]
    rows["L2 exact hit rate"] = sum(m is not None for m in truth) / q_exact
    cache.close()

    t = time.perf_counter()
    cache = open_cache(index_backend="hnsw", index_options={"engine": "usearch"})  # int8 graph
    rows["HNSW build from the store (s)"] = time.perf_counter() - t
    for label, ef in EF_SETTINGS:
        if ef is not None:
            for space in cache._core.index.spaces.spaces():
                space.index.options["ef_search"] = ef  # type: ignore[attr-defined]
        p50, p99, hits = lat(lambda i: cache.get(f"p{i} paraphrase", embedding=data.p[i]), queries)
        rows[f"L2 get HNSW {label} p50 (µs)"] = p50
        rows[f"L2 get HNSW {label} p99 (µs)"] = p99
        got = [matched(h) for h in hits]
        rows[f"recall@1 HNSW {label} vs exact"] = (
            sum(g == e for g, e in zip(got[:q_exact], truth)) / q_exact
        )
    t = time.perf_counter()
    extra = min(1000, n)
    for i in range(extra):
        j = i % len(data.src)
        cache.put(f"q{int(data.src[j])} again {i}", "x", embedding=data.x[int(data.src[j])])
    rows["put/s (HNSW index)"] = extra / (time.perf_counter() - t)
    rows["index bytes per entry, HNSW f32 (B)"] = cache.stats().index_bytes / (n + extra)
    cache.close()
    restart(db, "hnsw", "float32", n + extra, "HNSW f32", rows)

    cache = open_cache(index_backend="exact", vector_dtype="int8")  # rebuilt in int8
    cache.close()
    restart(db, "exact", "int8", n + extra, "exact int8", rows)
    cache = open_cache(index_backend="exact", vector_dtype="int8")
    rows["index bytes per entry, exact int8 (B)"] = cache.stats().index_bytes / (n + extra)
    p50, p99, _ = lat(lambda i: cache.get(f"p{i} paraphrase", embedding=data.p[i]), q_exact)
    rows["L2 get exact int8 p50 (µs)"] = p50
    cache.close()


class StubEmbedder:
    """The benchmark embedder's identity, for processes that only reopen a cache."""

    provider, model, kind, dim = "bench", "fake", "dense", DIM
    fingerprint = "bench/fake@1;dim=384"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("not used: the first hit comes from the exact layer")


def reopen_worker(db: str, backend: str, dtype: str, n: int) -> None:
    """A restarted process: time from opening the cache to its first hit, and RSS growth."""
    gc.collect()
    before = rss()
    t = time.perf_counter()
    cache = SemanticCache(db, StubEmbedder(), index_backend=backend, vector_dtype=dtype, judge=None)
    hit = cache.get(Data.text(0))
    took = time.perf_counter() - t
    assert hit is not None
    print(json.dumps({"reopen_s": took, "rss_per_entry": (rss() - before) / n}))
    cache.close()


def restart(db: Path, backend: str, dtype: str, n: int, label: str, rows: dict[str, Any]) -> None:
    """Reopen in fresh processes (median of 3), like a service restart."""
    runs = []
    for _ in range(3):
        cmd = [sys.executable, __file__, "--reopen", str(db), backend, dtype, str(n)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    runs.sort(key=lambda r: float(r["reopen_s"]))
    rows[f"reopen to first hit, {label} (s)"] = runs[1]["reopen_s"]
    rows[f"RSS growth on reopen per entry, {label} (B)"] = runs[1]["rss_per_entry"]


# --------------------------------------------------------------------------- mneme


class MnemeEmbedder:
    def __init__(self, data: Data) -> None:
        self.data = data
        self.dim = DIM
        self.fingerprint = "bench/fake@1"

    def embed(self, text: str) -> np.ndarray:
        return self.data.vector(text)


def bench_mneme(data: Data, queries: int, work: Path, rows: dict[str, Any]) -> None:
    import mneme

    n = data.n
    db = work / "mneme.db"
    emb = MnemeEmbedder(data)
    cache = mneme.SemanticCache(db, emb, similarity_threshold=THRESHOLD, index_backend="numpy")
    t = time.perf_counter()
    for i in range(n):
        cache.put(Data.text(i), f"answer {i}")
    rows["put/s (exact index)"] = n / (time.perf_counter() - t)
    cache.close()
    t = time.perf_counter()
    cache = mneme.SemanticCache(db, emb, similarity_threshold=THRESHOLD, index_backend="numpy")
    hit = cache.get(Data.text(int(data.l1[0])))
    rows["reopen to first hit, exact f32 (s)"] = time.perf_counter() - t
    assert hit is not None
    p50, p99, _ = lat(lambda i: cache.get(Data.text(int(data.l1[i]))), queries)
    rows["L1 get p50 (µs)"], rows["L1 get p99 (µs)"] = p50, p99
    repeated_l1(cache.get, data, queries, rows)
    if EXACT_ONLY:
        cache.close()
        return
    p50, p99, hits = lat(lambda i: cache.get(f"p{i} paraphrase", embedding=data.p[i]), queries)
    rows["L2 get exact p50 (µs)"], rows["L2 get exact p99 (µs)"] = p50, p99
    truth = [matched(h) for h in hits]
    cache.close()
    try:
        import hnswlib  # noqa: F401
    except ImportError:
        print("  (hnswlib not installed: mneme's HNSW rows skipped)", file=sys.stderr)
        return
    t = time.perf_counter()
    cache = mneme.SemanticCache(db, emb, similarity_threshold=THRESHOLD, index_backend="hnsw")
    hit = cache.get("p0 paraphrase", embedding=data.p[0])
    rows["reopen to first hit, HNSW f32 (s)"] = time.perf_counter() - t
    p50, p99, hits = lat(lambda i: cache.get(f"p{i} paraphrase", embedding=data.p[i]), queries)
    got = [matched(h) for h in hits]
    recall = sum(g == e for g, e in zip(got, truth)) / queries
    for label in ("default settings", "ef=50"):  # mneme's default ef is 50
        rows[f"L2 get HNSW {label} p50 (µs)"] = p50
        rows[f"L2 get HNSW {label} p99 (µs)"] = p99
        rows[f"recall@1 HNSW {label} vs exact"] = recall

    extra = min(300, n)
    t = time.perf_counter()
    for i in range(extra):
        j = i % len(data.src)
        cache.put(f"q{int(data.src[j])} again {i}", "x", embedding=data.x[int(data.src[j])])
    rows["put/s (HNSW index)"] = extra / (time.perf_counter() - t)
    cache.close()


# --------------------------------------------------------------------------- GPTCache


def bench_gptcache(data: Data, queries: int, work: Path, rows: dict[str, Any]) -> None:
    from gptcache import Cache
    from gptcache.adapter.api import get, put
    from gptcache.manager import CacheBase, VectorBase, get_data_manager
    from gptcache.processor.pre import get_prompt
    from gptcache.similarity_evaluation.distance import SearchDistanceEvaluation

    n = data.n

    def make() -> Any:
        cache = Cache()
        manager = get_data_manager(
            CacheBase("sqlite", sql_url=f"sqlite:///{work / 'gpt.db'}"),
            VectorBase("faiss", dimension=DIM, index_path=str(work / "gpt.faiss")),
            max_size=10 * n,  # the default (1,000) would silently evict
        )
        cache.init(
            pre_embedding_func=get_prompt,
            embedding_func=lambda text, **_: data.vector(text),
            data_manager=manager,
            similarity_evaluation=SearchDistanceEvaluation(),
        )
        return cache

    cache = make()
    texts = [Data.text(i) for i in range(n)]
    t = time.perf_counter()
    for start in range(0, n, 10_000):  # bulk import; individual puts are timed below
        part = texts[start : start + 10_000]
        cache.import_data(part, [f"answer {start + i}" for i in range(len(part))])
    rows["bulk load/s (put_many, import_data)"] = n / (time.perf_counter() - t)
    extra = min(300, n)
    t = time.perf_counter()
    for i in range(extra):
        put(f"q{int(data.src[i % len(data.src)])} again {i}", "x", cache_obj=cache)
    rows["put/s (exact index)"] = extra / (time.perf_counter() - t)
    cache.data_manager.close()
    t = time.perf_counter()
    cache = make()
    first = get(Data.text(int(data.l1[0])), cache_obj=cache)
    rows["reopen to first hit, exact f32 (s)"] = time.perf_counter() - t
    assert first is not None
    p50, p99, _ = lat(lambda i: get(Data.text(int(data.l1[i])), cache_obj=cache), queries)
    rows["L1 get p50 (µs)"], rows["L1 get p99 (µs)"] = p50, p99
    p50, p99, _ = lat(lambda i: get(f"p{i} paraphrase", cache_obj=cache), queries)
    rows["L2 get exact p50 (µs)"], rows["L2 get exact p99 (µs)"] = p50, p99
    cache.data_manager.close()


# --------------------------------------------------------------------------- report

LOWER_IS_BETTER = ("(µs)", "(s)", "(B)")


def report(n: int, results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    keys: list[str] = []
    for r in results.values():
        keys += [k for k in r if k not in keys]
    head = "| metric | " + " | ".join(names)
    peers = names[1:]
    head += "".join(f" | nearcache advantage vs {p}" for p in peers) + " |"
    lines = [f"### N = {n:,}", "", head, "|" + "---|" * (1 + len(names) + len(peers))]
    for key in keys:
        vals = [results[name].get(key) for name in names]
        cells = [_fmt(v) for v in vals]
        ratios = []
        base = vals[0]
        lower = key.endswith(LOWER_IS_BETTER)
        for v in vals[1:]:
            if isinstance(base, (int, float)) and isinstance(v, (int, float)) and base and v:
                ratios.append(f"{(v / base) if lower else (base / v):.2f}x")
            else:
                ratios.append("")
        lines.append(f"| {key} | " + " | ".join(cells) + "".join(f" | {r}" for r in ratios) + " |")
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v >= 1000:
            return f"{v:,.0f}"
        if v >= 10:
            return f"{v:.1f}"
        return f"{v:.3f}"
    return str(v)


def targets(everything: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The hot-path issue's semantic targets, each with its measured value and verdict."""
    lines = ["| target | N | measured | reference | met |", "|---|---|---|---|---|"]

    def row(label: str, n: str, value: float | None, ref: str, ok: bool | None) -> None:
        if value is None or ok is None:
            return
        lines.append(
            f"| {label} | {int(n):,} | {_fmt(value)} | {ref} | {'met' if ok else 'MISSED'} |"
        )

    for n, results in everything.items():
        mine, mneme = results.get("nearcache", {}), results.get("mneme-cache", {})
        put, mput = mine.get("put/s (exact index)"), mneme.get("put/s (exact index)")
        if put and mput:
            row(
                "single put >= 1.5x mneme-cache (SQLite)",
                n,
                put,
                f"{_fmt(mput)}/s: {put / mput:.2f}x",
                put >= 1.5 * mput,
            )
        bulk = mine.get("bulk load/s (put_many, import_data)")
        row("put_many >= 50k entries/s", n, bulk, "-", None if bulk is None else bulk >= 50_000)
        l1, l1_99, ml1 = (
            mine.get("L1 get p50 (µs)"),
            mine.get("L1 get p99 (µs)"),
            mneme.get("L1 get p50 (µs)"),
        )
        row("exact-layer get p50 <= 20 µs", n, l1, "-", None if l1 is None else l1 <= 20)
        row("exact-layer get p99 <= 100 µs", n, l1_99, "-", None if l1_99 is None else l1_99 <= 100)
        if l1 and ml1:
            row(
                "exact-layer get >= 2x mneme-cache",
                n,
                l1,
                f"{_fmt(ml1)} µs: {ml1 / l1:.2f}x",
                ml1 >= 2 * l1,
            )
        r50, r99 = (
            mine.get(f"L1 get, {HOT_KEYS} repeated keys p50 (µs)"),
            mine.get(f"L1 get, {HOT_KEYS} repeated keys p99 (µs)"),
        )
        mr50 = mneme.get(f"L1 get, {HOT_KEYS} repeated keys p50 (µs)")
        row(
            "exact-layer get p50 <= 20 µs, repeated keys",
            n,
            r50,
            "-",
            None if r50 is None else r50 <= 20,
        )
        row(
            "exact-layer get p99 <= 100 µs, repeated keys",
            n,
            r99,
            "-",
            None if r99 is None else r99 <= 100,
        )
        if r50 and mr50:
            row(
                "exact-layer get >= 2x mneme-cache, repeated keys",
                n,
                r50,
                f"{_fmt(mr50)} µs: {mr50 / r50:.2f}x",
                mr50 >= 2 * r50,
            )
        best = None
        for label, _ in EF_SETTINGS:
            rec, p50 = (
                mine.get(f"recall@1 HNSW {label} vs exact"),
                mine.get(f"L2 get HNSW {label} p50 (µs)"),
            )
            if (
                rec is not None
                and p50 is not None
                and rec >= 0.99
                and (best is None or p50 < best[1])
            ):
                best = (label, p50, rec)
        if best is not None:
            row(
                "semantic get <= 1 ms at recall@1 >= 0.99",
                n,
                best[1],
                f"{best[0]}, recall {best[2]:.3f}",
                best[1] <= 1000,
            )
        elif any(k.startswith("recall@1 HNSW") for k in mine):
            lines.append(
                f"| semantic get <= 1 ms at recall@1 >= 0.99 | {int(n):,} | no setting reached 0.99 | - | MISSED |"
            )
        if int(n) >= 1_000_000:
            build = mine.get("HNSW build from the store (s)")
            row("HNSW build <= 300 s", n, build, "-", None if build is None else build <= 300)
            for what in ("exact f32", "HNSW f32"):
                r = mine.get(f"reopen to first hit, {what} (s)")
                row(
                    f"reopen to first hit <= 1 s, {what}",
                    n,
                    r,
                    "-",
                    None if r is None else r <= 1.0,
                )
    return "\n".join(lines)


BENCHES: dict[str, Callable[[Data, int, Path, dict[str, Any]], None]] = {
    "nearcache": bench_nearcache,
    "mneme-cache": bench_mneme,
    "GPTCache": bench_gptcache,
}


def worker(name: str, n: int, queries: int, kind: str) -> None:
    """Run one library at one size in this (fresh) process; print its rows as JSON."""
    data = Data(n, queries, kind)
    queries = min(queries, len(data.p))
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    rows: dict[str, Any] = {}
    try:
        with contextlib.redirect_stdout(sys.stderr):
            BENCHES[name](data, queries, work, rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(rows))


def run(name: str, n: int, queries: int, kind: str = "lowrank") -> dict[str, Any]:
    """Each library runs in its own process: no shared allocator, OpenMP or BLAS state."""
    t = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            name,
            "--n",
            str(n),
            "--queries",
            str(queries),
            "--kind",
            kind,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - t
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        print(f"  {name} at N={n:,} failed: {tail[0]}", file=sys.stderr)
        return {}
    print(f"  {name} at N={n:,} ({kind}): {took:.0f} s", file=sys.stderr)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 2,000 (smoke run)")
    ap.add_argument("--full", action="store_true", help="also N = 1,000,000 (nearcache only)")
    ap.add_argument("--sizes", type=int, nargs="+", help="run these N only (e.g. --sizes 1000000)")
    ap.add_argument("--random", action="store_true", help="also measure recall on random data")
    ap.add_argument(
        "--data",
        choices=("lowrank", "real"),
        default="lowrank",
        help="stored vectors: synthetic low-rank, or the real-vector fixture",
    )
    ap.add_argument("--no-peers", action="store_true", help="nearcache only")
    ap.add_argument(
        "--exact-only",
        action="store_true",
        help="fill, reopen and the exact-layer get rows only (nearcache and mneme-cache)",
    )
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    ap.add_argument("--worker", choices=sorted(BENCHES), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--queries", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--kind", default="lowrank", help=argparse.SUPPRESS)
    ap.add_argument("--reopen", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.reopen:
        db, backend, dtype, n = args.reopen
        reopen_worker(db, backend, dtype, int(n))
        return
    if args.worker:
        worker(args.worker, args.n, args.queries, args.kind)
        return
    sizes = [2_000] if args.quick else [10_000, 100_000]
    if args.full:
        sizes.append(1_000_000)
    if args.sizes:
        sizes = args.sizes
    queries = 200 if args.quick else 1000
    if args.exact_only:  # the workers are other processes: they read it from the environment
        os.environ["NEARCACHE_BENCH_EXACT_ONLY"] = "1"
    everything: dict[str, Any] = {}
    print(
        f"# semantic cache benchmark: {os.cpu_count()} CPUs, dim {DIM}, threshold {THRESHOLD}, "
        f"{args.data} data"
    )
    print(f"# command: python {' '.join(sys.argv)}")
    for n in sizes:
        results: dict[str, dict[str, Any]] = {"nearcache": run("nearcache", n, queries, args.data)}
        if not args.no_peers and n <= 100_000:
            for peer in ("mneme-cache",) if args.exact_only else ("mneme-cache", "GPTCache"):
                results[peer] = run(peer, n, queries, args.data)
        if args.random and n <= 100_000:
            rows = run("nearcache", n, queries, "random")
            results["nearcache"].update(
                {f"{k} [random data]": v for k, v in rows.items() if k.startswith("recall")}
            )
        everything[str(n)] = results
        print()
        print(report(n, results))
        sys.stdout.flush()
    print()
    print(targets(everything))
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, default=float))


if __name__ == "__main__":
    main()
