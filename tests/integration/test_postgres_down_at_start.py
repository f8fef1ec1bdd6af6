"""A PostgreSQL store made while its server is down (SPEC 0: an outage degrades reads to
misses, writes raise or are dropped with ``fail_open``, recovery is automatic).

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

import httpx
import psycopg
import pytest

from cli_support import serve_on_free_port
from nearcache import open_store
from nearcache.clock import ManualClock
from nearcache.errors import StoreUnavailableError
from nearcache.semantic.types import Hit, Miss
from nearcache.stores.postgres import PostgresStore
from nearcache.stores.protocol import Item
from proxy_support import Upstream
from semantic_support import TableEmbedder, angled, make_cache

pytestmark = pytest.mark.postgres

STORED, ASKED = "how do I rotate the logs", "rotating log files how"
KEY = "ab" * 32


def _until_reachable(call: Callable[[], Any], deadline_s: float = 60.0) -> Any:
    """``call()`` until it neither raises ``StoreUnavailableError`` nor answers a
    store-error miss (the breaker lets a probe through some time after the restart);
    a bound, not a measurement."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            got = call()
        except StoreUnavailableError:
            got = Miss("store_error", "")
        if not (isinstance(got, Miss) and got.reason == "store_error"):
            return got
        assert time.monotonic() < deadline, "the store never came back"
        time.sleep(0.05)


def test_a_store_made_while_postgres_is_down_opens_once_it_is_back(
    make_postgres: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server = make_postgres()
    emb = TableEmbedder(table={STORED: angled(0), ASKED: angled(10)})  # cosine 0.985
    writer_store = PostgresStore(server.dsn, prefix="down")
    writer = make_cache(writer_store, emb, ManualClock(1.0))
    writer.put(STORED, "logrotate")
    writer.close()
    writer_store.close()

    server.stop()
    with caplog.at_level(logging.INFO, logger="nearcache"):
        stores = [PostgresStore(server.dsn, prefix="down") for _ in range(2)]
        fresh = open_store(f"{server.dsn}?prefix=fresh")  # no schema yet: made on recovery
    assert "is unreachable" in caplog.text and "opens on its first call" in caplog.text
    cache = make_cache(stores[0], emb, ManualClock(1.0))
    lenient = make_cache(stores[1], emb, ManualClock(1.0), fail_open=True)

    with pytest.raises(StoreUnavailableError):
        fresh.get_meta("hash_algorithm")
    with pytest.raises(StoreUnavailableError):
        fresh.put_many("kv", "ns", [Item(KEY, b"v")], now=1.0)
    miss = cache.lookup(ASKED)
    assert isinstance(miss, Miss) and miss.reason == "store_error"
    assert cache.get(STORED) is None
    with pytest.raises(StoreUnavailableError):
        cache.put("another question", "x")
    lenient.put("another question", "x")  # dropped and counted, not raised
    assert cache.health()["ok"] is False

    server.start()
    hit = _until_reachable(lambda: cache.lookup(ASKED))
    # The index was read from the store on recovery: the paraphrase finds the entry.
    assert isinstance(hit, Hit) and hit.layer == "semantic" and hit.response == "logrotate"
    cache.put("another question", "y")
    assert cache.get("another question").response == "y"  # type: ignore[union-attr]
    assert cache.health()["ok"] is True
    assert cache.check() == []
    # The store that had no schema makes it on its first call after the restart.
    _until_reachable(lambda: fresh.put_many("kv", "ns", [Item(KEY, b"v")], now=1.0))
    assert fresh.get_many("kv", "ns", [KEY], now=2.0) == [b"v"]
    assert fresh.check() == []
    for c in (cache, lenient):
        c.close()
    for store in (*stores, fresh):
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
        body = {"model": "m", "messages": [{"role": "user", "content": "Is PostgreSQL back?"}]}
        first = httpx.post(url + "/v1/chat/completions", json=body, timeout=60)
        assert first.status_code == 200
        assert first.headers["x-nearcache-cache"] == "ERROR"
        assert httpx.get(url + "/healthz", timeout=10).json()["store"] == "unavailable"
        server.start()
        deadline = time.monotonic() + 60  # a bound for the breaker's next probe, no timing
        seen = []
        while "HIT-EXACT" not in seen:
            assert time.monotonic() < deadline, seen
            got = httpx.post(url + "/v1/chat/completions", json=body, timeout=60)
            assert got.status_code == 200
            seen.append(got.headers["x-nearcache-cache"])
            time.sleep(0.1)
        assert "MISS" in seen  # stored once the store answered, then served
        assert httpx.get(url + "/healthz", timeout=10).json()["store"] == "ok"
        logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
        assert "starting anyway" in logs[-1].read_text(errors="replace")
