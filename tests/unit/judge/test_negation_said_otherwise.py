"""guard_negation: negations said otherwise -- a reworded question that names nothing it
negates, a cue split in two words, "or no" closing a question, "what X does that Y
doesn't" against a comparison -- do not reject; the shapes around them still do."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can you freeze bagels without them going stale?",
            "does putting bagels in the freezer keep them from getting hard",
        ),
        ("vim: leave and throw away my changes", "How do I quit vim without saving the file?"),
        (
            "What's a gentle Spanish way to turn down a second helping?",
            "How do you decline more food in Spanish without sounding rude?",
        ),
        ("Which vaccines are not core for cats?", "optional jabs for a kitten in Ireland"),
        (
            "Can the prosecution appeal if the jury finds me not guilty?",
            "after an acquittal, may the state challenge the verdict",
        ),
    ],
)
def test_a_reworded_question_naming_nothing_negated_is_left_alone(a: str, b: str) -> None:
    res = guard_negation(a, b)
    assert res.outcome == "neutral"
    assert "said in words" in res.detail
    assert guard_negation(b, a).outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the cue is added: the other text keeps the wording
        ("How do I exit vim?", "How do I exit vim without saving?"),
        ("Can I freeze leftover risotto?", "Can I eat leftover risotto without reheating it?"),
        ("which fish can share a tank with a betta", "Which fish should not be kept with a betta?"),
        # the plain text names what is negated, or says "with"
        ("Which cheeses use animal rennet?", "Which cheeses are made without animal rennet?"),
        ("Can I return a gift with a gift receipt?", "Can I return a gift without a receipt?"),
        (
            "powering an ESP32 from 9V through a regulator, ok",
            "Can I power an ESP32 from a 9 volt battery without a regulator?",
        ),
        ("list plants toxic to cats", "Which plants are not toxic to cats?"),
    ],
)
def test_an_added_or_named_negation_still_rejects(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


def test_a_cue_split_in_two_words_is_a_typo() -> None:
    a = "can a lodger keep a cat with out the owners written ok"
    b = "Can a lodger keep a cat without the owner's written consent?"
    assert guard_negation(a, b).outcome != "reject"
    assert guard_negation(b, a).outcome != "reject"
    # only against the cue itself: "with" and "without" still differ
    assert guard_negation("keep a cat with the owner's ok", b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # "or no" closing a yes/no question, like "or not"
        (
            "bp 150/95 at home, ER or no?",
            "My blood pressure is 150/95 at home. Should I go to the ER?",
        ),
        # "what does X do that Y doesn't" against a text comparing X and Y
        (
            "how is npm ci different from npm install",
            "what does npm ci do that npm install doesn't",
        ),
        ("pandas: loc vs iloc", "In pandas, what does loc do that iloc does not?"),
    ],
)
def test_an_answer_choice_or_an_elided_comparison_is_no_negation(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject"
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # no comparison on the plain side
        (
            "which git branch contains a commit",
            "which commits does a branch have that main does not?",
        ),
        # "no" inside the question, or a cue that does not close its clause
        ("should I go to the ER", "should I go to the ER or no doctor at all?"),
        ("how is npm ci different from npm install", "why doesn't npm ci update the lock file?"),
    ],
)
def test_other_closing_cues_still_reject(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "how do I stop new deck boards from warping in rain",
            "why did my new deck boards warp even though there was no rain",
        ),
        (
            "what makes a sourdough fail to rise in a warm kitchen",
            "why did my sourdough rise although the kitchen was not warm",
        ),
    ],
)
def test_a_negative_word_negating_another_thing_says_no_negation(a: str, b: str) -> None:
    # the plain text states, away from its negative word, what the other text negates
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Why did my C program fail to compile?", "Why didn't my C program compile?"),
        (
            "my script copies the whole log into memory -- how do I avoid that",
            "read a big log in Python without copying it into memory",
        ),
    ],
)
def test_a_negative_word_near_or_pointing_to_the_negated_word_still_says_it(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "neutral"
    assert "said in words" in guard_negation(a, b).detail


def test_a_not_hyphen_word_is_a_cue() -> None:
    plain = "Does a for-profit clinic pay corporation tax?"
    negated = "Does a not-for-profit clinic pay corporation tax?"
    assert guard_negation(plain, negated).outcome == "reject"
    both = "If I file a claim for a not-at-fault accident, will my premium go up?"
    assert (
        guard_negation(both, "Will my premium go up after a not-at-fault claim?").outcome == "pass"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "she never missed a shift in two years, can I still dismiss her",
            "she keeps skipping shifts, can I dismiss her",
        ),
        (
            "my dad has never skipped a dose of his statins, is a liver test still needed",
            "my dad keeps forgetting his statins, is a liver test needed",
        ),
    ],
)
def test_a_double_negative_against_one_negative_word_rejects(a: str, b: str) -> None:
    # "never missed" says the positive; "skipping" says the negative
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how do I make sure I never forget my keys", "tips to stop forgetting my keys"),
        (
            "how can I make sure my sourdough never fails to rise",
            "how do I prevent a sourdough failing to rise",
        ),
    ],
)
def test_a_double_negative_against_a_doubled_negative_word_agrees(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "neutral"
    assert "said in words" in guard_negation(b, a).detail


def test_a_non_word_written_joined_in_another_form_is_no_cue() -> None:
    hyphened = "Can a non-resident open a bank account in Spain?"
    joined = "are nonresidents able to open a Spanish bank account"
    assert guard_negation(hyphened, joined).outcome != "reject"
    assert guard_negation(joined, hyphened).outcome != "reject"


@pytest.mark.parametrize(
    ("bounded", "said"),
    [
        (
            "Should I drink no more than three coffees a day?",
            "is three cups of coffee a day the maximum I should have",
        ),
        (
            "Does the lawn need watering not less than twice a week in July?",
            "in July, should the lawn be watered at least twice a week",
        ),
    ],
)
def test_no_more_than_is_at_most(bounded: str, said: str) -> None:
    assert guard_negation(bounded, said).outcome != "reject"
    assert guard_negation(said, bounded).outcome != "reject"
    unbounded = bounded.replace("no more", "more").replace("not less", "less")
    assert guard_negation(bounded, unbounded).outcome == "reject"


def test_before_says_without_in_a_question_of_extent() -> None:
    before = "how many miles can an electric scooter go before the battery runs out"
    without = "What range can an e-scooter cover without the battery running out?"
    assert guard_negation(before, without).outcome != "reject"
    assert guard_negation(without, before).outcome != "reject"
    # no extent asked: cancelling before paying is not cancelling without paying
    assert (
        guard_negation(
            "Can I cancel my gym membership without paying a fee?",
            "Can I cancel my gym membership before paying the fee?",
        ).outcome
        == "reject"
    )
