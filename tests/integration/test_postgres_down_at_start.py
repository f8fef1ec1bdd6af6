"""A PostgreSQL store made while its server is down (SPEC 0: an outage is degraded
service and recovery is automatic; the caches above it: test_semantic_store_down_at_start).

The constructor must not need the server: an application (or ``nearcache serve``) has to
start during an outage. The store connects and sets up its schema on the first call
after the server is back. A server that answers and refuses, or a DSN libpq cannot use,
is a mistake, not an outage: the constructor still raises it, in one line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cli_support import passes_through_then_caches, serve_on_free_port
from nearcache import open_store
from nearcache.errors import StoreUnavailableError
from nearcache.stores.postgres import PostgresStore
from nearcache.stores.protocol import Item
from proxy_support import Upstream

pytestmark = pytest.mark.postgres

KEY = "ab" * 32


def _until_reachable(call: Callable[[], Any], deadline_s: float = 60.0) -> Any:
    """``call()`` until it does not raise ``StoreUnavailableError`` (the breaker lets a
    probe through some time after the restart); a bound, not a measurement."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return call()
        except StoreUnavailableError:
            assert time.monotonic() < deadline, "the store never came back"
            time.sleep(0.05)


def test_a_store_made_while_postgres_is_down_opens_once_it_is_back(
    make_postgres: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The constructor opens the circuit instead of raising; the first call after the
    server is back creates the schema (none existed) and serves. The caches above:
    test_semantic_store_down_at_start.py."""
    server = make_postgres()
    server.stop()
    with caplog.at_level(logging.INFO, logger="nearcache"):
        store = open_store(f"{server.dsn}?prefix=fresh")
    assert "is unreachable, circuit opened" in caplog.text, caplog.text
    assert "opens on its first call" in caplog.text, caplog.text
    assert store.breaker.state == "open"
    with pytest.raises(StoreUnavailableError):
        store.get_meta("hash_algorithm")
    with pytest.raises(StoreUnavailableError):
        store.put_many("kv", "ns", [Item(KEY, b"v")], now=1.0)

    server.start()
    _until_reachable(lambda: store.put_many("kv", "ns", [Item(KEY, b"v")], now=1.0))
    assert store.get_many("kv", "ns", [KEY], now=2.0) == [b"v"]
    assert store.info("kv", "ns").entries == 1
    assert store.check() == []
    store.close()


def test_mistakes_are_still_refused_at_once(postgres_server: Any) -> None:
    """A server that answers and refuses (an unknown role, a missing database) and a DSN
    libpq cannot use are raised by the constructor, in one line, not taken for an outage."""
    base = postgres_server.dsn.rsplit("@", 1)[1].rsplit("/", 1)[0]  # 127.0.0.1:PORT
    for dsn, says in (
        (f"postgresql://no_such_role@{base}/postgres", "no_such_role"),
        (f"postgresql://postgres@{base}/no_such_database", "no_such_database"),
        ("postgresql://postgres@127.0.0.1:x/postgres", '"port"'),
        ("postgresql://postgres@no-such-host.invalid/postgres", "no-such-host.invalid"),
    ):
        with pytest.raises(StoreUnavailableError) as info:
            PostgresStore(dsn)
        text = str(info.value)
        assert text.startswith("cannot connect to postgresql://"), text
        assert says in text and "\n" not in text.strip(), text


def test_a_wrong_password_is_refused_at_once(make_postgres: Any) -> None:
    server = make_postgres()
    with psycopg.connect(server.dsn, autocommit=True) as admin:
        admin.execute("CREATE ROLE ada LOGIN PASSWORD 'right'")
        admin.execute("GRANT CREATE ON SCHEMA public TO ada")
    hba = Path(server.data) / "pg_hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    server.stop()  # a restart, not a reload: the new rules hold once start() returns
    server.start()
    address = server.dsn.rsplit("@", 1)[1]
    with pytest.raises(StoreUnavailableError) as info:
        PostgresStore(f"postgresql://ada:wrong@{address}")
    text = str(info.value)
    assert text.startswith("cannot connect to postgresql://ada:***@"), text
    assert "password authentication failed" in text and "wrong" not in text, text
    PostgresStore(f"postgresql://ada:right@{address}", prefix="pw").close()


def test_serve_starts_while_its_postgres_is_down_and_caches_once_it_is_back(
    upstream: Upstream, tmp_path: Path, make_postgres: Any
) -> None:
    """``nearcache serve`` refused to start while its PostgreSQL was down ("cannot connect
    to ..."): now it starts, passes requests through uncached (``ERROR``) and caches once
    the server answers, as with Redis."""
    server = make_postgres()
    server.stop()
    args = ["--upstream", upstream.url, "--store", server.dsn, "--model", "hash-test"]
    for url in serve_on_free_port(args, tmp_path):
        passes_through_then_caches(url, "Is PostgreSQL back?", server.start)
        logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
        assert "starting anyway" in logs[-1].read_text(errors="replace")
