"""Background checkpoints of the SQLite store: the WAL stays small, the thread sleeps when
nothing is written, stops on close, is never shared with a forked child, and a writer
killed while it runs loses nothing it acknowledged."""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.checkpoint import Checkpointer
from nearcache.stores.sqlite.pacing import STEP_FRAMES, next_step
from sqlite_wal_support import batch, checkpointer, frames, key, wait_for, wal_file


@pytest.mark.parametrize("background", [True, False])
def test_background_checkpoints_keep_the_wal_small(tmp_path: Path, background: bool) -> None:
    path = tmp_path / "c.db"
    wal = Path(f"{path}-wal")
    # no wal_limit truncation and SQLite's own checkpoint only past 32 MB: without the
    # thread, six batches pile up in the WAL
    store = SQLiteStore(path, wal_limit=1 << 30, background_checkpoints=background)
    for b in range(6):
        store.put_many("kv", "ns", batch(b), now=1)
        if background:
            ck, done = checkpointer(store), checkpointer(store).rounds
            assert wait_for(lambda ck=ck, done=done: ck.rounds > done)
    size = wal.stat().st_size
    if background:  # each batch after a checkpoint starts the WAL from its beginning
        assert size < 3 * 1_300_000
    else:
        assert store._db.checkpointer is None
        assert size > 6 * 1_200_000
    assert store.get_many("kv", "ns", [key(0), key(5399)], now=1)[1] is not None
    assert store.check() == []
    store.close()


