"""Store kits: how the contract suite opens each kind of store on fresh, private data.

A kit knows a URL that names its data (so child processes can open the same store with
``open_store``), whether data survives a reopen, and how to remove everything afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from nearcache.stores.memory import MemoryStore
from nearcache.stores.protocol import Store
from nearcache.stores.url import open_store
from servers import unique_name

STORE_KINDS = ["memory", "sqlite", "redis", "postgres", "pgvector", "dynamodb"]
SERVER_MARKS = {
    "redis": pytest.mark.redis,
    "postgres": pytest.mark.postgres,
    "pgvector": pytest.mark.postgres,
    "dynamodb": pytest.mark.dynamodb,
}


def kind_params(kinds: list[str] | None = None) -> list[Any]:
    return [pytest.param(k, marks=SERVER_MARKS.get(k, ()), id=k) for k in (kinds or STORE_KINDS)]


@dataclass
class Kit:
    kind: str
    url: str
    persistent: bool
    #: keys used by the exactly-once ``add`` race (DynamoDB through moto is slow)
    race_keys: int = 1000
    _memory: MemoryStore | None = None
    _open: list[Store] = field(default_factory=list)
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    def open(self) -> Store:
        """A new client on the kit's data (the same object for ``memory://``)."""
        if self._memory is not None:
            return self._memory
        store = open_store(self.url)
        self._open.append(store)
        return store

    def close_all(self) -> None:
        for store in self._open:
            with contextlib.suppress(Exception):
                store.close()
        self._open.clear()
        for fn in self._cleanup:
            with contextlib.suppress(Exception):
                fn()


def make_kit(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Kit:
    if kind == "memory":
        return Kit(kind, "memory://", persistent=False, _memory=MemoryStore())
    if kind == "sqlite":
        return Kit(kind, f"sqlite:///{tmp_path / unique_name('c')}.db", persistent=True)
    if kind == "redis":
        server = request.getfixturevalue("redis_server")
        prefix = unique_name("nc")
        kit = Kit(kind, f"{server.url}?prefix={prefix}", persistent=True)
        kit._cleanup.append(lambda: _redis_drop(server.url, prefix))
        return kit
    if kind in ("postgres", "pgvector"):
        # "pgvector": PostgreSQL 18 with pgvector, and semantic caches opened on the kit's
        # URL search there (index_backend="pgvector"); the store itself is the same.
        pgvector = kind == "pgvector"
        server = request.getfixturevalue("pgvector_server" if pgvector else "postgres_server")
        prefix = unique_name("nc")
        extra = "&index_backend=pgvector" if pgvector else ""
        kit = Kit(kind, f"{server.dsn}?prefix={prefix}{extra}", persistent=True)
        kit._cleanup.append(lambda: _postgres_drop(server.dsn, prefix))
        return kit
    if kind == "dynamodb":
        server = request.getfixturevalue("dynamodb_server")
        table = unique_name("nc")
        url = (
            f"dynamodb://{table}?endpoint_url={quote(server.endpoint_url, safe='')}"
            "&region=us-east-1&create_table=true"
        )
        kit = Kit(kind, url, persistent=True, race_keys=40)
        kit._cleanup.append(lambda: _dynamodb_drop(server.endpoint_url, table))
        return kit
    raise ValueError(kind)


def _redis_drop(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
    finally:
        client.close()


def _postgres_drop(dsn: str, prefix: str) -> None:
    from nearcache.stores.postgres import drop_schema

    drop_schema(dsn, prefix)


def _dynamodb_drop(endpoint_url: str, table: str) -> None:
    import boto3

    boto3.client("dynamodb", endpoint_url=endpoint_url, region_name="us-east-1").delete_table(
        TableName=table
    )


@contextlib.contextmanager
def kit_for(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Kit]:
    kit = make_kit(kind, request, tmp_path)
    try:
        yield kit
    finally:
        kit.close_all()
