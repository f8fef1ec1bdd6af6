"""A SQLite store where this process cannot write (a read-only mount, a folder without
write permission) is opened read-only: reads work, writes raise ``StoreWriteError``
naming the file (session 27's first hour: even ``stats`` failed with "unable to open
database file", since WAL mode wants to create its ``-shm`` file beside the database).

A real read-only place: as root (who ignores permission bits) a read-only bind mount in a
private mount namespace (``unshare -m``); otherwise the folder and file made read-only
with ``chmod``. Where neither can be made, the tests skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import assert_one_line_error, make_corpus, nc, refused_port
from sqlite_support import downgrade_to_v6

_MOUNT_RO = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'


def _prefix(folder: Path) -> list[str]:
    """The argv prefix that runs a command with ``folder`` read-only (root: a private
    read-only bind mount; others: nothing, the folder is made read-only by ``chmod``)."""
    return ["unshare", "-m", "sh", "-c", _MOUNT_RO, str(folder)] if os.geteuid() == 0 else []


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[list[str]]:
    """The argv prefix under which ``folder`` and its ``c.db`` are read-only (skips where
    that cannot be made)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux (unshare or file permissions)")
    prefix = _prefix(folder)
    if prefix:
        if shutil.which("unshare") is None:
            pytest.skip("root without unshare: no read-only mount to test in")
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"cannot make a read-only mount here: {probe.stderr!r}")
    else:
        (folder / "c.db").chmod(0o444)
        folder.chmod(0o555)
    try:
        yield prefix
    finally:
        folder.chmod(0o755)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """``(folder, prefix)``: a folder holding a store of the corpus, and the argv prefix
    under which it is read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    corpus = make_corpus(tmp_path / "corpus")
    proc = nc("embed", str(corpus), "--store", str(folder / "c.db"))
    assert proc.returncode == 0, proc.stderr
    with _read_only_folder(folder) as prefix:
        yield folder, prefix


def _nc(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    if not prefix:
        return nc(*args)  # type: ignore[no-any-return]
    env = {**os.environ, "NEARCACHE_MODEL": "hash-test"}
    env.pop("NEARCACHE_STORE", None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "nearcache", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_cli_reads_a_read_only_store_and_refuses_to_write(
    read_only: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder, prefix = read_only
    db = str(folder / "c.db")
    stats = _nc(prefix, "stats", "--store", db, "--json")
    assert stats.returncode == 0, stats.stderr
    rows = json.loads(stats.stdout)
    assert rows["total"]["entries"] > 0, rows
    found = _nc(prefix, "search", "consistent hashing ring", "--store", db, "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["results"][0]["path"].endswith("sharding.md")
    inspect = _nc(prefix, "inspect", "--store", db, "--json")
    assert inspect.returncode == 0, inspect.stderr
    (tmp_path / "corpus" / "new.md").write_text("# new\n\na note written later\n", "utf-8")
    before = sorted(p.name for p in folder.iterdir())
    embed = _nc(prefix, "embed", str(tmp_path / "corpus"), "--store", db)
    assert_one_line_error(embed, db, "cannot write")
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing created beside it


_CHILD = """
import json, sys
import numpy as np
from nearcache import EmbeddingCache, StoreWriteError
cache = EmbeddingCache(path=sys.argv[1])
out = {"read_only": cache.store.read_only}
out["namespaces"] = sorted(cache.store.namespaces("embedding"))
try:
    cache.put("a new text", np.ones(64, dtype=np.float32), out["namespaces"][0])
    out["put"] = "written"
except StoreWriteError as exc:
    out["put"] = str(exc)
cache.close()
print(json.dumps(out))
"""


def test_the_library_opens_a_read_only_store_and_a_write_names_the_file(
    read_only: tuple[Path, list[str]],
) -> None:
    folder, prefix = read_only
    db = str(folder / "c.db")
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", _CHILD, db],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["read_only"] is True
    assert out["namespaces"], out
    assert out["put"].startswith(f"{db}: cannot write"), out["put"]


def test_an_older_schema_on_a_read_only_mount_says_it_needs_one_writable_opening(
    tmp_path: Path,
) -> None:
    # An operator reading last year's cache file off a read-only mount: every command,
    # even `stats`, said "cannot write: attempt to write a readonly database" (the
    # in-place schema upgrade writes) without saying why it had to write.
    folder = tmp_path / "old"
    folder.mkdir()
    proc = nc("embed", str(make_corpus(tmp_path / "corpus")), "--store", str(folder / "c.db"))
    assert proc.returncode == 0, proc.stderr
    downgrade_to_v6(folder / "c.db")
    with _read_only_folder(folder) as prefix:
        db = str(folder / "c.db")
        for command in (["stats"], ["search", "consistent hashing ring"]):
            assert_one_line_error(
                _nc(prefix, *command, "--store", db), db, "schema version 6", "write access"
            )
    stats = nc("stats", "--store", db, "--json")  # writable again: upgraded, and read
    assert stats.returncode == 0, stats.stderr


def test_serve_on_a_read_only_store_warns_that_nothing_will_be_stored(
    read_only: tuple[Path, list[str]],
) -> None:
    # It started without a word, answered healthz "store": "ok", and dropped every
    # answer (one INFO line per request: "answer not stored: ... readonly database").
    folder, prefix = read_only
    db = str(folder / "c.db")
    with refused_port() as port:  # after its checks, serve stops at the port in use
        args = ["serve", "--upstream", "http://127.0.0.1:9/v1", "--store", db]
        proc = _nc(prefix, *args, "--port", str(port))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("warning: ") and "read-only" in lines[0], proc.stderr
    assert "no new one is stored" in lines[0]
    assert lines[-1].startswith("nearcache: error: cannot listen"), proc.stderr
