"""A semantic cache made while its Redis server is down (SPEC 0: an outage degrades reads
to misses, writes raise or are dropped with ``fail_open``, and recovery is automatic).

The constructor must not need the store: an application (or ``nearcache serve``) has to
start during an outage. The cache reads the store -- its embedder record and the index --
on the first call after the server is back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from nearcache.clock import ManualClock
from nearcache.errors import FingerprintMismatchError, StoreUnavailableError
from nearcache.semantic.types import Hit, Miss
from nearcache.stores.redis import RedisStore
from semantic_support import TableEmbedder, angled, make_cache

pytestmark = pytest.mark.redis

STORED, ASKED = "how do I rotate the logs", "rotating log files how"


def _until_reachable(call: Callable[[], Any], deadline_s: float = 60.0) -> Any:
    """``call()`` until its answer is no store-error miss (the breaker lets a probe through
    some time after the restart); a bound, not a measurement."""
    deadline = time.monotonic() + deadline_s
    while True:
        got = call()
        if not (isinstance(got, Miss) and got.reason == "store_error"):
            return got
        assert time.monotonic() < deadline, "the store never came back"
        time.sleep(0.05)


def test_a_cache_made_while_redis_is_down_serves_once_it_is_back(make_redis: Any) -> None:
    server = make_redis(durable=True)
    emb = TableEmbedder(table={STORED: angled(0), ASKED: angled(10)})  # cosine 0.985
    writer = make_cache(RedisStore(server.url, prefix="down"), emb, ManualClock(1.0))
    writer.put(STORED, "logrotate")
    writer.close()
    writer.store.close()

    server.stop()
    stores = [RedisStore(server.url, prefix="down") for _ in range(3)]
    cache = make_cache(stores[0], emb, ManualClock(1.0))  # no raise
    lenient = make_cache(stores[1], emb, ManualClock(1.0), fail_open=True)
    other = make_cache(stores[2], TableEmbedder(name="other"), ManualClock(1.0))
    assert not cache.closed

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
    assert cache.get(STORED).response == "logrotate"  # type: ignore[union-attr]
    cache.put("another question", "y")
    assert cache.get("another question").response == "y"  # type: ignore[union-attr]
    assert cache.health()["ok"] is True
    assert cache.check() == []
    # The recorded embedder is still checked, on the first call that reads the store.
    with pytest.raises(FingerprintMismatchError):
        _until_reachable(lambda: other.lookup(ASKED))
    with pytest.raises(FingerprintMismatchError):
        other.put("a third question", "z")
    for c in (cache, lenient, other):
        c.close()
    assert cache.closed
    for store in stores:
        store.close()
