"""What redis-py's errors mean: which are outages, and which nearcache error each becomes
(the first matching rule wins; ``BusyLoadingError`` and ``AuthenticationError`` are
``ConnectionError``s, so they come first)."""

from __future__ import annotations

import re

from ...errors import CacheError, StoreTimeoutError, StoreUnavailableError, StoreWriteError
from ..translate import DriverErrors, ErrorRule

__all__ = ["redis_errors"]


def redis_errors() -> DriverErrors:
    """(outage exceptions, translation rules); imports the driver, so call it only once
    the store knows the extra is installed."""
    from redis.exceptions import (
        AuthenticationError,
        BusyLoadingError,
        OutOfMemoryError,
        ReadOnlyError,
        ResponseError,
    )
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    outages = (RedisConnectionError, RedisTimeoutError, OSError)
    rules = (
        ErrorRule((BusyLoadingError,), StoreUnavailableError, "{url} is loading its data: {exc}"),
        ErrorRule((RedisTimeoutError,), StoreTimeoutError, "{url} timed out: {exc}"),
        ErrorRule(  # the URL sent no password (none, or an empty one: redis://:@host)
            (AuthenticationError,),
            StoreUnavailableError,
            "{url} needs a password and the URL gives none: redis://:PASSWORD@host:port/db "
            "(redis://USER:PASSWORD@host:port/db for an ACL user)",
            re.compile("HELLO must be called|NOAUTH|[Aa]uthentication required"),
        ),
        ErrorRule(  # a ConnectionError too, though the server answered
            (AuthenticationError,),
            StoreUnavailableError,
            "{url} refused the credentials ({exc}); give them in the URL: "
            "redis://USER:PASSWORD@host:port/db",
        ),
        ErrorRule(
            (RedisConnectionError, OSError), StoreUnavailableError, "{url} is unreachable: {exc}"
        ),
        # redis-py raises OOM and READONLY replies as their own classes, with the code cut
        # from the text: matched by the text alone, a full Redis (maxmemory, noeviction)
        # was a bare CacheError, not the write failure it is.
        ErrorRule(
            (OutOfMemoryError, ReadOnlyError), StoreWriteError, "{url} refused the write: {exc}"
        ),
        ErrorRule(
            (ResponseError,),
            StoreWriteError,
            "{url} refused the write: {exc}",
            re.compile("OOM|READONLY|MISCONF"),
        ),
        ErrorRule(
            (ResponseError,),
            StoreUnavailableError,
            "{url} is busy: {exc}",
            re.compile("BUSY|LOADING"),
        ),
        ErrorRule((ResponseError,), CacheError, "{url}: {exc}"),
    )
    return outages, rules
