"""Batch reads of the Redis store on a real server: the store's own client packs the
batch ``MGET`` with its shortcut (:mod:`nearcache.stores.redis.packing`); a client the
caller hands in packs it the stock way. Both must read the same records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

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


def _parts(keys: list[str], *cuts: int) -> list[list[str]]:
    bounds = [0, *cuts, len(keys)]
    return [keys[a:b] for a, b in pairwise(bounds)]


@pytest.mark.parametrize("own_client", [True, False])
def test_a_read_in_parts_gives_what_one_read_gives(redis_server: object, own_client: bool) -> None:
    from servers import unique_name

    url = redis_server.url  # type: ignore[attr-defined]
    client = None if own_client else redis.Redis.from_url(url)
    store = RedisStore(url, prefix=unique_name("parts"), client=client)
    try:
        keys = content_hashes([f"text {i}" for i in range(700)])
        items = [Item(k, b"value %d" % i, None) for i, k in enumerate(keys[:500])]
        store.put_many("embedding", "ns", items, now=1.0)
        ask = keys[::-1]
        whole = store.get_many("embedding", "ns", ask, now=2.0)
        assert whole == [None] * 200 + [b"value %d" % i for i in range(499, -1, -1)]
        for parts in (_parts(ask, 300), _parts(ask, 0, 100, 100, 650), _parts(ask)):
            got = store.get_many_parts("embedding", "ns", iter(parts), now=2.0)
            assert got == whole
    finally:
        store.clear("embedding")
        store.close()


def test_a_part_that_fails_leaves_no_reply_behind(redis_server: object) -> None:
    """The caller's own error while working out the second part (the first one sent) goes
    up as it is, and the connection never serves a later read with the reply left
    unread: the next reads return their own records."""
    from servers import unique_name

    store = RedisStore(redis_server.url, prefix=unique_name("parts"))  # type: ignore[attr-defined]
    try:
        keys = content_hashes([f"text {i}" for i in range(400)])
        store.put_many("embedding", "ns", [Item(k, k.encode(), None) for k in keys], now=1.0)

        def parts() -> Iterator[list[str]]:
            yield keys[:200]
            raise KeyError("the caller failed")

        for _ in range(3):
            with pytest.raises(KeyError, match="the caller failed"):
                store.get_many_parts("embedding", "ns", parts(), now=2.0)
            assert store.get_many("embedding", "ns", keys[200:], now=2.0) == [
                k.encode() for k in keys[200:]
            ]
        assert store.breaker.state == "closed"
    finally:
        store.clear("embedding")
        store.close()


def _count_reads(store: RedisStore, before: Callable[[], None] | None = None) -> list[object]:
    """The pipelines ``store`` opens from now on (one per read), counted; ``before`` runs
    as each is opened, after it is counted."""
    pipeline = store._client.pipeline
    reads: list[object] = []

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(args)
        if before is not None:
            before()
        return pipeline(*args, **kwargs)

    store._client.pipeline = counted
    return reads


def test_a_read_in_parts_sees_a_clear_made_elsewhere(redis_server: object) -> None:
    from servers import unique_name

    url = redis_server.url  # type: ignore[attr-defined]
    prefix = unique_name("parts")
    mine, other = RedisStore(url, prefix=prefix), RedisStore(url, prefix=prefix)
    try:
        keys = content_hashes([f"text {i}" for i in range(300)])
        mine.put_many("embedding", "ns", [Item(k, b"old", None) for k in keys], now=1.0)
        assert mine.get_many_parts("embedding", "ns", _parts(keys, 150), now=2.0) == [b"old"] * 300
        other.clear("embedding", "ns")
        other.put_many("embedding", "ns", [Item(k, b"new", None) for k in keys[:100]], now=3.0)
        reads = _count_reads(mine)
        got = mine.get_many_parts("embedding", "ns", _parts(keys, 150), now=4.0)
        assert got == [b"new"] * 100 + [None] * 200
        assert len(reads) == 1  # one read again, under the generation the parts saw
        reads.clear()
        assert mine.get_many_parts("embedding", "ns", _parts(keys, 150), now=5.0) == got
        assert reads == []  # the generation is known now: the parts' read stands
    finally:
        mine.clear("embedding")
        mine.close()
        other.close()


def test_a_large_get_many_keys_its_parts_while_redis_reads(redis_server: object) -> None:
    """``EmbeddingCache.get_many`` of two parts or more reads in parts on Redis: hits,
    misses and the vectors are those of the same cache on a memory store."""
    import numpy as np

    from nearcache import EmbeddingCache, MemoryStore
    from nearcache.embedding.reads import PART
    from servers import unique_name

    store = RedisStore(redis_server.url, prefix=unique_name("parts"))  # type: ignore[attr-defined]
    texts = [f"chunk {i}\n    of  text" for i in range(2 * PART + 300)]
    vectors = np.random.default_rng(1).standard_normal((len(texts), 8)).astype(np.float32)
    on_redis, in_memory = EmbeddingCache(store), EmbeddingCache(MemoryStore())
    try:
        for cache in (on_redis, in_memory):
            cache.put_many(texts[::2], vectors[::2], "ns")
        ask = texts[::-1]
        got, mask = on_redis.get_many(ask, "ns")
        want, want_mask = in_memory.get_many(ask, "ns")
        assert mask.tolist() == want_mask.tolist() and mask.sum() == len(texts) // 2
        assert np.array_equal(got, want)
        got, mask = on_redis.get_many(texts[::2], "ns")  # every one a hit: one matrix
        assert mask.all() and np.array_equal(got, vectors[::2])
        assert on_redis.stats("ns").hits == len(texts) // 2 + len(texts[::2])
    finally:
        on_redis.clear()
        on_redis.close()


def test_a_bad_text_in_a_later_part_raises_with_the_server_up_or_down(
    redis_server: object,
) -> None:
    from nearcache import EmbeddingCache
    from nearcache.embedding.reads import PART
    from nearcache.errors import InvalidTypeError
    from servers import free_port, unique_name

    up = RedisStore(redis_server.url, prefix=unique_name("parts"))  # type: ignore[attr-defined]
    down = RedisStore(f"redis://127.0.0.1:{free_port()}/0", connect_timeout=0.5)
    texts: list[object] = [f"text {i}" for i in range(3 * PART)]
    texts[2 * PART + 7] = 7
    for store in (up, down):
        cache = EmbeddingCache(store)
        with pytest.raises(InvalidTypeError, match=rf"texts\[{2 * PART + 7}\]"):
            cache.get_many(texts, "ns")  # type: ignore[arg-type]
        got, mask = cache.get_many([f"text {i}" for i in range(3 * PART)], "ns")
        assert not mask.any() and got.shape[0] == 3 * PART
        cache.close()


def test_a_read_sees_two_clears_made_elsewhere_between_its_round_trips(
    redis_server: object,
) -> None:
    """A second clear while the read is repeated under the first clear's generation: the
    read goes on until the generation it read under is still current, so no record of
    the cleared middle generation comes back."""
    from servers import unique_name

    url = redis_server.url  # type: ignore[attr-defined]
    prefix = unique_name("gens")
    mine, other = RedisStore(url, prefix=prefix), RedisStore(url, prefix=prefix)
    try:
        keys = content_hashes([f"text {i}" for i in range(20)])
        mine.put_many("embedding", "ns", [Item(k, b"old", None) for k in keys], now=1.0)
        assert mine.get_many("embedding", "ns", keys, now=2.0) == [b"old"] * 20
        other.clear("embedding", "ns")
        other.put_many("embedding", "ns", [Item(k, b"middle", None) for k in keys], now=3.0)

        def clears_before_the_second_read() -> None:
            if len(reads) == 2:  # after the read that found the generation moved on
                other.clear("embedding", "ns")
                other.put_many(
                    "embedding", "ns", [Item(k, b"new", None) for k in keys[:5]], now=4.0
                )

        reads = _count_reads(mine, clears_before_the_second_read)
        assert mine.get_many("embedding", "ns", keys, now=5.0) == [b"new"] * 5 + [None] * 15
        assert len(reads) == 3
        reads.clear()
        assert mine.get_many("embedding", "ns", keys, now=6.0) == [b"new"] * 5 + [None] * 15
        assert len(reads) == 1  # the generation is known now
    finally:
        mine.clear("embedding")
        mine.close()
        other.close()
