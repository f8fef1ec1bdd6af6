"""RELIABILITY test 11: PostgreSQL connection loss.

* ``pg_terminate_backend`` kills the connection in the middle of a batch transaction:
  the batch is absent (I2), every earlier acknowledged put is present (I1), and the same
  store object carries on.
* ``pg_ctl restart -m immediate`` (a crash restart): reads during the outage are misses,
  writes raise ``StoreUnavailableError``, acknowledged puts survive, and the same store
  object recovers by itself.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import psycopg
import pytest

from nearcache.clock import ManualClock
from nearcache.embedding.cache import EmbeddingCache
from nearcache.errors import StoreUnavailableError
from nearcache.stores.postgres import PostgresStore
from nearcache.stores.protocol import Item

pytestmark = pytest.mark.postgres
NS = "pg.outage.dense"


def _until(fn: object, timeout: float = 15.0) -> float:
    start = time.monotonic()
    while True:
        try:
            fn()  # type: ignore[operator]
            return time.monotonic() - start
        except StoreUnavailableError:
            if time.monotonic() - start > timeout:
                raise
            time.sleep(0.01)


def test_terminated_backend_loses_only_the_running_batch(make_postgres: object) -> None:
    server = make_postgres()  # type: ignore[operator]
    store = PostgresStore(server.dsn, prefix="term")
    acked = [Item(f"{i:064x}", b"acked%d" % i) for i in range(50)]
    store.put_many("kv", "ns", acked, now=1.0)

    big = [Item(f"{i + 10**6:064x}", b"x" * 2000) for i in range(60_000)]
    outcome: list[BaseException | int] = []

    def write() -> None:
        try:
            outcome.append(store.put_many("kv", "ns", big, now=2.0))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    killed = 0
    with psycopg.connect(server.dsn, autocommit=True) as admin:
        deadline = time.monotonic() + 30
        while not killed and thread.is_alive() and time.monotonic() < deadline:
            killed = len(
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'SELECT term_put(%%' AND state = 'active' "
                    "AND pid <> pg_backend_pid()"
                ).fetchall()
            )
            time.sleep(0.002)
    thread.join()
    if not killed:
        pytest.skip("the batch finished before it could be terminated (machine too fast)")
    assert isinstance(outcome[0], StoreUnavailableError)
    # I2: nothing of the interrupted batch; I1: all earlier acks. Same object, reconnected.
    _until(lambda: store.info("kv", "ns"))
    sample = [it.key for it in big[:: len(big) // 100]]
    assert store.get_many("kv", "ns", sample, now=3.0) == [None] * len(sample)
    got = store.get_many("kv", "ns", [it.key for it in acked], now=3.0)
    assert got == [it.value for it in acked]
    info = store.info("kv", "ns")
    assert (info.entries, info.bytes) == (50, sum(len(it.value) for it in acked))
    assert store.check() == []
    store.close()


def test_crash_restart_degrades_then_recovers(make_postgres: object) -> None:
    server = make_postgres()  # type: ignore[operator]
    store = PostgresStore(server.dsn, prefix="crash")
    cache = EmbeddingCache(store, clock=ManualClock(1.0))
    rng = np.random.default_rng(5)
    vecs = rng.standard_normal((200, 16)).astype(np.float32)
    texts = [f"p{i}" for i in range(200)]
    cache.put_many(texts, vecs, NS)

    server.stop(mode="immediate")
    got, found = cache.get_many(texts, NS)
    assert not found.any()  # reads are misses, not exceptions
    with pytest.raises(StoreUnavailableError):
        cache.put("during", vecs[0], NS)
    refused = store.breaker.rejected
    for _ in range(50):
        cache.get_many(texts[:10], NS)
    assert store.breaker.rejected - refused >= 40  # failed fast, without connecting

    server.start()
    recovered = _until(lambda: store.info("embedding"))
    assert recovered < 5.0, f"the same client needed {recovered:.2f}s to recover"
    got, found = cache.get_many(texts, NS)
    assert found.all(), "acknowledged puts were lost in the crash restart"
    np.testing.assert_array_equal(got, vecs)
    assert cache.get("during", NS) is None
    cache.put("after", vecs[1], NS)
    assert np.array_equal(cache.get("after", NS), vecs[1])
    assert cache.check() == []
    store.close()
