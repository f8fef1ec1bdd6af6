"""One act at two stages (asked / planned / going on / done) is another question."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time
from nearcache.judge.stages import stage_changed, stages
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b", "act"),
    [
        (  # asked about / told done
            "Can I varnish a wooden floor while the underfloor heating is on?",
            "I varnished the floor two days ago; when can I switch the underfloor heating back on?",
            "varnish",
        ),
        (  # planned / done
            "Will my landlord return the deposit after I moved out?",
            "I will move out at the end of June, does the landlord hold the deposit until then?",
            "mov",
        ),
        (  # going on / done
            "Can I drive while being treated with strong painkillers?",
            "Can I drive once I have finished the strong painkillers?",
            "painkiller",
        ),
        (  # planned ("before I") / done
            "Can I open a bank account before I arrive in Canada?",
            "I arrived in Canada three days ago, how do I open a bank account?",
            "arriv",
        ),
        (  # going on / done: "stopped taking"
            "Is it safe to drink alcohol while still taking metronidazole?",
            "Is it safe to drink alcohol now that I have stopped taking metronidazole?",
            "metronidazol",
        ),
    ],
)
def test_one_act_at_two_stages_rejects(a: str, b: str, act: str) -> None:
    found = stage_changed(a, b)
    assert found is not None and found[0] == act
    assert guard_time(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the told act is asked about again: the same question
        (
            "I renewed my passport last year, can I renew it again early?",
            "Can I renew a passport a year after I renewed it?",
        ),
        # another act told done than the one asked about
        (
            "I bought a jacket online last week, can I return it?",
            "Can I return a jacket I bought online?",
        ),
        # an alternative: "before or after I ..."
        (
            "Should I label the boxes before or after I pack them?",
            "Should I pack the boxes before or after I label them?",
        ),
        # one question told from its two acts: asked against after is not read
        (
            "Should I wash the car before I wax it?",
            "Should I wax the car after I wash it?",
        ),
        # the same stage on both sides
        (
            "Can I swim while taking antibiotics?",
            "Is swimming ok during a course of antibiotics?",
        ),
        # a noun after "stopped" is no act a question asks
        (
            "How do I read a gas meter?",
            "How do I send a reading from a gas meter that stopped sending readings?",
        ),
        # a past without a time word is no told act
        ("Can I repaint a door?", "I painted a door, can I repaint it?"),
    ],
)
def test_no_conflicting_stage_passes(a: str, b: str) -> None:
    assert stage_changed(a, b) is None


def test_stages_of_one_text() -> None:
    read = stages("I said I would cancel in May; can they keep charging me until then?")
    assert read["cancel"] == {"planned"}
    assert stages("Can they charge me after I cancelled?")["cancel"] == {"after"}
    assert stages("We have already paid the deposit, can we move in?")["pay"] == {"done"}
    assert stages("I cancelled yesterday, can I rejoin?") == {
        "cancel": frozenset({"done"}),
        "rejoin": frozenset({"asked"}),
    }
