"""names.txt aliases: codes and short names of places, currencies and tools name the same
thing as the full name; two different places still differ; a "[kind]" header sets the kind
of the names listed under it."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.lexicon import Lexicon, lexicon


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("taxi from LGW to Brighton at 5am", "taxi from Gatwick to Brighton at 5am"),
        ("can I sleep in the terminal at AMS", "can I sleep in the terminal at Schiphol"),
        ("is sales tax charged on groceries in UT", "is sales tax charged on groceries in Utah"),
        ("hunting license rules in WY", "hunting license rules in wyoming"),
        ("the 3 pm PT standup", "the 3 pm Pacific standup"),
        ("collapse of the USSR economy", "collapse of the Soviet Union economy"),
        ("visual studio code won't open a folder", "vscode won't open a folder"),
        ("exchange rate for 500 JPY", "exchange rate for 500 yen"),
        ("cache pip installs in GH Actions", "cache pip installs in GitHub Actions"),
        ("GCP free tier limits", "Google Cloud Platform free tier limits"),
    ],
)
def test_aliases_are_the_same_name(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("taxi from LGW to Brighton at 5am", "taxi from Heathrow to Brighton at 5am"),
        ("taxi from LHR to Brighton", "taxi from Paris to Brighton"),  # airport vs city
        ("hunting license rules in WY", "hunting license rules in Montana"),
        ("hunting license rules in Vermont", "hunting license rules in the UK"),
        ("collapse of the USSR economy", "collapse of the Russia economy"),
        ("layover in IST, can I go out", "layover in Doha, can I go out"),
        ("cache pip installs in GH Actions", "cache pip installs in GitLab CI"),
    ],
)
def test_other_places_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


def test_codes_only_count_in_capitals() -> None:
    lex = lexicon()
    assert lex.cased["LHR"] == "heathrow" and "lhr" not in lex.alias
    assert "ams" not in lex.alias and "Ams" not in lex.cased
    # left out on purpose: codes that are words, keywords or people
    for code in ("IN", "OR", "OK", "ID", "JFK", "MAD"):
        assert code not in lex.cased


def test_header_kind_in_brackets() -> None:
    lex = lexicon()
    # new names under "[proper]" take that kind, so they stand against any place
    assert lex.names["heathrow"] == "proper"
    assert lex.names["soviet union"] == "proper"
    # names listed before keep their own kind (the header sets new ones only)
    assert lex.names["istanbul"] == "cities"
    assert lex.names["usa"] == "countries"
    assert lex.names["texas"] == "name"  # an alias line outside a [kind] section


def test_kind_header_parsing() -> None:
    lex = Lexicon.__new__(Lexicon)
    lex.names, lex.alias, lex.cased = {}, {}, {}
    lex._name_line("gotham = GTM, metro city", "proper", fixed=True)
    lex._name_line("springfield = SPF", "places", fixed=False)
    assert lex.names == {
        "gotham": "proper",
        "metro city": "proper",
        "springfield": "name",
    }
    assert lex.cased == {"GTM": "gotham", "SPF": "springfield"}
    assert lex.alias == {"metro city": "gotham"}


def test_isotopes_by_symbol() -> None:
    lex = lexicon()
    assert lex.canonical_name("c14") == "carbon-14"
    assert lex.canonical_name("i-131") == "iodine-131"
    assert lex.canonical_name("k8s") == "kubernetes"  # an alias first
    assert lex.canonical_name("b12") == "b12"  # not a listed element: a vitamin
    assert lex.canonical_name("co2") == "co2"  # one digit: a formula, not an isotope
    same = ("dating bones with c14", "dating bones with carbon-14")
    assert guard_entities(*same).outcome != "reject"
    assert (
        guard_entities(
            "is I-131 used for thyroid scans", "is iodine-131 used for thyroid scans"
        ).outcome
        != "reject"
    )
    assert (
        guard_entities("dating bones with c14", "dating bones with carbon-13").outcome == "reject"
    )
