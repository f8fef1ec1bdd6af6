"""A name written short on one side and in full on the other is one name: an acronym
with a plural "s" ("GSIs"), an age group ("U12" / "under-12s"), an acronym holding an
acronym ("PBI" / "Power BI"), a Roman numeral ("FCS2" / "FCS II"), a hyphenated short
name ("kv-v2" / "KV version 2"); other short forms still name other things."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.shortnames import named_short, short_forms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # "U12" is no isotope of uranium when the other text says under-12s
        ("U12 match, how long is a half?", "How long is each half in an under-12s rugby game?"),
        ("u12s rugby half length?", "how long is each half in an under-12s rugby game"),
        # a plural "s" after an acronym written in capitals
        (
            "do the LSIs count toward the item size limit",
            "Do local secondary indexes count toward the item size limit in DynamoDB?",
        ),
        # a plural "s" after a number
        ("roll 2d20, keep the higher?", "With advantage, do I roll two d20s and keep the higher?"),
        # an acronym word of the long form spelled whole
        (
            "PBI: calc column or measure for a ratio?",
            "In Power BI, should a ratio be a calculated column or a measure?",
        ),
        (
            "paying an invoice in EUR from a USD account: which day's rate?",
            "Which exchange rate applies when a euro invoice is paid from our US dollars in Chase?",
        ),
        # a Roman numeral after an acronym is its number
        (
            "FCS2 plugs: can I swap to Futures fins?",
            "How do I switch a board from FCS II plugs to Futures fins?",
        ),
        # each part of a hyphenated name is a word or a short form of the other text
        (
            "fetch a kv-v2 secret with `vault kv get`?",
            "How do I read a secret from the KV version 2 engine with the Vault CLI?",
        ),
    ],
)
def test_a_name_written_short_is_the_name_in_full(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("U12 match, how long is a half?", "How long is each half in an under-14s rugby game?"),
        ("u12s rugby half length?", "how long is each half in an under-14s rugby game"),
        ("PBI: calc column or measure for a ratio?", "PQ: calc column or measure for a ratio?"),
        (
            "fetch a kv-v2 secret with `vault kv get`?",
            "How do I read a secret from the KV version 1 engine with the Vault CLI?",
        ),
        ("roll 2d20, keep the higher?", "With advantage, do I roll two d12s and keep the higher?"),
        (
            "FCS2 plugs: can I swap to Futures fins?",
            "How do I switch a board from FCS III plugs to Futures fins?",
        ),
    ],
)
def test_other_short_names_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"


def test_short_forms_read_a_plural_number() -> None:
    assert short_forms("an under-10s football match")["u10"] == {"under"}
    assert "u10" not in short_forms("an under-ten football match")


def test_named_short_needs_capitals_or_a_digit_before_the_plural() -> None:
    other = "Are global secondary indexes deleted too?"
    assert named_short("gsis", "do the GSIs go with it", other)
    assert not named_short("gsis", "do the gsis go with it", other)
    assert named_short("pbi", "PBI measures", "Power BI measures")
    assert not named_short("pbi", "PBI measures", "power bi measures")  # "bi" no acronym there
