"""A batch read in parts on two connections at once (``SQLiteStore.get_many_parts``).

``EmbeddingCache.get_many`` of 1,000 texts keys them (normalize and hash: ~0.5 ms for
short texts, ~1.4-2 ms for 500-character chunks) and reads them (~1.3 ms); one after
the other, the two add up. Read in parts, each part is handed to the store's reader
thread as soon as the caller has its keys (the caller waits for the reader to take it:
see ``PartReader.read``), and the caller keys the next part while it is read; once
every part is handed over, the caller reads the parts the reader has not taken yet
itself, on a pooled connection, while the reader reads its own. On a machine with no
idle core (:mod:`.cores`) the caller keys every part, then reads all the keys in one
statement (a statement per part would cost a statement more each and a copy of every
value to join the parts' rows: 4% of the instructions of a serial get of 1,000). SQLite
releases the GIL inside ``sqlite3_step``, and each part is one step (a
:class:`~.reads.JoinedRead`: the values come back as one ``group_concat`` row), so the
two reads run on two cores and the reader needs the GIL only to bind the keys and take
the row. (Each connection maps the file on its own and keeps its own page cache, where
the pages still in the WAL are read into. The reader starts on the pooled connection
used last, the last write's: its map is warm and its cache holds the pages that write
left in the WAL. Right after a 100k-chunk fill, the first 30 reads in parts faulted
~2,600 times against ~7,700 on a new connection and cost 0.2-0.3 ms less CPU each.)

Each part is its own statement, so parts can be read in different snapshots; each
reads the namespace's version in the same statement, and a batch whose parts saw
different versions (a write to the namespace committed between them) is read again at
once the usual way (``read_in_parts``): a batch never sees half of another's write.

The reader thread keeps that connection for good: it leaves the pool, and no other
thread uses it after. Closing the store stops the reader after the parts it took (their
callers get their replies) and closes its connection; the caller reads the parts left
(on a closed store: ``CacheClosedError``). After ``fork()`` the child never touches
its parent's reader (the thread is not in the child, the connection is the parent's):
the child starts its own.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ...codecs.joined import JoinedValues
from ...errors import CacheClosedError
from ...keys import KeyBatch, join_key_batches
from .cores import CoreWatch
from .reads import JoinedRead, joined_read, joined_values, run_joined

if TYPE_CHECKING:
    from .connection import Database

__all__ = ["PartReader", "joined_keys", "read_in_parts"]

Job = Callable[[sqlite3.Connection], Any]
#: Seconds ``stop`` waits for the thread to finish the parts it took.
STOP_WAIT = 5.0
#: Seconds the caller waits, at most, for an idle reader to take a part handed over
#: (see :meth:`PartReader.read`): 20-50 us with a core free for it; 0.5-5 ms when the
#: machine has none (measured at load 7).
TAKE_WAIT = 0.00025
#: Seconds the caller waits, at most, for a reader on an earlier part to take the next.
HAND_OVER_WAIT = 0.001
#: Fewest keys in a part for the caller not to wait while the reader is busy (it reads
#: what the reader has not taken itself, once every part is handed over).
SHARE_KEYS = 500


class _Batch:
    """The parts of one batch read: the reader takes them from the front, the caller
    (once it has handed over every part) from the back; each reply lands at its part's
    place."""

    def __init__(self) -> None:
        self.pending: collections.deque[tuple[int, Job]] = collections.deque()
        self.replies: list[tuple[bool, Any] | None] = []
        self.running = 0  # parts taken whose reply is not in yet
        self.cond = threading.Condition(threading.Lock())

    def add(self, job: Job) -> None:
        with self.cond:
            self.pending.append((len(self.replies), job))
            self.replies.append(None)

    def run_next(self, con: sqlite3.Connection, back: bool) -> bool:
        """Run the part at the front (back) on ``con``; False if none was left."""
        with self.cond:
            if not self.pending:
                return False
            place, job = self.pending.pop() if back else self.pending.popleft()
            self.running += 1
            self.cond.notify_all()  # the caller may wait for its part to be taken
        try:
            reply: tuple[bool, Any] = (True, job(con))
        except BaseException as exc:  # handed to the caller, raised there
            reply = (False, exc)
        with self.cond:
            self.replies[place] = reply
            self.running -= 1
            self.cond.notify_all()
        return True

    def hand_over(self, share: bool) -> bool:
        """Wait for the reader to take the parts handed over: ``TAKE_WAIT`` at most when
        it is idle, ``HAND_OVER_WAIT`` when it is on an earlier part of this batch (not
        at all for a ``share`` part); False if it did not take them in time."""
        if share:  # a part of 500 (short texts): never waited for
            return True
        with self.cond:
            wait = HAND_OVER_WAIT if self.running > 0 else TAKE_WAIT
            return self.cond.wait_for(lambda: not self.pending, wait)

    def finish(self) -> list[tuple[bool, Any] | None]:
        """The replies once no part is running (parts never taken are dropped)."""
        with self.cond:
            self.pending.clear()
            self.cond.wait_for(lambda: not self.running)
            return self.replies


class PartReader:
    """A thread that reads the parts handed to it on ``con`` (a connection opened for
    it and handed over: no other thread uses it after)."""

    def __init__(self, con: sqlite3.Connection, url: str) -> None:
        self._con = con
        self._url = url
        self._jobs: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._lock = threading.Lock()  # ``closed`` and the hand-over of a part
        self.closed = False
        self._cores = CoreWatch()
        self._thread = threading.Thread(
            target=self._run, name="nearcache-sqlite-reads", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        con = self._con
        try:
            while (batch := self._jobs.get()) is not None:
                batch.run_next(con, back=False)
        finally:
            with contextlib.suppress(sqlite3.Error):
                con.close()

    def read(
        self,
        jobs: Iterable[tuple[Job, bool]],  # (job, share)
        here: Callable[[Callable[[sqlite3.Connection], None]], None],
    ) -> list[Any]:
        """``[job(con) for job in jobs]``: each job handed to the reader thread as soon
        as ``jobs`` yields it; those it has not taken once ``jobs`` is over run in
        ``here`` (a function that calls its argument with a connection of the caller's).
        The first error of a job (or of ``jobs`` itself) is raised once no job runs.

        The reader needs the GIL to take a part and to hand back its row, and the caller
        holds it while it makes the next job (the keys): a thread waiting for the GIL
        gets it at the next switch interval (5 ms). So once a part is handed over, the
        caller waits (the GIL released) for the reader to take it, after the part the
        reader is on if any; but never for a ``share`` part (``SHARE_KEYS`` keys or
        more: short texts, quick to key): near idle, waking the reader's core for it
        costs 0.4-0.8 ms, more than the overlap gains, and the caller reads what the
        reader has not taken itself at the same time. Parts of long texts are smaller
        (the caller keys them slower than the store reads them), so the reader reads
        them all, on one connection (the caller's would map the file again: its cold
        pages fault). A part not taken in time (the reader had no core, or reads other
        batches): the caller hands over no more parts of the batch and reads them
        itself; so it does with every part while the other processes leave no core
        idle (:attr:`busy`), after keying them all, as one read would.
        """
        batch = _Batch()
        # the reader did not take a part in time, or the machine is busy: the caller
        # reads the rest itself
        done = self.busy
        try:
            for job, share in jobs:
                batch.add(job)
                if done:
                    continue
                with self._lock:
                    if self.closed:
                        raise CacheClosedError(f"store {self._url} is closed")
                    self._jobs.put(batch)
                done = not batch.hand_over(share)
            if batch.pending:
                here(functools.partial(_drain, batch))
        finally:
            replies = batch.finish()
        out = []
        for reply in replies:
            assert reply is not None  # every part was run: none is left after ``here``
            ok, value = reply
            if not ok:
                raise value
            out.append(value)
        return out

    @property
    def busy(self) -> bool:
        """Whether the other processes leave no core idle for the reader (see
        :mod:`.cores`): then a read in parts costs more CPU than one read and gains no
        wall time, the reader and the caller taking turns on one core."""
        return self._cores.busy()

    def stop(self) -> None:
        """Stop after the parts already taken; the connection is closed."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._jobs.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(STOP_WAIT)


def _drain(batch: _Batch, con: sqlite3.Connection) -> None:
    while batch.run_next(con, back=True):
        pass


def read_in_parts(
    db: Database,
    table: str,
    ns: tuple[int, int] | None,
    parts: Iterable[Sequence[str]],
    now: float,
) -> tuple[JoinedValues | None, list[int], Sequence[str]]:
    """``(values, hit ids, ())``: the live values of namespace ``ns`` (row id, salt)
    under the keys of every part and the lookup ids of the hits; or ``(None, [], keys)``
    when the batch is to be read the usual way (the namespace is not known yet, a key is
    not a content hash, a row did not come back whole, or the parts saw different
    versions of the namespace)."""
    if ns is None:
        return None, [], joined_keys(parts)
    nsid, salt = ns
    reader = db.part_reader()
    if reader.busy:
        return _read_at_once(db, table, nsid, salt, joined_keys(parts), now)
    left = iter(parts)
    seen: list[Sequence[str]] = []
    reads: list[JoinedRead] = []  # one per part seen, unless a part cannot be read so

    def jobs() -> Iterator[tuple[Job, bool]]:
        for keys in left:
            seen.append(keys)
            read = joined_read(keys, nsid, salt, now)
            if read is None:
                return
            reads.append(read)
            yield functools.partial(run_joined, table=table, read=read), len(keys) >= SHARE_KEYS

    try:
        rows = reader.read(jobs(), db.read)
    except sqlite3.Error as exc:
        raise (db.translate(exc) or exc) from exc
    got = [joined_values(row, read) for row, read in zip(rows, reads)]
    found = [g for g in got if g is not None]
    if len(reads) != len(seen) or len(found) != len(got) or len({g[2] for g in found}) > 1:
        return None, [], joined_keys([*seen, *left])
    if len(found) == 1:
        return found[0][0], found[0][1], ()
    values = JoinedValues(
        b"".join(g[0].joined for g in found), [n for g in found for n in g[0].sizes]
    )
    return values, [rid for g in found for rid in g[1]], ()


def _read_at_once(
    db: Database, table: str, nsid: int, salt: int, keys: Sequence[str], now: float
) -> tuple[JoinedValues | None, list[int], Sequence[str]]:
    """``read_in_parts`` on a busy machine: every key keyed first, then ONE joined read
    on the caller's connection (parts read one after another by the same thread would
    only add a statement each and a copy of every value to join them)."""
    read = joined_read(keys, nsid, salt, now)
    if read is None:
        return None, [], keys
    got = joined_values(db.read(functools.partial(run_joined, table=table, read=read)), read)
    if got is None:
        return None, [], keys
    return got[0], got[1], ()


def joined_keys(parts: Iterable[Sequence[str]]) -> Sequence[str]:
    """The keys of every part, in order (a :class:`~nearcache.keys.KeyBatch` when the
    parts are)."""
    every = list(parts)
    if every and all(isinstance(p, KeyBatch) for p in every):
        return join_key_batches(every)  # type: ignore[arg-type]
    return [key for keys in every for key in keys]