def test_the_thread_sleeps_until_the_next_write(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    assert store._db.checkpointer is None  # opening (and reading) starts no thread
    store.get_many("kv", "ns", [key(1)], now=1)
    assert store._db.checkpointer is None
    store.put_many("kv", "ns", [Item(key(1), b"v")], now=1)
    ck = checkpointer(store)
    assert wait_for(lambda: ck.rounds >= 1 and ck.parked)
    rounds = ck.rounds
    time.sleep(0.5)
    assert ck.rounds == rounds  # parked: no rounds without writes
    store.put_many("kv", "ns", [Item(key(2), b"w")], now=1)
    assert wait_for(lambda: ck.rounds > rounds)
    assert store.get_many("kv", "ns", [key(1), key(2)], now=1) == [b"v", b"w"]
    store.close()


def test_close_stops_and_joins_the_thread(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    store.put_many("kv", "ns", [Item(key(1), b"v")], now=1)
    thread = checkpointer(store)._thread
    assert thread.is_alive()
    store.close()
    assert not thread.is_alive()
    assert store._db.checkpointer is None
    mine = [t for t in threading.enumerate() if t is thread]
    assert mine == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_checkpoints_with_its_own_thread(tmp_path: Path) -> None:
    path = tmp_path / "fork.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(key(0), b"before")], now=1)
    parent_ck = checkpointer(store)
    pid = os.fork()
    if pid == 0:  # child: the parent's thread is not here; a write starts its own
        code = 0
        try:
            for i in range(1, 100):
                store.put_many("kv", "child", [Item(key(i), b"c")], now=1)
            ck = store._db.checkpointer
            if ck is None or ck is parent_ck or not wait_for(lambda: ck.rounds >= 1):
                code = 3
            store.close()
        except BaseException:
            code = 2
        os._exit(code)
    for i in range(1, 100):
        store.put_many("kv", "parent", [Item(key(i), b"p")], now=1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert checkpointer(store) is parent_ck and parent_ck._thread.is_alive()
    keys = [key(i) for i in range(1, 100)]
    assert store.get_many("kv", "child", keys, now=1) == [b"c"] * 99
    assert store.get_many("kv", "parent", keys, now=1) == [b"p"] * 99
    assert store.check() == []
    store.close()


WRITER = """
import hashlib, os, sys
from nearcache import SQLiteStore
from nearcache.stores.protocol import Item
store = SQLiteStore(sys.argv[1], wal_limit=4 << 20)
if sys.argv[2] == "single":  # single puts: rounds follow the writes (see next_step)
    for b in range(100000):
        for i in range(100):
            k = hashlib.sha256(b"%d" % (b * 100 + i)).hexdigest()
            store.put_one("kv", "ns", Item(k, os.urandom(2000)), now=1)
        print(b, flush=True)
for b in range(100000):
    items = [Item(hashlib.sha256(b"%d" % (b * 100 + i)).hexdigest(), os.urandom(2000))
             for i in range(100)]
    store.put_many("kv", "ns", items, now=1)
    print(b, flush=True)
"""


@pytest.mark.parametrize(
    ("trial", "mode"), [(0, "batch"), (1, "batch"), (2, "batch"), (1, "single")]
)
def test_a_writer_killed_during_background_checkpoints_loses_nothing(
    tmp_path: Path, trial: int, mode: str
) -> None:
    """kill -9 while batches (or single puts) commit and the thread checkpoints: every
    acknowledged write is there after reopening, and the file is intact."""
    path = tmp_path / "k.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), mode], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acked = -1
    want = 30 + 25 * trial  # batches of ~200 kB: several background rounds meanwhile
    for line in proc.stdout:
        acked = int(line)
        if acked >= want:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acked >= want
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = SQLiteStore(path)
    keys = [hashlib.sha256(b"%d" % i).hexdigest() for i in range((acked + 1) * 100)]
    assert None not in store.get_many("kv", "ns", keys, now=1)
    assert store.check() == []
    store.close()


def test_a_store_dropped_without_close_is_collected_and_its_thread_ends(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    store.put_many("kv", "ns", [Item(key(1), b"v")], now=1)
    ck = checkpointer(store)
    assert wait_for(lambda: ck.rounds >= 1)
    db = weakref.ref(store._db)
    del store
    gc.collect()
    assert db() is None  # the thread holds no strong reference to the store
    assert wait_for(lambda: not ck._thread.is_alive())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forks_while_the_thread_checkpoints_leave_usable_children(tmp_path: Path) -> None:
    """Fork again and again while batches commit and the thread checkpoints: the fork
    handler holds the thread out of SQLite, so every child can open and write."""
    path = tmp_path / "f.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", batch(0), now=1)
    ck = checkpointer(store)
    pids = []
    for b in range(1, 13):
        store.put_many("kv", "ns", batch(b), now=1)
        pid = os.fork()
        if pid == 0:  # child: a fresh store on the same file, one write, one read
            code = 1
            try:
                child = SQLiteStore(path)
                child.put_many("kv", f"child{b}", [Item(key(b), b"c")], now=1)
                code = 0 if child.get_many("kv", f"child{b}", [key(b)], now=1) == [b"c"] else 3
                child.close()
            finally:
                os._exit(code)
        pids.append(pid)
    deadline = time.monotonic() + 60
    codes = {}
    while len(codes) < len(pids) and time.monotonic() < deadline:
        for pid in pids:
            if pid not in codes:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    codes[pid] = os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    for pid in pids:
        if pid not in codes:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert list(codes.values()) == [0] * len(pids)
    assert wait_for(lambda: ck.rounds >= 1)  # the parent's thread went on checkpointing
    assert store.check() == []
    store.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_the_thread_runs_at_a_lower_priority_than_its_process(tmp_path: Path) -> None:
    """Readers and the writer get a core before the copy does (the process keeps its own)."""
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    store = SQLiteStore(tmp_path / "c.db")
    store.put_many("kv", "ns", [Item(key(1), b"v")], now=1)
    ck = checkpointer(store)
    assert wait_for(lambda: ck.rounds >= 1)
    tid = ck._thread.native_id
    assert tid is not None
    assert os.getpriority(os.PRIO_PROCESS, tid) > mine or mine >= 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == mine
    store.close()


def test_while_writes_go_on_the_wal_is_not_restarted_below_the_bound(tmp_path: Path) -> None:
    """A RESTART holds the writers off while it syncs: not while they keep committing."""
    path = tmp_path / "w.db"
    writer, connect = wal_file(path, autocheckpoint=100_000)
    commits = iter(range(1 << 30))  # a new count every time: writes never pause
    ck = Checkpointer(connect, lambda: next(commits), every=0.01)
    try:
        assert wait_for(lambda: ck.rounds >= 20)
        assert ck.restarts == 0
    finally:
        ck.stop()
    # PASSIVE copied every frame, so the writer's next transaction started the WAL from
    # its beginning by itself (what keeps it small while writes go on, without a RESTART)
    writer.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))
    assert frames(path) < 5
    writer.close()


def test_a_pause_in_the_writes_restarts_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    writer, connect = wal_file(path, autocheckpoint=100_000)
    count = [1]  # one write seen, then none: a pause
    ck = Checkpointer(connect, lambda: count[0], every=0.01)
    try:
        assert wait_for(lambda: ck.restarts >= 1 and ck.parked)
    finally:
        ck.stop()
    writer.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))
    assert frames(path) < 5  # the next write started the WAL from its beginning
    writer.close()


