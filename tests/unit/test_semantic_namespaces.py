"""A lookup checks its namespace once per name (``keys.validate_namespace`` remembers
the names it accepted): a name that fails the check is refused every time, and the
memory of accepted names stays bounded."""

from __future__ import annotations

from typing import Any

import pytest

from nearcache import InvalidInputError, InvalidTypeError, Miss, SemanticCache, keys
from semantic_support import TableEmbedder


class Named(str):
    """A str subclass: checked every time, never remembered."""


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


class Alike(str):
    """A name that claims to equal any other with its hash."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("n" * 600)


def test_a_subclass_is_not_remembered_for_the_names_it_claims_to_equal() -> None:
    cache = SemanticCache(embedder=TableEmbedder(8), judge=None)
    try:
        cache.get("q", namespace=Alike("ok"))
        assert cache.get("q", namespace=Named("b")) is None
        assert all(type(ns) is str for ns in keys._NAMESPACES)
        with pytest.raises(InvalidInputError):
            cache.get("q", namespace="n" * 600)
    finally:
        cache.close()


def test_remembered_names_stay_bounded() -> None:
    cache = SemanticCache(embedder=TableEmbedder(8), judge=None)
    try:
        for i in range(keys.NAMESPACE_MEMO_SIZE + 5):
            cache.get("q", namespace=f"n{i}")
            assert len(keys._NAMESPACES) <= keys.NAMESPACE_MEMO_SIZE
        last = f"n{keys.NAMESPACE_MEMO_SIZE + 4}"
        assert "n0" not in keys._NAMESPACES and last in keys._NAMESPACES
    finally:
        cache.close()
