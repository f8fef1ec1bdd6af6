"""Named key/value caches on a Redis server: the ``redis`` backend of ``get_cache``
(moved out of tests/unit, which needs no server)."""

from __future__ import annotations

import pytest

from nearcache.errors import StoreUnavailableError
from nearcache.kv import Cache, CacheManager


def test_outage_reads_miss_and_writes_raise_or_fail_open() -> None:
    from servers import free_port

    pytest.importorskip("redis")
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with CacheManager() as m:
        strict = m.get_cache("down", "redis", url=url)
        assert strict.get("k", "dflt") == "dflt"
        with pytest.raises(StoreUnavailableError):
            strict.set("k", 1)
        lenient = m.get_cache("down2", "redis", url=url, fail_open=True)
        assert lenient.set("k", 1) is False
        assert lenient.delete("k") is False
        assert strict.stats().errors >= 2


@pytest.mark.redis
def test_redis_backend(redis_server: object) -> None:
    from servers import unique_name

    url = redis_server.url  # type: ignore[attr-defined]
    prefix = unique_name("kv")
    with CacheManager() as m:
        c = m.get_cache("sessions", "redis", url=url, prefix=prefix)
        c.set("s1", {"user": "ada"}, ttl=30)
        assert c.get("s1") == {"user": "ada"}
    with CacheManager() as m:  # another client (as another process would) sees it
        c = m.get_cache("sessions", "redis", url=url, prefix=prefix)
        assert c.get("s1") == {"user": "ada"}
        assert isinstance(c, Cache) and c.check() == []
        c.clear()
