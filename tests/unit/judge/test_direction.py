"""guard_direction: terms exchanged around a pivot reject; moved phrases pass."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I convert Fahrenheit to Celsius?", "How do I convert Celsius to Fahrenheit?"),
        ("Did Brazil beat Germany in 2014?", "Did Germany beat Brazil in 2014?"),
        ("Is X a subset of Y?", "Is Y a subset of X?"),
        ("flights from New York to Los Angeles", "flights from Los Angeles to New York"),
        ("Is Rust faster than Go?", "Is Go faster than Rust?"),
        ("nginx redirect http to https", "nginx redirect https to http"),
        ("how many cups in a quart", "how many quarts in a cup"),
        ("Is pH 3 more acidic than pH 5?", "Is pH 5 more acidic than pH 3?"),
        ("Does my company owe me money?", "Do I owe my company money?"),
        (
            "Do I need a visa to travel from the US to Japan?",
            "Do I need a visa to travel from Japan to the US?",
        ),
    ],
)
def test_swaps_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("In Python, how do I reverse a list?", "How do I reverse a list in Python?"),
        ("difference between TCP and UDP", "difference between UDP and TCP"),
        ("python vs java speed", "java vs python speed"),
        ("convert to F from C", "convert from C to F"),
        ("If I am on Windows, how do I install pip?", "How do I install pip if I am on Windows?"),
        ("What port does SSH use by default?", "default ssh port number?"),
        ("Did A beat B or did B beat A?", "Did B beat A or did A beat B?"),
        (
            "difference between a hurricane watch and a hurricane warning",
            "difference between a hurricane warning and a hurricane watch",
        ),
    ],
)
def test_moves_and_symmetric_pass(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How long is the bus from Turin to Milan?", "How long is the bus from Milan to Turin?"),
        (
            "how long to walk from the Louvre to Notre Dame",
            "how long to walk from Notre Dame to the Louvre",
        ),
        (
            "How many hours is the train ride Madrid to Seville",
            "How many hours is the train ride Seville to Madrid",
        ),
        ("cycling time from Ghent to Bruges", "cycling time from Bruges to Ghent"),
    ],
)
def test_trip_durations_by_road_rail_or_sea_are_symmetric(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "How long is the flight from Lima to Miami?",
            "How long is the flight from Miami to Lima?",
        ),
        (
            "How much is the train from Turin to Milan?",
            "How much is the train from Milan to Turin?",
        ),
        (
            "What time is the last bus from Turin to Milan?",
            "What time is the last bus from Milan to Turin?",
        ),
        (
            "How long does shipping from Chile to Peru take?",
            "How long does shipping from Peru to Chile take?",
        ),
        (
            "Can I drive from Mexico to Belize with a rental car?",
            "Can I drive from Belize to Mexico with a rental car?",
        ),
    ],
)
def test_other_trips_keep_their_direction(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        (
            "What does the Italian word burro mean in English?",
            "translate burro from English to Italian",
            True,
        ),
        ("How do I say cheers in Polish?", "translate cheers from Polish to English", True),
        ("What is the Dutch word for apple?", "translate apple from English to Dutch", False),
        (
            "What does the Italian word burro mean in English?",
            "translate burro from Italian to English",
            False,
        ),
        ("How do I say cheers in Polish?", "how to say cheers in polish", False),
    ],
)
def test_languages_translated_from_and_into(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects
    assert (guard_direction(b, a).outcome == "reject") is rejects


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # The first word after "from" modifies the noun the other text names alone.
        (
            "How do I download a photo from an Android phone to my PC?",
            "adb push ./img.png /sdcard/ - is that how I move a photo onto a phone?",
            True,
        ),
        (
            "copy a folder from a remote Linux server to my Mac",
            "rsync backup.tar user@host:/srv - how do I copy a folder onto a server?",
            True,
        ),
        # The modifier itself is named on both sides: it stays the endpoint.
        (
            "move a widget from a sidebar panel up to a header panel",
            "How do I drag a widget from the sidebar panel to the header?",
            False,
        ),
        # The same ends in the same roles, the other words in a command beside them.
        (
            "adb pull /sdcard/img.png . - is that how I copy a photo from a phone?",
            "How do I copy a photo from an Android phone to my PC?",
            False,
        ),
    ],
)
def test_an_endpoint_is_the_noun_its_modifier_belongs_to(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects
    assert (guard_direction(b, a).outcome == "reject") is rejects


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "How do I sync my phone to my tablet and drop photos the tablet lacks?",
            "How do I sync my tablet to my phone and drop photos my phone lacks?",
        ),
    ],
)
def test_the_thing_moved_before_to_is_a_source(a: str, b: str) -> None:
    """ "<verb> my X to Y": X is where the move starts (cases from no split)."""
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


def test_the_thing_moved_needs_an_article_or_possessive() -> None:
    from nearcache.judge.direction import endpoints

    src, dst = endpoints("sync my phone to my tablet")
    assert src and dst
    assert endpoints("how to get to work")[0] == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # "out of X" is where a move starts, like "from X"
        (
            "How do I copy a log out of a Podman container?",
            "How do I copy a log into a Podman container?",
            True,
        ),
        (
            "Can I ship lithium batteries out of Canada?",
            "Can I ship lithium batteries to Canada?",
            True,
        ),
        (
            "moving funds out of my HSA into my checking account",
            "Move money from my HSA to checking",
            False,
        ),
        # running short is no move
        ("Why does my phone run out of storage?", "How do I add storage to my phone?", False),
    ],
)
def test_out_of_is_a_source(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects
    assert (guard_direction(b, a).outcome == "reject") is rejects
