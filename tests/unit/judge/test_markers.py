"""Argument markers: a preposition, a possessive or a first object moved across its term
changes who does what; a phrase moved with its marker, or an equivalent marker, does not."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.markers import marked, marker_changed, same_marker
from nearcache.judge.roles import role_keys
from nearcache.judge.tokens import analyze


def _marks(a: str, b: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each text's phrase heads (as written, lowercased) and their markers."""
    ka, kb = role_keys(a, b)

    def words(text: str, keys: tuple[tuple[str, int], ...]) -> dict[str, str]:
        toks = analyze(text).tokens
        return {toks[i].low: m for _, m, i in marked(text, keys)}

    return words(a, ka), words(b, kb)


def test_each_phrase_head_gets_its_marker() -> None:
    a, b = "Send Priya the draft contract", "Send Priya's draft contract to the lawyer"
    ma, mb = _marks(a, b)
    assert ma["priya"] == "obj1"  # the first of two objects
    assert ma["contract"] == "bare"
    assert mb["priya's"] == "poss"
    assert mb["contract"] == "bare"  # the owned phrase takes the owner's marker
    assert mb["lawyer"] == "to"
    ma, _ = _marks("how to pass my son the car insurance", "x")
    assert ma["son"] == "obj1"  # "to" before a verb is no preposition
    ma, _ = _marks("Which airline did you swap Ryanair for last year?", "x")
    assert ma["ryanair"] == "bare"  # "last" opens a new phrase


def test_equivalent_markers_come_from_the_table() -> None:
    assert same_marker("poss", "of")
    assert same_marker("obj1", "to")
    assert same_marker("in", "on")
    assert not same_marker("for", "from")
    assert not same_marker("poss", "obj1")


