"""What excuses an exchange, and who acts: a likeness word that only picks out a noun
("the equivalent dose of") names no symmetric relation; a distance word counts as
written ("fare" is no "far"); the speaker acting at a verb in one text and another person
in the other changed hands; code items with symbols inside them ("B2:B, A2:A") and a
command's neighbouring operands ("`mv x.log y.log`") keep their order; a path after
"from" is a source; two names swapped at every mention are swapped with a word of one
text aside; a comparison worded at any length ("easier to pick up than") turned round
with opposite words is the same question (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms, guard_direction
from nearcache.judge.agents import case_moved
from nearcache.judge.types import NEUTRAL, REJECT

#: Roles exchanged; each was excused (or not read) before these rules.
OTHER_ROLES = [
    # a likeness word after an article that only picks out a noun
    (
        "How do I convert a dose of morphine to the equivalent dose of oxycodone?",
        "How do I convert a dose of oxycodone to the equivalent dose of morphine?",
    ),
    (
        "In Terraform, does a variable in terraform.tfvars override the same value set with -var?",
        "In Terraform, does a value set with -var override the same variable in terraform.tfvars?",
    ),
    (
        "In Sheets, how do I find a name in column D and return the matching entry from column F?",
        "In Sheets, how do I find a name in column F and return the matching entry from column D?",
    ),
    # "fare" read by stem as the distance word "far"
    (
        "Is the fare lower if I book with a railcard instead of a season ticket?",
        "Is the fare lower if I book with a season ticket instead of a railcard?",
    ),
    # the act changed hands: the speaker in one text, another person in the other
    (
        "Does the kennel keep the deposit if I cancel the booking?",
        "Does the kennel keep the deposit if they cancel the booking?",
    ),
    (
        "Who pays the vet if we end the contract early?",
        "Who pays the vet if she ends the contract early?",
    ),
    (
        "Someone moved money out of my savings by mistake. Can my bank reverse it?",
        "I moved money out of my savings by mistake. Can my bank reverse it?",
    ),
    # a noun acting through a modal ("has to") where the speaker acted
    (
        "I left in March. Do I have to pay my landlord back for the rent I paid late?",
        "I left in March. Does my landlord have to pay back my deposit?",
    ),
    # a noun subject of a wh-question where the speaker acted
    (
        "The courier lost our parcel last week. How do we claim the refund from the courier?",
        "The courier lost our parcel last week. How does the courier claim the fee from us?",
    ),
    # items of a formula with symbols inside them
    (
        'In Sheets, does =SUMIF(C2:C, D2:D="paid") add up column C?',
        'In Sheets, does =SUMIF(D2:D, C2:C="paid") add up column C?',
    ),
    # a letter that owns something or ends a clause names a thing, not an article
    (
        "In lodash, does `_.defaults(a, b)` fill a's missing keys from b?",
        "In lodash, does `_.defaults(a, b)` fill b's missing keys from a?",
    ),
    # a path after "from" / "into" is a source / destination
    (
        "How do I rsync everything from /data/photos into /mnt/backup?",
        "How do I rsync everything from /mnt/backup back into /data/photos?",
    ),
    # two names swapped at every mention, a word of one text aside
    (
        "Does a primary node resync its replica when the replica lags?",
        "Does a replica resync its primary when the primary lags?",
    ),
    # a command's neighbouring operands
    (
        "Does `ln -s notes.md readme.md` create readme.md as the link?",
        "Does `ln -s readme.md notes.md` create readme.md as the link?",
    ),
]

#: Exchanges a symmetric word still excuses: the likeness is the relation itself.
SYMMETRIC = [
    (
        "Does arabica come from the same plant as robusta?",
        "Does robusta come from the same plant as arabica?",
    ),
    ("Is a kilobyte the same as a kibibyte?", "Is a kibibyte the same as a kilobyte?"),
    ("How far is Leeds from York by road?", "How far is York from Leeds by road?"),
    ("How close is Venus to Mars?", "How close is Mars to Venus?"),
]


@pytest.mark.parametrize(("a", "b"), OTHER_ROLES)
def test_roles_changed(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


@pytest.mark.parametrize(("a", "b"), SYMMETRIC)
def test_symmetric_relation_still_excuses(a: str, b: str) -> None:
    found = guard_direction(a, b)
    assert found.outcome == NEUTRAL
    assert "symmetric" in found.detail


#: The same comparison from its other end, worded at some length.
CONVERSES = [
    (
        "for a beginner, is the cello easier to get a decent sound from than the violin",
        "Is the violin harder to get a decent sound from than the cello for beginners?",
    ),
    (
        "At the same temperature, does a 2 mm wire carry a lower current than a 4 mm wire?",
        "Does a 4 mm wire carry a higher current than a 2 mm wire at the same temperature?",
    ),
]


@pytest.mark.parametrize(("a", "b"), CONVERSES)
def test_comparison_turned_round_at_length(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert guard_direction(x, y).outcome == NEUTRAL
        assert guard_antonyms(x, y).outcome == NEUTRAL


#: Roles kept: the same alternatives in another order (a word of one text aside), a
#: command's flags in any order.
KEPT = [
    (
        "Does load_config call read_env, or does read_env call load_config?",
        "Does helper read_env call load_config, or does load_config call read_env?",
    ),
    ("What does `ls -l -a` show for hidden files?", "What does `ls -a -l` show for hidden files?"),
]


@pytest.mark.parametrize(("a", "b"), KEPT)
def test_roles_kept(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_speaker_who_also_acts_keeps_the_part() -> None:
    """The speaker acts in both texts: "they" paid for the course in one, which the other
    does not say; no act changed hands."""
    a = "if i quit will i have to repay my employer for the course they paid for"
    b = "Do I have to pay my employer back for the course if I quit?"
    assert case_moved(a, b) is None
    assert case_moved(b, a) is None
