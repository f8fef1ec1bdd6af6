"""The change token read from the WAL-index header in memory: no system call.

``PRAGMA data_version`` answers "has anything been committed since?" with a read
transaction: two ``fcntl`` locks and an ``fstat`` of the database (when the WAL holds no
frame). When system calls are slow (a busy virtual machine: 1-7 us each against
0.1-1 us) those three are most of an exact-layer hit served from the in-process copy.

Every commit rewrites the WAL-index header at the start of the ``-shm`` file
(https://www.sqlite.org/walformat.html, "the WAL-index header": ``iVersion`` 3007000,
``iChange``, ``mxFrame``, the frame checksums and salts), and SQLite keeps it twice, the
second copy written before the first, so equal copies are a header no writer was
halfway through. The 96 bytes of both copies are the token: a commit or a WAL restart
changes them (a checkpoint that restarts the WAL changes them too: one extra sync of
the copy, never a missed commit).

Rules that keep SQLite's locks intact:

* The file is mapped through the descriptor SQLite itself holds open for it (found in
  ``/proc/self/fd``), with ``mmap(2)`` through ``ctypes``: no descriptor is opened or
  closed here. POSIX record locks belong to the process and the file: closing *any*
  descriptor of the ``-shm`` file would drop every lock SQLite holds on it. (Python's
  ``mmap`` module duplicates the descriptor and closes its copy.)
* The mapping is used only while the caller keeps a connection open (the watching
  connection), so SQLite keeps its own descriptor and no other process can remove or
  reset the file under it; it is unmapped when that connection is closed.
* Anything unexpected -- no ``/proc``, no ``-shm`` (a database not in WAL mode, an
  immutable read), a header not initialised or of another version, the two copies
  differing at this instant -- answers None, and the caller asks SQLite instead.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import os
import struct
import sys
from pathlib import Path

__all__ = ["HeaderMap"]

log = logging.getLogger(__name__)

#: Bytes of one WAL-index header copy; the two copies are back to back at offset 0.
HEADER = 48
_VERSION = 3007000
_IS_INIT = 12  # offset of the ``isInit`` byte in a copy

_libc: ctypes.CDLL | None = None


def _c() -> ctypes.CDLL | None:
    """libc's ``mmap``/``munmap``, typed (None off Linux). The symbols of the running
    program (``dlopen(NULL)``) include libc's: no ``find_library``, which runs a program."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            lib = ctypes.CDLL(None, use_errno=True)
            lib.mmap, lib.munmap  # noqa: B018 -- present, or AttributeError
        except (OSError, AttributeError):
            return None
        lib.mmap.restype = ctypes.c_void_p
        lib.mmap.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_long,
        ]
        lib.munmap.restype = ctypes.c_int
        lib.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        _libc = lib
    return _libc


def _sqlite_fd(shm: str) -> int | None:
    """The descriptor this process holds open for the file ``shm`` (SQLite's), or None."""
    try:
        want = os.stat(shm)
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in fds:
        try:
            fd = int(name)
            st = os.fstat(fd)
        except (ValueError, OSError):
            continue
        if st.st_ino == want.st_ino and st.st_dev == want.st_dev:
            return fd
    return None


class HeaderMap:
    """A read-only mapping of one database's WAL-index header (see the module doc)."""

    def __init__(self, addr: int) -> None:
        self._addr = addr
        self._buf = (ctypes.c_char * (2 * HEADER)).from_address(addr)

    @classmethod
    def open(cls, db: Path) -> HeaderMap | None:
        """Map ``db``'s header through SQLite's descriptor, or None (see the module doc).
        Call it while a connection of this process has read ``db`` in WAL mode."""
        try:
            return cls._open(db)
        except Exception:  # an optimisation only: never a reason for a read to fail
            log.debug("WAL-index header of %s not mapped", db, exc_info=True)
            return None

    @classmethod
    def _open(cls, db: Path) -> HeaderMap | None:
        libc = _c()
        if libc is None:
            return None
        fd = _sqlite_fd(f"{os.fspath(db)}-shm")
        if fd is None:
            return None
        size = mmap.PAGESIZE
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr is None or addr == ctypes.c_void_p(-1).value:
            return None
        header = cls(addr)
        if header.token() is None:  # not a WAL-index header of the version known here
            header.close()
            return None
        return header

    def token(self) -> bytes | None:
        """Both header copies, or None when they differ or are not a valid header."""
        raw = self._buf.raw
        first = raw[:HEADER]
        if (
            first != raw[HEADER:]
            or not first[_IS_INIT]
            or struct.unpack_from("=I", first)[0] != _VERSION
        ):
            return None
        return raw

    def close(self) -> None:
        """Unmap (the caller makes sure no ``token`` call runs at the same time)."""
        libc = _c()
        if self._addr and libc is not None:
            libc.munmap(self._addr, mmap.PAGESIZE)
        self._addr = 0
