"""A bounded in-process copy of recently read exact-layer entries, kept current.

An exact-layer hit read from SQLite costs a store read (~10 µs) and a full decode with
its checksum (~8 µs). A process that answers the same queries again keeps the decoded
entries here instead, and serves them after one cheap question to the store: *has
anything been committed since I last looked?* (``change_token``: SQLite's
``data_version``, ~3 µs). Only stores that can answer that locally have the copy; on a
network store the question costs a round trip, as much as the read it would save.

Why this is as current as reading the store every time:

* Every lookup asks for the token first. If it moved, the namespace's changes since the
  version this copy last applied are read from the store's change log
  (``Store.changes``) and every key put, deleted, evicted or expired since is dropped
  (a ``clear`` or a log that no longer reaches back drops the whole namespace). So a
  write acknowledged by any connection or process is seen by the next lookup.
* An entry read from the store is added only if no sync ran since its lookup took its
  ticket, so a value read before a change and added after that change was applied can
  never stay behind.
* Entries keep their expiry and are never served at or after it.
* An entry is added only after ``decode_record`` verified its checksum, its namespace and
  key, every field and its vector; what is handed out is rebuilt for every hit (a new
  response object unless it is immutable, new metadata, a new vector array), so a caller
  that changes a hit cannot change what the next caller gets.

Bounded by entries and bytes (least recently used first out); thread-safe (one lock for
the map, another so one sync runs at a time per copy; the set of keys read once needs
none).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..codecs import packb, unpack_payload
from ..stores.protocol import Store
from .indexing import TABLE
from .record import Entry

__all__ = ["HotEntries", "HotEntry", "Watched", "hot_copy_for"]

#: Bytes counted per entry on top of its stored record (tuple, arrays, dict slot).
OVERHEAD = 400
_IMMUTABLE = (str, bytes, int, float, bool, type(None))


@runtime_checkable
class Watched(Protocol):
    """A store that tells cheaply, without a round trip, whether anything was committed."""

    def change_token(self) -> object: ...


class HotEntry(NamedTuple):
    """A verified entry as kept in the copy (mutable parts as bytes or read-only)."""

    entry: Entry  # response is None unless immutable; metadata None; vector read-only
    response: bytes  # msgpack of a mutable response, decoded again per hit (else b"")
    metadata: bytes | None  # JSON, decoded again per hit
    shared: bool  # entry.response can be handed out as is
    size: int

    def fresh(self) -> Entry:
        """The entry with objects of its own (nothing shared with other callers)."""
        e = self.entry
        return _rebuilt(
            e,
            e.response if self.shared else unpack_payload(self.response),
            None if self.metadata is None else json.loads(self.metadata),
            e.vector.copy(),
        )


def _rebuilt(e: Entry, response: Any, metadata: Any, vector: npt.NDArray[np.float32]) -> Entry:
    """``e`` with these three fields (positional: built on every hit)."""
    return Entry(
        e.query,
        response,
        metadata,
        e.created_at,
        e.expires_at,
        e.scope,
        e.write_id,
        vector,
        e.norm,
        e.feedback_floor,
    )


def keep(entry: Entry, metadata: bytes | None, stored: int) -> HotEntry:
    """What the copy keeps of a just-decoded entry (``stored``: its record's bytes); a
    mutable response is kept as msgpack, decoded again per hit."""
    vector = entry.vector.copy()
    vector.flags.writeable = False
    shared = isinstance(entry.response, _IMMUTABLE)
    response = b"" if shared else packb(entry.response)
    kept = _rebuilt(entry, entry.response if shared else None, None, vector)
    return HotEntry(kept, response, metadata, shared, stored + OVERHEAD)


class _Seen(NamedTuple):
    """How far a namespace's part of the copy is known to be current."""

    token: object  # the store's change token when the sync began
    version: int  # the namespace version whose changes are applied


class HotEntries:
    """The copy: ``lookup`` before a store read, ``add`` after one (see the module doc).

    Args:
        store: a store with ``change_token()`` and a change log for the semantic table.
        max_entries: entries kept at most (least recently used go first).
        max_bytes: stored bytes (plus a small per-entry overhead) kept at most.
    """

    def __init__(self, store: Store, max_entries: int, max_bytes: int) -> None:
        self._store = store
        self._token = store.change_token  # type: ignore[attr-defined]
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[tuple[str, str], HotEntry] = OrderedDict()
        self._seen: dict[str, _Seen] = {}
        self._once: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def lookup(self, ns: str, key: str, now: float) -> tuple[Entry | None, object | None]:
        """(a fresh copy of the live entry or None, a ticket for ``add``; None when the
        key was not read lately, so no store question was asked).

        Raises what the store's token or change log raise (``StoreUnavailableError``...),
        like the store read it replaces.
        """
        pair = (ns, key)
        if pair not in self._items:
            # Only a key read twice lately earns a place, so a stream of one-off reads
            # costs a set lookup each and never pushes out the entries read again and
            # again. No lock: each set operation is atomic, and a race between two
            # readers of one key costs at most a second ticket and a second ``add``.
            once = self._once
            if pair not in once:
                if len(once) >= 2 * self.max_entries:
                    once.clear()  # forget old one-off reads wholesale (cheap, bounded)
                once.add(pair)
                return None, None  # read once lately: not worth a token (nor a place) yet
            once.discard(pair)
            seen = self._seen.get(ns)
            if seen is not None:
                # Nothing to serve, so no token is needed: the last ticket will do. The
                # entry read next is added only if no sync ran since ``seen``; whatever was
                # committed after ``seen`` moved the token, so the lookup that would serve
                # the entry syncs first and drops it if it changed.
                return None, seen
        token = self._token()
        seen = self._seen.get(ns)
        if seen is None or seen.token != token:
            seen = self._sync(ns, token)
        with self._lock:
            item = self._items.get(pair)
            if item is None:
                return None, seen
            expires = item.entry.expires_at
            if expires is not None and expires <= now:
                self._drop(ns, key)
                return None, seen
            self._items.move_to_end(pair)
        return item.fresh(), seen

    def add(
        self,
        ticket: object | None,
        ns: str,
        key: str,
        entry: Entry,
        metadata: bytes | None,
        stored: int,
    ) -> None:
        """Keep an entry just read and verified, unless a sync ran since ``ticket``."""
        if ticket is None or stored + OVERHEAD > self.max_bytes:
            return
        item = keep(entry, metadata, stored)
        with self._lock:
            if self._seen.get(ns) is not ticket:
                return
            self._drop(ns, key)
            # room first, then the entry: the copy is within its bounds at every instant
            # (``len`` and ``bytes`` are read without the lock)
            while self._items and (
                len(self._items) >= self.max_entries or self.bytes + item.size > self.max_bytes
            ):
                (old_ns, old_key), _ = next(iter(self._items.items()))
                self._drop(old_ns, old_key)
            self._items[(ns, key)] = item
            self.bytes += item.size

    def forget(self) -> None:
        """Drop every entry and what was learnt of each namespace."""
        with self._lock:
            self._items.clear()
            self._seen.clear()
            self._once.clear()
            self.bytes = 0

    def _drop(self, ns: str, key: str) -> None:
        """Remove one entry (the caller holds ``_lock``)."""
        item = self._items.pop((ns, key), None)
        if item is not None:
            self.bytes -= item.size

    def _sync(self, ns: str, token: object) -> _Seen:
        """Apply the namespace's changes since the last sync; return the new state."""
        with self._sync_lock:
            seen = self._seen.get(ns)
            if seen is not None and seen.token == token:
                return seen
            if seen is None:  # nothing of ns is kept yet: start from its current version
                version = self._store.info(TABLE, ns).version
                events: list[tuple[str, str]] | None = []
            else:
                changes = self._store.changes(TABLE, ns, seen.version)
                version, events = changes.version, changes.events
                if version < seen.version:
                    events = None  # the namespace's history was rewritten: start over
            new = _Seen(token, version)
            with self._lock:
                if events is None or any(op == "clear" for op, _ in events):
                    for kept in [k for k in self._items if k[0] == ns]:
                        self._drop(*kept)
                else:
                    for _, key in events:
                        self._drop(ns, key)
                self._seen[ns] = new
            return new


def hot_copy_for(store: Store, max_entries: int, max_bytes: int, touch: bool) -> HotEntries | None:
    """The copy for a cache, or None: disabled by a zero bound, on a store that cannot
    tell changes cheaply, and when reads must reach the store to keep LRU order."""
    if max_entries < 1 or max_bytes < 1 or touch or not isinstance(store, Watched):
        return None
    return HotEntries(store, max_entries, max_bytes)
