"""A Redis server still loading its data at start-up is an outage, not a mistake.

A restarted Redis replays its RDB/AOF before it serves, answering ``-LOADING`` meanwhile
(redis-py's ``BusyLoadingError``); on a large data set that lasts minutes. ``nearcache
serve`` started in that window must start and pass requests through, as when the server
is down, instead of refusing to start.

The server is made to stay loading until the test lets it finish: a saved data set of
incompressible values and ``key-load-delay`` (a per-key delay Redis has for its own
tests), lifted with ``CONFIG SET`` (allowed while loading). Nothing depends on timing:
loading ends when the test says so, the waits are bounded loops.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from cli_support import passes_through_then_caches, serve_on_free_port
from nearcache import open_store
from nearcache.stores.outages import server_down
from proxy_support import Upstream

pytestmark = pytest.mark.redis

#: Per-key delay while loading (microseconds): 3,000 keys make ten minutes, far longer
#: than any test needs; each key is one event-processing interval (1 KiB), so the server
#: answers (``-LOADING``) within one key's delay.
_DELAY_US = 200_000
_KEYS = 3_000


def loading_redis(make_redis: Any) -> Any:
    """A private Redis server restarted on a saved data set it is still loading."""
    import redis

    server = make_redis(extra=("--loading-process-events-interval-bytes", "1024"))
    client = redis.Redis.from_url(server.url, socket_timeout=120)
    pipe = client.pipeline(transaction=False)
    for i in range(_KEYS):
        pipe.set(f"filler:{i}", os.urandom(1100))
    pipe.execute()
    client.save()
    client.close()
    server.stop()
    server.argv += ["--key-load-delay", str(_DELAY_US)]
    server.wait_for = "port"  # ready once it accepts connections (it answers -LOADING)
    server.start()
    return server


def finish_loading(server: Any) -> None:
    """Lift the per-key delay; return once the server answers PING (bounded wait)."""
    import redis

    client = redis.Redis.from_url(server.url, socket_timeout=60)
    client.config_set("key-load-delay", 0)
    deadline = time.monotonic() + 60
    while True:
        try:
            client.ping()
            break
        except redis.BusyLoadingError:
            assert time.monotonic() < deadline, "the server never finished loading"
            time.sleep(0.05)
    client.close()


def test_a_loading_server_is_down_until_it_has_loaded(make_redis: Any) -> None:
    import redis

    server = loading_redis(make_redis)
    with pytest.raises(redis.BusyLoadingError):  # the state this test is about
        redis.Redis.from_url(server.url, socket_timeout=60).ping()
    assert server_down(server.url)
    finish_loading(server)
    assert not server_down(server.url)
    assert redis.Redis.from_url(server.url).dbsize() == _KEYS


def test_serve_starts_while_its_redis_loads_and_caches_once_loaded(
    upstream: Upstream, tmp_path: Path, make_redis: Any
) -> None:
    server = loading_redis(make_redis)
    args = ["--upstream", upstream.url, "--store", server.url, "--model", "hash-test"]
    for url in serve_on_free_port(args, tmp_path):
        passes_through_then_caches(url, "Has Redis loaded?", lambda: finish_loading(server))
    text = "".join(p.read_text(errors="replace") for p in tmp_path.glob("serve*.log"))
    assert "is loading its data" in text and "starting anyway" in text, text


def test_a_unix_socket_store_url_opens(make_redis: Any, tmp_path: Path) -> None:
    """``unix:///path/redis.sock`` (docs/stores.md) reached redis-py as ``unix:/path``,
    which it refuses (a ValueError naming its schemes)."""
    sock = tmp_path / "redis.sock"
    server = make_redis(extra=("--unixsocket", str(sock), "--unixsocketperm", "700"))
    url = f"unix://{sock}?db=1"
    store = open_store(url)
    try:
        store.set_meta("probe", "here")
        assert store.get_meta("probe") == "here"
    finally:
        store.close()
    assert not server_down(url)
    server.stop()
    assert server_down(url)
