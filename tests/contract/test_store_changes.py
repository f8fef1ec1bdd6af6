"""The ``Store`` contract: the change log other processes follow.

Run against every store by the ``kit`` and ``store`` fixtures (``tests/contract/conftest.py``).
"""

from __future__ import annotations

import pytest

from contract.records import LOGGED, NOW, T, items
from contract.workers import key
from nearcache.stores.protocol import Item, Store


class TestStoreChangeLog:
    """Every version a write makes is in the log, and empty writes make none."""

    def test_change_log_records_every_version(self, store: Store) -> None:
        v0 = store.info(LOGGED, "ns").version
        v1 = store.put_many(LOGGED, "ns", items([1, 2]), now=NOW)
        store.delete_many(LOGGED, "ns", [key(1)])
        v2 = store.info(LOGGED, "ns").version
        store.clear(LOGGED, "ns")
        v3 = store.info(LOGGED, "ns").version
        assert v0 < v1 < v2 < v3
        ch = store.changes(LOGGED, "ns", v0)
        assert ch.version == v3
        assert ch.events == [("put", key(1)), ("put", key(2)), ("delete", key(1)), ("clear", "")]
        assert store.changes(LOGGED, "ns", v1).events == [("delete", key(1)), ("clear", "")]
        assert store.changes(LOGGED, "ns", v3) == type(ch)(v3, [])
        for since in (v1, v2):  # every bump left an event, so no gap is reported
            assert store.changes(LOGGED, "ns", since).events

    def test_empty_writes_change_nothing_and_keep_the_log_whole(self, store: Store) -> None:
        store.put_many(LOGGED, "e", items([1]), now=NOW)
        before = store.info(LOGGED, "e").version
        store.put_many(LOGGED, "e", [], now=NOW)
        assert store.delete_many(LOGGED, "e", []) == 0
        assert store.delete_many(LOGGED, "e", [key(99)]) == 0
        after = store.info(LOGGED, "e").version
        changes = store.changes(LOGGED, "e", before)
        assert changes.events is not None  # no version without its event
        assert after == before or changes.events
        with pytest.raises(ValueError):
            store.changes(T, "e", 0)

    def test_change_log_covers_add_purge_evict(self, store: Store) -> None:
        v0 = store.info(LOGGED, "ns").version
        store.add(LOGGED, "ns", Item(key(1), b"a", NOW + 1), now=NOW)
        store.put_many(LOGGED, "ns", items([2]), now=NOW + 2)
        store.put_many(LOGGED, "ns", items([3]), now=NOW + 3)
        store.purge_expired(LOGGED, "ns", now=NOW + 5)
        store.evict(LOGGED, "ns", max_entries=1)
        events = store.changes(LOGGED, "ns", v0).events
        assert events == [
            ("put", key(1)),
            ("put", key(2)),
            ("put", key(3)),
            ("delete", key(1)),
            ("delete", key(2)),
        ]
