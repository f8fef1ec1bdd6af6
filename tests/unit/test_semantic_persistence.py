"""Restart persistence, the saved index, catch-up after a lag, and shared mode."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nearcache import ManualClock, MemoryStore, SemanticCache, SQLiteStore
from nearcache.stores.protocol import Changes
from semantic_support import TableEmbedder, lowrank

DIM = 16
CTX = mp.get_context("spawn")


def table(n: int = 60, seed: int = 1) -> dict[str, np.ndarray]:
    return {f"entry {i}": v for i, v in enumerate(lowrank(n, DIM, seed=seed))}


def near(v: np.ndarray, eps: float = 1e-3, seed: int = 0) -> np.ndarray:
    out = v + eps * np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return out / np.linalg.norm(out)


def answers(cache: SemanticCache, tab: dict[str, np.ndarray]) -> list[tuple[str, str]]:
    out = []
    for i, (text, v) in enumerate(tab.items()):
        hit = cache.get(f"paraphrase {i}", embedding=near(v, seed=i))
        out.append((text, None if hit is None else hit.response))
    return out


@pytest.mark.parametrize("backend", ["exact", "hnsw", "faiss"])
@pytest.mark.parametrize("dtype", ["float32", "int8"])  # hnsw: hnswlib if present, else usearch
def test_reopen_answers_the_same_without_embedding_or_scanning(
    tmp_path: Path, backend: str, dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    tab = table()
    kw: dict[str, Any] = {
        "index_backend": backend,
        "vector_dtype": dtype,
        "similarity_threshold": 0.95,
    }
    cache = SemanticCache(db, TableEmbedder(DIM, tab), **kw, judge=None)
    for text in tab:
        cache.put(text, f"answer to {text}", context={"m": 1} if text.endswith("7") else None)
    cache.delete("entry 3")
    before = answers(cache, tab)
    assert ("entry 5", "answer to entry 5") in before
    assert cache.stats().tombstones == 1
    cache.close()
    assert (tmp_path / "p.db.index" / "CURRENT").exists()

    scans: list[str] = []
    real_scan = SQLiteStore.scan

    def counting_scan(self: SQLiteStore, table: str, namespace: str, **kw: Any) -> Any:
        scans.append(namespace)
        return real_scan(self, table, namespace, **kw)

    monkeypatch.setattr(SQLiteStore, "scan", counting_scan)
    emb = TableEmbedder(DIM, tab)
    again = SemanticCache(db, emb, **kw, judge=None)
    assert scans == []  # loaded from the saved index, not rebuilt from rows
    assert answers(again, tab) == before
    assert emb.calls == []  # never re-embedded
    assert again.health()["index"]["in_sync"]
    monkeypatch.setattr(SQLiteStore, "scan", real_scan)
    assert again.check() == []
    again.close()


def test_index_behind_the_store_catches_up_from_the_change_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "lag.db"
    tab = table(80)
    items = list(tab)
    first = SemanticCache(db, TableEmbedder(DIM, tab), judge=None)
    for text in items[:40]:
        first.put(text, text.upper())
    first.close()  # index saved with the store's version as watermark
    # Another writer (saving its index elsewhere) changes the store afterwards.
    other = SemanticCache(
        db, TableEmbedder(DIM, tab), index_options={"path": str(tmp_path / "elsewhere")}, judge=None
    )
    for text in items[40:]:
        other.put(text, text.upper())
    other.delete(items[0])
    other.put(items[1], "replaced")
    other.close()

    scans: list[str] = []
    real_scan = SQLiteStore.scan
    monkeypatch.setattr(
        SQLiteStore,
        "scan",
        lambda self, t, ns, **kw: scans.append(ns) or real_scan(self, t, ns, **kw),
    )
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    assert scans == []  # replayed from the log, not rescanned
    assert (
        cache.get("x", embedding=near(tab[items[0]])) is None
        or cache.get("x", embedding=near(tab[items[0]])).matched_query != items[0]
    )  # type: ignore[union-attr]
    assert cache.get("x", embedding=near(tab[items[1]])).response == "replaced"  # type: ignore[union-attr]
    for text in items[40:]:
        assert cache.get("y", embedding=near(tab[text])).response == text.upper()  # type: ignore[union-attr]
    monkeypatch.setattr(SQLiteStore, "scan", real_scan)
    assert cache.check() == []
    cache.close()


def test_truncated_change_log_means_a_rescan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "t.db"
    tab = table(30)
    cache = SemanticCache(db, TableEmbedder(DIM, tab), judge=None)
    for text in list(tab)[:10]:
        cache.put(text, 1)
    cache.close()
    other = SemanticCache(
        db, TableEmbedder(DIM, tab), index_options={"path": str(tmp_path / "x")}, judge=None
    )
    for text in list(tab)[10:]:
        other.put(text, 2)
    other.close()
    monkeypatch.setattr(SQLiteStore, "changes", lambda self, t, ns, since: Changes(999, None))
    again = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    for text, v in tab.items():
        assert again.get("q", embedding=near(v)) is not None, text
    assert again.check() == []
    again.close()


def test_damaged_saved_index_is_rebuilt_from_the_store(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    tab = table(20)
    cache = SemanticCache(db, TableEmbedder(DIM, tab), judge=None)
    for text in tab:
        cache.put(text, text)
    cache.close()
    gen = (tmp_path / "d.db.index" / (tmp_path / "d.db.index" / "CURRENT").read_text()).resolve()
    vec = gen / "exact.vec"
    raw = bytearray(vec.read_bytes())
    raw[10] ^= 0xFF
    vec.write_bytes(bytes(raw))
    emb = TableEmbedder(DIM, tab)
    again = SemanticCache(db, emb, similarity_threshold=0.95, judge=None)
    assert emb.calls == []
    for text, v in tab.items():
        assert again.get("q", embedding=near(v)).response == text  # type: ignore[union-attr]
    assert again.check() == []
    again.close()


def test_index_of_another_store_or_missing_files_is_ignored(tmp_path: Path) -> None:
    tab = table(10)
    for name in ("a.db", "b.db"):
        c = SemanticCache(tmp_path / name, TableEmbedder(DIM, tab), judge=None)
        for text in list(tab)[: 3 if name == "a.db" else 7]:
            c.put(text, name)
        c.close()
    shutil.rmtree(tmp_path / "a.db.index")
    shutil.copytree(tmp_path / "b.db.index", tmp_path / "a.db.index")  # b's index beside a
    a = SemanticCache(tmp_path / "a.db", TableEmbedder(DIM, tab), judge=None)
    assert a.stats().index_entries == 3 and a.check() == []
    a.close()
    gen = (tmp_path / "b.db.index").iterdir()
    for p in gen:
        if p.is_dir():
            (p / "rows.keys").unlink()
    b = SemanticCache(tmp_path / "b.db", TableEmbedder(DIM, tab), judge=None)
    assert b.stats().index_entries == 7 and b.check() == []
    b.close()


def test_leftover_generations_are_swept(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    c = SemanticCache(db, TableEmbedder(DIM), judge=None)
    c.put("q", "r")
    c.close()
    index = tmp_path / "s.db.index"
    dead = index / "gen-999999999-1-dead"  # a writer that no longer exists
    dead.mkdir()
    (dead / "rows.keys").write_bytes(b"partial")
    (index / "CURRENT.tmp-999999999").write_text("gen-x")
    c = SemanticCache(db, TableEmbedder(DIM), judge=None)
    assert not dead.exists() and not (index / "CURRENT.tmp-999999999").exists()
    assert c.get("q") is not None
    c.put("q2", "r2")
    c.close()
    gens = [p.name for p in index.iterdir() if p.name.startswith("gen-")]
    assert len(gens) >= 1 and (index / "CURRENT").read_text() in gens


def test_two_caches_of_one_process_save_the_index_at_once(tmp_path: Path) -> None:
    """Two cache objects on one file in one process (two threads) save concurrently:
    each save switches ``CURRENT`` through its own temp file, none fails."""
    import threading

    db = tmp_path / "two.db"
    a = SemanticCache(db, TableEmbedder(DIM), judge=None)
    b = SemanticCache(db, TableEmbedder(DIM), judge=None)
    a.put("q", "r")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def save(cache: SemanticCache) -> None:
        start.wait(60)
        for _ in range(100):
            try:
                cache.save_index()
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=save, args=(c,)) for c in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == []
    a.close()
    b.close()
    index = tmp_path / "two.db.index"
    assert not [p.name for p in index.iterdir() if p.name.startswith("CURRENT.tmp-")]
    c = SemanticCache(db, TableEmbedder(DIM), judge=None)
    assert c.get("q") is not None and c.check() == []
    c.close()


def test_memory_store_needs_no_index_files(tmp_path: Path) -> None:
    c = SemanticCache(store=MemoryStore(), embedder=TableEmbedder(DIM), judge=None)
    c.put("q", "r")
    assert c.save_index() is False
    c.close()
    c = SemanticCache(
        store=MemoryStore(),
        embedder=TableEmbedder(DIM),
        index_options={"path": str(tmp_path / "ix")},
        judge=None,
    )
    c.put("q", "r")
    assert c.save_index() is True and (tmp_path / "ix" / "CURRENT").exists()
    c.close()


# -- shared mode ---------------------------------------------------------------------------


def test_shared_mode_in_one_process_sees_puts_deletes_and_clears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "sh.db"
    tab = table(40)
    kw: dict[str, Any] = {"multi_process_mode": "shared", "similarity_threshold": 0.95}
    a = SemanticCache(db, TableEmbedder(DIM, tab), **kw, judge=None)
    b = SemanticCache(db, TableEmbedder(DIM, tab), **kw, judge=None)
    items = list(tab)
    for text in items[:10]:
        a.put(text, "from a")
    scans: list[str] = []
    real_scan = SQLiteStore.scan
    monkeypatch.setattr(
        SQLiteStore,
        "scan",
        lambda self, t, ns, **k: scans.append(ns) or real_scan(self, t, ns, **k),
    )
    # b applies only a's changes (semantic layer), never reloading everything.
    for text in items[:10]:
        hit = b.get("para", embedding=near(tab[text]))
        assert hit is not None and hit.layer == "semantic" and hit.response == "from a"
    assert scans == []
    assert a.delete(items[0])
    assert (
        b.get("p", embedding=near(tab[items[0]])) is None
        or b.get("p", embedding=near(tab[items[0]])).matched_query != items[0]
    )  # type: ignore[union-attr]
    b.put(items[20], "from b")
    assert a.get("p", embedding=near(tab[items[20]])).response == "from b"  # type: ignore[union-attr]
    a.clear()
    assert b.get("p", embedding=near(tab[items[5]])) is None
    assert b.stats().index_entries == 0
    monkeypatch.setattr(SQLiteStore, "scan", real_scan)
    assert a.check() == [] and b.check() == []
    a.close()
    b.close()


def test_shared_mode_honours_the_stale_check_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "iv.db"
    tab = table(10)
    clock = ManualClock(1000.0)
    kw: dict[str, Any] = {
        "clock": clock,
        "multi_process_mode": "shared",
        "stale_check_interval": 5.0,
        "similarity_threshold": 0.95,
    }
    a = SemanticCache(db, TableEmbedder(DIM, tab), **kw, judge=None)
    b = SemanticCache(db, TableEmbedder(DIM, tab), **kw, judge=None)
    b.put("seed", "s", embedding=tab["entry 9"])
    assert b.get("x", embedding=near(tab["entry 9"])) is not None  # first check
    a.put("entry 1", "one")
    assert b.get("entry 1").layer == "exact"  # type: ignore[union-attr]  # L1 reads the store
    assert b.get("x", embedding=near(tab["entry 1"])) is None  # index not checked yet
    clock.advance(5.0)
    assert b.get("x", embedding=near(tab["entry 1"])).response == "one"  # type: ignore[union-attr]
    a.close()
    b.close()


def test_shared_mode_reloads_when_the_log_is_truncated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "tr.db"
    tab = table(10)
    a = SemanticCache(db, TableEmbedder(DIM, tab), multi_process_mode="shared", judge=None)
    b = SemanticCache(
        db,
        TableEmbedder(DIM, tab),
        multi_process_mode="shared",
        similarity_threshold=0.95,
        judge=None,
    )
    b.put("entry 0", 0)
    a.put("entry 1", 1)
    real = SQLiteStore.changes
    monkeypatch.setattr(
        SQLiteStore,
        "changes",
        lambda self, t, ns, since: Changes(real(self, t, ns, since).version, None),
    )
    assert b.get("x", embedding=near(tab["entry 1"])).response == 1  # type: ignore[union-attr]
    monkeypatch.setattr(SQLiteStore, "changes", real)
    assert b.check() == []
    a.close()
    b.close()


def test_two_processes_in_shared_mode(tmp_path: Path) -> None:
    from semantic_support import shared_peer

    db = str(tmp_path / "two.db")
    parent, child = CTX.Pipe()
    proc = CTX.Process(target=shared_peer, args=(db, DIM, child))
    proc.start()
    try:
        emb = TableEmbedder(DIM)
        me = SemanticCache(
            db, emb, multi_process_mode="shared", similarity_threshold=0.99, judge=None
        )

        def ask(*cmd: Any) -> Any:
            parent.send(cmd)
            assert parent.poll(60), "peer did not answer"
            return parent.recv()

        me.put("how do I reset my password", "use the link", namespace="n")
        assert ask("get", "how do I reset my password", "n") == ("use the link", "exact")
        assert ask("get", "how do I reset my password ?", "n") == ("use the link", "semantic")
        assert ask("put", "where is my order", "tracking page", "n") == "ok"
        hit = me.get("where is my order ?", namespace="n")
        assert hit is not None and hit.layer == "semantic" and hit.response == "tracking page"
        assert ask("delete", "where is my order", "n") is True
        assert me.get("where is my order ?", namespace="n") is None
        assert ask("clear") == 1
        assert me.get("how do I reset my password ?", namespace="n") is None
        assert me.stats().index_entries == 0
        assert ask("check") == []
        assert me.check() == []
        assert ask("stop") == "bye"
        me.close()
    finally:
        proc.join(30)
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == 0


def test_reopen_after_restart_in_shared_mode_uses_watermarks(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    tab = table(20)
    a = SemanticCache(db, TableEmbedder(DIM, tab), multi_process_mode="shared", judge=None)
    b = SemanticCache(db, TableEmbedder(DIM, tab), multi_process_mode="shared", judge=None)
    for text in list(tab)[:10]:
        a.put(text, "a")
    b.close()  # saved with a watermark older than a's writes
    for text in list(tab)[10:]:
        a.put(text, "a2")
    again = SemanticCache(
        db,
        TableEmbedder(DIM, tab),
        multi_process_mode="shared",
        similarity_threshold=0.95,
        judge=None,
    )
    for text, v in tab.items():
        assert again.get("q", embedding=near(v)) is not None, text
    assert again.check() == []
    again.close()
    a.close()
    assert os.path.exists(f"{db}.index/CURRENT")


def _flip_byte(db: Path, name: str, at: int) -> None:
    index_dir = db.parent / f"{db.name}.index"
    gen = index_dir / (index_dir / "CURRENT").read_text()
    raw = bytearray((gen / name).read_bytes())
    raw[at] ^= 0xFF
    (gen / name).write_bytes(bytes(raw))


def test_large_saved_vectors_are_memory_mapped_and_verified_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nearcache.semantic.persist as persist

    monkeypatch.setattr(persist, "VERIFY_INLINE_BYTES", 0)  # every file counts as large
    db = tmp_path / "m.db"
    tab = table(40)
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    for text in list(tab)[:30]:
        cache.put(text, text)
    before = answers(cache, tab)
    cache.close()

    again = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    [space] = again._core.index.spaces.spaces()
    assert isinstance(space.index.chunks()[0], np.memmap)  # mapped, not read
    assert answers(again, tab) == before
    for text in list(tab)[30:]:  # writes go to the tail; the mapped base is never copied
        again.put(text, text)
    assert isinstance(space.index.chunks()[0], np.memmap)
    assert again.check() == []
    after = answers(again, tab)
    assert all(answer == text for text, answer in after)
    again.close()

    third = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    assert answers(third, tab) == after and third.check() == []
    third.close()


def test_damaged_memory_mapped_vectors_are_rebuilt_once_the_check_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import nearcache.semantic.persist as persist

    monkeypatch.setattr(persist, "VERIFY_INLINE_BYTES", 0)
    db = tmp_path / "m.db"
    tab = table(20)
    cache = SemanticCache(db, TableEmbedder(DIM, tab), similarity_threshold=0.95, judge=None)
    for text in tab:
        cache.put(text, text)
    cache.close()
    _flip_byte(db, "exact.vec", 10)
    emb = TableEmbedder(DIM, tab)
    again = SemanticCache(db, emb, similarity_threshold=0.95, judge=None)
    with caplog.at_level("WARNING", logger="nearcache.semantic"):
        assert again.check() == []  # waits for the background check and its repair
    assert any("fail their checksum" in r.getMessage() for r in caplog.records)
    for text, v in tab.items():
        assert again.get("q", embedding=near(v)).response == text  # type: ignore[union-attr]
    assert emb.calls == []  # repaired from the stored vectors, never re-embedded
    again.close()
