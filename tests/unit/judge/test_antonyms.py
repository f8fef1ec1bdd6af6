"""guard_antonyms: an opposite substituted on one side rejects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache.judge import guard_antonyms, guard_direction
from nearcache.judge.lexicon import lexicon
from nearcache.judge.vocab import hyphen_forms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sort a list in ascending order", "sort a list in descending order"),
        ("how to enable dark mode", "how to disable dark mode"),
        ("How do I increase the heap size?", "How do I decrease the heap size?"),
        ("what is the longest river", "what is the shortest river"),
        ("encrypt a file with gpg", "decrypting a file with gpg"),
        ("import a CSV into postgres", "export a CSV from postgres"),
        ("upload to s3", "download from s3"),
        ("how to install numpy", "how to uninstall numpy"),
        ("how do I turn on wifi", "how do I turn off wifi"),
        ("how do I log in", "how do I log out"),
        ("max of a list", "min of a list"),
        ("before the meeting", "after the meeting"),
        # A stage of life: the young against the grown.
        ("How much should a kitten eat per day?", "How much should an adult cat eat per day?"),
        ("What is a normal heart rate for a toddler?", "What is a normal heart rate for a senior?"),
        # A measure counted whole against the part left after a deduction.
        ("What is my gross salary per month?", "What is my net salary per month?"),
        (
            "How much total storage does a 1TB SSD have?",
            "How much usable storage does a 1TB SSD have?",
        ),
        (
            "How much RAM is available on a laptop with 16GB?",
            "How much RAM in total on a laptop with 16GB?",
        ),
    ],
)
def test_opposites_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ascending or descending?", "descending or ascending?"),  # both sides hold both
        ("How do I delete a file?", "How do I remove a file?"),
        ("increase the font size", "increasing the font size"),
        ("turn on wifi", "switch wifi on"),
    ],
)
def test_no_opposition_passes(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome != "reject"


def test_lexicon_is_symmetric_and_stemmed() -> None:
    lex = lexicon()
    assert lex.opposite("increas", "decreas") and lex.opposite("decreas", "increas")
    assert not lex.opposite("increas", "increas")
    assert lex.synonyms("remov", "delet")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is the square root of 2 rational?", "Is the square root of 2 irrational?"),
        ("What is overfitting?", "What is underfitting?"),
        ("Set a variable permanently", "Set a variable temporarily"),
        ("JavaScript: format a date", "JavaScript: parse a date"),
        ("Is the gym open on weekdays?", "Is the gym open on weekends?"),
    ],
)
def test_prefixes_and_added_opposites_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject", guard_antonyms(a, b)
    assert guard_antonyms(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # The base negated right before it says what the un- word says.
        (
            "How do I list unpaid invoices?",
            "How do I list invoices that have not been paid?",
            False,
        ),
        ("Can I return an unopened blender?", "Can I return a blender I haven't opened?", False),
        ("Can I ship untreated timber?", "Can I ship timber that is not kiln-treated?", False),
        # Not negated, or negated elsewhere: still opposites.
        ("How do I merge two unsorted lists?", "How do I merge two sorted lists?", True),
        ("Is an unlocked bike covered?", "Is a locked bike not covered?", True),
    ],
)
def test_an_un_word_against_its_negated_base(a: str, b: str, rejects: bool) -> None:
    assert (guard_antonyms(a, b).outcome == "reject") is rejects, guard_antonyms(a, b)
    assert (guard_antonyms(b, a).outcome == "reject") is rejects


def test_a_text_naming_both_poles_compares_them() -> None:
    a = "Does heat flow from hot objects to cold ones?"
    b = "does thermal energy move from the warmer body to the cooler one"
    assert guard_antonyms(a, b).outcome != "reject"
    assert (
        guard_antonyms("Is it cheaper to run it?", "does it cost less to run").outcome != "reject"
    )


_RELATION_WORDS = st.sampled_from(
    (  # noqa: SIM905
        "landlord tenant parent child buyer seller ascending descending enable disable the "
        "of sue from to"
    ).split()
)


@settings(max_examples=400, deadline=None)
@given(
    a=st.lists(_RELATION_WORDS, min_size=1, max_size=8).map(" ".join),
    b=st.lists(_RELATION_WORDS, min_size=1, max_size=8).map(" ".join),
)
def test_the_verdict_does_not_depend_on_which_text_is_asked(a: str, b: str) -> None:
    # Several opposite pairs, some listed converses (landlord/tenant) and some not
    # (ascending/descending), and terms repeated on one side only: every pair is read
    # and the converse test reads the order both ways.
    assert (guard_antonyms(a, b).outcome == "reject") == (guard_antonyms(b, a).outcome == "reject")


def test_a_plain_opposite_beside_a_turned_converse_still_rejects() -> None:
    a = "Can the landlord sue the tenant for sorting ascending?"
    b = "Can the tenant sue the landlord for sorting descending?"
    assert guard_antonyms(a, b).outcome == guard_antonyms(b, a).outcome == "reject"
    assert "ascending" in guard_antonyms(a, b).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "in SQL, does a left join keep all rows from the right table",
            "in SQL, does a left join keep all rows from the left table",
        ),
        (
            "heat pump COP rises when outdoor temperature falls, why",
            "heat pump COP drops when outdoor temperature falls, why",
        ),
    ],
)
def test_one_mention_turned_into_its_opposite_rejects(a: str, b: str) -> None:
    # both poles named in one text: the plain rule stays quiet, the counts do not
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Should I raise or lower the price?", "Should I lower or raise the price?"),
        (
            "forgot last night's amoxicillin (3x daily, 10 day course), what should I do",
            "My prescription for amoxicillin says 3 times a day for 10 days. I missed "
            "yesterday's evening dose, what now?",
        ),
    ],
)
def test_poles_counted_alike_or_in_texts_worded_apart_pass(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome != "reject"
    assert guard_antonyms(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # a clause moved with its subordinating word: the poles keep their clauses
        (
            "If the landlord refuses to fix the heating, can a tenant withhold rent?",
            "Can a tenant withhold rent if the landlord refuses to fix the heating?",
            False,
        ),
        (
            "When the parent is at work, can the child stay home alone?",
            "Can the child stay home alone when the parent is at work?",
            False,
        ),
        # the condition and the question traded: another question
        (
            "If the employer cuts pay, can the employee quit?",
            "If the employee quits, can the employer cut pay?",
            True,
        ),
        (
            "Does the US import more from China than it exports?",
            "Does the US export more to China than it imports?",
            True,
        ),
    ],
)
def test_poles_in_the_other_order_because_a_clause_moved(a: str, b: str, rejects: bool) -> None:
    assert (guard_antonyms(a, b).outcome == "reject") == rejects, guard_antonyms(a, b)
    assert (guard_antonyms(b, a).outcome == "reject") == rejects


def test_a_comparison_turned_round_with_the_pivot_between_is_a_converse() -> None:
    # the pivot is "households", "than" stands between the terms in both texts
    a = "Does a carbon tax hit high-income households less hard than low-income ones?"
    b = "Does a carbon tax hit low-income households harder than high-income ones?"
    assert guard_antonyms(a, b).outcome == "neutral"
    assert guard_direction(a, b).outcome == "neutral"
    # the same comparative with the terms turned round: another question
    c = "Does a carbon tax hit low-income households less hard than high-income ones?"
    assert guard_direction(a, c).outcome == "reject"
    # the opposites are the terms compared themselves, not the comparison's words
    d = "Do children inherit more DNA from their father than from their mother?"
    e = "Do children inherit more DNA from their mother than from their father?"
    assert guard_antonyms(d, e).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "why is my handset so sluggish to top up at night",
            "Why does my mobile take ages to charge during the day?",
        ),
        (
            "does sourdough keep OK in a warm pantry",
            "Can I store a loaf of sourdough somewhere that isn't cold?",
        ),
    ],
)
def test_opposites_in_a_reworded_question_are_left_to_the_verifier(a: str, b: str) -> None:
    res = guard_antonyms(a, b)
    assert res.outcome == "neutral" and "reworded" in res.detail
    assert guard_antonyms(b, a).outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the wording kept: the opposite is the change
        (
            "Why does my phone charge slowly at night?",
            "Why does my phone charge slowly during the day?",
        ),
        # worded apart, but the opposites stand before the same word
        (
            "How long before a flu jab should I stop taking my inhaler?",
            "How long after a flu jab can I expect my arm to ache?",
        ),
        # too few content words to call it reworded
        ("What is 9 multiplied by 3?", "What is 9 divided by 3?"),
    ],
)
def test_opposites_kept_in_place_still_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a particle pair on one verb
        (
            "whenever the dishwasher runs, the breaker trips: how can I stop the circuit "
            "from cutting out",
            "kitchen appliance wiring question -- why would a fuse box cut in again by itself",
        ),
        # "less X" / "more X"
        (
            "which snacks are less salty for a toddler's lunchbox",
            "kid lunch ideas: saltier crisps or pretzels",
        ),
        # the opposites are parts of hyphenated words before the same word
        (
            "left-handed scissors for my kid: which brand",
            "what right-handed cutting tools suit young children best",
        ),
    ],
)
def test_opposites_about_one_word_in_a_reworded_question_still_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"


def test_a_hyphenated_word_written_joined_is_no_opposite() -> None:
    a = "are there any non-stop trains from Paris to Milan"
    b = "Is there a nonstop train between Paris and Milan?"
    assert guard_antonyms(a, b).outcome == "neutral"
    assert guard_antonyms(b, a).outcome == "neutral"


def test_quantifiers_in_a_reworded_question_are_left_to_the_verifier() -> None:
    a = "rust: spawn a bunch of threads and carry on once all of them have finished"
    b = "Rust: how do I wait for several threads to end?"
    assert guard_antonyms(a, b).outcome == "neutral"
    assert (
        guard_antonyms("Are all mammals warm-blooded?", "Are some mammals warm-blooded?").outcome
        == "reject"
    )


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("non-stop", (("non", "stop"), "nonstop")),
        ("heat-treated", (("heat", "treated"), "heattreated")),
        ("nonstop", (("nonstop",), "nonstop")),
        ("--no-cache", (("no", "cache"), "nocache")),
    ],
)
def test_hyphen_forms_are_the_parts_and_the_joined_word(
    word: str, forms: tuple[tuple[str, ...], str]
) -> None:
    assert hyphen_forms(word) == forms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Why does my violin sound flat in a cold room?",
            "Why does my violin sound sharp in a cold room?",
        ),
        ("Is a dull pain in my knee serious?", "Is a sharp pain in my knee serious?"),
        ("Does high sensitivity rule a disease out?", "Does high specificity rule a disease out?"),
        (
            "If the concert is cancelled, is the fee refunded?",
            "If the concert is postponed, is the fee refunded?",
        ),
        ("Can I claim if my flight was delayed?", "Can I claim if my flight was cancelled?"),
    ],
)
def test_pitch_pain_test_and_event_opposites_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"
