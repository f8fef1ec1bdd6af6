"""Outage or mistake: whether the server a store URL names cannot be reached now.

A server nobody answers at (down, restarting) is an outage: a cache or the proxy may start
and recover when it is back (SPEC 0). A server that answers and refuses (credentials, a
missing database) or a URL nothing can connect to is a mistake, to be reported at once.
Each server kind is asked the way its own tools ask (a TCP/Unix connect for Redis,
libpq's ping for PostgreSQL); embedded stores are never down.
"""

from __future__ import annotations

import socket
import urllib.parse

from .url import parse_store_url

__all__ = ["server_down"]


def server_down(url: str) -> bool:
    """True when the Redis or PostgreSQL server of ``url`` cannot be reached now."""
    kind, target, options = parse_store_url(url)
    if kind == "postgresql":
        from .postgres.connections import server_down as postgres_down

        return postgres_down(target, float(options.get("timeout", 5.0)))
    if kind == "redis":
        return not _redis_answers(url)
    return False


def _redis_answers(url: str) -> bool:
    """Whether a connection to the Redis server of ``url`` opens at all."""
    parts = urllib.parse.urlsplit(url)
    try:
        if parts.scheme == "unix":
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2.0)
                sock.connect(parts.path)
        else:
            address = (parts.hostname or "localhost", parts.port or 6379)
            socket.create_connection(address, timeout=2.0).close()
    except OSError:
        return False
    return True
