"""RELIABILITY test 23: a Hypothesis state machine against a dict oracle, on every store.

Random sequences of put / get / delete / clear_namespace / purge_expired / add / clock
moves / reopen run against a store and a plain dict. After every step the store must
agree with the oracle (values, counters), and a replica kept only from ``changes()``
must hold exactly the stored keys — so the change log is checked as well. Namespace
names include look-alikes that a naive encoding would alias.
"""

from __future__ import annotations

import unicodedata

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from contract.kits import Kit
from contract.workers import key
from nearcache.stores.protocol import Item, Store

TABLE = "semantic"  # a logged table, so the change log is exercised too
NAMESPACES = [
    "a",
    "ab",
    "",
    "a:b",
    unicodedata.normalize("NFC", "\u00e9"),
    unicodedata.normalize("NFD", "\u00e9"),
]
KEYS = [key(i) for i in range(5)]
EXAMPLES = {"memory": 50, "sqlite": 30, "redis": 40, "postgres": 25, "pgvector": 15, "dynamodb": 6}

names = st.sampled_from(NAMESPACES)
keys = st.sampled_from(KEYS)
key_lists = st.lists(keys, min_size=1, max_size=4)
ttls = st.none() | st.sampled_from([5.0, 30.0, 120.0])
payloads = st.binary(max_size=24)


class StoreMachine(RuleBasedStateMachine):
    kit: Kit

    def __init__(self) -> None:
        super().__init__()
        self.now = 10_000.0
        self.store: Store = self.kit.open()
        self.store.clear(TABLE)
        self.oracle: dict[tuple[str, str], tuple[bytes, float | None]] = {}
        self.replica: dict[str, set[str]] = {ns: set() for ns in NAMESPACES}
        self.seen = {ns: self.store.info(TABLE, ns).version for ns in NAMESPACES}

    @initialize()
    def start(self) -> None:
        assert self.store.info(TABLE).entries == 0

    def _exp(self, ttl: float | None) -> float | None:
        return None if ttl is None else self.now + ttl

    def _live(self, ns: str, k: str) -> bytes | None:
        found = self.oracle.get((ns, k))
        if found is None or (found[1] is not None and found[1] <= self.now):
            return None
        return found[0]

    @rule(ns=names, ks=key_lists, value=payloads, ttl=ttls)
    def put(self, ns: str, ks: list[str], value: bytes, ttl: float | None) -> None:
        exp = self._exp(ttl)
        self.store.put_many(
            TABLE, ns, [Item(k, value + k[:2].encode(), exp) for k in ks], now=self.now
        )
        for k in ks:
            self.oracle[(ns, k)] = (value + k[:2].encode(), exp)

    @rule(ns=names, k=keys, value=payloads, ttl=ttls)
    def add(self, ns: str, k: str, value: bytes, ttl: float | None) -> None:
        got = self.store.add(TABLE, ns, Item(k, value, self._exp(ttl)), now=self.now)
        expected = self._live(ns, k) is None
        assert got == expected
        if got:
            self.oracle[(ns, k)] = (value, self._exp(ttl))

    @rule(ns=names, ks=key_lists, touch=st.booleans())
    def get(self, ns: str, ks: list[str], touch: bool) -> None:
        got = self.store.get_many(TABLE, ns, ks, now=self.now, touch=touch)
        assert got == [self._live(ns, k) for k in ks]

    @rule(ns=names, ks=key_lists)
    def delete(self, ns: str, ks: list[str]) -> None:
        n = self.store.delete_many(TABLE, ns, ks)
        existing = {k for k in ks if (ns, k) in self.oracle}
        assert n == len(existing)
        for k in existing:
            del self.oracle[(ns, k)]

    @rule(ns=names)
    def clear_namespace(self, ns: str) -> None:
        n = self.store.clear(TABLE, ns)
        mine = [k for k in self.oracle if k[0] == ns]
        assert n == len(mine)
        for k in mine:
            del self.oracle[k]

    @rule(ns=st.none() | names)
    def purge_expired(self, ns: str | None) -> None:
        gone = self.store.purge_expired(TABLE, ns, now=self.now)
        expect = {
            k
            for k, (_, exp) in self.oracle.items()
            if exp is not None and exp <= self.now and (ns is None or k[0] == ns)
        }
        assert sorted(gone) == sorted(expect)
        for k in expect:
            del self.oracle[k]

    @rule(dt=st.sampled_from([1.0, 10.0, 60.0, 200.0]))
    def advance_clock(self, dt: float) -> None:
        self.now += dt

    @rule()
    def reopen(self) -> None:
        if not self.kit.persistent:
            return
        self.store.close()
        self.store = self.kit.open()

    @invariant()
    def counters_match_oracle(self) -> None:
        for ns in NAMESPACES:
            mine = [v for (n, _), (v, _) in self.oracle.items() if n == ns]
            info = self.store.info(TABLE, ns)
            assert (info.entries, info.bytes) == (len(mine), sum(map(len, mine))), ns

    @invariant()
    def change_log_replica_matches(self) -> None:
        for ns in NAMESPACES:
            ch = self.store.changes(TABLE, ns, self.seen[ns])
            assert ch.events is not None, f"change log lost events of {ns!r}"
            for op, k in ch.events:
                if op == "put":
                    self.replica[ns].add(k)
                elif op == "delete":
                    self.replica[ns].discard(k)
                else:
                    self.replica[ns].clear()
            self.seen[ns] = ch.version
            assert self.replica[ns] == {k for (n, k) in self.oracle if n == ns}, ns

    def teardown(self) -> None:
        try:
            assert self.store.check() == []
        finally:
            if self.kit.persistent:
                self.store.close()


def test_store_matches_dict_oracle(kit: Kit) -> None:
    machine = type("Machine", (StoreMachine,), {"kit": kit})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES[kit.kind],
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
