"""A command that only reads refuses a file that is not a nearcache store: ``stats`` on
a 0-byte file wrote the whole schema into it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cli_support import assert_one_line_error, nc


@pytest.mark.parametrize("command", ["stats", "inspect", "export"])
def test_an_empty_file_is_not_a_store_and_stays_empty(tmp_path: Path, command: str) -> None:
    db = tmp_path / "zero.db"
    db.touch()
    args = [command, *([str(tmp_path / "a.tar.gz")] if command == "export" else [])]
    proc = nc(*args, "--store", str(db))
    assert_one_line_error(proc, f"{db} is an empty file, not a nearcache store")
    assert db.stat().st_size == 0
    assert not (tmp_path / "a.tar.gz").exists()


def test_a_database_without_tables_is_not_a_store_and_gets_none(tmp_path: Path) -> None:
    db = tmp_path / "bare.db"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version=1")
    proc = nc("stats", "--store", str(db))
    assert_one_line_error(proc, "is a SQLite database without tables, not a nearcache store")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_real_store_still_reads(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    (tmp_path / "n.md").write_text("a note about caching\n", "utf-8")
    assert nc("embed", str(tmp_path / "n.md"), "--store", str(db)).returncode == 0
    proc = nc("stats", "--store", str(db))
    assert proc.returncode == 0, proc.stderr
