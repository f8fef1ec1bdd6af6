"""Batch reads of the Redis store on a real server: the store's own client packs the
batch ``MGET`` with its shortcut (:mod:`nearcache.stores.redis.packing`); a client the
caller hands in packs it the stock way. Both must read the same records."""

from __future__ import annotations

import pytest

from nearcache.keys import content_hashes
from nearcache.stores.protocol import Item

redis = pytest.importorskip("redis")

from nearcache.stores.redis import RedisStore  # noqa: E402
from nearcache.stores.redis.packing import BulkPacker  # noqa: E402

pytestmark = pytest.mark.redis


@pytest.mark.parametrize("namespace", ["bench.fake.dense", "caf\u00e9.mod\u00e8le.dense"])
def test_own_and_given_clients_read_the_same_records(redis_server: object, namespace: str) -> None:
    from servers import unique_name

    url = redis_server.url  # type: ignore[attr-defined]
    prefix = unique_name("reads")
    own = RedisStore(url, prefix=prefix)
    given = RedisStore(url, prefix=prefix, client=redis.Redis.from_url(url))
    try:
        conn = own._client.connection_pool.make_connection()
        assert isinstance(conn._command_packer, BulkPacker)
        keys = content_hashes([f"text {i}" for i in range(300)])
        items = [Item(k, b"value %d" % i, None) for i, k in enumerate(keys[:200])]
        own.put_many("embedding", namespace, items, now=1.0)
        want = [b"value %d" % i for i in range(200)] + [None] * 100
        ask = keys[::-1]
        for store in (own, given):
            assert store.get_many("embedding", namespace, keys, now=2.0) == want
            assert store.get_many("embedding", namespace, ask, now=2.0) == want[::-1]
            odd = ["short", *keys[:5]]  # keys of another length: the usual packing
            assert store.get_many("embedding", namespace, odd, now=2.0) == [None, *want[:5]]
    finally:
        own.clear("embedding")
        own.close()
        given.close()
