"""Outage or mistake: whether the server a store URL names cannot be reached now.

A server nobody answers at (down, restarting) is an outage: a cache or the proxy may start
and recover when it is back (SPEC 0). A server that answers and refuses (credentials, a
missing database) or a URL nothing can connect to is a mistake, to be reported at once.
Each server kind is asked the way its own tools ask (``redis-cli ping`` for Redis: a server
still loading its data answers ``-LOADING``, an outage too; libpq's ping for PostgreSQL);
embedded stores are never down.
"""

from __future__ import annotations

from .url import parse_store_url

__all__ = ["server_down"]


def server_down(url: str) -> bool:
    """True when the Redis or PostgreSQL server of ``url`` cannot be reached now."""
    kind, target, options = parse_store_url(url)
    if kind == "postgresql":
        from .postgres.connections import server_down as postgres_down

        return postgres_down(target, float(options.get("timeout", 5.0)))
    if kind == "redis":
        return _redis_down(target)
    return False


def _redis_down(target: str) -> bool:
    """Whether the Redis server of ``target`` cannot serve now: no connection opens, or
    it answers PING that it is still loading its data (``-LOADING``: a restart replaying
    its AOF or RDB). Credentials refused or a database out of range: it answered."""
    import redis
    from redis.exceptions import AuthenticationError, BusyLoadingError, RedisError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    client = redis.Redis.from_url(target, socket_connect_timeout=2.0, socket_timeout=2.0)
    try:
        client.ping()
    except BusyLoadingError:  # a ConnectionError, as is AuthenticationError
        return True
    except AuthenticationError:
        return False
    except (RedisConnectionError, RedisTimeoutError, OSError):
        return True
    except RedisError:
        return False
    finally:
        client.close()
    return False
