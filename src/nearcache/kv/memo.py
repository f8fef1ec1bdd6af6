"""``Cache.memoize``: a decorator that keeps a function's results in a named cache.

What ``functools.lru_cache``, cachetools' ``@cached`` and diskcache's ``@memoize`` users
reach for first, on a store that processes and machines share. The key is the function's
full name and its arguments, msgpack-encoded (so arguments are plain data, as values are;
a tuple and a list with the same items are one key); the value is the result, ``None``
included. A store outage or a full store never fails a call: reads are misses, a result
that cannot be written is returned anyway. Nothing is pickled: a result that is not plain
data raises ``CacheError`` naming the function, and arguments that are not raise it
before the function runs.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..codecs import pack_payload
from ..errors import CacheError, StoreUnavailableError, StoreWriteError

if TYPE_CHECKING:
    from .cache import Cache

__all__ = ["memoize"]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_MISSING = object()


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def memoize(cache: Cache, ttl: float | None = None, *, name: str | None = None) -> Callable[[F], F]:
    """Decorate a function (or coroutine function) so each distinct call runs once per
    ``ttl`` (the cache's ``default_ttl`` when None) and later calls read the result.

    Args:
        cache: where results live; its limits (``max_entries``, ``max_bytes``) apply.
        ttl: seconds a result lives.
        name: the key's prefix instead of ``module.qualname`` (keep it when renaming
            the function, or share results between two functions).

    The wrapper has ``cache`` and ``cache_key(*args, **kwargs)`` (the key a call uses,
    for ``cache.delete``).
    """

    def decorate(fn: F) -> F:
        prefix = name if name is not None else _name(fn)

        def cache_key(*args: Any, **kwargs: Any) -> bytes:
            try:
                return pack_payload([prefix, list(args), sorted(kwargs.items())])
            except CacheError as exc:
                raise CacheError(
                    f"arguments of memoized {prefix} must be plain data: {exc}"
                ) from exc

        def keep(key: bytes, result: Any) -> Any:
            try:
                cache.set(key, result, ttl=ttl)
            except (StoreUnavailableError, StoreWriteError) as exc:  # the caller gets it
                log.warning("memoized %s: result not kept: %s", prefix, exc)  # down, or full
            except CacheError as exc:
                raise CacheError(f"result of memoized {prefix} cannot be cached: {exc}") from exc
            return result

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                key = cache_key(*args, **kwargs)
                found = cache.get(key, _MISSING)
                if found is not _MISSING:
                    return found
                return keep(key, await fn(*args, **kwargs))

            wrapper: Any = run_async
        else:

            @functools.wraps(fn)
            def run(*args: Any, **kwargs: Any) -> Any:
                key = cache_key(*args, **kwargs)
                found = cache.get(key, _MISSING)
                if found is not _MISSING:
                    return found
                return keep(key, fn(*args, **kwargs))

            wrapper = run
        wrapper.cache = cache
        wrapper.cache_key = cache_key
        return cast(F, wrapper)

    return decorate
