"""A lookup checks its namespace once per name (semantic/lookup.py remembers the names
``validate_namespace`` accepted): a name that fails the check is refused every time,
and the memory of accepted names stays bounded."""

from __future__ import annotations

from typing import Any

import pytest

from nearcache import InvalidInputError, InvalidTypeError, Miss, SemanticCache
from nearcache.semantic import lookup
from semantic_support import TableEmbedder


class Named(str):
    """A str subclass: valid, but never taken from the memory as it is."""


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ("n" * 600, InvalidInputError),
        ("a\ud800", InvalidInputError),  # a lone surrogate has no UTF-8 form
        (None, InvalidTypeError),
        (5, InvalidTypeError),
        (["a"], InvalidTypeError),  # unhashable: refused, not a TypeError from a set
    ],
)
def test_a_bad_namespace_is_refused_after_good_ones(bad: Any, error: type[Exception]) -> None:
    cache = SemanticCache(embedder=TableEmbedder(8), judge=None)
    try:
        for ns in ("default", "a", Named("b"), "b"):
            assert isinstance(cache.lookup("q", namespace=ns), Miss)
        for _ in range(2):
            with pytest.raises(error):
                cache.get("q", namespace=bad)
    finally:
        cache.close()


def test_remembered_names_stay_bounded() -> None:
    cache = SemanticCache(embedder=TableEmbedder(8), judge=None)
    try:
        for i in range(lookup.KEY_MEMO_SIZE + 5):
            cache.get("q", namespace=f"n{i}")
            assert len(lookup._NAMESPACES) <= lookup.KEY_MEMO_SIZE
        last = f"n{lookup.KEY_MEMO_SIZE + 4}"
        assert "n0" not in lookup._NAMESPACES and last in lookup._NAMESPACES
    finally:
        cache.close()
