"""RELIABILITY test 22 for the server stores: a store opened before ``fork()`` keeps
working in the parent and in the child (each gets connections of its own)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from contract.kits import kind_params, kit_for
from contract.workers import key
from nearcache.stores.protocol import Item, Store


def _child(store: Store, conn: object) -> None:
    try:
        store.put_many("kv", "forked", [Item(key(1), b"child")], now=1.0)
        got = store.get_many("kv", "forked", [key(0), key(1)], now=1.0)
        conn.send(got)  # type: ignore[attr-defined]
    except BaseException as exc:  # report, do not hang the parent
        conn.send(repr(exc))  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.parametrize("kind", kind_params(["redis", "postgres", "dynamodb"]))
def test_store_survives_fork(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with kit_for(kind, request, tmp_path) as kit:
        store = kit.open()
        store.put_many("kv", "forked", [Item(key(0), b"parent")], now=1.0)
        store.get_many("kv", "forked", [key(0)], now=1.0)  # connections now in use
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(store, child))
        proc.start()
        assert parent.poll(60), "the forked child hung"
        assert parent.recv() == [b"parent", b"child"]
        proc.join(30)
        assert proc.exitcode == 0
        store.put_many("kv", "forked", [Item(key(2), b"parent again")], now=1.0)
        assert store.get_many("kv", "forked", [key(i) for i in range(3)], now=1.0) == [
            b"parent",
            b"child",
            b"parent again",
        ]
        assert store.check() == []
