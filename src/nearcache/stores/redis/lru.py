"""The candidates of a table-wide LRU eviction on Redis (``RedisStore._evict_global``):
the oldest members of each namespace's LRU sorted set, merged by access time, with the
sizes the eviction needs to know when the limit holds again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["oldest"]


def oldest(
    call: Callable[[Callable[[], Any]], Any],
    client: Any,
    bases: Sequence[tuple[str, bytes]],
    want: int,
) -> list[tuple[float, str, str, int | None]]:
    """The ``want`` oldest members of each namespace (``(name, base key)`` in ``bases``),
    merged by access time, with their sizes (None if gone meanwhile). ``call`` runs each
    round trip (the store's breaker)."""

    def candidates() -> list[Any]:
        pipe = client.pipeline(transaction=False)
        for _, base in bases:
            pipe.zrange(base + b":l", 0, want - 1, withscores=True)
        return list(pipe.execute())

    merged = sorted(
        (score, name, member.decode())
        for (name, base), found in zip(bases, call(candidates))
        for member, score in found
    )
    base_of = dict(bases)

    def sizes() -> list[Any]:
        pipe = client.pipeline(transaction=False)
        for _, name, member in merged:
            pipe.hget(base_of[name] + b":s", member)
        return list(pipe.execute())

    return [
        (score, name, member, None if size is None else int(size))
        for (score, name, member), size in zip(merged, call(sizes) if merged else [])
    ]
