"""The HNSW index at scale: build time, search latency, recall@1 and reopen (issue 14).

For each size N it builds nearcache's usearch index (:class:`~nearcache.index.usearch.
HnswIndex`) the way the cache does -- batches of 10,000 rows, as ``put_many`` and a
rebuild hand them over -- and reports:

* build wall time and CPU time, and vectors per second;
* search p50/p99 (one query at a time, one thread; and the CPU time p50, which a busy
  shared machine does not inflate) and recall@1 against an exact search
  over all N stored vectors, for each ``ef_search`` measured (a tie with the exact best,
  within 1e-6, counts as found: real text holds chunks with equal vectors);
* the saved files' size, and a fresh process's time to reopen the index and answer the
  first search: the XXH3 check of every file the cache runs first, then the load (which
  memory-maps the files), then the search.

recall@1 is also given over the queries whose exact best reaches the cache's default
similarity threshold (0.85): the ones a cache would serve. Real ``edited`` queries whose
best stored chunk is far (a dropped line can change a 120-character chunk a lot) are
where the graph misses most, and a cache would miss them anyway.

Data: ``lowrank`` (random low-rank + noise, like text embeddings; queries are stored
vectors plus noise, cosine ~0.98, as in benchmarks/semantic_cache.py) and ``real`` (the
first N vectors of benchmarks/real_vectors.py's fixture, with its two query sets:
``edited`` -- stored chunks with a line dropped, what a cache is asked most -- and
``held_out`` -- chunks not stored, whose nearest neighbour is often nearly tied). A
fixture still being embedded can be used up to the rows it has done.

    python benchmarks/ann_index.py --quick                       # 20,000 lowrank
    python benchmarks/ann_index.py --n 100000 --data lowrank real
    python benchmarks/ann_index.py --n 1000000 --data lowrank real --graphs int8 float32

Never a timed test; numbers go to benchmarks/RESULTS.md with the load (``uptime``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_vectors import fixture_dir
from semantic_cache import lowrank

from nearcache.index.usearch import HnswIndex

DIM = 384
BATCH = 10_000
NOISE = 0.012
#: The semantic cache's default similarity threshold: a query whose exact best is below it
#: is a miss whatever the index returns, so recall@1 is also reported over the others.
HIT = 0.85


def load_avg() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def real_data(n: int, fixture: int, size: int, queries: int) -> dict[str, np.ndarray]:
    """The first ``n`` vectors of the real fixture (complete or not) and its query sets."""
    root = fixture_dir(fixture, size)
    done_file = root / "vectors.done"
    done = fixture if (root / "COMPLETE").exists() else 0
    if not done and done_file.exists():
        done = int(done_file.read_text())
    if done < n:
        raise SystemExit(f"{root} holds {done:,} embedded vectors, fewer than {n:,}")
    x = np.array(np.load(root / "vectors.npy", mmap_mode="r")[:n], dtype=np.float32)
    src = np.load(root / "edited_sources.npy")
    keep = src < n  # edited copies of stored chunks only
    return {
        "x": x,
        "edited": np.load(root / "edited.npy")[keep][:queries],
        "held_out": np.load(root / "held_out.npy")[:queries],
    }


def synthetic(n: int, queries: int) -> dict[str, np.ndarray]:
    x = lowrank(n, 1)
    rng = np.random.default_rng(2)
    q = x[rng.integers(0, n, queries)] + NOISE * rng.standard_normal((queries, DIM))
    q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    return {"x": x, "paraphrase": q}


def exact_best(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The exact best similarity of every query (blocked matrix product)."""
    best = np.full(q.shape[0], -np.inf, dtype=np.float32)
    for start in range(0, x.shape[0], 50_000):
        np.maximum(best, (q @ x[start : start + 50_000].T).max(axis=1), out=best)
    return best


def build(
    x: np.ndarray, graph: str, options: dict[str, Any] | None = None
) -> tuple[Any, dict[str, float]]:
    """The default index with ``graph_dtype=graph`` (and ``options``: M, ef_construction,
    rescore...), or hnswlib's for ``graph="hnswlib"``."""
    if graph == "hnswlib":
        from nearcache.index.hnswlib import HnswlibIndex

        index: Any = HnswlibIndex(DIM, "float32", options)
    else:
        index = HnswIndex(DIM, "float32", {**(options or {}), "graph_dtype": graph})
    rows = np.arange(x.shape[0], dtype=np.int64)
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, x.shape[0], BATCH):
        index.add(rows[start : start + BATCH], x[start : start + BATCH])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return index, {"build_s": wall, "build_cpu_s": cpu, "build_per_s": x.shape[0] / wall}


