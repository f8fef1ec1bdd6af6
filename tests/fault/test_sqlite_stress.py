"""RELIABILITY tests 4, 12 and 22 on SQLite: contention, injected disk errors, fork."""

from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest

import workers
from nearcache import EmbeddingCache, SQLiteStore, StoreWriteError, content_hash
from nearcache.stores.protocol import Item

CTX = mp.get_context("spawn")
SECONDS = float(os.environ.get("NEARCACHE_STRESS_SECONDS", "15"))


def test_eight_processes_two_threads_on_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "stress.db")
    SQLiteStore(path).close()
    procs, pipes = [], []
    for w in range(8):
        parent, child = CTX.Pipe(duplex=False)
        p = CTX.Process(target=workers.stress_worker, args=(path, w, SECONDS, child))
        p.start()
        child.close()
        procs.append(p)
        pipes.append(parent)
    logs, errors, timeouts = [], [], 0
    for conn, p in zip(pipes, procs):
        log, errs, tmo = conn.recv()
        logs.extend(log)
        errors.extend(errs)
        timeouts += tmo
        p.join(60)
        assert p.exitcode == 0
    assert errors == [], errors[:5]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = SQLiteStore(path)
    # Shared keys: the final value is the acknowledged put with the highest version.
    latest: dict[tuple[str, str], tuple[int, bytes]] = {}
    for kind, ns, key, version, value in logs:
        if kind == "shared" and version > latest.get((ns, key), (-1, b""))[0]:
            latest[(ns, key)] = (version, value)
    assert len(latest) > 40
    for (ns, key), (_, value) in latest.items():
        assert store.get_many("kv", ns, [key], now=1.0) == [value]
    # Private keys: exactly the owning thread's last operation.
    private = [(ns, key, value) for kind, ns, key, _, value in logs if kind == "private"]
    assert private
    for ns, key, value in private:
        assert store.get_many("kv", ns, [key], now=1.0) == [value]
    # Versions only grow: every shared put got a distinct version per namespace.
    for ns in ("alpha", "beta"):
        versions = {v for kind, n, _, v, _ in logs if kind == "shared" and n == ns}
        assert max(versions) <= store.info("kv", ns).version
    assert store.check() == []
    print(f"stress: {len(logs)} logged ops, {timeouts} typed timeouts")


# --------------------------------------------------------------- injected disk errors


class _Faults:
    def __init__(self, fail_at: int, message: str) -> None:
        self.fail_at, self.message, self.count = fail_at, message, 0


def _faulty_connect(faults: _Faults):  # type: ignore[no-untyped-def]
    real_connect = sqlite3.connect

    class FaultyConnection(sqlite3.Connection):
        def _maybe_fail(self, sql: str) -> None:
            head = sql.lstrip()[:7].upper()
            if head.startswith(("INSERT", "UPDATE", "DELETE", "COMMIT", "REPLACE")):
                faults.count += 1
                if faults.count == faults.fail_at:
                    raise sqlite3.OperationalError(faults.message)

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            self._maybe_fail(sql)
            return super().execute(sql, *args)  # type: ignore[arg-type]

        def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            self._maybe_fail(sql)
            return super().executemany(sql, *args)  # type: ignore[arg-type]

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        return real_connect(*args, factory=FaultyConnection, **kwargs)  # type: ignore[arg-type, misc]

    return connect


@pytest.mark.parametrize("message", ["database or disk is full", "disk I/O error"])
def test_nth_write_fails_for_every_n(
    message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's ioerr.test pattern: fail the Nth write statement for N = 1..K."""
    ns = "io.test.dense"
    rng = np.random.default_rng(0)
    n = 1
    while True:
        path = tmp_path / f"io{n}.db"
        EmbeddingCache(path=str(path)).close()
        faults = _Faults(n, message)
        monkeypatch.setattr(sqlite3, "connect", _faulty_connect(faults))
        cache = EmbeddingCache(path=str(path))
        acked: dict[str, np.ndarray] = {}
        failed = 0
        for b in range(4):
            texts = [f"n{n}-b{b}-{i}" for i in range(8)]
            vecs = rng.standard_normal((8, 16)).astype(np.float32)
            try:
                cache.put_many(texts, vecs, ns)
            except StoreWriteError:
                failed += 1
                got, mask = cache.get_many(texts, ns)  # reads keep working
                assert not mask.any(), "a failed batch is partly visible"
                continue
            acked.update(zip(texts, vecs))
        cache.close()
        monkeypatch.undo()
        reopened = EmbeddingCache(path=str(path))
        texts = sorted(acked)
        got, mask = reopened.get_many(texts, ns)
        assert mask.all()
        assert np.array_equal(got, np.stack([acked[t] for t in texts]))
        assert reopened.stats(ns).entries == len(acked)
        assert reopened.check() == []
        reopened.close()
        if faults.count < n:  # the fault point lies beyond the workload: every N covered
            break
        assert failed >= 1
        n += 1
    assert n > 8


def test_real_disk_full_on_a_small_tmpfs(tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        cache = EmbeddingCache(path=str(mnt / "full.db"))
        ns = "full.test.dense"
        acked: list[str] = []
        rng = np.random.default_rng(1)
        with pytest.raises(StoreWriteError):
            for b in range(10_000):
                texts = [f"b{b}-{i}" for i in range(16)]
                cache.put_many(texts, rng.standard_normal((16, 256)).astype(np.float32), ns)
                acked.extend(texts)
        _, mask = cache.get_many(acked, ns)  # reads keep working while the disk is full
        assert mask.all()
        cache.close()
        reopened = EmbeddingCache(path=str(mnt / "full.db"))
        assert reopened.get_many(acked, ns)[1].all()
        assert reopened.check() == []
        reopened.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# --------------------------------------------------------------------------- fork


def key(i: int) -> str:
    return content_hash(f"key {i}")


K0 = key(0)


def test_fork_parent_and_child_use_the_store_at_once(tmp_path: Path) -> None:
    """RELIABILITY test 22: the child opens fresh connections (pid check)."""
    path = tmp_path / "fork.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(K0, b"before")], now=1)
    assert store.get_many("kv", "ns", [K0], now=1) == [b"before"]  # pool in use
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            for i in range(1, 200):
                store.put_many("kv", "child", [Item(key(i), b"c%d" % i)], now=1)
                if store.get_many("kv", "ns", [K0], now=1) != [b"before"]:
                    code = 3
        except BaseException:
            code = 2
        os._exit(code)
    for i in range(1, 200):
        store.put_many("kv", "parent", [Item(key(i), b"p%d" % i)], now=1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    keys = [key(i) for i in range(1, 200)]
    assert store.get_many("kv", "child", keys, now=1) == [b"c%d" % i for i in range(1, 200)]
    assert store.get_many("kv", "parent", keys, now=1) == [b"p%d" % i for i in range(1, 200)]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert store.check() == []
    store.close()
