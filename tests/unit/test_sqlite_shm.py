"""The SQLite store's change token read from the WAL-index header in memory (stores/sqlite/shm.py):
no read transaction once mapped, and still moved by every commit of any connection or process."""

from __future__ import annotations

import ctypes
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.semantic.record import entry_key
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite import connection
from nearcache.stores.sqlite.shm import HEADER, HeaderMap

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="maps through /proc")


def _statements(store: SQLiteStore) -> list[str]:
    """SQL run from now on by the store's watching connection."""
    seen: list[str] = []
    store._db._watch.set_trace_callback(seen.append)  # type: ignore[union-attr]
    return seen


@linux
def test_the_token_is_read_from_memory_once_mapped(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.put_many("kv", "n", [Item(entry_key("", "a"), b"v")], now=0.0)
    first = store.change_token()
    ran = _statements(store)
    for _ in range(5):
        assert store.change_token() == first
    assert ran == []  # no PRAGMA data_version: no read transaction, no system call
    store.close()


@linux
def test_the_mapped_token_moves_with_every_commit_of_any_connection(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    other = SQLiteStore(tmp_path / "s.db")
    key = entry_key("", "q")
    first = store.change_token()
    assert isinstance(first[1], bytes)
    store.get_many("kv", "n", [key], now=0.0)
    assert store.change_token() == first  # reads are not commits
    store.put_many("kv", "n", [Item(key, b"v")], now=0.0)
    second = store.change_token()
    assert second != first
    other.put_many("kv", "n", [Item(key, b"w")], now=0.0)  # another connection
    third = store.change_token()
    assert third != second
    code = (
        "import sys\nfrom nearcache import SQLiteStore\n"
        "from nearcache.stores.protocol import Item\n"
        "s = SQLiteStore(sys.argv[1]); s.put_many('kv', 'n', [Item(sys.argv[2], b'x')], now=0.0)\n"
        "s.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.db"), key], check=True)
    assert store.change_token() != third  # another process
    assert store.get_many("kv", "n", [key], now=0.0) == [b"x"]
    other.close()
    store.close()


def test_without_a_mapped_header_the_token_comes_from_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection.HeaderMap, "open", classmethod(lambda cls, db: None))
    store = SQLiteStore(tmp_path / "s.db")
    key = entry_key("", "q")
    first = store.change_token()
    assert isinstance(first[1], int)
    ran = _statements(store)
    assert store.change_token() == first
    assert ran == ["PRAGMA data_version"]
    store.put_many("kv", "n", [Item(key, b"v")], now=0.0)
    assert store.change_token() != first
    store.close()


def _header(version: int = 3007000, init: int = 1, change: int = 7) -> bytes:
    copy = bytearray(HEADER)
    struct.pack_into("=I", copy, 0, version)
    struct.pack_into("=I", copy, 8, change)
    copy[12] = init
    return bytes(copy)


@pytest.mark.parametrize(
    ("first", "second", "valid"),
    [
        (_header(), _header(), True),
        (_header(change=8), _header(), False),  # a writer between the two copies
        (_header(init=0), _header(init=0), False),  # not initialised
        (_header(version=1), _header(version=1), False),  # another format
    ],
)
def test_only_two_equal_valid_copies_are_a_token(first: bytes, second: bytes, valid: bool) -> None:
    buf = ctypes.create_string_buffer(first + second, 2 * HEADER)
    header = HeaderMap(ctypes.addressof(buf))
    assert header.token() == (first + second if valid else None)


@linux
def test_a_store_falls_back_while_the_copies_differ(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    first = store.change_token()
    real = store._db._header
    assert real is not None
    buf = ctypes.create_string_buffer(_header(change=8) + _header(), 2 * HEADER)
    store._db._header = HeaderMap(ctypes.addressof(buf))  # a header being rewritten
    ran = _statements(store)
    token = store.change_token()
    assert ran == ["PRAGMA data_version"] and isinstance(token[1], int)
    assert token != first  # a change of kind is read as a change: one extra sync at most
    store._db._header = real
    store.close()


def test_a_failed_mapping_is_not_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[Path] = []

    def none(cls: type, db: Path) -> None:
        tries.append(db)

    monkeypatch.setattr(connection.HeaderMap, "open", classmethod(none))
    store = SQLiteStore(tmp_path / "s.db")
    for _ in range(3):
        store.change_token()
    assert len(tries) == 1  # looking for the descriptor lists /proc/self/fd: once
    store.close()


def test_a_mapping_that_raises_leaves_the_pragma(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(cls: type, db: Path) -> None:
        raise RuntimeError("no mapping here")

    monkeypatch.setattr(HeaderMap, "_open", classmethod(boom))
    store = SQLiteStore(tmp_path / "s.db")
    first = store.change_token()
    assert isinstance(first[1], int)
    store.put_many("kv", "n", [Item(entry_key("", "q"), b"v")], now=0.0)
    assert store.change_token() != first
    store.close()
