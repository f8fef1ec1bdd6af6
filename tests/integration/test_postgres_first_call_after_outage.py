"""The first read after PostgreSQL goes away fails at once (and opens the circuit).

The store's idle pooled connection is dead once the server stops. A read meets it,
fails, and is retried on a fresh connection (for a connection killed by a restart). That
retry waited in the pool for a connection the pool could not make, the whole pool
``timeout`` (5 s by default): behind ``nearcache serve``, one request per worker took 5 s
after each outage began. It now connects directly, which a stopped server refuses at once.

No timing: the pool timeout is an hour, so the old wait would hold the reading thread far
past the generous join bound (a failure), while the fix returns at once.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from helpers import run_threads
from nearcache.errors import StoreUnavailableError
from nearcache.stores.postgres import PostgresStore
from nearcache.stores.protocol import Item

pytestmark = pytest.mark.postgres

KEY = "cd" * 32


def test_first_read_after_the_server_stops_is_refused_at_once(make_postgres: Any) -> None:
    server = make_postgres()
    store = PostgresStore(server.dsn, prefix="first", timeout=3600.0)
    try:
        store.put_many("kv", "ns", [Item(KEY, b"kept")], now=1.0)
        assert store.get_many("kv", "ns", [KEY], now=1.0) == [b"kept"]  # a pooled connection
        server.stop()
        outcome: list[BaseException | None] = []

        def read(_: int) -> None:
            try:
                store.get_many("kv", "ns", [KEY], now=1.0)
                outcome.append(None)
            except BaseException as exc:
                outcome.append(exc)

        run_threads(read, 1, timeout=120.0)  # the old retry waited the pool's hour
        assert isinstance(outcome[0], StoreUnavailableError), outcome
        # The circuit is open: the next calls are refused without touching the network.
        with pytest.raises(StoreUnavailableError):
            store.get_many("kv", "ns", [KEY], now=1.0)
        server.start()
        deadline = time.monotonic() + 60  # a bound for the breaker's probe
        while True:
            try:
                assert store.get_many("kv", "ns", [KEY], now=1.0) == [b"kept"]
                break
            except StoreUnavailableError:
                assert time.monotonic() < deadline, "the store never came back"
                time.sleep(0.05)
    finally:
        store.close()
