"""A batch read in parts (``RedisStore.get_many_parts``): each part's transaction is
sent as soon as the caller hands over the part's keys, and a part's reply is read only
after the next part was sent. While the server looks up one part, the caller works out
the next part's keys (``EmbeddingCache.get_many`` hashes the texts of the next part),
and this process parses one reply while the server reads the next part.

Each part is the read the store makes of a whole batch otherwise, ``MULTI; HGET gen;
MGET; EXEC`` on one connection: every part says which generation of the namespace it
read, and the caller reads again if one was not the generation it asked for. A
connection is handed back to the pool only with every reply read; after any error
(the server's, the network's, or the caller's own while it worked out a part) it is
closed instead, so no later command can read a reply left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .packing import BulkKeys

__all__ = ["read_parts"]


def _connection(pool: Any) -> Any:
    try:
        return pool.get_connection()
    except TypeError:  # pragma: no cover - redis-py < 5.3 names the command
        return pool.get_connection("MULTI")


def read_parts(
    pool: Any, base: bytes, gen: bytes, parts: Iterable[Sequence[str]], sent: list[Sequence[str]]
) -> tuple[list[bytes | None], bool]:
    """Raw stored strings of the keys of every part, in order, under generation ``gen``
    of the namespace ``base``, and whether every part found ``gen`` current. The parts
    read are appended to ``sent`` (empty parts are skipped)."""
    m_key = base + b":m"
    prefix = base + b":r" + gen + b":"
    conn = _connection(pool)
    clean = False
    try:
        raw: list[bytes | None] = []
        current = True
        waiting = 0  # keys of the part sent last, whose reply is still to read
        for keys in parts:
            if not keys:
                continue
            sent.append(keys)
            read = [("MULTI",), ("HGET", m_key, "gen"), ("MGET", BulkKeys(prefix, keys)), ("EXEC",)]
            conn.send_packed_command(conn.pack_commands(read))
            if waiting:
                current = _reply(conn, gen, waiting, raw) and current
            waiting = len(keys)
        if waiting:
            current = _reply(conn, gen, waiting, raw) and current
        clean = True
        return raw, current
    finally:
        if not clean:
            conn.disconnect()
        pool.release(conn)


def _reply(conn: Any, gen: bytes, n: int, raw: list[bytes | None]) -> bool:
    """Read one part's replies (MULTI's OK, two QUEUED, EXEC's array) and its ``n``
    records into ``raw``; whether the part read generation ``gen``. Error replies raise."""
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
    return (found[0] or b"0") == gen


def _redis_error(message: str) -> Exception:
    from redis.exceptions import ResponseError

    return ResponseError(message)
