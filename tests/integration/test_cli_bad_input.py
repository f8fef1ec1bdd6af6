"""Bad input a new user types on purpose or by accident (session 27's first hour).

Each case once printed a traceback, a bare ``OSError: [Errno ...]`` line, a ``KeyError``,
or succeeded with a surprise (ranked results for an empty query, a proxy that refused
every request). Now each is one line that says what to change, before anything starts.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest

from cli_support import assert_one_line_error, make_corpus, nc, refused_port

# A folder nobody can write, not even root (mkdir there is EPERM): the stand-in for a
# read-only mount that a test cannot make without privileges.
UNWRITABLE = Path("/sys")
needs_unwritable = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not UNWRITABLE.is_dir(),
    reason="needs Linux's /sys as a folder nobody can write",
)


def test_search_refuses_an_empty_query(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert nc("embed", str(make_corpus(tmp_path / "corpus")), "--store", store).returncode == 0
    for query in ("", "   "):
        proc = nc("search", query, "--store", store)
        assert proc.returncode == 2, proc.stdout
        assert "query is empty" in proc.stderr
        assert proc.stdout == ""


def test_explain_refuses_an_empty_question() -> None:
    for stored, asked, hint in (("", "", "STORED"), ("how do I sort a list", " ", "ASKED")):
        proc = nc("explain", stored, asked)
        assert proc.returncode == 2, proc.stdout
        assert f"Invalid value for {hint}: the question is empty" in proc.stderr
        assert proc.stdout == ""
    assert nc("explain", "how do I sort a list", "how do I sort a list").returncode == 0


def test_embed_of_a_folder_with_nothing_to_embed_says_so(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = nc("embed", str(empty), "--store", store)
    assert proc.returncode == 0, proc.stderr
    assert "no text file to embed" in proc.stderr
    assert "skipped or ignored" not in proc.stderr
    (empty / "image.bin").write_bytes(b"\x00\x01" * 64)  # binary: skipped
    proc = nc("embed", str(empty), "--store", store)
    assert "no text file to embed" in proc.stderr and "skipped or ignored" in proc.stderr
    # --json: "progress and messages go to stderr", but the note was only in the table mode
    proc = nc("embed", str(empty), "--store", store, "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["files"] == 0
    assert "no text file to embed" in proc.stderr and "skipped or ignored" in proc.stderr
    corpus = make_corpus(tmp_path / "corpus")
    assert "no text file" not in nc("embed", str(corpus), "--store", store).stderr


@needs_unwritable
def test_a_store_in_an_unwritable_folder_names_the_option(tmp_path: Path) -> None:
    target = UNWRITABLE / "nearcache-test" / "x.db"
    proc = nc("embed", str(make_corpus(tmp_path / "corpus")), "--store", str(target))
    assert_one_line_error(proc, "cannot open the store", str(target.parent), "--store")
    assert "Errno" not in proc.stderr


@needs_unwritable
def test_export_into_an_unwritable_folder_names_the_file(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert nc("embed", str(make_corpus(tmp_path / "corpus")), "--store", store).returncode == 0
    dest = UNWRITABLE / "nearcache-test.tar.gz"
    proc = nc("export", str(dest), "--store", store)
    assert_one_line_error(proc, f"cannot write {dest}")
    assert "Errno" not in proc.stderr and "nearcache-export" not in proc.stderr


def test_a_missing_file_is_one_plain_line(tmp_path: Path) -> None:
    proc = nc("serve", "--config", str(tmp_path / "proxy.toml"))
    assert_one_line_error(proc, f"{tmp_path / 'proxy.toml'}: no such file or directory")
    assert "Errno" not in proc.stderr


# ------------------------------------------------------------------- nearcache serve


def _serve(*args: str) -> object:
    """``nearcache serve`` with settings that start in well under a second when valid."""
    return nc("serve", "--upstream", "http://127.0.0.1:9/v1", "--store", "memory://", *args)


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--threshold", "2"], ["similarity_threshold", "[-1, 1]"]),
        (["--namespace", "team a!"], ["namespace", "team a!"]),
        (["--log-level", "loud"], ["--log-level loud", "debug"]),
        (["--port", "99999"], ["--port", "99999"]),
        (["--host", "no-such-host.invalid"], ["cannot listen on no-such-host.invalid"]),
    ],
    ids=["threshold", "namespace", "log-level", "port-range", "host"],
)
def test_serve_refuses_bad_settings_before_it_starts(args: list[str], needles: list[str]) -> None:
    proc = _serve("--exact-only", *args)
    assert_one_line_error(proc, *needles)
    assert "Uvicorn running" not in proc.stderr + proc.stdout


def test_serve_on_a_port_in_use_says_so_in_one_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = _serve("--exact-only", "--port", str(port))
    assert_one_line_error(proc, f"127.0.0.1:{port}", "address already in use", "--port")


def test_serve_with_a_store_host_that_does_not_resolve_is_one_line() -> None:
    """It was uvicorn's ~80-line start-up traceback ending "Application startup failed".
    (A store server that is down is an outage the proxy starts through, not a mistake:
    test_proxy_cli.py for Redis, test_postgres_down_at_start.py for PostgreSQL.)"""
    store = "postgresql://postgres@no-such-host.invalid/postgres"
    with refused_port() as port:
        upstream = f"http://127.0.0.1:{port}/v1"
        proc = nc("serve", "--upstream", upstream, "--store", store, "--exact-only", "--port", "0")
    assert_one_line_error(proc, "no-such-host.invalid", "cannot connect")
    assert proc.returncode == 1


def test_import_of_a_file_that_is_no_archive_creates_no_store(tmp_path: Path) -> None:
    junk = tmp_path / "notes.tar.gz"
    junk.write_text("not an archive\n", "utf-8")
    target = tmp_path / "new.db"
    proc = nc("import", str(junk), "--store", str(target))
    assert_one_line_error(proc, "not a nearcache archive")
    assert not target.exists()
