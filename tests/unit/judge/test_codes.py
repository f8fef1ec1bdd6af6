"""Numbers the other text names in words (codes.py), and numbers naming a kind, as the
numbers guard sees them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("my django view gives a 404 in production", "django view says Not Found in production"),
        ("api answers 429 after a few calls", "api says Too Many Requests after a few calls"),
        ("s3 upload fails with 403", "s3 upload fails with Forbidden"),
        ("container ended with exit code 137", "why was my container killed"),
        ("my binary exited with 139", "segmentation fault in my binary"),
        ("what is a four way stop", "what is an all-way stop"),
        ("explain the 3-way merge in git", "explain how git merges"),
        ("dividends after a 3-for-1 split", "dividends after a stock split"),
    ],
)
def test_a_number_the_other_text_names_is_no_extra_quantity(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject", guard_numbers(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("my django view gives a 404", "django view says Internal Server Error"),
        ("api keeps answering 429", "api keeps answering 503"),
        ("api returns 200 now", "api returns OK now"),  # "OK" is too common a word to read
        ("container ended with exit code 137", "container ended with exit code 143"),
        ("there are 137 killed processes", "there are killed processes"),  # no exit cue
        ("2-way data binding", "3-way data binding"),
        ("dividends after a 3-for-1 split", "dividends after a 2-for-1 split"),
        ("my 401(k) when I change jobs", "my HSA when I change jobs"),
    ],
)
def test_other_numbers_still_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject", guard_numbers(b, a)
