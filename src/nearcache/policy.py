"""Checks of the cache policies users configure: TTLs and LRU limits.

Every cache (embedding, semantic, key/value) takes the same ``default_ttl`` / ``ttl`` and
``max_entries`` / ``max_bytes`` arguments; they are validated here once, so a bad value
gets the same error from every cache.
"""

from __future__ import annotations

from .errors import InvalidInputError

__all__ = ["check_count", "check_limit", "check_ttl", "expiry"]


def check_ttl(ttl: float | None) -> float | None:
    """``ttl`` as a float number of seconds, or None (never expires).

    Raises:
        InvalidInputError: (a ValueError) not a positive number.
    """
    if ttl is None:
        return None
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not ttl > 0:
        raise InvalidInputError(f"ttl must be a positive number of seconds, not {ttl!r}")
    return float(ttl)


def expiry(ttl: float | None, default_ttl: float | None, now: float) -> float | None:
    """When an entry written at ``now`` expires: ``ttl`` if given, else ``default_ttl``."""
    ttl = check_ttl(ttl) if ttl is not None else default_ttl
    return None if ttl is None else now + ttl


def check_limit(name: str, value: int | None) -> int | None:
    """An LRU limit (``max_entries``, ``max_bytes``, a quota): a non-negative int or None.

    Raises:
        InvalidInputError: (a ValueError) anything else.
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInputError(f"{name} must be a non-negative int or None, not {value!r}")
    return value


def check_count(name: str, value: object, *, minimum: int = 1) -> int:
    """A count setting (batch size, threads, ...): an int of at least ``minimum``.

    Raises:
        InvalidInputError: (a ValueError) anything else.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(f"{name} must be an int >= {minimum}, not {value!r}")
    return value
