"""The ``Store`` contract under threads and processes: whole batches, exactly-once ``add``,
monotonic versions, a reader process seeing a writer process.

Run against every store by the ``kit`` and ``store`` fixtures (``tests/contract/conftest.py``).
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from contract.kits import Kit, kind_params, kit_for
from contract.records import LOGGED, NOW, T, items, values
from contract.workers import add_race, key, writer
from helpers import run_threads
from nearcache.stores.protocol import Item, Store


class TestStoreConcurrency:
    """Threads on clients of one store."""

    def test_batches_are_seen_whole(self, kit: Kit, store: Store) -> None:
        """A reader never observes half of a batch (I2)."""
        if kit.kind == "dynamodb":
            # BatchGetItem may observe part of a transaction (docs/stores.md), so only
            # the write side is checked: a batch with one item over DynamoDB's 400 KB is
            # refused whole, before any of it is sent, and leaves nothing.
            from nearcache.errors import PayloadTooLargeError

            store.put_many(T, "ns", items(range(3)), now=NOW)
            before = store.info(T, "ns")
            batch = [*items(range(10, 40)), Item(key(40), b"x" * 500_000)]  # > 400 KB item
            with pytest.raises(PayloadTooLargeError, match="400 KB"):
                store.put_many(T, "ns", batch, now=NOW)
            assert values(store, "ns", range(10, 41)) == [None] * 31
            assert store.info(T, "ns") == before
            return
        keys = list(range(40))
        store.put_many(T, "ns", items(keys, b"A"), now=NOW)
        stop = threading.Event()
        torn: list[set[bytes]] = []

        def read() -> None:
            reader = kit.open()
            while not stop.is_set():
                got = {v[:1] for v in values(reader, "ns", keys) if v is not None}
                if len(got) != 1:
                    torn.append(got)

        thread = threading.Thread(target=read)
        thread.start()
        try:
            for n in range(30):
                store.put_many(T, "ns", items(keys, b"AB"[n % 2 : n % 2 + 1]), now=NOW)
        finally:
            stop.set()
            thread.join()
        assert torn == []

    def test_add_exactly_once_across_16_threads(self, kit: Kit, store: Store) -> None:
        n = kit.race_keys
        sentinel = Item(key(10**6), b"s")  # create the namespace (and its version base)
        store.put_many(T, "race", [sentinel], now=NOW)
        v0 = store.info(T, "race").version
        wins = [0] * 16
        barrier = threading.Barrier(16)

        def run(t: int) -> None:
            client = kit.open()
            barrier.wait()
            for i in range(n):
                j = (i + t * 7) % n  # threads start at different keys, then collide
                if client.add(T, "race", Item(key(j), b"t%d" % t), now=NOW):
                    wins[t] += 1

        run_threads(run, 16)
        assert sum(wins) == n
        info = store.info(T, "race")
        assert info.entries == n + 1
        assert info.version - v0 == n  # one bump per successful add, none for refusals

    def test_versions_monotonic_under_concurrent_writers(self, kit: Kit, store: Store) -> None:
        got: list[list[int]] = [[] for _ in range(4)]

        def run(t: int) -> None:
            client = kit.open()
            for i in range(15):
                got[t].append(client.put_many(T, "ns", items([t * 100 + i]), now=NOW))

        run_threads(run, 4)
        for seq in got:
            assert seq == sorted(seq) and len(set(seq)) == len(seq)
        every = [v for seq in got for v in seq]
        assert len(set(every)) == len(every), "two writes returned the same version"
        assert store.info(T, "ns").version == max(every)


def _spawn(target: object, *args: object) -> tuple[multiprocessing.Process, object]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(*args, child))
    proc.start()
    child.close()
    return proc, parent


@pytest.mark.parametrize("kind", kind_params(["sqlite", "redis"]))
def test_add_exactly_once_across_4_processes(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with kit_for(kind, request, tmp_path) as kit:
        store = kit.open()
        n = 400
        procs = [_spawn(add_race, kit.url, T, "race", n) for _ in range(4)]
        wins = [conn.recv() for _, conn in procs]  # type: ignore[attr-defined]
        for proc, _ in procs:
            proc.join(60)
            assert proc.exitcode == 0
        assert sum(wins) == n
        assert store.info(T, "race").entries == n
        assert store.check() == []


@pytest.mark.parametrize("kind", kind_params(["sqlite", "redis", "postgres", "dynamodb"]))
def test_shared_mode_reader_sees_writer_process(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """One process writes; another follows ``changes()`` and sees every acked write."""
    with kit_for(kind, request, tmp_path) as kit:
        reader = kit.open()
        since = reader.info(LOGGED, "shared").version
        proc, conn = _spawn(writer, kit.url, LOGGED, "shared", 20)
        acked = conn.recv()  # type: ignore[attr-defined]
        proc.join(60)
        assert proc.exitcode == 0
        ch = reader.changes(LOGGED, "shared", since)
        assert ch.events is not None
        puts = [k for op, k in ch.events if op == "put"]
        assert puts == [k for _, k in acked]
        assert ch.events[-1] == ("delete", key(0))
        assert ch.version > max(v for v, _ in acked)
        live = reader.get_many(LOGGED, "shared", [k for _, k in acked], now=2000.0)
        assert live[0] is None and all(v is not None for v in live[1:])
        assert reader.check() == []
