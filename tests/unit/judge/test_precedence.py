"""The direction guard reads which of two things comes first across a rewording: the
ordering word turned ("before" / "after", a preference against "before") while the two
things stay in place is refused; the converse and a moved clause pass."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction, guard_time
from nearcache.judge.precedence import order_turned, ordering


def _outcomes(a: str, b: str) -> tuple[str, str]:
    return guard_direction(a, b).outcome, guard_direction(b, a).outcome


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "If a Kafka consumer crashes before committing its offset, is the record read again?",
            "When a Kafka consumer dies after it has already committed the offset, does the "
            "broker hand the record out again?",
        ),
        (
            "Can my landlord raise the rent after I sign the lease?",
            "Before I have even signed a lease, can the landlord put the rent up?",
        ),
        (
            "Does pip read PIP_INDEX_URL from the environment before the pip.conf file?",
            "Does pip prefer the pip.conf file over the PIP_INDEX_URL environment variable?",
        ),
        (
            "Should a pilot get a weather briefing prior to filing the flight plan?",
            "After the flight plan is filed, should the pilot get a weather briefing?",
        ),
    ],
)
def test_two_things_ordered_the_other_way_are_refused(a: str, b: str) -> None:
    assert _outcomes(a, b) == ("reject", "reject")
    assert order_turned(a, b) is not None
    assert order_turned(b, a) is not None


def test_a_ranking_turned_against_an_order_is_refused() -> None:
    a = "Does the AWS CLI read the region from AWS_REGION before the config file?"
    turned = "With the AWS CLI, does the config file take precedence over the AWS_REGION variable?"
    kept = "With the AWS CLI, does the AWS_REGION variable take precedence over the config file?"
    assert _outcomes(a, turned) == ("reject", "reject")
    assert order_turned(a, kept) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the converse: the things exchanged with the word
        (
            "Did the Renaissance come before the Reformation?",
            "Did the Reformation happen after the Renaissance?",
        ),
        (
            "Can I drink coffee before a blood test?",
            "How long after coffee can I take a blood test?",
        ),
        # the clause moved with its word
        (
            "Can my landlord raise the rent after I sign the lease?",
            "After I have signed a lease, can the landlord put the rent up?",
        ),
        (
            "Does pip read PIP_INDEX_URL from the environment before the pip.conf file?",
            "Does pip prefer the PIP_INDEX_URL environment variable over the pip.conf file?",
        ),
        # a word on both sides pairs either way: no reading from it
        (
            "If I invest $1,000 at 5% a year, how much will I have after 10 years?",
            "After 10 years, if I invest $1,000 at 5% a yr, how much will I have?",
        ),
    ],
)
def test_the_same_order_passes(a: str, b: str) -> None:
    assert order_turned(a, b) is None
    assert order_turned(b, a) is None


@pytest.mark.parametrize(
    "text",
    [
        "Should I stretch before or after a run?",  # two ordering words
        "set up the wait first or after clicking the button",  # offered as an alternative
        "What did I do the day before?",  # nothing after the word
        "Is it cheaper to fly than to take the train?",  # no ordering word
    ],
)
def test_no_ordering_is_read(text: str) -> None:
    assert ordering(text) is None


def test_an_ordering_reads_the_clause_and_the_governed_event() -> None:
    found = ordering("How long after eating can I swim?")
    assert found is not None and found.word == "after"
    assert len(found.first) == 1  # "eating": the question resumes at "can I"


def test_two_word_ordering_words() -> None:
    a = "Does the home inspection happen ahead of the appraisal?"
    assert order_turned(a, "Is the appraisal done later than the home inspection?") is None
    assert order_turned(a, "Is the appraisal scheduled earlier than the home inspection?")
    assert ordering("Is the appraisal done earlier?") is None  # "earlier" needs "than"


def test_while_against_after_is_the_time_guards() -> None:
    a = "Should I wear a mask while sanding the old paint off the door?"
    later = "After I have finished sanding the old paint off the door, do I still need a mask on?"
    assert order_turned(a, later) is None and order_turned(later, a) is None
    assert guard_time(a, later).outcome == guard_time(later, a).outcome == "reject"
    # "before the end" says "during" from its end: not read
    assert (
        order_turned(
            "Can a landlord raise the rent during a fixed-term lease?",
            "is my landlord allowed to increase rent before my lease term ends",
        )
        is None
    )
