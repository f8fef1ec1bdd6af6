"""While the other processes leave no core idle, the caller reads every part of a batch
itself (``stores/sqlite/parts.py``): nothing is handed to the reader thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.stores.sqlite import parts as parts_module


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "handover.db")
    yield s
    s.close()


def _where(name: str, log: list[tuple[str, str]]) -> object:
    def job(con: object) -> str:
        log.append((name, threading.current_thread().name))
        return name

    return job


def test_the_caller_reads_every_part_while_the_machine_is_busy(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Busy: nothing is handed to the reader, the caller reads every part (from the
    last); not busy: every part is handed over."""
    reader = store._db.part_reader()
    loaded = [True]
    monkeypatch.setattr(parts_module.CoreWatch, "busy", lambda self: loaded[0])
    puts: list[object] = []
    queue = reader._jobs

    class Counted:  # the reader's queue, its puts counted
        def put(self, item: object) -> None:
            puts.append(item)
            queue.put(item)  # type: ignore[arg-type]

        def get(self) -> object:
            return queue.get()

    monkeypatch.setattr(reader, "_jobs", Counted())

    def here(fn: object) -> None:
        store._db.read(fn)  # type: ignore[arg-type]

    log: list[tuple[str, str]] = []
    jobs = [_where(f"p{i}", log) for i in range(3)]
    assert reader.read(jobs, here) == ["p0", "p1", "p2"]  # type: ignore[arg-type]
    me = threading.current_thread().name
    assert log == [("p2", me), ("p1", me), ("p0", me)] and puts == []
    loaded[0] = False
    assert reader.read(jobs, here) == ["p0", "p1", "p2"]  # type: ignore[arg-type]
    assert len(puts) == 3
