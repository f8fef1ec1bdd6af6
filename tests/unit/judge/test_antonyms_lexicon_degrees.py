"""guard_antonyms: opposites of degree and course (mild/severe, acute/chronic,
benign/malignant, tight/loose, loud/quiet, surplus/deficit) reject; a text naming both
compares them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I treat mild eczema?", "How do I treat severe eczema?"),
        (
            "Is a hearing aid enough for profound hearing loss?",
            "Is a hearing aid enough for mild hearing loss?",
        ),
        ("Is this cough acute?", "Is this cough chronic?"),
        ("Is the tumour benign?", "Is the tumour malignant?"),
        ("Is my fan belt too tight?", "Is my fan belt too loose?"),
        ("Why is my fridge so loud at night?", "Why is my fridge so quiet at night?"),
        ("What happens to a budget surplus?", "What happens to a budget deficit?"),
    ],
)
def test_opposites_of_degree_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"


def test_a_text_naming_both_compares_them() -> None:
    a = "What is the difference between acute and chronic pain?"
    b = "How is chronic pain different from acute pain?"
    assert guard_antonyms(a, b).outcome != "reject"
