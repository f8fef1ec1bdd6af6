"""Holding a real redis-server in its loading state until a test lets it finish.

A restarted Redis replays its RDB (or the RDB base of its AOF) before it serves and
answers ``-LOADING`` meanwhile (redis-py's ``BusyLoadingError``). Tests of that state
must not hope a reload is slow: ``key-load-delay`` (a per-key delay Redis keeps for its
own tests; it acts only while loading) over a data set of incompressible values makes
the reload last about ten minutes, with events processed every KiB so the server answers
between keys; ``CONFIG SET key-load-delay 0`` (allowed while loading) lifts it.
"""

from __future__ import annotations

import os
import time

#: ``extra`` arguments for ``make_redis``: reloads go at the held pace.
HOLD_LOADING = (
    "--key-load-delay",
    "200000",
    "--loading-process-events-interval-bytes",
    "1024",
)
_FILLER_KEYS = 3_000  # x 0.2 s each: about ten minutes of loading


def add_filler(url: str) -> None:
    """Write the incompressible keys that make the held reload last."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=120)
    pipe = client.pipeline(transaction=False)
    for i in range(_FILLER_KEYS):
        pipe.set(f"filler:{i}", os.urandom(1100))
    pipe.execute()
    client.close()


def finish_loading(url: str) -> None:
    """Lift the delay; return once the server answers PING (a bounded wait)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=60)
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
