"""Relations named by other words (frames), quantifiers, persons and percent questions:
the guards reject the role or scope changes and keep the same question in other words."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms, guard_direction, guard_entities, guard_numbers
from nearcache.judge.frames import frame_change, frames
from nearcache.judge.numbers import asks_percent
from nearcache.judge.quantifiers import quantifier_change, quantifiers
from nearcache.judge.relations import gender_changed, person_swapped, persons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is numpy a dependency of pandas?", "Does numpy depend on pandas?"),
        (
            "Does the billing service depend on the user service?",
            "Is the billing service a dependency of the user service?",
        ),
        ("Does class Cat inherit from class Pet?", "Is Cat the parent class of Pet?"),
        ("Does class Cat inherit from class Pet?", "Is Pet a subclass of Cat?"),
        ("Does Maria report to Tom?", "Is Maria Tom's boss?"),
        ("Does Maria report to Tom?", "Is Maria the boss of Tom?"),
        ("Is Acme the owner of Widgetco?", "Does Widgetco own Acme?"),
        ("Is the bank a creditor of mine?", "Am I a creditor of the bank?"),
        ("Does Sara mentor Leo?", "Is Sara a student of Leo?"),
        ("Are all whales mammals?", "Is a mammal a kind of whale?"),
        ("Is every sedan a car?", "Are all cars sedans?"),
    ],
)
def test_relation_named_from_the_other_end_rejects(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"
    found = frame_change(a, b)
    assert found is not None and found[0] == "swapped"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is numpy a dependency of pandas?", "Does pandas depend on numpy?"),
        ("Does class Cat inherit from class Pet?", "Is Pet the base class of Cat?"),
        ("Does class Cat inherit from class Pet?", "Is Cat a subclass of Pet?"),
        ("Does Maria report to Tom?", "Is Tom Maria's boss?"),
        ("Does Sara mentor Leo?", "Is Leo a student of Sara?"),
        ("Are all whales mammals?", "Is a whale a type of mammal?"),
        ("Is every violin a string instrument?", "Is a violin a kind of string instrument?"),
    ],
)
def test_relation_with_its_ends_kept_is_not_rejected(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


def test_frames_reads_ends_and_possessives() -> None:
    assert frames("Does numpy depend on pandas?") == (("depend", (1,), (4,)),)
    # "Tom's boss" is "the boss of Tom": Tom (2) is the lower end, Maria (1) the upper
    assert frames("Is Maria Tom's boss?") == (("boss", (1,), (2,)),)
    assert frames("How do I reset my password?") == ()
    assert frame_change("How do I reset my password?", "Does numpy depend on pandas?") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Are all mammals warm-blooded?", "Are some mammals warm-blooded?"),
        ("Are all mammals warm-blooded?", "Are most mammals warm-blooded?"),
        ("Do all plans include support?", "Do any plans include support?"),
        ("Do few students pass the bar exam?", "Do most students pass the bar exam?"),
        ("Does the server always restart after an update?", "Does it sometimes restart?"),
        ("Do almost all cats hate water?", "Do all cats hate water?"),
        # "any" after a condition word quantifies
        (
            "In pandas, drop rows where any column is NaN",
            "In pandas, drop rows where every column is NaN",
        ),
        ("Fail the build if any test fails", "Fail the build if all tests fail"),
        # A set of two: "both" against "one of".
        ("Is the loan void if both parents sign?", "Is the loan void if one of the parents signs?"),
    ],
)
def test_quantifier_change_rejects(a: str, b: str) -> None:
    assert quantifier_change(a, b) is not None
    assert guard_antonyms(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Are all mammals warm-blooded?", "Is every mammal warm-blooded?"),
        ("Is it safe to run every day?", "can I run daily, never taking a day off"),
        ("Is there any way to undo a push?", "Can I always undo a push?"),
        ("What is the most common cause of a flat tire?", "What causes some flat tires?"),
        ("Are bonds safer than stocks?", "Are all bonds safer than stocks?"),
        # "nearly every" is most
        (
            "Why does Venus spin unlike nearly every planet?",
            "Why does Venus spin unlike most planets?",
        ),
        ("Do almost all cats hate water?", "Do most cats hate water?"),
        # "both X and Y" joins two names; "either" is not read.
        ("Can a function take either str or bytes?", "Can a function take both str and bytes?"),
    ],
)
def test_same_or_unread_quantifiers_pass(a: str, b: str) -> None:
    assert quantifier_change(a, b) is None


def test_quantifier_classes() -> None:
    assert quantifiers("Are a few of them broken?") == frozenset({"some"})
    assert quantifiers("at most 3 retries, not at all") == frozenset()
    assert quantifiers("Is there any way to undo it?") == frozenset()  # not after an auxiliary
    assert quantifiers("Are any of these broken?") == frozenset({"some"})


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I borrow your car?", "Can you borrow my car?"),
        ("Should I pay you back first?", "Should you pay me back first?"),
    ],
)
def test_i_and_you_trading_the_subject_rejects(a: str, b: str) -> None:
    assert person_swapped(a, b) is not None
    assert guard_direction(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I reset my password?", "How do you reset your password?"),
        ("In your opinion, should I learn Go?", "Should I learn Go, in your opinion?"),
        ("Can I borrow your car?", "Am I allowed to borrow your car?"),
    ],
)
def test_generic_you_and_kept_subjects_pass(a: str, b: str) -> None:
    assert person_swapped(a, b) is None


def test_persons_and_gender() -> None:
    assert persons("Can you lend me his bike?") == (
        frozenset({"1", "2", "3m"}),
        frozenset({"2"}),
    )
    assert gender_changed("Should I call his mother?", "Should I call her mother?") == (
        "he",
        "she",
    )
    assert guard_entities("Should I call his mother?", "Should I call her mother?").outcome == (
        "reject"
    )
    assert gender_changed("Did he or she sign it?", "Did she sign it?") is None
    assert gender_changed("Did he sign it?", "Did he sign it yesterday?") is None


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("What is 20% of 50?", "20 is what percent of 50?", "reject"),
        ("What is 12% of 300?", "what percentage of 300 is 12?", "reject"),
        ("What is 20% of 50?", "whats twenty percent of fifty", "pass"),
    ],
)
def test_percentage_against_amount(a: str, b: str, outcome: str) -> None:
    assert guard_numbers(a, b).outcome == outcome


def test_asks_percent_and_percent_of_is_symmetric() -> None:
    assert asks_percent("20 is what percent of 50?")
    assert asks_percent("As a percentage, how big is 20 of 50?")
    assert not asks_percent("What is 20% of 50?")
    assert guard_direction("What is 20% of 50?", "What is 50% of 20?").outcome != "reject"
    assert guard_direction("Convert 20 km to 50 mi?", "Convert 50 km to 20 mi?").outcome == (
        "reject"
    )


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (
            "Can I feed my puppy the same food as my cat?",
            "Can I feed my cat the same food as my puppy?",
            "reject",
        ),
        (
            "Should I treat a sprain the same as a fracture?",
            "Should I treat a fracture the same as a sprain?",
            "reject",
        ),
        (
            "Is a crocodile the same as an alligator?",
            "Is an alligator the same as a crocodile?",
            "neutral",
        ),
        (
            "Does butter taste the same as margarine?",
            "Does margarine taste the same as butter?",
            "neutral",
        ),
    ],
)
def test_likeness_is_symmetric_only_between_compared_terms(a: str, b: str, outcome: str) -> None:
    assert guard_direction(a, b).outcome == outcome
    assert guard_direction(b, a).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        (
            "Is stg_payments downstream of fct_orders?",
            "Does fct_orders depend on stg_payments?",
            True,
        ),
        (
            "Is stg_payments downstream of fct_orders?",
            "Does stg_payments depend on fct_orders?",
            False,
        ),
        (
            "Is the billing service upstream of the ledger?",
            "Does the billing service depend on the ledger?",
            True,
        ),
    ],
)
def test_downstream_and_upstream_name_the_dependency(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects
    assert (guard_direction(b, a).outcome == "reject") is rejects


def test_upstream_and_downstream_are_converses() -> None:
    a, b = "is billing upstream of the ledger", "is the ledger downstream of billing"
    assert guard_antonyms(a, b).outcome != "reject"
    assert guard_antonyms(a, "is billing downstream of the ledger").outcome == "reject"
