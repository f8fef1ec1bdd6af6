"""The background check of a reopened index hashes the bytes it loaded: another worker's
save sweeping that generation away is no failed check (no rebuild), damage still is."""

from __future__ import annotations

import os
import shutil
import threading
import time
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


def opened(
    tmp_path: Path, tab: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> tuple[SemanticCache, Path, threading.Event, list[object]]:
    """A reopened cache whose saved vectors are mapped and whose background check waits
    for the returned event; the generation it loaded; the replicas that rebuilt."""
    monkeypatch.setattr(persist, "VERIFY_INLINE_BYTES", 0)  # every file counts as large
    db = tmp_path / "w.db"
    put_and_close(db, tab, DIM)
    go = threading.Event()

    def held() -> None:
        if threading.current_thread().name == CHECK:
            go.wait(30)  # a check starved of CPU on a busy machine

    rebuilt: list[object] = []
    real = replica.IndexReplica.rebuild

    def spy(self: replica.IndexReplica, ns: str) -> None:
        rebuilt.append(self)
        real(self, ns)

    monkeypatch.setattr(replica, "_lowest_priority", held)
    monkeypatch.setattr(replica.IndexReplica, "rebuild", spy)
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    index_dir = tmp_path / "w.db.index"
    return cache, index_dir / (index_dir / "CURRENT").read_text(), go, rebuilt


def answers(cache: SemanticCache, tab: dict[str, np.ndarray]) -> list[str | None]:
    return [getattr(cache.get("q", embedding=v), "response", None) for v in tab.values()]


def test_another_workers_save_sweeping_the_loaded_generation_is_no_failed_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tab = table()
    a, gen, go, rebuilt = opened(tmp_path, tab, monkeypatch)
    before = answers(a, tab)
    assert before == list(tab)
    old = time.time() - 600  # older than the grace period a newer save waits before sweeping
    os.utime(gen, (old, old))
    b = SemanticCache(tmp_path / "w.db", TableEmbedder(DIM, tab), judge=None)  # a 2nd worker
    assert b.save_index()
    assert not gen.exists()  # a's loaded generation is gone before a's check ran
    with caplog.at_level("WARNING", logger="nearcache.semantic"):
        go.set()
        a._core.index._verifier.join(30)  # type: ignore[attr-defined]
        assert a.check() == []
    assert not any("fail their checksum" in r.getMessage() for r in caplog.records)
    assert a._core.index not in rebuilt  # no rebuild from the store under a's lock
    assert answers(a, tab) == before
    b.close()
    a.close()


def test_a_file_damaged_in_place_after_the_load_is_still_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tab = table()
    a, gen, go, rebuilt = opened(tmp_path, tab, monkeypatch)
    with open(gen / "exact.vec", "r+b") as fh:  # a bit flipped on disk under the map
        fh.seek(10)
        byte = fh.read(1)
        fh.seek(10)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with caplog.at_level("WARNING", logger="nearcache.semantic"):
        go.set()
        a._core.index._verifier.join(30)  # type: ignore[attr-defined]
        assert a.check() == []
    assert sum("fail their checksum" in r.getMessage() for r in caplog.records) == 1
    assert a._core.index in rebuilt
    assert answers(a, tab) == list(tab)
    a.close()


def test_a_generation_swept_while_it_loads_gives_way_to_the_newer_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tab = table()
    db, index_dir = tmp_path / "w.db", tmp_path / "w.db.index"
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    for text in list(tab)[:10]:
        cache.put(text, text)
    cache.close()
    older = (index_dir / "CURRENT").read_text()
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    for text in list(tab)[10:]:
        cache.put(text, text)
    cache.close()
    newer = (index_dir / "CURRENT").read_text()
    (index_dir / "CURRENT").write_text(older)  # as a worker finds it, just before a save
    real = persist.IndexDir._load

    def swept_meanwhile(self: persist.IndexDir, gen: Path, *args: object) -> object:
        if gen.name == older:  # the other worker's save lands and sweeps the older one
            (index_dir / "CURRENT").write_text(newer)
            shutil.rmtree(gen)
        return real(self, gen, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(persist.IndexDir, "_load", swept_meanwhile)
    emb = TableEmbedder(DIM, tab)
    with caplog.at_level("WARNING", logger="nearcache"):
        again = SemanticCache(db, emb, similarity_threshold=0.95, judge=None)
    assert not any("unusable" in r.getMessage() for r in caplog.records)  # no rebuild
    assert answers(again, tab) == list(tab) and again.check() == []
    assert emb.calls == []
    again.close()
