"""Word order (order.py, roles.py, relations.py): exchanges reject, moves and symmetric
forms pass, passives and converses turn roles back."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms, guard_direction
from nearcache.judge.order import Exchange, exchange
from nearcache.judge.roles import role_keys, role_terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is every square a rectangle?", "Is every rectangle a square?"),  # frame "a"
        ("What is 2 to the power of 10?", "What is 10 to the power of 2?"),
        (
            "Do plants take in oxygen and release carbon dioxide?",
            "Do plants take in carbon dioxide and release oxygen?",
        ),  # "and" + a verb
        ("What is 15% of 80?", "80 is what percent of 15?"),  # relational word after a move
        ("Can I catch a cold from my cat?", "Can my cat catch a cold from me?"),  # pivot verb
        (
            "Does a neighbor's tree falling on my house count?",
            "Does my tree falling on my neighbor's house count?",
        ),  # owner changed
        (
            "Can someone hack my phone by sending me a text?",
            "Can I hack someone's phone by sending them a text?",
        ),  # cases flipped
        (
            "If I lend my brother money, does he owe me?",
            "If my brother lends me money, do I owe him?",
        ),
        ("Who taught Plato?", "Who did Plato teach?"),  # wh subject / object
        ("Can a landlord be sued by a tenant?", "Can a landlord sue a tenant?"),  # one passive
        (
            "Does the US import more from China than it exports to China?",
            "Does China import more from the US than it exports to the US?",
        ),
        ("convert USD -> EUR", "convert EUR \u2192 USD"),
        (
            "Why was I charged on the 15th instead of the 5th?",
            "Why was I charged on the 5th instead of the 15th?",
        ),
        ("Is Scotland part of the United Kingdom?", "Is the United Kingdom part of Scotland?"),
    ],
)
def test_exchanges_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Was Hamlet written by Shakespeare?", "Did Shakespeare write Hamlet?"),  # passive
        ("Can a landlord be sued by a tenant?", "Can a tenant sue a landlord?"),
        ("Is the capital of France Paris?", "Is Paris the capital of France?"),  # identity
        ("What is France's capital?", "What is the capital of France?"),
        (
            "Which weighs more, a kilo of feathers or a kilo of steel?",
            "Which weighs more, a kilo of steel or a kilo of feathers?",
        ),
        (
            "Should the employer or the employee pay the fee?",
            "Should the employee or the employer pay the fee?",
        ),
        ("How far is Paris from Berlin?", "How far is Berlin from Paris?"),  # symmetric
        (
            "What's the difference between a major and minor chord?",
            "What's the difference between a minor and major chord?",
        ),
        (
            "Why am I not sleepy at night but tired during the day?",
            "Why am I tired during the day but not sleepy at night?",
        ),
        ("In Excel, how do I freeze the top row?", "How do I freeze the top row in Excel?"),
        ("How do I freeze the top row in Excel?", "excel freeze top row how"),  # keywords
        (
            "Did Microsoft acquire GitHub or did GitHub acquire Microsoft?",
            "Did GitHub acquire Microsoft or did Microsoft acquire GitHub?",
        ),
        (
            "How do I get the top 10 rows ordered by date in MySQL?",
            "mysql: top 10 rows ordered by date?",
        ),
    ],
)
def test_moves_symmetric_and_passive_pass(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome != "reject"


def test_converses_are_neutral_for_both_guards() -> None:
    for a, b in [
        (
            "Is Xbox Game Pass cheaper than PlayStation Plus?",
            "Is PlayStation Plus more expensive than Xbox Game Pass?",
        ),
        (
            "Was the Eiffel Tower built before the Statue of Liberty?",
            "Was the Statue of Liberty built after the Eiffel Tower?",
        ),
    ]:
        assert guard_direction(a, b).outcome == "neutral", guard_direction(a, b)
        assert guard_antonyms(a, b).outcome == "neutral", guard_antonyms(a, b)
    # Not a converse: an action and its inverse with the ends swapped.
    down, up = (
        "How do I downgrade from Premium to Basic?",
        "How do I upgrade from Basic to Premium?",
    )
    assert guard_antonyms(down, up).outcome == "reject"


def test_exchange_values_and_role_terms() -> None:
    found = exchange("Did Brazil beat Germany?", "Did Germany beat Brazil?")
    assert isinstance(found, Exchange) and {found.x, found.y} == {"brazil", "germany"}
    assert found.pivot == "beat" and "beat" in repr(found)
    assert (
        exchange("In Python, how do I reverse a list?", "How do I reverse a list in Python?")
        is True
    )
    assert exchange("how do I exit vim", "How do I exit vim?") is None
    assert [k for k, _ in role_terms("Can I sue my 2 landlords?")] == [
        "<me>",
        "sue",
        "<my>",
        "#2",
        "landlord",
    ]
    # A misspelled repeat of a word keeps one key: no false exchange.
    ka, kb = role_keys(
        "a huricane watch and a hurricane warning", "a hurricane watch and a hurricane warning"
    )
    assert [k for k, _ in ka] == [k for k, _ in kb]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which countries tax Spanish residents?", "Which countries' residents does Spain tax?"),
        ("Do Canadian banks lend to Irish firms?", "Do Irish banks lend to Canadian firms?"),
        ("Which cities' fans love London clubs?", "Which cities love the clubs of London fans?"),
    ],
)
def test_a_place_before_a_noun_owns_it(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


def test_a_place_before_a_noun_kept_is_no_change() -> None:
    a, b = "Can Japan citizens vote in Peru?", "can citizens of japan vote in peru"
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "If a pallet arrives damaged, does the retailer charge us or do we charge the carrier?",
            "If a pallet arrives damaged, does the carrier charge us or do we charge the retailer?",
        ),
        (
            "Do clients pay the agency, or does the agency pay freelancers?",
            "Do freelancers pay the agency, or does the agency pay clients?",
        ),
    ],
)
def test_a_term_leading_one_clause_traded_with_one_after_the_verb_of_the_next(
    a: str, b: str
) -> None:
    assert isinstance(exchange(a, b), Exchange)
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # both lead their clauses: the same two alternatives
        (
            "Does the landlord pay the agent, or does the tenant pay him?",
            "Does the tenant pay the agent, or does the landlord pay him?",
        ),
        (
            "Should I learn Python or should I learn Go first?",
            "Should I learn Go or should I learn Python first?",
        ),
        (
            "Did Disney buy Pixar or did Pixar buy Disney?",
            "Did Pixar buy Disney or did Disney buy Pixar?",
        ),
        (
            "Is rice or pasta healthier, and is either cheaper?",
            "Is pasta or rice healthier, and is either cheaper?",
        ),
    ],
)
def test_alternatives_in_another_order_keep_the_roles(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        (
            "Can a city be fined for pollution caused by its factories?",
            "Can factories be fined for pollution caused by their city?",
            True,
        ),
        (
            "Can a company be held liable for crimes committed by its directors?",
            "Can directors be held liable for crimes committed by their company?",
            True,
        ),
        # "its" / "their" for the same owner in the same place
        (
            "Can a company be held liable for crimes committed by its directors?",
            "Can companies be held liable for crimes their directors commit?",
            False,
        ),
        (
            "Does a dog recognize its owner by smell?",
            "Do dogs recognize their owners by smell?",
            False,
        ),
        # "its" alone is still no term
        (
            "does qualcomm license chip designs from arm",
            "Is Arm licensing its chip designs to Qualcomm?",
            False,
        ),
    ],
)
def test_its_reads_as_their_when_the_other_text_says_their(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") == rejects, guard_direction(a, b)
    assert (guard_direction(b, a).outcome == "reject") == rejects


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "The tenant broke the boiler. Can the landlord charge the tenant for it?",
            "The landlord broke the boiler. Can the tenant charge the landlord for it?",
        ),
        (
            "The employer ended the contract. Does the employer owe the employee notice pay?",
            "The employee ended the contract. Does the employee owe the employer notice pay?",
        ),
    ],
)
def test_converse_poles_exchanged_at_every_mention_are_no_converse(a: str, b: str) -> None:
    # the opposite words are the terms exchanged: the roles turned round, not a relation
    # named from its other end ("Is Tom Mary's landlord" / "Is Mary Tom's tenant")
    assert guard_antonyms(a, b).outcome == "reject", guard_antonyms(a, b)
    assert guard_antonyms(b, a).outcome == "reject"
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is the bus fare cheaper if I pay with a contactless card than with cash?",
            "Is the bus fare cheaper if I pay with cash than with a contactless card?",
        ),
        (
            "Is a ride smoother with air suspension than with coil springs?",
            "Is a ride smoother with coil springs than with air suspension?",
        ),
    ],
)
def test_with_after_than_opens_the_other_side_of_a_comparison(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"
    # without "than" the terms are a pair in either order
    pair = a.replace(" than with ", " or with "), b.replace(" than with ", " or with ")
    assert guard_direction(*pair).outcome != "reject", guard_direction(*pair)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is the operator responsible for upgrading the CRD or only the custom resources?",
            "Is the operator responsible for upgrading the custom resources or only the CRD?",
        ),
        (
            "Does the policy cover the driver or just the car?",
            "Does the policy cover the car or just the driver?",
        ),
    ],
)
def test_only_after_a_connective_sets_the_next_term_apart(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"
    pair = (
        a.replace(" only ", " ").replace(" just ", " "),
        b.replace(" only ", " ").replace(" just ", " "),
    )
    assert guard_direction(*pair).outcome != "reject", guard_direction(*pair)
