"""Batch reads: the live values stored under many keys of one namespace, in one statement.

A batch of 1,000 keys is the embedding cache's hot path, so the work per key is kept in
C: the lookup ids (``hid``) come from one ``bytes.fromhex`` of all keys, the namespace
and expiry are checked by SQLite (``+ns`` keeps the planner on the ``hid`` index instead
of the ``(ns, atime)`` index), and when every key hit, the stored full keys are compared with
the requested ones as one byte string. Anything else (a miss, a collision, keys that are
not content hashes) is sorted out key by key, exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...keys import joined_content_hashes
from ..protocol import TABLES
from .layout import chunks, hid, marks, stored

__all__ = ["hids", "read_live"]

_ONE = {t: f"SELECT ns, key, value, expires_at FROM rec_{t} WHERE hid=?" for t in TABLES}


def hids(keys: Sequence[str], salt: int) -> tuple[list[int], bytes] | None:
    """``[hid(k, salt) for k in keys]`` and the keys' raw bytes, in a few C passes;
    None unless every key is a content hash (64 lowercase hex characters)."""
    joined = joined_content_hashes(keys)
    if joined is None:
        return None
    raw = bytes.fromhex(joined)
    heads = np.frombuffer(raw, dtype=">u8")[::4] ^ np.uint64(salt)
    return heads.astype(np.uint64).view(np.int64).tolist(), raw


def read_live(
    con: Any, table: str, nsid: int, salt: int, keys: Sequence[str], now: float
) -> tuple[list[bytes | None], list[int]]:
    """(value or None per key, lookup ids of the hits): live records of namespace ``nsid``."""
    if len(keys) == 1:  # an exact-layer lookup: one point query on the lookup id
        rid = hid(keys[0], salt)
        row = con.execute(_ONE[table], (rid,)).fetchone()
        return ([row[2]], [rid]) if _live(row, nsid, keys[0], now) else ([None], [])
    ids = hids(keys, salt)
    if ids is None:
        return _read_each(con, table, nsid, salt, keys, now)
    rids, raw = ids
    found: dict[int, tuple[bytes, bytes]] = {}
    for chunk in chunks(rids):
        sql = (
            f"SELECT hid, key, value FROM rec_{table} WHERE hid IN ({marks(len(chunk))}) "
            "AND +ns = ? AND (expires_at IS NULL OR expires_at > ?)"
        )
        for row in con.execute(sql, (*chunk, nsid, now)):
            found[row[0]] = row[1:]
    rows = list(map(found.get, rids))
    if None not in rows and b"".join([r[0] for r in rows]) == raw:  # type: ignore[index]
        return [r[1] for r in rows], rids  # type: ignore[index]
    out: list[bytes | None] = []
    hits: list[int] = []
    for i, (rid, row) in enumerate(zip(rids, rows)):
        if row is None or row[0] != raw[32 * i : 32 * i + 32]:
            out.append(None)  # absent, expired, or another key with the same lookup id
        else:
            out.append(row[1])
            hits.append(rid)
    return out, hits


def _read_each(
    con: Any, table: str, nsid: int, salt: int, keys: Sequence[str], now: float
) -> tuple[list[bytes | None], list[int]]:
    """The plain path, for keys that are not all content hashes."""
    rids = [hid(k, salt) for k in keys]
    found = stored(con, table, rids, "ns, key, value, expires_at")
    out: list[bytes | None] = []
    hits: list[int] = []
    for rid, key in zip(rids, keys):
        row = found.get(rid)
        if _live(row, nsid, key, now):
            out.append(row[2])  # type: ignore[index]
            hits.append(rid)
        else:
            out.append(None)
    return out, hits


def _live(row: Any, nsid: int, key: str, now: float) -> bool:
    """Whether ``(ns, key, value, expires_at)`` is ``key``'s live record in ``nsid``
    (a lookup id can be shared by another key, or by another namespace's record)."""
    return (
        row is not None
        and row[0] == nsid
        and (row[3] is None or row[3] > now)
        and row[1] == bytes.fromhex(key)
    )
