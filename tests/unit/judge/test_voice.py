"""voice.py: the speaker as doer, as the one it happens to, or as the owner of what is
acted on, at a verb both texts share (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.voice import (
    noun_voice_changed,
    noun_voices,
    owner_moved,
    speaker_acts,
    voice_changed,
)


def test_speaker_acts_reads_the_verb_after_i_or_we() -> None:
    assert speaker_acts("Yesterday I accidentally deleted the shared folder") == {"delet"}
    assert speaker_acts("We never renewed the lease") == {"renew"}
    assert speaker_acts("The folder was deleted") == frozenset()
    assert speaker_acts("the plugin I installed keeps crashing") == frozenset()  # relative


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "I suspended my gym membership, can they still bill me?",
            "My gym membership got suspended, can they still bill me?",
        ),
        (
            "We terminated the contractor early, is a notice period owed?",
            "The contractor was terminated early, is a notice period owed?",
        ),
        ("I got fired after the audit, what now?", "I fired him after the audit, what now?"),
    ],
)
def test_active_against_passive_rejects(a: str, b: str) -> None:
    assert voice_changed(a, b) is not None
    assert voice_changed(b, a) is not None
    assert guard_direction(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the speaker is the agent in both: "by me"
        ("I renamed the branch", "The branch was renamed by me"),
        # the speaker acts at the verb in both texts
        ("I was charged twice and I charged it back", "I charged it back"),
        # no passive of that verb on either side
        ("I deleted the folder by mistake", "I removed the folder by mistake"),
        # a misspelled participle after "was" is not the speaker acting
        ("i was bill twice for one lesson", "I was billed twice for one lesson"),
        # no speaker at all
        ("The order was shipped late", "They shipped the order late"),
    ],
)
def test_same_voice_or_nothing_to_compare(a: str, b: str) -> None:
    assert voice_changed(a, b) is None
    assert voice_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "If a delivery van scratches my fence, who pays for it?",
            "If I scratch a neighbour's fence with my van, who pays for it?",
        ),
        (
            "When a colleague reviews my pull request, can they merge it?",
            "When I review a colleague's pull request, can I merge it?",
        ),
    ],
)
def test_doer_against_owner_of_the_thing_acted_on_rejects(a: str, b: str) -> None:
    assert owner_moved(a, b) is not None
    assert owner_moved(b, a) is not None
    assert guard_direction(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the speaker acts on their own thing in both
        ("Can I repaint my rented flat?", "Am I allowed to repaint my rented flat?"),
        # the speaker owns the object in both, nobody acts
        ("Someone dented my bike", "A car dented my bike"),
        # the speaker acts, and also owns it on the other side
        ("I sold my old laptop", "My old laptop: I sold my old laptop, is that taxed?"),
    ],
)
def test_owner_unchanged_passes(a: str, b: str) -> None:
    assert owner_moved(a, b) is None
    assert owner_moved(b, a) is None


def test_noun_voices_reads_relatives_and_participles() -> None:
    assert ("player", "foul", True) in noun_voices("Can the player who was fouled take it?")
    assert ("player", "foul", False) in noun_voices("Can the player who fouled take it?")
    assert ("ship", "tow", True) in noun_voices("Does the ship being towed need a pilot?")
    assert ("ship", "tow", False) in noun_voices("Does the ship towing it need a pilot?")
    assert ("company", "acquir", True) in noun_voices("the company acquired by Google")
    assert noun_voices("How do I sort a list?") == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Must the aircraft that is being overtaken give way?",
            "Must the aircraft that is overtaking give way?",
        ),
        ("Is the driver who was rear-ended at fault?", "Is the driver who rear-ended at fault?"),
        ("Does the tenant being evicted keep the deposit?", "Does the tenant evicting keep it?"),
        ("Does the company that was bought keep its brand?", "Does the company that bought it?"),
    ],
)
def test_a_noun_done_to_in_one_text_and_doing_in_the_other_rejects(a: str, b: str) -> None:
    assert noun_voice_changed(a, b) is not None
    assert noun_voice_changed(b, a) is not None
    assert guard_direction(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can the player who was fouled take the kick?", "Can a fouled player take the kick?"),
        ("the ship being towed", "the ship that is being towed by a tug"),
        (
            "the car being overtaken or the car overtaking",
            "the car overtaking or the one overtaken",
        ),
        ("the company acquired by Google", "the company Google acquired"),
    ],
)
def test_the_same_voice_or_both_voices_pass(a: str, b: str) -> None:
    assert noun_voice_changed(a, b) is None
    assert noun_voice_changed(b, a) is None
