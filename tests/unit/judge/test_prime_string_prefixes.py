"""literals.prime_changed: a Python string prefix (``f'{x}'``, ``r'\\d+'``) is no primed
name, while a prime on a name still is (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.literals import prime_changed
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "How do I format a float with f'{x:.2f}' in Python?",
            "How do I format a float with f-strings in Python?",
        ),
        ("What does r'\\d+' match in a Python regex?", "What does r mean before a regex string?"),
        ("Why does print(b'\\x00') show a b prefix?", "Why does print show a b prefix?"),
    ],
)
def test_a_prefixed_string_literal_is_no_prime(a: str, b: str) -> None:
    assert prime_changed(a, b) is None
    assert prime_changed(b, a) is None
    assert guard_entities(a, b).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what is f'(x) for x squared", "what is f(x) for x squared"),
        ("Is foldl' strict, unlike r'{x}'?", "Is foldl strict, unlike r'{x}'?"),
    ],
)
def test_a_prime_outside_a_string_literal_is_still_read(a: str, b: str) -> None:
    assert prime_changed(a, b) is not None
