"""variants.py: a capitalized name before a code-like product name on one side only
names another product (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.variants import qualified_codes, variant_named


def test_qualified_codes_reads_names_before_codes() -> None:
    named, plain = qualified_codes("Can I move my Pixel X7 data into an HSA?")
    assert ("pixel", "x7") in named
    assert "hsa" in plain
    assert qualified_codes("Meet me on March 3rd")[0] == frozenset()  # an ordinal
    assert qualified_codes("`Foo BAR` in code")[0] == frozenset()  # a quoted example


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "Is my Spousal IRA taxed on withdrawal?",
            "Is my IRA taxed on withdrawal?",
            ("spousal", "ira"),
        ),
        (
            "Does the Pixel X7 charge wirelessly?",
            "Does the X7 charge wirelessly?",
            ("pixel", "x7"),
        ),
        (
            "Can I move a HSA into a Roth IRA?",
            "Can I move a Limited HSA into a Roth IRA?",
            ("limited", "hsa"),
        ),
    ],
)
def test_a_variant_on_one_side_rejects(a: str, b: str, expected: tuple[str, str]) -> None:
    assert variant_named(a, b) == expected
    assert variant_named(b, a) == expected
    assert guard_entities(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is my Spousal IRA taxed?", "Is a Spousal IRA taxed?"),  # the same variant
        ("Is my Spousal IRA taxed?", "Is my Roth IRA taxed?"),  # both qualified: entities
        ("What is an HSA?", "Explain an HSA in simple terms"),  # no qualifier at all
        ("Is the X7 waterproof?", "Is the Pixel phone waterproof?"),  # no code in the other
    ],
)
def test_no_variant_passes(a: str, b: str) -> None:
    assert variant_named(a, b) is None
    assert variant_named(b, a) is None
