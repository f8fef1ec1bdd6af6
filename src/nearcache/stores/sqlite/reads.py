"""Batch reads: the live values stored under many keys of one namespace, in one statement.

A batch of 1,000 keys is the embedding cache's hot path, so the work per key is kept in
C: the lookup ids (``hid``) come from one ``bytes.fromhex`` of all keys and go to SQLite
as one JSON array walked by ``json_each``, so rows come back in the order asked (no dict
to put them back in order: ~0.3 ms less per 1,000 than ``hid IN (...)``). SQLite checks
the namespace and expiry (``+ns`` keeps the planner on the ``hid`` index), and when every
key hit, the stored full keys are compared with the requested ones as one byte string.
Anything else (a miss, a collision, keys that are not content hashes) is sorted out key
by key. A SQLite built without JSON support (before 3.38 it was optional) gets the plain
``hid IN (...)`` read instead, decided once per process at the first batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...keys import KeyBatch, joined_content_hashes
from ..protocol import TABLES
from .layout import hid, stored

__all__ = ["hids", "read_live"]

_ONE = {t: f"SELECT ns, key, value, expires_at FROM rec_{t} WHERE hid=?" for t in TABLES}
_LIVE = "WHERE +r.ns = ? AND (r.expires_at IS NULL OR r.expires_at > ?)"
#: (position, key, value) of the live rows, in the order of the JSON array
_BY_HID = {
    t: "SELECT j.key, r.key, r.value FROM json_each(?) j "
    f"CROSS JOIN rec_{t} r ON r.hid = j.value {_LIVE}"
    for t in TABLES
}
Rows = list[tuple[int, bytes, bytes]]
#: whether this SQLite has json_each (False after the first "no such table: json_each")
_json = {"ok": True}


def hids(keys: Sequence[str], salt: int) -> tuple[list[int], bytes] | None:
    """``[hid(k, salt) for k in keys]`` and the keys' raw bytes, in a few C passes;
    None unless every key is a content hash (64 lowercase hex characters). A
    :class:`~nearcache.keys.KeyBatch` brings its raw bytes along."""
    if isinstance(keys, KeyBatch):
        raw = keys.digests
    else:
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
    ids = hids(keys, salt) if _json["ok"] else None
    if ids is None:
        return _read_each(con, table, nsid, salt, keys, now)
    rids, raw = ids
    try:
        rows: Rows = con.execute(_BY_HID[table], (json.dumps(rids), nsid, now)).fetchall()
    except sqlite3.OperationalError as exc:
        if "json_each" not in str(exc):
            raise
        _json["ok"] = False  # a SQLite built without JSON support: read key by key
        return _read_each(con, table, nsid, salt, keys, now)
    if len(rows) == len(rids) and b"".join([r[1] for r in rows]) == raw:
        return [r[2] for r in rows], rids
    out: list[bytes | None] = [None] * len(rids)
    for i, key, value in rows:
        if key == raw[32 * i : 32 * i + 32]:  # else another key with the same lookup id
            out[i] = value
    return out, [rid for rid, v in zip(rids, out) if v is not None]


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
