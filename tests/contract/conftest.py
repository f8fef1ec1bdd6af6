"""Fixtures of the store contract suite: ``kit`` (parametrized over every store kind) and
``store`` (a client on fresh data whose ``check()`` must come back clean at teardown)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.kits import Kit, kind_params, kit_for
from nearcache.stores.protocol import Store


@pytest.fixture(params=kind_params())
def kit(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Kit]:
    with kit_for(request.param, request, tmp_path) as k:
        yield k


@pytest.fixture
def store(kit: Kit) -> Iterator[Store]:
    """A store on fresh data; every test ends with ``check()`` finding no problem."""
    s = kit.open()
    yield s
    assert s.check() == [], "store.check() found problems after the test"