def measure(
    index: Any, x: np.ndarray, sets: dict[str, np.ndarray], efs: list[int]
) -> dict[str, float]:
    out: dict[str, float] = {}
    best = {name: exact_best(x, q) for name, q in sets.items()}
    for ef in efs:
        index.options["ef_search"] = ef
        for name, q in sets.items():
            lat, cpu, found = [], [], np.zeros(q.shape[0], dtype=bool)
            for i in range(q.shape[0]):
                t, c = time.perf_counter(), time.thread_time()
                rows, _ = index.search(q[i], 1)
                lat.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c)
                found[i] = bool(rows.size) and float(x[rows[0]] @ q[i]) >= best[name][i] - 1e-6
            would_hit = best[name] >= HIT
            out[f"ef={ef} {name} p50 us"] = float(np.percentile(lat, 50)) * 1e6
            out[f"ef={ef} {name} p99 us"] = float(np.percentile(lat, 99)) * 1e6
            out[f"ef={ef} {name} CPU p50 us"] = float(np.percentile(cpu, 50)) * 1e6
            out[f"ef={ef} {name} recall@1"] = float(found.mean())
            if would_hit.any():  # the queries a cache at its default threshold would serve
                out[f"ef={ef} {name} recall@1 best>={HIT}"] = float(found[would_hit].mean())
    for name in sets:
        out[f"{name} queries / best>={HIT}"] = (
            f"{len(best[name])} / {int((best[name] >= HIT).sum())}"
        )
    return out


def reopen_child(folder: str, query: str) -> None:
    """In a fresh process: check the files' XXH3, load the index, answer one search."""
    import xxhash

    from nearcache.index.factory import load_index

    started = time.perf_counter()
    info = json.loads((Path(folder) / "info.json").read_text())
    for name in info.pop("files"):
        h = xxhash.xxh3_64()
        with open(Path(folder) / name, "rb", buffering=0) as fh:
            while chunk := fh.read(8 << 20):
                h.update(chunk)
    checked = time.perf_counter()
    index = load_index(Path(folder), "p0", info)
    rows, _ = index.search(np.load(query), 1)
    done = time.perf_counter()
    assert rows.size == 1
    print(json.dumps({"reopen_s": done - started, "reopen_no_check_s": done - checked}))


def reopen(index: Any, q: np.ndarray, work: Path) -> dict[str, float]:
    folder = work / "saved"
    folder.mkdir()
    names = index.save(folder, "p0")
    (folder / "info.json").write_text(json.dumps({**index.info(), "files": names}))
    np.save(work / "q.npy", q)
    size = sum((folder / n).stat().st_size for n in names)
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " + (
        f"import ann_index; ann_index.reopen_child({str(folder)!r}, {str(work / 'q.npy')!r})"
    )
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    best = min(runs, key=lambda r: r["reopen_s"])
    shutil.rmtree(folder)
    return {"saved MB": size / 1e6, **best}


def run(n: int, kind: str, graph: str, args: argparse.Namespace) -> dict[str, Any]:
    data = (
        synthetic(n, args.queries)
        if kind == "lowrank"
        else real_data(n, args.real_fixture, args.real_size, args.queries)
    )
    x = data.pop("x")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    print(f"N={n:,} {kind} graph={graph}: building (load {load_avg()})", file=sys.stderr)
    index, row = build(x, graph, args.options)
    print(f"  built in {row['build_s']:.1f} s (load {load_avg()})", file=sys.stderr)
    row.update(measure(index, x, data, args.ef))
    with tempfile.TemporaryDirectory(prefix="ann-index-") as work:
        row.update(reopen(index, next(iter(data.values()))[0], Path(work)))
    row["load after"] = load_avg()
    settings = {k: v for k, v in index.options.items() if k != "ef_search"}
    return {"n": n, "data": kind, "graph": graph, "settings": json.dumps(settings), **row}


def table(results: list[dict[str, Any]]) -> str:
    keys = [k for k in results[0] if k not in ("n", "data", "graph")]
    for r in results[1:]:
        keys += [k for k in r if k not in keys and k not in ("n", "data", "graph")]
    head = [f"{r['data']} {r['n']:,} {r['graph']}" for r in results]
    lines = ["| metric | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for k in keys:
        cells = []
        for r in results:
            v = r.get(k, "")
            cells.append(
                f"{v:,.3f}"
                if isinstance(v, float) and "recall" in k
                else f"{v:,.1f}"
                if isinstance(v, float)
                else str(v)
            )
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000], help="sizes")
    ap.add_argument("--data", nargs="+", default=["lowrank"], choices=["lowrank", "real"])
    ap.add_argument(
        "--graphs", nargs="+", default=["auto"], help="graph_dtype values, or hnswlib (peer)"
    )
    ap.add_argument("--ef", type=int, nargs="+", default=[64, 128, 256], help="ef_search")
    ap.add_argument("--queries", type=int, default=1000, help="queries per set")
    ap.add_argument("--real-fixture", type=int, default=1_000_000, help="fixture N")
    ap.add_argument("--real-size", type=int, default=120, help="fixture chunk size")
    ap.add_argument(
        "--options",
        type=json.loads,
        default=None,
        help='index options as JSON, e.g. \'{"M": 12, "ef_construction": 96}\'',
    )
    ap.add_argument("--quick", action="store_true", help="20,000 lowrank, 200 queries")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args()
    if args.quick:
        args.n, args.queries, args.ef = [20_000], 200, [64, 128]
    print(f"load before: {load_avg()}", file=sys.stderr)
    results = []
    for n in args.n:
        for kind in args.data:
            for g in args.graphs:
                results.append(run(n, kind, g, args))
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # kept if cut short
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
