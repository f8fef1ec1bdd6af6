"""HNSW settings shared by the ANN engines (usearch, hnswlib, faiss).

``threads`` is how many cores a batch insert uses: 0 (the default) means every core for
batches of :data:`PARALLEL_BATCH` rows or more once the graph holds
:data:`PARALLEL_AFTER` rows (a young graph's first rows go in one at a time, because
parallel inserts into an almost empty graph measurably lower its recall), and one
thread otherwise; a positive number is used for every insert. ``rescore`` is how many
candidates a quantized usearch graph returns per search for exact rescoring (see
:mod:`~nearcache.index.usearch`).
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import InvalidInputError

__all__ = [
    "DEFAULTS",
    "PARALLEL_AFTER",
    "PARALLEL_BATCH",
    "RESCORED_DEFAULTS",
    "ann_options",
    "insert_plan",
    "insert_threads",
]

DEFAULTS: dict[str, int] = {
    "M": 16,
    "ef_construction": 128,
    "ef_search": 128,
    "threads": 0,
    "rescore": 32,
}
#: Defaults of a quantized usearch graph rescored exactly (:mod:`~nearcache.index.usearch`).
#: Its candidates are re-ranked by exact cosine, so the graph only has to bring the best
#: row into the top ``rescore``: ``ef_construction=64`` builds it in about half the time
#: of 128 for the same recall@1 at 200k entries, and ``ef_search=104`` is the smallest
#: that kept recall@1 >= 0.99 at a million (0.995 at 0.94 ms; 96 gave 0.989 at 0.87 ms;
#: benchmarks/RESULTS.md, "Idle-machine re-run at the end of session 19").
RESCORED_DEFAULTS: dict[str, int] = {**DEFAULTS, "ef_construction": 64, "ef_search": 104}
#: Rows a graph holds before ``threads=0`` inserts in parallel.
PARALLEL_AFTER = 1024
#: Smallest batch ``threads=0`` inserts in parallel (a smaller one is not worth a pool).
PARALLEL_BATCH = 256


def ann_options(
    options: dict[str, Any] | None, defaults: dict[str, int] = DEFAULTS
) -> dict[str, int]:
    """Validated HNSW settings: ``M``, ``ef_construction``, ``ef_search``, ``threads``,
    ``rescore``; those not given come from ``defaults`` (the engine's)."""
    out = dict(defaults)
    for name, value in (options or {}).items():
        if name not in DEFAULTS:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInputError(
                f"index option {name} must be a non-negative int, not {value!r}"
            )
        if name not in ("threads", "rescore") and value < 1:
            raise InvalidInputError(f"index option {name} must be at least 1")
        out[name] = value
    return out


def insert_threads(threads: int, graph_rows: int, batch: int) -> int:
    """Threads for inserting ``batch`` rows into a graph of ``graph_rows`` (see above)."""
    if threads > 0:
        return threads
    if graph_rows >= PARALLEL_AFTER and batch >= PARALLEL_BATCH:
        return max(1, os.cpu_count() or 1)
    return 1


def insert_plan(threads: int, graph_rows: int, batch: int) -> list[tuple[slice, int]]:
    """(part of the batch, threads) in order: with ``threads=0`` a batch into a young graph
    first fills it to :data:`PARALLEL_AFTER` rows on one thread, the rest goes in parallel
    (so a rebuild handed every row at once still uses every core)."""
    head = 0 if threads or graph_rows >= PARALLEL_AFTER else min(batch, PARALLEL_AFTER - graph_rows)
    plan = [(slice(0, head), 1)] if head else []
    if head < batch:
        plan.append((slice(head, batch), insert_threads(threads, graph_rows + head, batch - head)))
    return plan
