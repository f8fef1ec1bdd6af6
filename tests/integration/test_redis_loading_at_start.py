"""A Redis server still loading its data at start-up is an outage, not a mistake.

A restarted Redis replays its RDB/AOF before it serves, answering ``-LOADING`` meanwhile
(redis-py's ``BusyLoadingError``); on a large data set that lasts minutes. ``nearcache
serve`` started in that window must start and pass requests through, as when the server
is down, instead of refusing to start.

The server is held loading until the test lets it finish (``redis_loading``: a saved
data set reloaded at ``key-load-delay``'s pace, lifted with ``CONFIG SET``). Nothing
depends on timing: loading ends when the test says so, the waits are bounded loops.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli_support import passes_through_then_caches, serve_on_free_port
from nearcache import open_store
from nearcache.stores.outages import server_down
from proxy_support import Upstream
from redis_loading import HOLD_LOADING, add_filler, finish_loading

pytestmark = pytest.mark.redis


def loading_redis(make_redis: Any) -> Any:
    """A private Redis server restarted on a saved data set it is still loading."""
    import redis

    server = make_redis(extra=HOLD_LOADING)
    add_filler(server.url)
    client = redis.Redis.from_url(server.url, socket_timeout=120)
    client.save()
    client.close()
    server.stop()
    server.wait_for = "port"  # ready once it accepts connections (it answers -LOADING)
    server.start()
    return server


def test_a_loading_server_is_down_until_it_has_loaded(make_redis: Any) -> None:
    import redis

    server = loading_redis(make_redis)
    with pytest.raises(redis.BusyLoadingError):  # the state this test is about
        redis.Redis.from_url(server.url, socket_timeout=60).ping()
    assert server_down(server.url)
    finish_loading(server.url)
    assert not server_down(server.url)


def test_serve_starts_while_its_redis_loads_and_caches_once_loaded(
    upstream: Upstream, tmp_path: Path, make_redis: Any
) -> None:
    server = loading_redis(make_redis)
    args = ["--upstream", upstream.url, "--store", server.url, "--model", "hash-test"]
    for url in serve_on_free_port(args, tmp_path):
        passes_through_then_caches(url, "Has Redis loaded?", lambda: finish_loading(server.url))
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
