"""``Checkpointer``: copies the WAL back into the database file on a background thread.

Why: SQLite's automatic checkpoint runs inside the ``COMMIT`` of whichever write crosses
its threshold, so every ~1,000th single put (or every ~10th batch of 1,000) also copied
~32 MB of WAL pages into the file and waited for two ``fsync`` calls, on the writer's
thread. Here a thread of the writing process does that work every ``CHECKPOINT_EVERY``
seconds while writes go on, on the machine's other core:

1. a ``PASSIVE`` checkpoint copies every committed frame without blocking anyone;
2. a ``RESTART`` checkpoint, with a short busy timeout (``RESTART_WAIT_MS``), copies the
   few frames committed meanwhile and lets the next writer start the WAL from its
   beginning, so it stays small (a small WAL is also cheaper to look pages up in). It
   holds the write lock while it copies those frames and syncs the WAL and the file, so
   it runs only **when the writers pause**: no commit for ``IDLE_WAIT`` seconds after the
   ``PASSIVE``, or before the thread parks. While writes go on without a pause, the
   writers restart the WAL themselves: SQLite's automatic checkpoint in a ``COMMIT``
   (every ``wal_autocheckpoint`` pages) finds little left to copy, and the next write
   transaction starts the WAL from its beginning -- on the writer's own thread, at its
   priority, without a lock wait. Restarting from here while writes went on held the
   writer off for 15-50% of a run of puts (measured: the lock is held for the syncs, by a
   thread running below its process's priority, and a writer waiting for it backs off
   in steps of up to 100 ms). The fallback bound: once the WAL holds more than
   ``RESTART_AT`` times the automatic checkpoint's pages (readers staying in old
   snapshots can keep the writers from restarting it), a round restarts it anyway.

The thread yields the CPU to the process's other threads: it runs ``_NICER`` steps below
its process (Linux, where a thread has a ``nice`` of its own), so on a busy machine a
reader (or the writer) gets a core first and the copy waits. Rounds are not put off while
reads go on: that was measured worse -- pages still in a large WAL are read with a
``pread`` each, pages checkpointed into the file through the memory map.

Nothing else changes: the writers keep SQLite's automatic checkpoint (which finds little
left to copy) and the ``wal_limit`` bound (``TRUNCATE``) as the fallback if this thread
falls behind. A checkpoint is crash safe in SQLite: a process killed in the middle of
one leaves the frames in the WAL, and the next opener replays them.

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
import weakref
from collections.abc import Callable

from ...errors import CacheError

__all__ = ["CHECKPOINT_EVERY", "IDLE_WAIT", "RESTART_AT", "RESTART_WAIT_MS", "Checkpointer"]

log = logging.getLogger(__name__)

#: Seconds between two checkpoints while writes go on.
CHECKPOINT_EVERY = 0.2
#: Milliseconds a RESTART may wait for the write lock and for readers (writers wait too).
RESTART_WAIT_MS = 20
#: Seconds without a commit after a ``PASSIVE`` that count as a pause of the writers
#: (longer than a batch of 1,000 takes to commit, so a batch under way is not a pause).
IDLE_WAIT = 0.05
#: WAL size, in automatic-checkpoint intervals, past which a round restarts the WAL
#: even while writes go on (between SQLite's automatic checkpoint and ``wal_limit``,
#: which is at least twice that interval).
RESTART_AT = 1.5
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
        self.parked = False  # waiting for a write (``wake`` it)
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
        """Called after a write while ``parked``."""
        self._wake.set()

    def _run(self) -> None:
        connect, self._connect = self._connect, None  # no reference to the store kept
        _lower_priority()
        try:
            assert connect is not None
            with self.busy:
                con = self.con = connect()
                con.execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
                bound = _restart_bound(con)
        except (sqlite3.Error, CacheError) as exc:
            log.warning("background checkpoints are off: cannot open the database: %s", exc)
            return
        finally:
            del connect
        try:
            self._loop(con, bound)
        finally:
            with self.busy, contextlib.suppress(sqlite3.Error):
                con.close()

    def _loop(self, con: sqlite3.Connection, bound: int) -> None:
        seen: int | None = -1
        settled = True  # no round since the last restart of the WAL
        while not self._stop.wait(self._every):
            done = self._writes()
            if done is None:  # the store was garbage-collected
                return
            if done == seen:  # nothing written since the last round: sleep until a write
                if not settled:  # the writers paused: restart the WAL (one try) first
                    with self.busy:
                        self._checkpoint(con)
                    settled = True
                    continue
                self._wake.clear()
                self.parked = True
                if self._writes() == done:
                    self._wake.wait(_PARKED_CHECK)
                self.parked = False
                continue
            seen = done
            with self.busy:
                frames = self._passive(con)
            settled = False
            if frames is None:
                continue
            if frames <= bound:  # restart only if no commit comes meanwhile
                before = self._writes()
                if self._stop.wait(IDLE_WAIT) or self._writes() != before:
                    continue
            with self.busy:
                settled = self._checkpoint(con)

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


def _restart_bound(con: sqlite3.Connection) -> int:
    """WAL frames past which a round restarts the WAL while writes go on."""
    pages = int(con.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    return int(RESTART_AT * pages) if pages > 0 else 1 << 62


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
