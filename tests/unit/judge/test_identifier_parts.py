"""Recall on code questions: a dotted or snake_case identifier meets the plain words it is
built of ("spec.selector" / "the selector"), in the alignment only; a camelCase class
name is not its parts ("StringBuilder" is no string), a capitalized word is a name, and
the word order readers do not take the identifier for a moved term."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_direction
from nearcache.judge.align import align
from nearcache.judge.shortenings import identifier_parts


@pytest.mark.parametrize(
    ("ident", "parts"),
    [
        ("x_train", {"train"}),
        ("spec.selector", {"spec", "selector"}),
        ("order_items.order_id", {"order", "item"}),
        ("context.WithCancel", {"context", "cancel"}),
        ("StringBuilder", set()),  # camelCase alone: a class name, not its words
        ("useEffect", set()),
        ("selector", set()),
        ("v1.2", set()),
    ],
)
def test_identifier_parts(ident: str, parts: set[str]) -> None:
    assert identifier_parts(ident) == frozenset(parts)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "hyperopt trials, read best_loss",
            "how do I read the best loss from hyperopt trials",
        ),
        (
            "python requests then r.status, how do I check it",
            "How do I check the status with python requests?",
        ),
        ("kubectl patch fails on spec.replicas", "kubectl patch fails on the replicas"),
    ],
)
def test_identifier_meets_its_words(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)
        assert any(how == "part" for _, _, how in al.pairs)


@pytest.mark.parametrize(
    ("a", "b", "left"),
    [
        (
            "In Kotlin, is StringBuilder thread-safe?",
            "In Kotlin, is string thread-safe?",
            "stringbuilder",
        ),
        (
            "is the Selector API in asyncio.selectors stable",
            "is the Selector API stable",
            "asyncio.selector",
        ),
    ],
)
def test_class_names_and_names_are_not_parts(a: str, b: str, left: str) -> None:
    al = align(a, b)
    assert left in al.only_a and not any(how == "part" for _, _, how in al.pairs)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "How do I cancel a running task from the outside in asyncio?",
            "asyncio stop a task early using task_group.cancel",
        ),
        (
            "js fetch then resp.status, how to read the code",
            "How do I get the HTTP status code from a fetch() response in JavaScript?",
        ),
    ],
)
def test_an_identifier_at_the_end_is_no_exchange(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


def test_an_identifier_swap_is_still_refused() -> None:
    j = DefaultJudge()
    v = j.judge(
        "python: does os.path.isfile follow symlinks",
        "python: does os.path.islink follow symlinks",
        0.97,
    )
    assert not v.accept
