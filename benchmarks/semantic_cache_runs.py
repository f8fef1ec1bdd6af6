"""The semantic cache benchmark's runs: nearcache, mneme-cache and GPTCache, each filling
a cache and timing its rows (see semantic_cache.py, which runs each in its own process)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from semantic_cache_support import (
    DIM,
    EF_SETTINGS,
    EXACT_ONLY,
    THRESHOLD,
    Data,
    FakeEmbedder,
    l1_rows,
    lat,
    matched,
    rss,
)

from nearcache import SemanticCache

#: The script a restarted process runs (``--reopen``).
SCRIPT = str(Path(__file__).with_name("semantic_cache.py"))


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
    t, cpu = time.perf_counter(), time.thread_time()  # ... and the rest in batches of 1,000
    for start in range(single, n, 1000):
        stop = min(n, start + 1000)
        cache.put_many(
            [Data.text(i) for i in range(start, stop)], [f"answer {i}" for i in range(start, stop)]
        )
    if n > single:
        took, cpu = time.perf_counter() - t, time.thread_time() - cpu
        rows["bulk load/s (put_many, import_data)"] = (n - single) / took
        # Where the bulk load's wall time goes: this thread's CPU, and the rest (waits:
        # the writer's own WAL checkpoints and their fsync calls, or a busy machine's
        # run queue); the checkpoint thread's CPU is on another core and in neither.
        rows["bulk load CPU per entry, writing thread (µs)"] = cpu / (n - single) * 1e6
        rows["bulk load off-CPU per entry, writing thread (µs)"] = (took - cpu) / (n - single) * 1e6
    cache.close()

    if not EXACT_ONLY:
        restart(db, "exact", "float32", n, "exact f32", rows)
    cache = open_cache(index_backend="exact")
    rows["index bytes per entry, exact f32 (B)"] = cache.stats().index_bytes / n
    # Timed at once, as users get a reopened cache: the mapped index's checksum thread
    # (nice 19) may still run; say whether it did (its CPU is not the gets').
    check = getattr(cache._core.index, "_verifier", None)
    l1_rows(cache.get, data, queries, rows)
    rows["index check still running after the exact rows"] = (
        "yes" if check is not None and check.is_alive() else "no"
    )
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
        cmd = [sys.executable, SCRIPT, "--reopen", str(db), backend, dtype, str(n)]
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
    l1_rows(cache.get, data, queries, rows)
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


BENCHES: dict[str, Callable[[Data, int, Path, dict[str, Any]], None]] = {
    "nearcache": bench_nearcache,
    "mneme-cache": bench_mneme,
    "GPTCache": bench_gptcache,
}