def test_past_the_bound_the_wal_is_restarted_while_writes_go_on(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    writer, connect = wal_file(path, autocheckpoint=20)  # bound: 30 frames
    commits = iter(range(1 << 30))
    ck = Checkpointer(connect, lambda: next(commits), every=0.01)
    try:
        assert wait_for(lambda: ck.restarts >= 1)
    finally:
        ck.stop()
    writer.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))
    assert frames(path) < 5
    writer.close()


def test_rounds_follow_single_puts_and_stay_out_of_the_writers_checkpoint() -> None:
    writer = 12_000
    # single puts of ~8 frames: a round every STEP_FRAMES frames, woken by the writes
    assert next_step(2_000, 800, 100, 5, writer) == (STEP_FRAMES // 8, False)
    # near the writer's own checkpoint: no round until it is past (then a step more)
    step, wait = next_step(10_500, 800, 100, 5, writer)
    assert wait
    assert step == (writer - 10_500) // 8 + STEP_FRAMES // 8
    # a round that ran long (many writes meanwhile) stays out earlier
    assert not next_step(8_000, 800, 100, 5, writer)[1]
    assert next_step(8_000, 800, 100, 300, writer)[1]
    # past the writer's threshold already (its checkpoint failed): the usual step
    assert next_step(13_000, 800, 100, 5, writer) == (STEP_FRAMES // 8, True)
    # batches keep the timed rounds, then a round after each near the writer's checkpoint
    # (test_sqlite_checkpoint_batches), and none in the last stretch before it
    assert next_step(3_000, 3_000, 3, 1, writer) == (1 << 62, False)
    assert next_step(10_000, 3_000, 3, 1, writer) == (2 + 1, True)


def test_the_writer_wakes_the_thread_for_rounds_between_single_puts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the timed period out of reach, only the writes' wake-ups run rounds."""
    monkeypatch.setattr(Checkpointer.__init__, "__kwdefaults__", {"every": 600.0})
    store = SQLiteStore(tmp_path / "c.db")
    for i in range(3000):
        store.put_one("kv", "ns", Item(key(i), os.urandom(2000)), now=1)
    ck = checkpointer(store)
    assert wait_for(lambda: ck.rounds >= 3)
    assert store.get_many("kv", "ns", [key(0), key(2999)], now=1)[1] is not None
    assert store.check() == []
    store.close()


def test_the_writer_sets_the_wake_up_once_per_due_count() -> None:
    """Commits after the one that reaches ``due`` do not set the event again while the
    thread has not run yet (a thread a step below its process, on a busy machine:
    ~20% of single puts did): ``wake`` puts ``due`` out of reach until the next sleep."""
    inside, go = threading.Event(), threading.Event()

    def connect() -> sqlite3.Connection:
        inside.set()
        go.wait(30)
        raise sqlite3.OperationalError("no database here")  # the thread ends

    ck = Checkpointer(connect, lambda: 0)
    assert inside.wait(30)  # the thread is held before its first sleep
    sets: list[int] = []
    real_set = ck._wake.set
    ck._wake.set = lambda: (sets.append(1), real_set())[1]  # type: ignore[method-assign]
    ck.due = 5
    for writes in range(1, 10):  # the writer's test after each commit (Database.write)
        if writes >= ck.due:
            ck.wake()
    assert sets == [1] and ck._wake.is_set()
    go.set()
    ck.stop()
    assert not ck._thread.is_alive()
