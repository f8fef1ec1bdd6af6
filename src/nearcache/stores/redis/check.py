"""``check()`` of the Redis store, and sweeping records of cleared generations.

A namespace is healthy when its counters equal a recount of the size index, the LRU
and expiry indexes name the same records, every indexed record exists with a
well-formed header, and no record of an older generation (before a ``clear``) is left.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..bookkeeping import recount_problem
from .records import FORMAT, glob_escape

__all__ = ["check_namespace", "count_stale", "sweep"]

_T = TypeVar("_T")
#: runs a function through the store's breaker and error translation
Call = Callable[[Callable[[], _T]], _T]


def _stale_keys(client: Any, base: bytes, current: int) -> Any:
    """Record keys of ``base`` from generations below ``current`` (a SCAN, never KEYS)."""
    head = len(base) + 2
    for key in client.scan_iter(match=glob_escape(base + b":r") + b"*", count=1000):
        gen, sep, _ = key[head:].partition(b":")
        if sep and gen.isdigit() and int(gen) < current:
            yield key


def sweep(client: Any, base: bytes) -> int:
    """Unlink the records of cleared generations in batches of 500; how many."""
    current = int(client.hget(base + b":m", "gen") or b"0")
    gone = 0
    batch: list[bytes] = []
    for key in _stale_keys(client, base, current):
        batch.append(key)
        if len(batch) >= 500:
            gone += int(client.unlink(*batch))
            batch = []
    if batch:
        gone += int(client.unlink(*batch))
    return gone


def count_stale(client: Any, base: bytes, current: int) -> int:
    return sum(1 for _ in _stale_keys(client, base, current))


def _load(call: Call[Any], client: Any, base: bytes) -> tuple[Any, ...]:
    """Counters, size index, LRU and expiry members, then the records (in chunks)."""

    def load() -> list[Any]:
        pipe = client.pipeline(transaction=True)
        pipe.hgetall(base + b":m")
        pipe.hgetall(base + b":s")
        pipe.zrange(base + b":l", 0, -1)
        pipe.zrange(base + b":x", 0, -1)
        return list(pipe.execute())

    meta, sizes, lru, exp = call(load)
    gen = meta.get(b"gen", b"0")
    members = list(sizes)
    blobs: list[Any] = []
    for i in range(0, len(members), 1000):
        keys = [base + b":r" + gen + b":" + k for k in members[i : i + 1000]]
        blobs.extend(call(functools.partial(client.mget, keys)))
    return meta, sizes, set(lru), set(exp), members, blobs


def check_namespace(
    call: Call[Any],
    client: Any,
    base: bytes,
    where: str,
    *,
    fix: bool,
    remove: Callable[[Sequence[str]], object],
) -> list[str]:
    """Problems of one namespace; repaired when ``fix`` (``remove`` deletes records
    through the store so the counters and the change log follow)."""
    meta, sizes, lru, exp, members, blobs = _load(call, client, base)
    problems: list[str] = []
    drop: list[bytes] = []
    for member, blob in zip(members, blobs):
        if blob is None:
            if member not in exp:  # TTL'd records may be gone before the sweep
                problems.append(f"{where}: record {member[:12]!r} is missing")
                drop.append(member)
        elif len(blob) < 9 or blob[0] != FORMAT:
            problems.append(f"{where}: record {member[:12]!r} has a foreign header")
            drop.append(member)
        elif len(blob) - 9 != int(sizes[member]):
            problems.append(f"{where}: record {member[:12]!r} size index is wrong")
            if fix:
                call(functools.partial(client.hset, base + b":s", member, len(blob) - 9))
                sizes[member] = str(len(blob) - 9).encode()
    indexes_ok = lru == set(sizes) and exp <= set(sizes)
    if lru != set(sizes):
        problems.append(f"{where}: LRU index differs from the size index")
    if not exp <= set(sizes):
        problems.append(f"{where}: expiry index names unknown records")
    if fix and drop:
        remove([d.decode() for d in drop])
    if fix and not indexes_ok:
        call(lambda: _repair_indexes(client, base))
    problems += _check_counters(call, client, base, where, meta, sizes, drop if fix else [], fix)
    stale = call(lambda: count_stale(client, base, int(meta.get(b"gen", b"0"))))
    if stale:
        problems.append(f"{where}: {stale} records of cleared generations not yet unlinked")
        if fix:
            call(lambda: sweep(client, base))
    return problems


def _check_counters(
    call: Call[Any],
    client: Any,
    base: bytes,
    where: str,
    meta: dict[bytes, bytes],
    sizes: dict[bytes, bytes],
    dropped: list[bytes],
    fix: bool,
) -> list[str]:
    """Counters against the size index (minus what ``fix`` just dropped)."""
    entries = len(sizes) - len(dropped)
    total = sum(int(v) for k, v in sizes.items() if k not in dropped)
    counted = (int(meta.get(b"entries", 0)), int(meta.get(b"bytes", 0)))
    if counted == (entries, total):
        return []
    if fix:
        mapping = {"entries": entries, "bytes": total}
        call(lambda: client.hset(base + b":m", mapping=mapping))
    if fix and dropped:
        return []  # the dropped records explain the difference
    return [recount_problem(where, counted, (entries, total))]


def _repair_indexes(client: Any, base: bytes) -> None:
    """Make the LRU index name exactly the sized records, the expiry index a subset."""
    sizes = set(client.hkeys(base + b":s"))
    lru = set(client.zrange(base + b":l", 0, -1))
    exp = set(client.zrange(base + b":x", 0, -1))
    pipe = client.pipeline(transaction=True)
    if lru - sizes:
        pipe.zrem(base + b":l", *(lru - sizes))
    if sizes - lru:
        pipe.zadd(base + b":l", dict.fromkeys(sizes - lru, 0))
    if exp - sizes:
        pipe.zrem(base + b":x", *(exp - sizes))
    pipe.execute()
