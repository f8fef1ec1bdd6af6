"""Embedding cache hot paths, CPU cost only: the fastest of many batches of 1,000.

On a machine shared with other work a median moves by 2-5x between runs; the fastest of
many repetitions is what the code costs when it gets the CPU. This prints, for one store
and one kind of text, the minimum and median of: the raw floor (BLAKE3 + dict + np.stack,
as in ``embedding_cache.py``), ``get_many`` (hashing included), ``get_many_by_hash``,
``keys_for`` alone and ``put_many`` of fresh texts.

Run it against another checkout's code to compare versions in the same minutes, e.g.

    python benchmarks/hot_paths.py short memory
    PYTHONPATH=/path/to/old/src python benchmarks/hot_paths.py short memory

``--cpu`` times with the process's CPU clock instead of wall time: on a machine shared
with other work it leaves out the time spent waiting for a core (SQLite runs in this
process, so its reads are counted).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import EmbeddingCache, MemoryStore, SQLiteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))

NS = "bench.fake.dense"


CLOCK = time.perf_counter


def timed(fn: Callable[[Any], Any], args: Sequence[Any]) -> tuple[float, float]:
    """(min, median) milliseconds of ``fn(a)`` over ``args``."""
    out = []
    for a in args:
        t = CLOCK()
        fn(a)
        out.append(CLOCK() - t)
    out.sort()
    return out[0] * 1e3, out[len(out) // 2] * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("texts", choices=("short", "chunks"))
    ap.add_argument("store", choices=("memory", "sqlite"))
    ap.add_argument("-n", type=int, default=20_000, help="entries held")
    ap.add_argument("--reps", type=int, default=60)
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU clock (steadier than wall time on a shared machine)",
    )
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    n, reps = args.n, args.reps
    if args.texts == "short":
        from embedding_cache import short_texts

        texts = short_texts(0, n + 10_000)
    else:
        from corpus import chunks

        texts = chunks(n + 10_000)
    vecs = np.random.default_rng(0).standard_normal((n + 10_000, 384)).astype(np.float32)
    store = MemoryStore() if args.store == "memory" else SQLiteStore(tempfile.mkdtemp() + "/b.db")
    cache = EmbeddingCache(store, max_bytes=None)
    for i in range(0, n, 5000):
        cache.put_many(texts[i : i + 5000], vecs[i : i + 5000], NS)
    rng = random.Random(1)
    samples = [[texts[j] for j in rng.sample(range(n), 1000)] for _ in range(reps)]
    from blake3 import blake3

    table = {blake3(t.encode()).digest(): v for t, v in zip(texts[:n], vecs[:n])}
    rows = {
        "floor": timed(
            lambda s: np.stack([table[blake3(t.encode()).digest()] for t in s]), samples
        ),
        "get_many": timed(lambda s: cache.get_many(s, NS), samples),
        "by_hash": timed(
            lambda k: cache.get_many_by_hash(k, NS), [cache.keys_for(s) for s in samples]
        ),
        "keys_for": timed(cache.keys_for, samples),
        "put_many": timed(
            lambda i: cache.put_many(texts[n + i * 1000 : n + (i + 1) * 1000], vecs[:1000], NS),
            range(10),
        ),
    }
    cells = " ".join(f"{k} {lo:.2f}/{mid:.2f}" for k, (lo, mid) in rows.items())
    clock = "CPU" if args.cpu else "wall"
    print(f"{args.texts} {args.store} min/median {clock} ms: {cells}")


if __name__ == "__main__":
    main()
