"""RELIABILITY test 16: namespace quotas and byte budgets under concurrent writers.

Writers are spawned processes sharing one SQLite file. A sampler reads the store's own
counters every 10 ms: the cap must hold at *every* sample, which needs the put and its
eviction in one transaction (``put_within``), not a put followed by a later trim.
Another namespace (B) is read throughout and must come out byte-identical, also when A is
cleared in the middle of the run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import workers
from helpers import HashEmbedder
from nearcache import EmbeddingCache, ManualClock, MemoryStore, SemanticCache, SQLiteStore
from nearcache.semantic.record import decode_entry

CTX = mp.get_context("spawn")
SECONDS = min(float(os.environ.get("NEARCACHE_STRESS_SECONDS", "15")), 8.0)
QUOTA = 200


def _sample(
    path: str, table: str, ns: str | None, stop: threading.Event, out: list[tuple[int, int]]
) -> None:
    store = SQLiteStore(path)
    try:
        while not stop.is_set():
            info = store.info(table, ns)
            out.append((info.entries, info.bytes))
            time.sleep(0.01)
    finally:
        store.close()


Running = list[tuple[Any, Any]]


def _start(target: Callable[..., None], arg_lists: list[tuple[Any, ...]]) -> Running:
    """Spawn one writer per argument tuple; each reports a count over its pipe when done."""
    running = []
    for args in arg_lists:
        parent, child = CTX.Pipe(duplex=False)
        proc = CTX.Process(target=target, args=(*args, child))
        proc.start()
        child.close()
        running.append((proc, parent))
    return running


def _finish(running: Running) -> int:
    """Total of the writers' counts, once each has exited cleanly."""
    total = 0
    for proc, conn in running:
        total += conn.recv()
        proc.join(60)
        assert proc.exitcode == 0
    return total


def _snapshot(store: SQLiteStore, table: str, ns: str) -> list[tuple[str, bytes, float | None]]:
    return sorted(
        (it.key, it.value, it.expires_at) for batch in store.scan(table, ns) for it in batch
    )


def test_namespace_quota_holds_at_every_instant_and_b_is_untouched(tmp_path: Path) -> None:
    path = str(tmp_path / "quota.db")
    owner = SemanticCache(
        path=path,
        embedder=HashEmbedder(dim=16),
        namespace_quotas={"A": QUOTA},
        multi_process_mode="shared",
    )
    b_queries = [f"tenant b question {i}" for i in range(50)]
    owner.put_many(b_queries, [f"b answer {i}" for i in range(50)], namespace="B")
    reader = SQLiteStore(path)
    b_before, b_info = _snapshot(reader, "semantic", "B"), reader.info("semantic", "B")

    samples: list[tuple[int, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(path, "semantic", "A", stop, samples))
    b_misses: list[str] = []

    def b_workload() -> None:  # B's own traffic: reads of its entries throughout the run
        i = 0
        while not stop.is_set():
            q = b_queries[i % 50]
            hit = owner.get(q, namespace="B")
            if hit is None or hit.response != f"b answer {i % 50}":
                b_misses.append(q)
            i += 1
            time.sleep(0.002)

    b_thread = threading.Thread(target=b_workload)
    sampler.start()
    b_thread.start()
    running = _start(workers.quota_writer, [(path, w, SECONDS, QUOTA) for w in range(8)])
    time.sleep(SECONDS / 2)
    owner.clear_namespace("A")  # in the middle of the run
    cleared_at = len(samples)
    written = _finish(running)
    stop.set()
    sampler.join(10)
    b_thread.join(10)

    assert written > 2 * QUOTA, "the writers did not push A past its quota"
    assert len(samples) > 100 and cleared_at > 0
    over = [s for s in samples if s[0] > QUOTA]
    assert over == [], f"A exceeded its quota at {len(over)} samples, e.g. {over[:3]}"
    assert max(s[0] for s in samples) == QUOTA  # it was reached, and held
    info = reader.info("semantic", "A")
    assert info.entries == QUOTA and info.evictions >= written - 2 * QUOTA
    # B: byte-identical records and unchanged counters, and every read of it hit.
    assert _snapshot(reader, "semantic", "B") == b_before
    b_after = reader.info("semantic", "B")
    assert (b_after.entries, b_after.bytes, b_after.evictions) == (
        b_info.entries,
        b_info.bytes,
        b_info.evictions,
    )
    assert b_misses == []
    assert owner.check() == [] and reader.check() == []
    owner.close()
    reader.close()


def test_byte_budget_holds_at_every_instant(tmp_path: Path) -> None:
    path = str(tmp_path / "budget.db")
    budget = 200_000  # about 600 records of 64-d float32
    EmbeddingCache(path=path, max_bytes=budget).close()
    samples: list[tuple[int, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(path, "embedding", None, stop, samples))
    sampler.start()
    written = _finish(
        _start(workers.budget_writer, [(path, w, SECONDS / 2, budget) for w in range(4)])
    )
    stop.set()
    sampler.join(10)
    assert written * 300 > 2 * budget
    assert [s for s in samples if s[1] > budget] == []
    cache = EmbeddingCache(path=path)
    assert 0 < cache.stats().bytes <= budget and cache.check() == []
    cache.close()


# -- the eviction order, against a sequence model -------------------------------------------

WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
]
OPS = st.lists(st.tuples(st.sampled_from(["put", "get"]), st.integers(0, 9)), max_size=60)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@given(ops=OPS)
def test_quota_evicts_in_lru_order(
    kind: str, ops: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each step's surviving entries equal an OrderedDict LRU model's (quota 4)."""
    quota = 4
    clock = ManualClock(1000.0)
    store = (
        MemoryStore() if kind == "memory" else SQLiteStore(tmp_path_factory.mktemp("lru") / "c.db")
    )
    cache = SemanticCache(
        store=store,
        embedder=HashEmbedder(dim=256),
        clock=clock,
        namespace_quotas={"A": quota},
        similarity_threshold=0.9999,
    )
    model: OrderedDict[str, None] = OrderedDict()
    for op, i in ops:
        q = WORDS[i]
        clock.advance(1)
        if op == "put":
            cache.put(q, i, namespace="A")
            model[q] = None
            model.move_to_end(q)
            while len(model) > quota:
                model.popitem(last=False)
        else:
            hit = cache.get(q, namespace="A")
            assert (hit is not None) == (q in model), (op, i)
            if hit is not None:
                assert hit.response == i
                model.move_to_end(q)
        stored = {
            decode_entry(it.value, "A", it.key).query
            for batch in store.scan("semantic", "A")
            for it in batch
        }
        assert stored == set(model)
    assert cache.check() == []
    cache.close()
