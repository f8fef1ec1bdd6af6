"""The Redis store's batch reads: a whole batch in one transaction (``read_batch``),
and a batch read in parts (``RedisStore.get_many_parts``, ``read_parts``): each part's
transaction is sent as soon as the caller hands over the part's keys, and a part's
reply is read only after the next part was sent. While the server looks up one part,
the caller works out the next part's keys (``EmbeddingCache.get_many`` hashes the texts
of the next part), and this process parses one reply while the server reads the next
part.

Each part is the read the store makes of a whole batch otherwise, ``MULTI; HGET gen;
MGET; EXEC`` on one connection: every part says which generation of the namespace it
read, and the caller reads again if one was not the generation it asked for. A
connection is handed back to the pool only with every reply read; after any error
(the server's, the network's, or the caller's own while it worked out a part) it is
closed instead, so no later command can read a reply left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .layout import Layout
from .packing import BulkKeys

__all__ = ["Touches", "queue_touches", "read_batch", "read_parts", "read_plain"]

_CHUNK = 4000  # members per ZADD of buffered touches

Touches = dict[tuple[str, str], dict[str, float]]


def queue_touches(pipe: Any, layout: Layout, pending: Touches) -> None:
    """Queue buffered LRU access times on ``pipe`` (``ZADD XX GT`` in chunks)."""
    for (table, namespace), touches in pending.items():
        lru = layout.base(table, namespace) + b":l"
        items = list(touches.items())
        for i in range(0, len(items), _CHUNK):
            pipe.zadd(lru, dict(items[i : i + _CHUNK]), xx=True, gt=True)


def read_batch(
    client: Any,
    bulk: bool,
    base: bytes,
    gen: bytes,
    keys: Sequence[str],
    queue: Callable[[Any], None] | None = None,
) -> tuple[bytes, list[bytes | None]]:
    """The generation current now and the raw stored strings for ``keys`` under
    generation ``gen``, in one round trip: ``MULTI; HGET gen; MGET; [queue]; EXEC``.
    ``bulk``: the client's connections pack ``BulkKeys``; ``queue`` adds commands."""
    pipe = client.pipeline(transaction=True)
    pipe.hget(base + b":m", "gen")
    _mget(pipe, bulk, base + b":r" + gen + b":", keys)
    if queue is not None:
        queue(pipe)
    res = pipe.execute()
    return (res[0] or b"0"), res[1]


def read_plain(
    client: Any, bulk: bool, base: bytes, gen: bytes, keys: Sequence[str]
) -> tuple[bytes, list[bytes | None]]:
    """``read_batch`` without ``MULTI``: over its ``maxmemory`` Redis refuses every command
    queued in a transaction, reads included, so with ``noeviction`` a full server made
    every read raise. ``MGET`` goes first and ``HGET gen`` after it: generations only
    grow, so a generation still ``gen`` after the ``MGET`` says no ``clear`` came before
    it, and another one sends the caller round again, as ``read_batch``'s does."""
    pipe = client.pipeline(transaction=False)
    _mget(pipe, bulk, base + b":r" + gen + b":", keys)
    pipe.hget(base + b":m", "gen")
    res = pipe.execute()
    return (res[1] or b"0"), res[0]


def _mget(pipe: Any, bulk: bool, prefix: bytes, keys: Sequence[str]) -> None:
    """Queue the ``MGET`` of ``keys`` under ``prefix`` (packed whole when the client's
    connections pack ``BulkKeys``)."""
    if bulk:
        pipe.execute_command("MGET", BulkKeys(prefix, keys))
    else:
        pipe.mget(BulkKeys(prefix, keys).expand())


def _connection(pool: Any) -> Any:
    try:
        return pool.get_connection()
    except TypeError:  # pragma: no cover - redis-py < 5.3 names the command
        return pool.get_connection("MULTI")


def read_parts(
    pool: Any, base: bytes, gen: bytes, parts: Iterable[Sequence[str]], sent: list[Sequence[str]]
) -> tuple[list[bytes | None], bytes]:
    """Raw stored strings of the keys of every part, in order, under generation ``gen``
    of the namespace ``base``, and the generation the parts found current (``gen``, or
    the last other one a part saw). The parts read are appended to ``sent`` (empty
    parts are skipped)."""
    m_key = base + b":m"
    prefix = base + b":r" + gen + b":"
    conn = _connection(pool)
    clean = False
    try:
        raw: list[bytes | None] = []
        seen = gen
        waiting = 0  # keys of the part sent last, whose reply is still to read
        for keys in parts:
            if not keys:
                continue
            sent.append(keys)
            read = [("MULTI",), ("HGET", m_key, "gen"), ("MGET", BulkKeys(prefix, keys)), ("EXEC",)]
            conn.send_packed_command(conn.pack_commands(read))
            if waiting:
                seen = _newer(gen, seen, _reply(conn, waiting, raw))
            waiting = len(keys)
        if waiting:
            seen = _newer(gen, seen, _reply(conn, waiting, raw))
        clean = True
        return raw, seen
    finally:
        if not clean:
            conn.disconnect()
        pool.release(conn)


def _newer(gen: bytes, seen: bytes, found: bytes) -> bytes:
    """The generation the parts found so far: ``gen`` while every part found it, else
    the last other one found."""
    return seen if found == gen else found


def _reply(conn: Any, n: int, raw: list[bytes | None]) -> bytes:
    """Read one part's replies (MULTI's OK, two QUEUED, EXEC's array) and its ``n``
    records into ``raw``; the generation current when the part was read. Error replies
    raise."""
    for _ in range(3):
        conn.read_response()
    found = conn.read_response()
    if not isinstance(found, list) or len(found) != 2:
        raise _redis_error(f"unexpected reply to a batch read: {type(found).__name__}")
    for item in found:
        if isinstance(item, Exception):
            raise item
    records = found[1]
    if not isinstance(records, list) or len(records) != n:
        raise _redis_error(f"a batch read of {n} keys got {len(records)} replies")
    raw.extend(records)
    return bytes(found[0] or b"0")


def _redis_error(message: str) -> Exception:
    from redis.exceptions import ResponseError

    return ResponseError(message)
