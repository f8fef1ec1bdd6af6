"""RELIABILITY test 19 (I8): a pickle ``__reduce__`` payload planted straight into a Redis
value, a PostgreSQL row and a DynamoDB item is read as a miss / ``CorruptEntryError``
(counted), and the code in it never runs — its sentinel file is never created."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from contract.kits import Kit, kind_params, kit_for
from nearcache.clock import ManualClock
from nearcache.codecs import decode_vector_record, unpack_record
from nearcache.embedding.cache import EmbeddingCache
from nearcache.errors import CorruptEntryError
from nearcache.keys import content_hash
from nearcache.kv import CacheManager

NS = "planted.model.dense"


class _Exploit:
    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.sentinel}",))


def _payload(sentinel: Path) -> bytes:
    data = pickle.dumps(_Exploit(sentinel))
    assert b"system" in data  # it really is an exploit if anybody unpickled it
    return data


def _plant(kit: Kit, table: str, namespace: str, key: str, blob: bytes) -> None:
    """Write ``blob`` as the stored value with the server's own client, bypassing nearcache."""
    store = kit.open()
    if kit.kind == "redis":
        import redis

        client = redis.Redis.from_url(store.url.split("?")[0])
        client.set(store.record_key(table, namespace, key), blob)  # type: ignore[attr-defined]
        client.close()
    elif kit.kind in ("postgres", "pgvector"):
        import psycopg

        p = store.prefix  # type: ignore[attr-defined]
        with psycopg.connect(store.dsn, autocommit=True) as con:  # type: ignore[attr-defined]
            con.execute(
                f"UPDATE {p}_rec SET value = %s WHERE key = %s "
                f"AND ns = (SELECT id FROM {p}_ns WHERE tbl = %s AND name = %s)",
                (blob, bytes.fromhex(key), table, namespace.encode()),
            )
    elif kit.kind == "dynamodb":
        store._client.update_item(  # type: ignore[attr-defined]
            TableName=store.table,  # type: ignore[attr-defined]
            Key=store.record_key(table, namespace, key),  # type: ignore[attr-defined]
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"B": blob}},
        )
    else:
        from nearcache.stores.protocol import Item

        store.put_many(table, namespace, [Item(key, blob)], now=0.0)


@pytest.mark.parametrize("kind", kind_params())
def test_planted_pickle_is_a_counted_miss(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    sentinel = tmp_path / "pwned"
    with kit_for(kind, request, tmp_path) as kit:
        store = kit.open()
        # Embedding cache: the planted vector record is a miss counted as an error.
        cache = EmbeddingCache(store, clock=ManualClock(1.0))
        cache.put("victim", np.ones(8, np.float32), NS)
        key = content_hash("victim")
        _plant(kit, "embedding", NS, key, _payload(sentinel))
        assert cache.get("victim", NS) is None
        assert cache.stats(NS).errors == 1
        raw = store.get_many("embedding", NS, [key], now=1.0)[0]
        assert raw is not None
        with pytest.raises(CorruptEntryError):
            decode_vector_record(raw, NS, key)
        assert any(key[:12] in p for p in cache.check())
        cache.check(fix=True)
        assert cache.check() == []

        # Key/value cache: same, and the corrupt entry is deleted on read.
        with CacheManager(clock=ManualClock(1.0)) as manager:
            kv = manager.get_cache("sessions", store=store)
            kv.set("token", {"user": "ada"})
            h = kv._hash("token")
            _plant(kit, "kv", "sessions", h, _payload(sentinel))
            assert kv.get("token", "miss") == "miss"
            assert kv.stats().errors == 1
            assert store.get_many("kv", "sessions", [h], now=1.0) == [None]
            with pytest.raises(CorruptEntryError):
                unpack_record(_payload(sentinel), 4, "sessions", h)
    assert not sentinel.exists(), "stored bytes were executed"
