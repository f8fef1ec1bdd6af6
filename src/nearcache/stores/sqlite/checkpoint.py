"""``Checkpointer``: copies the WAL back into the database file on a background thread.

Why: SQLite's automatic checkpoint runs inside the ``COMMIT`` of whichever write crosses
its threshold, so every ~1,000th single put (or every ~10th batch of 1,000) also copied
~32 MB of WAL pages into the file and waited for ``fsync`` calls, on the writer's
thread. Here a thread of the writing process does most of that work while writes go on,
on the machine's other core:

1. a ``PASSIVE`` checkpoint copies every committed frame without blocking anyone. While
   single puts go on, the writer wakes the thread every ``STEP_FRAMES`` frames (counted
   in writes: ``due``, from the frames a write added between the last two rounds; one
   integer comparison a commit); batches keep rounds every ``CHECKPOINT_EVERY`` seconds
   (a round re-copies every page written since the last one, and batches touch most
   lookup-id index leaves) and near the writers' threshold (point 2) get a round after
   each; large batches (``LARGE_COMMIT`` frames, a fill of 10k chunks: 5.5k) get one
   after each all along, so writes that stop leave at most their last batch to copy.
2. The WAL restarts from its beginning only after a checkpoint that copied its last
   frame with no commit in between, and each checkpoint syncs the WAL first (~4 ms on
   the machine measured), so while writes go on only the writer's own automatic
   checkpoint, inside a ``COMMIT``, gets there: it then finds nothing but the frames of
   the last round's stretch to copy (2 ``fsync`` calls, and one more for the WAL's new
   header on the next write). The writers' threshold is set higher with this thread
   (``wal.autocheckpoint_pages``: three quarters of ``wal_limit``), so those
   stops come less often, and the thread stays out of the stretch before it (a round
   holding the checkpoint lock would make it fail and the WAL grow on). When the
   next round comes is :mod:`.pacing`'s rule.
3. When the writers pause (no commit for ``pause_after`` the gaps between their commits,
   after a round, while the thread waits for their checkpoint, or before it parks), a
   ``RESTART`` checkpoint with a short busy timeout
   (``RESTART_WAIT_MS``) copies the rest and lets the next writer start the WAL from its
   beginning. It holds the write lock while it copies and syncs, so it runs only then:
   restarting from here while writes went on held the writer off for 15-50% of a run of
   puts (a writer waiting for the lock backs off in steps of up to 100 ms). The fallback
   bound: once the WAL holds more than ``RESTART_AT`` times the writers' threshold
   (readers staying in old snapshots can keep the writers from restarting it), a round
   restarts it anyway.

The thread yields the CPU to the process's other threads: it runs ``_NICER`` steps below
its process (Linux, where a thread has a ``nice`` of its own), so on a busy machine a
reader (or the writer) gets a core first and the copy waits. Rounds are not put off while
reads go on: that was measured worse -- pages still in a large WAL are read with a
``pread`` each, pages checkpointed into the file through the memory map.

The writers keep SQLite's automatic checkpoint and the ``wal_limit`` bound (``TRUNCATE``)
as the fallback if this thread falls behind or dies. A checkpoint is crash safe in
SQLite: a process killed in the middle of one leaves the frames in the WAL, and the next
opener replays them.

The thread has its own connection, opened and closed by itself. It is started by the
first write of a process (a forked child starts its own and never touches its parent's),
sleeps while no write happens (woken by the next one), and is stopped and joined by
``stop()`` (the store's ``close()``). It holds no strong reference to the store: a store
dropped without ``close()`` is still garbage-collected, and its thread then ends.

``fork()``: every call the thread makes into SQLite runs under its ``busy`` lock, and a
fork handler takes the locks of all live checkpointers before the fork (waiting for a
checkpoint under way to finish) and releases them after, so a child never starts
holding one of SQLite's process-wide mutexes taken by a thread it does not have.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
import threading
import time
import weakref
from collections.abc import Callable

from ...errors import CacheError
from .pacing import NEVER, STEP_FRAMES, next_rhythm, next_step, pause_after

__all__ = [
    "CHECKPOINT_EVERY",
    "RESTART_AT",
    "RESTART_WAIT_MS",
    "Checkpointer",
]

log = logging.getLogger(__name__)

#: Seconds between two checkpoints while writes go on.
CHECKPOINT_EVERY = 0.2
#: Milliseconds a RESTART may wait for the write lock and for readers (writers wait too).
RESTART_WAIT_MS = 20
#: WAL size, in writers' automatic-checkpoint thresholds, past which a round restarts the
#: WAL even while writes go on (between that threshold and ``wal_limit``, a third above).
RESTART_AT = 1.1
#: Seconds a parked thread sleeps before looking whether its store still exists.
_PARKED_CHECK = 5.0
#: How much lower than its process the thread runs (Linux, where a thread has its own nice).
_NICER = 10


class Checkpointer:
    """A daemon thread checkpointing one database file while its process writes.

    Args:
        connect: opens the thread's own connection (called once, on the thread).
        writes: the process's count of committed writes (a change means work to do),
            None once the store is gone (the thread ends).
        every: seconds between checkpoints.
    """

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        writes: Callable[[], int | None],
        *,
        every: float = CHECKPOINT_EVERY,
    ) -> None:
        self._connect: Callable[[], sqlite3.Connection] | None = connect
        self._writes = writes
        self._every = every
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.parked = False  # waiting for the next write
        self.due = 0  # the count of writes at which the writer wakes the thread
        self.rounds = 0  # checkpoints done (for tests and figures)
        self.restarts = 0  # of which restarted the WAL
        self.con: sqlite3.Connection | None = None  # kept here: a forked child abandons it
        self.busy = threading.Lock()  # held by the thread inside SQLite (see fork above)
        _LIVE.add(self)
        self._thread = threading.Thread(
            target=self._run, name="nearcache-sqlite-checkpoint", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """Called after a write that brings the count of writes to ``due``. ``due`` goes
        out of reach here until the thread's next sleep sets it, so the commits that
        follow before the thread runs (a step below its process, it can take a while on
        a busy machine) do not set the event again: they did on ~20% of single puts. The
        event is set after, so no wake-up is lost; a thread already past its wait
        returns from the next one at once, as before."""
        self.due = NEVER
        self._wake.set()

    def _run(self) -> None:
        connect, self._connect = self._connect, None  # no reference to the store kept
        _lower_priority()
        try:
            assert connect is not None
            with self.busy:
                con = self.con = connect()
                con.execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
                writer = int(con.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
                wal = f"{con.execute('PRAGMA database_list').fetchone()[2]}-wal"
        except (sqlite3.Error, CacheError) as exc:
            log.warning("background checkpoints are off: cannot open the database: %s", exc)
            return
        finally:
            del connect
        try:
            self._loop(con, writer, wal)
        finally:
            with self.busy, contextlib.suppress(sqlite3.Error):
                con.close()

    def _loop(self, con: sqlite3.Connection, writer: int, wal: str) -> None:
        """Rounds while writes go on; ``writer``: the frames at which a writer checkpoints
        itself (its automatic checkpoint; 0: never); ``wal``: the WAL file's path."""
        bound = int(RESTART_AT * writer) if writer > 0 else NEVER
        seen = -1  # writes counted at the last round
        last = 0  # WAL frames at the last round
        rhythm = (1, 1)  # frames added by writes (a count) between two rounds, last seen
        run = _wal_run(wal)  # which WAL since its last restart
        step, wait = NEVER, False  # see ``next_step``
        settled = True  # no round since the last restart of the WAL
        gap = 0.0  # seconds between two commits while writes go on (see ``pause_after``)
        mark = (time.monotonic(), self._writes() or 0)  # a time and the writes counted then
        # the first round: a step of single puts (~8 frames each) or the timed period
        self._sleep(mark[1] + STEP_FRAMES // 8, self._every)
        while not self._stop.is_set():
            done = self._writes()
            if done is None:  # the store was garbage-collected
                return
            if done == seen:  # nothing written since the last round
                if not settled:  # the writers paused: restart the WAL (one try) first
                    with self.busy:
                        self._checkpoint(con)
                    settled = True
                    continue
                self.parked = True  # sleep until a write
                self._sleep(done + 1, _PARKED_CHECK)
                self.parked = False
                mark = (time.monotonic(), self._writes() or done)  # woken by that write
                continue
            now = time.monotonic()
            if done > mark[1]:  # writes went on since the mark
                gap = (now - mark[0]) / (done - mark[1])
            mark = (now, done)
            with self.busy:
                frames = self._passive(con)
            settled = False
            if frames is not None:
                now_run = _wal_run(wal)
                rhythm = next_rhythm(rhythm, frames, last, done - max(seen, 0), now_run == run)
                run = now_run
                during = (self._writes() or done) - done
                step, wait = next_step(frames, *rhythm, during, writer or NEVER)
                last = frames
            seen = done
            pause = pause_after(gap)
            if frames is not None and (frames > bound or self._paused(pause)):
                with self.busy:
                    settled = self._checkpoint(con)
                continue
            if wait:  # no round before the writers' checkpoint, unless the writes stop
                self._wait(done + step, pause)
            else:
                self._sleep(done + step, self._every)

    def _sleep(self, due: int, timeout: float) -> None:
        """Wait until ``due`` writes are counted (the writer wakes the thread) or ``timeout``."""
        self._wake.clear()
        self.due = due
        now = self._writes()
        if now is not None and now < due and not self._stop.is_set():
            self._wake.wait(timeout)
        self.due = NEVER

    def _wait(self, due: int, pause: float) -> None:
        """Wait until ``due`` writes are counted or no commit comes for ``pause`` seconds."""
        while not self._stop.is_set():
            before = self._writes()
            self._sleep(due, pause)
            now = self._writes()
            if before is None or now is None or now >= due or now == before:
                return

    def _paused(self, pause: float) -> bool:
        """True if no commit comes within ``pause`` seconds (the next commit ends the wait)."""
        before = self._writes()
        if before is None:
            return False
        self._sleep(before + 1, pause)
        return not self._stop.is_set() and self._writes() == before

    def _passive(self, con: sqlite3.Connection) -> int | None:
        """Copy what is committed; the frames in the WAL (None if that failed)."""
        try:
            row = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # the file went away: the writers' bound holds
            log.debug("background checkpoint skipped: %s", exc)
            return None
        self.rounds += 1
        return int(row[1])

    def _checkpoint(self, con: sqlite3.Connection) -> bool:
        """Copy everything and restart the WAL; True if it did."""
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            busy = con.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()[0]
        except sqlite3.Error as exc:  # busy, or the file went away: the writers' bound holds
            log.debug("background checkpoint skipped: %s", exc)
            return False
        self.rounds += 1
        if busy:  # readers kept it from restarting: a later round tries again
            return False
        self.restarts += 1
        return True

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop the thread and wait for it (a checkpoint under way finishes first)."""
        self.stop_soon()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def stop_soon(self) -> None:
        """Ask the thread to end without waiting (its store is being garbage-collected)."""
        self._stop.set()
        self._wake.set()


def _wal_run(wal: str) -> int:
    """The WAL's checkpoint sequence number (its header's bytes 12-15): SQLite bumps it
    in each new WAL, at the first write after a restart; -1 if there is none to read."""
    try:
        with open(wal, "rb") as f:
            head = f.read(16)
    except OSError:
        return -1
    return int.from_bytes(head[12:16], "big") if len(head) == 16 else -1


def _lower_priority() -> None:
    """Run the calling thread ``_NICER`` steps below its process (Linux only: elsewhere
    ``setpriority`` with a thread id would renice the whole process)."""
    if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + _NICER)


_LIVE: weakref.WeakSet[Checkpointer] = weakref.WeakSet()
_PAUSED: list[threading.Lock] = []


def _before_fork() -> None:
    """Wait for every checkpoint under way and hold the threads out of SQLite."""
    for ck in list(_LIVE):
        ck.busy.acquire()
        _PAUSED.append(ck.busy)


def _after_fork() -> None:
    while _PAUSED:
        _PAUSED.pop().release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork
    )
