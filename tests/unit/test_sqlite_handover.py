"""How the caller hands the parts of a batch to the SQLite store's reader thread
(``stores/sqlite/parts.py``): it waits for the reader to take them, reads a big part
itself while the reader is busy, hands a reader slow to take a part no more of the
batch, and reads every part itself while the machine is busy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.stores.sqlite import parts as parts_module


@pytest.fixture(autouse=True)
def _calm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests below decide themselves whether the machine counts as busy, and how
    long the caller waits (long, unless a test wants a wait to end)."""
    monkeypatch.setattr(parts_module.CoreWatch, "busy", lambda self: False)
    monkeypatch.setattr(parts_module, "HAND_OVER_WAIT", 30.0)
    monkeypatch.setattr(parts_module, "TAKE_WAIT", 30.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "handover.db")
    yield s
    s.close()


def _where(name: str, log: list[tuple[str, str]], gate: threading.Event | None = None) -> object:
    def job(con: object) -> str:
        if gate is not None:
            assert gate.wait(30)
        log.append((name, threading.current_thread().name))
        return name

    return job


def _run_here(store: SQLiteStore, after: threading.Event | None = None) -> object:
    def here(fn: object) -> None:
        store._db.read(fn)  # type: ignore[arg-type]
        if after is not None:
            after.set()

    return here


def test_the_caller_hands_every_part_to_the_reader_and_waits_for_it_to_take_them(
    store: SQLiteStore,
) -> None:
    """Parts that are not ``share``: the caller waits until the reader took each one
    (the GIL released), so the reader reads them all, the last one too."""
    reader = store._db.part_reader()
    log: list[tuple[str, str]] = []
    jobs = [(_where(f"p{i}", log), False) for i in range(4)]
    assert reader.read(jobs, _run_here(store)) == ["p0", "p1", "p2", "p3"]  # type: ignore[arg-type]
    assert {where for _, where in log} == {"nearcache-sqlite-reads"}


def test_a_big_part_is_never_waited_for(store: SQLiteStore) -> None:
    """``share`` parts (``SHARE_KEYS`` keys or more: short texts) are handed over without
    a wait: while the reader is on another batch, the caller reads them itself at once
    (a wait would hold the other batch's part past its gate)."""
    reader = store._db.part_reader()
    gate, started = threading.Event(), threading.Event()
    outcome: list[bool] = []

    def stuck(con: object) -> None:
        started.set()
        outcome.append(gate.wait(5))  # set once the caller has read its parts

    other = threading.Thread(target=reader.read, args=([(stuck, False)], _run_here(store)))
    other.start()
    try:
        assert started.wait(30)
        log: list[tuple[str, str]] = []
        jobs = [(_where("first", log), True), (_where("second", log), True)]
        assert reader.read(jobs, _run_here(store, gate)) == ["first", "second"]  # type: ignore[arg-type]
        me = threading.current_thread().name
        assert sorted(log) == [("first", me), ("second", me)]
    finally:
        gate.set()
        other.join(30)
    assert outcome == [True]


def test_a_reader_slow_to_take_a_part_is_handed_no_more(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader is stuck in its first part: the caller's wait for it to take the
    second ends, and the caller reads that part and the rest."""
    monkeypatch.setattr(parts_module, "HAND_OVER_WAIT", 0.01)
    reader = store._db.part_reader()
    puts: list[object] = []
    queue = reader._jobs

    class Counted:  # the reader's queue, its puts counted
        def put(self, item: object) -> None:
            puts.append(item)
            queue.put(item)  # type: ignore[arg-type]

        def get(self) -> object:
            return queue.get()

    monkeypatch.setattr(reader, "_jobs", Counted())
    log: list[tuple[str, str]] = []
    gate = threading.Event()
    jobs = [(_where("p0", log, gate), False)] + [(_where(f"p{i}", log), False) for i in (1, 2, 3)]
    assert reader.read(jobs, _run_here(store, gate)) == ["p0", "p1", "p2", "p3"]  # type: ignore[arg-type]
    me = threading.current_thread().name
    assert log == [("p3", me), ("p2", me), ("p1", me), ("p0", "nearcache-sqlite-reads")]
    assert len(puts) == 2  # p0 and p1 handed over; p2 and p3 never


def test_a_reader_that_does_not_take_a_part_while_idle_is_handed_no_more(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader is busy with another thread's batch (as if it had no core): the first
    part is not taken in time, and the caller reads every part; the next batch is
    handed over again."""
    monkeypatch.setattr(parts_module, "TAKE_WAIT", 0.01)
    reader = store._db.part_reader()
    gate, started = threading.Event(), threading.Event()

    def stuck(con: object) -> None:
        started.set()
        assert gate.wait(30)

    other = threading.Thread(target=reader.read, args=([(stuck, False)], _run_here(store)))
    other.start()
    try:
        assert started.wait(30)
        log: list[tuple[str, str]] = []
        jobs = [(_where(f"p{i}", log), False) for i in range(3)]
        assert reader.read(jobs, _run_here(store)) == ["p0", "p1", "p2"]  # type: ignore[arg-type]
        me = threading.current_thread().name
        assert log == [("p2", me), ("p1", me), ("p0", me)]
    finally:
        gate.set()
        other.join(30)
    monkeypatch.setattr(parts_module, "TAKE_WAIT", 30.0)
    log.clear()
    assert reader.read([(_where("p0", log), False)], _run_here(store)) == ["p0"]  # type: ignore[arg-type]
    assert log == [("p0", "nearcache-sqlite-reads")]


def test_the_caller_reads_every_part_while_the_machine_is_busy(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other processes leave no core idle: the caller reads every part itself; once
    the machine is not busy, the reader reads again."""
    reader = store._db.part_reader()
    loaded = [True]
    monkeypatch.setattr(parts_module.CoreWatch, "busy", lambda self: loaded[0])
    log: list[tuple[str, str]] = []
    jobs = [(_where(f"p{i}", log), False) for i in range(3)]
    assert reader.read(jobs, _run_here(store)) == ["p0", "p1", "p2"]  # type: ignore[arg-type]
    me = threading.current_thread().name
    assert log == [("p2", me), ("p1", me), ("p0", me)]
    loaded[0] = False
    log.clear()
    assert reader.read([(_where("p0", log), False)], _run_here(store)) == ["p0"]  # type: ignore[arg-type]
    assert log == [("p0", "nearcache-sqlite-reads")]