@pytest.mark.parametrize(
    ("a", "b", "word"),
    [
        # a stranded preposition moved across its object
        (
            "Which city did the army leave for Rome?",
            "Which city did the army leave Rome for?",
            "Rome",
        ),
        ("Who did Maria leave for Tom?", "Who did Maria leave Tom for?", "Tom"),
        (
            "which library did they replace with numpy",
            "which library did they replace numpy with",
            "numpy",
        ),
        (
            "What did the village exchange its grain for?",
            "What did the village exchange for its grain?",
            "grain",
        ),
        (
            "what job did she turn down for the nursing role",
            "what job did she turn the nursing role down for",
            "role",
        ),
        (
            "Which airline did you swap for Ryanair last year?",
            "Which airline did you swap Ryanair for last year?",
            "Ryanair",
        ),
        # a first object against a possessive
        ("Send Priya the draft contract", "Send Priya's draft contract", "Priya"),
        ("How do I show my manager the report?", "How do I show my manager's report?", "manager"),
        (
            "can u text my sister the wifi password",
            "can u text my sister's wifi password",
            "sister",
        ),
        # a pronoun first object against the possessive of its person
        ("Can you send me the invoice?", "Can you send my invoice?", "me|my"),
        ("will the bank refund them the fee", "will the bank refund their fee", "them|their"),
        (
            "Did the museum lend the archive the letters?",
            "Did the museum lend the archive's letters?",
            "archive",
        ),
        # two terms (or a term and the gap) trading prepositions in place
        (
            "Did the ferry leave from Dover and arrive in Calais?",
            "Did the ferry arrive in Dover and leave from Calais?",
            "Dover",
        ),
        (
            "Which bank did the loan come from for Tesla?",
            "Which bank did the loan come for from Tesla?",
            "Tesla",
        ),
        (
            "what insurer did you switch to from geico",
            "what insurer did you switch from to geico",
            "geico",
        ),
        # a stranded preposition turned into another, every term keeping its marker
        ("Who did the city buy the land from?", "Who did the city buy the land for?", "?"),
        ("Who is this gift for?", "Who is this gift from?", "?"),
        ("who is the parcel addressed to", "who is the parcel addressed from", "?"),
        # a term's marker replaced by a contrasting one, the rest kept
        (
            "Is the fee paid by the buyer or by the seller?",
            "Is the fee paid to the buyer or to the seller?",
            "buyer",
        ),
        (
            "Was the award given by the committee?",
            "Was the award given to the committee?",
            "committee",
        ),
        (
            "Did the museum buy the statue for the city?",
            "Did the museum buy the statue from the city?",
            "city",
        ),
        # a preposition the tokenizer keeps as a content word ("through") is still one
        (
            "which station did the signaller route the train through to York",
            "which station did the signaller route the train to through York",
            "York",
        ),
    ],
)
def test_a_marker_moved_across_its_term_is_a_role_change(a: str, b: str, word: str) -> None:
    for x, y in ((a, b), (b, a)):
        found = marker_changed(x, y)
        assert found is not None and found[0].lower().removesuffix("'s") in word.lower().split("|")
        verdict = guard_direction(x, y)
        assert verdict.outcome == "reject", (x, y, verdict.detail)
        assert "marked" in verdict.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a phrase moved whole with its marker
        ("In Python, how do I sort a list?", "How do I sort a list in Python?"),
        ("Who did the band open for at Wembley?", "At Wembley, who did the band open for?"),
        ("Will the sale still be on next Tuesday?", "Next Tuesday, will the sale still be on?"),
        ("How do I copy files from S3 to my NAS?", "How do I copy files to my NAS from S3?"),
        (
            "Which theatre did the production move from the Globe to?",
            "Which theatre did the production move to from the Globe?",
        ),
        # equivalent markers
        ("What is the population of Tokyo?", "What is Tokyo's population?"),
        ("Send the draft contract to Priya", "Send Priya the draft contract"),
        ("How do I buy my wife a gift card?", "How do I buy a gift card for my wife?"),
        # the same question asked with the preposition before its question word
        ("Who did Maria leave Tom for?", "For whom did Maria leave Tom?"),
        (
            "For which drug did the pharmacy substitute the generic?",
            "Which drug did the pharmacy substitute the generic for?",
        ),
        ("Should I give him the keys?", "Should I give the keys to him?"),
        ("Can you send me my invoice?", "Can you send my invoice to me?"),
        # alternatives reordered around one marker
        ("Is it cheaper to fly into Rome or Milan?", "Is it cheaper to fly into Milan or Rome?"),
        # a passive on one side keeps the roles
        ("Was Twitter acquired by Musk?", "Did Musk acquire Twitter?"),
        # a contrasting marker in a text worded otherwise is no replacement
        (
            "How do I get the logs for jobs that failed?",
            "jenkins keeps the logs from failed jobs, how do i read them",
        ),
        # a marker replaced by an equivalent one, or one not listed as a contrast
        ("Can I pay the invoice by card?", "Can I pay the invoice with a card?"),
        ("tips for running a marathon", "tips on running a marathon"),
        # a particle moves freely across its verb's object
        ("How do I turn off read receipts?", "How do I turn read receipts off?"),
        (
            "Should I hand over the keys to the landlord?",
            "Should I hand the keys over to the landlord?",
        ),
        ("how to fill in the form", "how to fill the form in"),
        # a question's preposition replaced by one that is no contrast
        ("Who did you speak to?", "Who did you speak with?"),
        ("what is the cake made of", "what is the cake made from"),
        ("What is the film based on?", "What is the film based off?"),
        # a distance is symmetric, whatever marks its ends
        ("How far is Paris from Berlin?", "distance paris to berlin?"),
        # a symmetric exchange is the order guard's ("how far")
        ("How far is Lyon from Nice?", "How far is Nice from Lyon?"),
    ],
)
def test_a_marker_kept_or_equivalent_is_no_role_change(a: str, b: str) -> None:
    assert marker_changed(a, b) is None
    assert marker_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        # a relative clause's stranded preposition dropped: the gap moves to the verb
        (
            "Does git merge change the branch I merge into?",
            "Does git merge change the branch I merge?",
            ("merge", "into", "bare"),
        ),
        (
            "Is a fee charged on the account I transfer from?",
            "Is a fee charged on the account I transfer?",
            ("transfer", "from", "bare"),
        ),
    ],
)
def test_a_stranded_preposition_dropped_moves_the_gap(
    a: str, b: str, found: tuple[str, str, str]
) -> None:
    assert marker_changed(a, b) == found
    assert marker_changed(b, a) == (found[0], found[2], found[1])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Where is the team offsite at?", "Where is the team offsite?"),  # a filler
        ("Can I claim tax on my pension?", "Can I claim tax my pension?"),  # not stranded
        ("What is the loan I took out for?", "What is the loan I took?"),  # other words too
    ],
)
def test_other_dropped_prepositions_are_not_read(a: str, b: str) -> None:
    assert marker_changed(a, b) is None
