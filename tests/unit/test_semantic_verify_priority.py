"""The background check of a reopened, memory-mapped index yields to the cache's callers."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import nearcache.semantic.persist as persist
import nearcache.semantic.replica as replica
from nearcache import SemanticCache
from semantic_support import TableEmbedder, lowrank, put_and_close

DIM = 16
CHECK = "nearcache-index-verify-hash"  # the thread that hashes


def table(n: int = 20) -> dict[str, np.ndarray]:
    return {f"entry {i}": v for i, v in enumerate(lowrank(n, DIM, seed=1))}


def saved(tmp_path: Path, tab: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A closed cache whose saved vectors will be mapped on reopen and checked later."""
    monkeypatch.setattr(persist, "VERIFY_INLINE_BYTES", 0)  # every file counts as large
    db = tmp_path / "v.db"
    put_and_close(db, tab, DIM)
    return db


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice: Linux")
def test_the_check_runs_at_the_lowest_cpu_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = table()
    db = saved(tmp_path, tab, monkeypatch)
    seen: list[tuple[str, int]] = []
    real = replica.hash_mapped

    def spy(data: np.ndarray) -> str:
        me = threading.current_thread().name
        seen.append((me, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return real(data)

    monkeypatch.setattr(replica, "hash_mapped", spy)
    again = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    thread = again._core.index._verifier  # type: ignore[attr-defined]
    assert thread is not None
    thread.join(30)
    assert seen and {prio for name, prio in seen if name == CHECK} == {19}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 19  # caller's: as was
    assert again.check() == []
    again.close()


def test_a_save_or_check_does_not_wait_for_a_slow_background_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tab = table()
    db = saved(tmp_path, tab, monkeypatch)
    index_dir = db.parent / f"{db.name}.index"
    gen = index_dir / (index_dir / "CURRENT").read_text()
    raw = bytearray((gen / "exact.vec").read_bytes())
    raw[10] ^= 0xFF  # damaged: whoever checks first must have it rebuilt
    (gen / "exact.vec").write_bytes(bytes(raw))
    go = threading.Event()
    real = replica.hash_mapped

    def slow_in_background(data: np.ndarray) -> str:
        if threading.current_thread().name == CHECK:
            go.wait(30)  # a check starved of CPU
        return real(data)

    monkeypatch.setattr(replica, "hash_mapped", slow_in_background)
    emb = TableEmbedder(DIM, tab)
    again = SemanticCache(db, emb, similarity_threshold=0.95, judge=None)
    thread = again._core.index._verifier  # type: ignore[attr-defined]
    with caplog.at_level("WARNING", logger="nearcache.semantic"):
        assert again.check() == []  # checked and repaired here, at the caller's priority
        assert thread.is_alive()  # the background check is still "hashing"
        go.set()
        thread.join(30)
    assert sum("fail their checksum" in r.getMessage() for r in caplog.records) == 1
    for text, v in tab.items():
        assert again.get("q", embedding=v).response == text  # type: ignore[union-attr]
    assert emb.calls == []  # repaired from the stored vectors, never re-embedded
    again.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice: Linux")
def test_a_repair_holding_the_lock_runs_at_normal_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = table()
    db = saved(tmp_path, tab, monkeypatch)
    index_dir = db.parent / f"{db.name}.index"
    gen = index_dir / (index_dir / "CURRENT").read_text()
    raw = bytearray((gen / "exact.vec").read_bytes())
    raw[10] ^= 0xFF
    (gen / "exact.vec").write_bytes(bytes(raw))
    seen: list[int] = []
    real = replica.IndexReplica.rebuild

    def spy(self: replica.IndexReplica, ns: str) -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        real(self, ns)

    monkeypatch.setattr(replica.IndexReplica, "rebuild", spy)
    again = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    thread = again._core.index._verifier  # type: ignore[attr-defined]
    thread.join(30)  # hashed and repaired in the background, nobody waiting
    assert seen and max(seen) < 19  # writers wait on the lock: never behind a nice-19 thread
    for text, v in tab.items():
        assert again.get("q", embedding=v).response == text  # type: ignore[union-attr]
    again.close()


def test_a_check_that_outlives_its_files_ends_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = table()
    db = saved(tmp_path, tab, monkeypatch)
    go = threading.Event()
    real = replica.hash_mapped
    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))

    def slow_in_background(data: np.ndarray) -> str:
        if threading.current_thread().name == CHECK:
            go.wait(30)
        return real(data)

    monkeypatch.setattr(replica, "hash_mapped", slow_in_background)
    again = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    thread = again._core.index._verifier  # type: ignore[attr-defined]
    assert again.check() == []  # checked here: the files are good
    index_dir = db.parent / f"{db.name}.index"
    # the generation the slow check reads is swept (superseded by a later save)
    shutil.rmtree(index_dir / (index_dir / "CURRENT").read_text())
    go.set()
    thread.join(30)
    assert errors == [] and not thread.is_alive()
    assert again.check() == [] and again.get("entry 3") is not None
    again.close()
