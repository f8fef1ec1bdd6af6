"""A libpq ``key=value`` DSN whose values hold ``://`` (``application_name=http://...``,
a password) is a DSN, not a URL: ``PostgresStore`` read it as a URL of scheme '' and
refused it before connecting."""

from __future__ import annotations

from typing import Any

from nearcache.stores.postgres import PostgresStore
from nearcache.stores.protocol import Item


def test_a_key_value_dsn_with_a_url_inside_a_value_connects(postgres_server: Any) -> None:
    dsn = (
        f"host=127.0.0.1 port={postgres_server.port} user=postgres dbname=postgres "
        "application_name=http://app.example/x?prefix=p"
    )
    store = PostgresStore(dsn, prefix="conninfo")
    try:
        store.put_many("kv", "ns", [Item("a" * 64, b"v")], now=1.0)
        assert store.get_many("kv", "ns", ["a" * 64], now=1.0) == [b"v"]
        assert store.url == dsn
    finally:
        store.close()
