"""The WAL of a SQLite store: how large it may grow before SQLite's own checkpoint runs,
and the TRUNCATE checkpoint that bounds it (see :mod:`.connection`, whose writes look at
its size at most every ``WAL_CHECK_EVERY`` seconds)."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from .checkpoint import Checkpointer

__all__ = ["WAL_CHECK_EVERY", "WRITER_SHARE", "autocheckpoint_pages", "bound_wal", "truncate_wal"]

log = logging.getLogger(__name__)

#: Seconds between two checks of the WAL's size after a commit: it may outgrow
#: ``wal_limit`` by what one writer commits in that time (a few MB at most).
WAL_CHECK_EVERY = 0.025

#: Pages of WAL after which a commit checkpoints (SQLite's default is 1,000).
AUTOCHECKPOINT_PAGES = 8192
_PAGE = 4096
_FRAME = _PAGE + 24  # a WAL frame: its header and the page
#: Share of ``wal_limit`` a writer lets the WAL reach before it checkpoints itself while
#: the background thread copies the WAL as it grows. Only that checkpoint lets the WAL
#: restart while writes go on, and it costs the writer three ``fsync`` calls (~4 ms each
#: on the machine measured) however little is left to copy: the later, the fewer. The
#: rest of ``wal_limit`` is the margin for a checkpoint that fails (another one runs).
WRITER_SHARE = 0.75


def autocheckpoint_pages(wal_limit: int, background: bool = False) -> int:
    """Auto-checkpoint interval in pages: 32 MB, at most half of ``wal_limit``; with
    background checkpoints twice that, at most ``WRITER_SHARE`` of ``wal_limit``."""
    if background:
        return max(100, min(2 * AUTOCHECKPOINT_PAGES, int(wal_limit * WRITER_SHARE) // _FRAME))
    return max(100, min(AUTOCHECKPOINT_PAGES, wal_limit // (2 * _PAGE)))


def bound_wal(
    con: sqlite3.Connection, path: Path, wal_limit: int, timeout: float, ck: Checkpointer | None
) -> None:
    """Reset the WAL of ``path`` when it outgrows ``wal_limit`` (``ck``: the process's
    checkpoint thread, if any).

    SQLite's automatic checkpoints are passive: with readers always active (many
    processes reading all the time) the WAL is never rewound and grows without bound.
    A TRUNCATE checkpoint waits briefly for readers to reach the latest snapshot,
    copies everything back and empties the WAL. It waits for a background round
    under way first (SQLite fails a checkpoint at once while another one runs: on a
    busy machine a round of the low-priority thread can last long enough for the WAL
    to pass the limit by tens of MB), and holds the next one off.
    """
    try:
        size = os.stat(f"{path}-wal").st_size
    except OSError:
        return
    if size <= wal_limit:
        return
    with contextlib.nullcontext() if ck is None else ck.busy:
        truncate_wal(con, path, timeout)


def truncate_wal(con: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Checkpoint with TRUNCATE (waiting up to 2 s for readers), then restore ``timeout``."""
    try:
        con.execute("PRAGMA busy_timeout = 2000")
        busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.debug("WAL checkpoint of %s could not finish; will retry", path)
    except sqlite3.Error as exc:
        log.warning("WAL checkpoint of %s failed: %s", path, exc)
    finally:
        with contextlib.suppress(sqlite3.Error):
            con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
