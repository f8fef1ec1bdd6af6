"""Terms that cross: two shared terms that change order are a change of roles unless
something general explains the reorder (a phrase moved with its marker, a break, a
symmetric frame, the asked phrase, a heading, a compound, a clause moved whole)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.crossing import crossed
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # three parties rotated through two clauses
        (
            "Does the referee warn the captain before the coach files a protest with the league?",
            "Does the captain warn the referee before the league files a protest with the coach?",
        ),
        # a rotation around "owe ... to X or to Y"
        (
            "Does the shipper owe demurrage to the carrier or to the port?",
            "Does the port owe demurrage to the shipper or to the carrier?",
        ),
        # the one who stands in and the one stood in for, a pronoun for one of them
        (
            "Does the apprentice get paid extra each time they stand in for the glassblower?",
            "Does the glassblower get paid extra each time the apprentice stands in for them?",
        ),
        # two prepositional phrases trading places around one verb
        (
            "Can a vet prescribe a drug bought in a pharmacy through the clinic portal?",
            "Can a vet prescribe a drug bought through the clinic portal to a pharmacy?",
        ),
        # two clauses around "but" trading verbs and objects while their adverbs stay
        (
            "I paid my tax on time but filed the return late, will I be fined?",
            "I filed my return on time but paid my tax late, will I be fined?",
        ),
        # two verbs with the same marker trading phrases ("car" said twice in each text)
        (
            "Can the car rental firm charge me if I returned my car on time but paid the car"
            " fee late?",
            "Can the car rental firm charge me if I paid my car fee on time but returned the"
            " car late?",
        ),
        # two calls of a code chain trading places (its dots are no break)
        (
            "In Rust, does `chars().rev().skip(2)` drop the last two characters?",
            "In Rust, does `chars().skip(2).rev()` drop the last two characters?",
        ),
        # a term that changed clause while "they" stands in for it on one side only: the
        # subject of the other text is someone else
        (
            "Can a second nurse sign the chart if they aren't listed on the rota?",
            "Can I sign the chart if the second nurse isn't listed on the rota?",
        ),
        # "and" joins the two terms in one text only: two clauses traded subjects
        (
            "I'm the tenant and my sister is a guarantor. If she defaults, whose credit score"
            " is affected?",
            "My sister is the tenant and I'm a guarantor. If I default, whose credit score is"
            " affected?",
        ),
        # two manners trading places around "while" and a pronoun both texts keep
        (
            "Can I lock a row exclusively while it is locked shared in Postgres?",
            "Can I lock a row shared while it is locked exclusively in Postgres?",
        ),
    ],
)
def test_unexplained_crossings_change_roles(a: str, b: str) -> None:
    assert crossed(a, b) is not None
    assert crossed(b, a) is not None  # whichever text is asked
    result = guard_direction(a, b)
    assert result.outcome == REJECT  # by crossing, or by a reader asked before it
    assert "roles changed" in result.detail


def test_the_finding_is_the_same_whichever_text_is_asked() -> None:
    found = crossed(
        "Does the shipper owe demurrage to the carrier or to the port?",
        "Does the port owe demurrage to the shipper or to the carrier?",
    )
    assert found == ("demurrage", "shipper")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a phrase moved with its preposition
        ("In Rust, how do I reverse a vector?", "How do I reverse a vector in Rust?"),
        (
            "how do I reverse a vector in Rust for a game",
            "for a game, in Rust how do I reverse a vector",
        ),
        # the asked phrase fronted
        ("What year did the Suez Canal open?", "The Suez Canal opened in what year?"),
        # a clause moved whole; a pronoun standing in for the term that left its clause
        (
            "Should I sand the foot before I glaze the bowl?",
            "Before I glaze the bowl, should I sand the foot?",
        ),
        (
            "Before I glaze the bowl, should I sand its foot?",
            "Should I sand the foot of the bowl before I glaze it?",
        ),
        # a compound against a modifier
        ("Is the ferry from Oslo to Kiel on time?", "Is the Oslo to Kiel ferry on time?"),
        (
            "What is the dose of my insulin in the evening?",
            "What is my insulin dose in the evening?",
        ),
        # a heading
        ("Blender: how do I join two meshes?", "how do I join two meshes in Blender?"),
        ("blender join two meshes into one object", "join two meshes into one object in blender"),
        ("kiln firing cone 6 schedule", "schedule for a cone 6 kiln firing"),
        # a symmetric frame, a distance
        (
            "Does the buyer or the seller pay the survey fee?",
            "Does the seller or the buyer pay the survey fee?",
        ),
        ("How far is Porto from Braga?", "How far is Braga from Porto?"),
        # "but" joins the two terms in both texts ("no" a determiner)
        (
            "Should I stay home if I have a sore throat but no fever?",
            "If I have no fever but a sore throat, should I stay home?",
        ),
        # a term and the pronoun for it traded clauses
        (
            "what does the oil light mean when it's blinking",
            "what does it mean when the oil light is blinking",
        ),
        # alternatives trade places whatever they hold
        (
            "Does the notice period start on the day the letter is posted or the day it is"
            " delivered?",
            "Does the notice period start on the day the letter is delivered or the day it is"
            " posted?",
        ),
        (
            "Should I rinse the brush before or after I wash it?",
            "Should I wash the brush before or after I rinse it?",
        ),
        # another voice on one side
        (
            "Was the Rosetta Stone found by French soldiers?",
            "Did French soldiers find the Rosetta Stone?",
        ),
        ("Was Haydn a teacher of Beethoven?", "Did Beethoven teach Haydn?"),
    ],
)
def test_explained_reorders_are_not_crossings(a: str, b: str) -> None:
    assert crossed(a, b) is None
    assert crossed(b, a) is None


def test_a_subject_and_an_object_trading_bare_places_cross() -> None:
    # no exchange frame (the verb changed tense and "really" sits on one side only)
    a = "Did the goalkeeper really push the striker in the box?"
    b = "Did the striker push the goalkeeper in the box?"
    assert crossed(a, b) is not None


def test_texts_worded_otherwise_are_not_read() -> None:
    a = "Does the shipper owe demurrage to the carrier or to the port?"
    b = "Does the port owe demurrage to the shipper or to the carrier?"
    assert crossed(a, b) is not None
    # the same crossing among many words of one text only: a paraphrase is not read
    reworded = (
        "Legally speaking for container cargo stuck in Rotterdam does the port owe "
        "demurrage to the shipper or to the carrier?"
    )
    assert crossed(a, reworded) is None
    # a dash sets a heading apart: where it ends is not read
    assert (
        crossed("glaze recipes - which cone for celadon", "which cone for celadon glaze recipes")
        is None
    )


def test_an_exchange_of_order_is_left_to_the_order_guard() -> None:
    a, b = "Did Porto beat Benfica in the cup final?", "Did Benfica beat Porto in the cup final?"
    assert crossed(a, b) is None
    result = guard_direction(a, b)
    assert result.outcome == REJECT
    assert "exchanged" in result.detail
