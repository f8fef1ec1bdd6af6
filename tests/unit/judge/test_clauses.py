"""Roles behind a gap (clauses.py, relations.py), symmetric relations (symmetric.txt) and
relation nouns (antonyms.txt + converses.txt): each construction must fire on the
look-alike and stay quiet on the paraphrase that keeps the roles."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_antonyms, guard_direction
from nearcache.judge.clauses import be_before, gaps, passive
from nearcache.judge.direction import symmetric_relation
from nearcache.judge.lexicon import lexicon
from nearcache.judge.order import Exchange, exchange, inversions, segments_swapped
from nearcache.judge.tokens import analyze


def _words(text: str, *idx: int) -> list[str]:
    toks = analyze(text).tokens
    return [toks[i].low for i in idx]


def test_passive_reads_subject_participle_and_agent() -> None:
    found = passive("Was Germany beaten by Brazil?")
    assert found is not None
    subject, verb, agent = found
    assert agent is not None and _words("Was Germany beaten by Brazil?", subject, verb, agent) == [
        "germany",
        "beaten",
        "brazil",
    ]
    # A question after a colon still opens with "be".
    assert passive("US army: is a major outranked by a captain?") is not None
    # No "be" before the participle: a reduced clause, not a passive.
    assert passive("rows ordered by date in MySQL") is None
    # A capitalized word ending like a participle is a name, not a verb.
    assert passive("Is Scotland part of the United Kingdom?") is None
    assert passive("") is None


def test_be_before_stops_at_modals_and_longer_openings() -> None:
    toks = analyze("Can I be fired for this?").tokens
    assert be_before(toks, 3)  # "be" right before "fired"
    toks = analyze("So why exactly is the file deleted?").tokens
    assert not be_before(toks, 6)  # three words before "is": not a question's opening


def test_gaps_read_wh_questions_and_relative_clauses() -> None:
    # (head, verb, other, head acts)
    assert [g[3] for g in gaps("Who beat Brazil?")] == [True]
    assert [g[3] for g in gaps("Who did Brazil beat?")] == [False]
    assert [g[3] for g in gaps("Who was beaten by Brazil?")] == [False]
    assert [g[3] for g in gaps("the company that acquired GitHub")] == [True]
    assert [g[3] for g in gaps("the company GitHub acquired")] == [False]
    assert gaps("How do I reverse a list?") == ()
    assert gaps("") == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who beat Brazil?", "Who did Brazil beat?"),
        ("Who owns LinkedIn?", "What does LinkedIn own?"),  # bare question words meet
        ("What causes acne?", "What does acne cause?"),
        # the verb said with a listed synonym still lines the terms up
        ("Did Brazil beat Germany in 2014?", "Did Germany defeat Brazil in the 2014 semi-final?"),
        ("Which company acquired Google?", "Which company did Google acquire?"),
        ("the company that acquired GitHub", "the company GitHub acquired"),
        ("the company that acquired GitHub", "the company that was acquired by GitHub"),
        ("Did Broadcom acquire VMware?", "was broadcom acquired by vmware"),  # one order
        ("Does a major outrank a captain?", "US army: is a major outranked by a captain?"),
        ("Was Germany beaten by Brazil?", "Did Germany beat Brazil?"),
        ("Can I be fired for being sick?", "Can I fire someone for being sick?"),
        # a name, then the verb, then another name: the first name is the subject
        ("Who did Spain trade Florida to?", "Who traded Florida to Spain?"),
        (
            "Which country did Britain cede Hong Kong to?",
            "Which country ceded Hong Kong to Britain?",
        ),
        # the same clause told of the other noun
        (
            "Which library does the module that imports numpy depend on?",
            "Which module depends on the library that imports numpy?",
        ),
        (
            "Which team coached by Ancelotti beat the club?",
            "Which club beat the team coached by Ancelotti?",
        ),
        # a clause without another participant told of the other noun of a list
        (
            "Should I call the plumber or the electrician who installed the boiler?",
            "Should I call the electrician or the plumber who installed the boiler?",
        ),
        (
            "Do I tip the driver or only the chef who cooked?",
            "Do I tip the chef or only the driver who cooked?",
        ),
    ],
)
def test_role_changes_behind_a_gap_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who beat Brazil in 2014?", "Which team beat Brazil in 2014?"),
        ("Who taught Plato?", "Who was Plato taught by?"),  # a stranded "by"
        ("Did Brazil beat Germany in 2014?", "Did Brazil defeat Germany in the 2014 final?"),
        ("Was Hamlet written by Shakespeare?", "Did Shakespeare write Hamlet?"),
        ("Was Germany beaten by Brazil?", "Did Brazil beat Germany?"),
        ("Was VMware acquired by Broadcom?", "Did Broadcom acquire VMware?"),
        ("the company that acquired GitHub", "the company which acquired GitHub"),
        # a thing acted on, then the object of another verb: not read as a role change
        ("Is the file deleted when I close it?", "Does closing the file delete it?"),
        ("Is Python installed on a Mac by default?", "Does a Mac have Python installed?"),
        # names that end like participles, and case only
        ("Is Scotland part of the United Kingdom?", "is scotland part of the UK?"),
        (
            "Who was the first president of the United States?",
            "who was the frist president of the united states",
        ),
        ("Which plants should never be planted together?", "plants that shouldn't share a bed"),
        ("Who did Spain trade Florida to?", "To whom did Spain trade Florida?"),
        (
            "Which country did Britain cede Hong Kong to?",
            "Britain ceded Hong Kong to which country?",
        ),
        (
            "Which library does the module that imports numpy depend on?",
            "The module that imports numpy depends on which library?",
        ),
        ("the module that imports numpy", "the module which imports numpy"),
        (
            "Should I call the plumber who installed the boiler or the electrician?",
            "Should I call the electrician or the plumber who installed the boiler?",
        ),
    ],
)
def test_kept_roles_do_not_fire(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Did Kennedy meet Khrushchev?", "Did Khrushchev meet Kennedy?"),
        ("Is 0.999 equal to 1?", "Is 1 equal to 0.999?"),
        ("Is a crocodile similar to an alligator?", "Is an alligator similar to a crocodile?"),
        ("Does Spain border Portugal?", "Does Portugal border Spain?"),
        ("How far is Lyon from Nice?", "How far is Nice from Lyon?"),
        # a question word opening the text is no relative clause between the terms
        ("Which countries are bordered by Brazil?", "Which countries border Brazil?"),
    ],
)
def test_symmetric_relations_are_not_role_changes(a: str, b: str) -> None:
    found = exchange(a, b)
    assert isinstance(found, Exchange) and symmetric_relation(found) is not None
    assert guard_direction(a, b).outcome == "neutral", guard_direction(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "find the genes in sample X that interact with Y",
            "find the genes in sample Y that interact with X",
        ),
        (
            "which countries in the EU that border Russia",
            "which countries in Russia that border the EU",
        ),
        ("get rows of orders that match customers", "get rows of customers that match orders"),
        # a word joining two events between the terms: two clauses, no one relation
        (
            "can the incoming swimmer touch the wall before the next swimmer leaves the block",
            "can the next swimmer leave the block before the incoming swimmer touches the wall",
        ),
    ],
)
def test_a_symmetric_verb_in_a_relative_clause_relates_its_head(a: str, b: str) -> None:
    # the exchanged terms are the head's place and the verb's object, not its two parties
    found = exchange(a, b)
    assert isinstance(found, Exchange) and symmetric_relation(found) is None
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Did Brazil beat Germany?", "Did Germany beat Brazil?"),
        ("Is Spain bigger than Portugal?", "Is Portugal bigger than Spain?"),
        # a comparison turns a symmetric word one-way
        (
            "Are bats more closely related to humans than to birds?",
            "Are birds more closely related to humans than to bats?",
        ),
    ],
)
def test_asymmetric_relations_still_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)


def test_symmetric_lexicon_places() -> None:
    lex = lexicon()
    assert lex.symmetric_relation(("meets",)) == "meets"
    assert lex.symmetric_relation(("next", "to")) == "next"
    assert lex.symmetric_relation(("with",), ()) is None  # "with" alone is not a relation
    assert lex.symmetric_relation(("with",)) is None
    assert lex.symmetric_relation(("mixed", "with")) == "mixed"
    assert lex.symmetric_relation(("mixed", "into")) is None  # "mix X into Y" has a direction
    assert lex.symmetric_relation(("from",), ("how", "far", "is")) == "far"
    assert lex.symmetric_relation(("similar", "to", "dogs", "than")) is None
    assert lex.symmetric_relation(()) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is Prince William King Charles's son?", "Is Prince William the father of King Charles?"),
        ("Was Zeus the son of Kronos?", "In Greek myth, was Zeus Kronos's father?"),
        ("Is Alice Bob's teacher?", "Is Alice Bob's student?"),
        ("Is Anna Ben's employer?", "Is Anna Ben's employee?"),
    ],
)
def test_relation_nouns_in_one_order_are_opposites(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject", guard_antonyms(a, b)
    assert DefaultJudge().judge(a, b, 0.97).accept is False


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Was Zeus the son of Kronos?", "Was Kronos the father of Zeus?"),
        ("Was Zeus the son of Kronos?", "Was Kronos Zeus's father?"),
        ("Is Anna Ben's parent?", "Is Ben Anna's child?"),
        ("Is Alice Bob's teacher?", "Is Bob Alice's student?"),
        (
            "Is Lake Superior bigger than Lake Victoria?",
            "Is Lake Victoria smaller than Lake Superior?",
        ),
    ],
)
def test_relation_nouns_turned_round_are_converses(a: str, b: str) -> None:
    assert inversions(a, b) > 0
    assert guard_antonyms(a, b).outcome == "neutral", guard_antonyms(a, b)
    assert guard_direction(a, b).outcome != "reject", guard_direction(a, b)


def test_inversions_share() -> None:
    assert inversions("Did Brazil beat Germany?", "Did Brazil beat Germany?") == 0.0
    assert inversions("Did Brazil beat Germany?", "Did Germany beat Brazil?") == 1.0
    assert inversions("", "") == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "was " * 3000 + "beaten by " * 3000,
        "Who did " * 2000,
        "\U0001f600 was \U0001f680 beaten by \U0001f600?",
        "```python\nx = y if a is b else c\n```",
        "\u8c01\u6253\u8d25\u4e86\u5df4\u897f\uff1f",
    ],
)
def test_bad_input_gives_a_value(text: str) -> None:
    assert isinstance(gaps(text), tuple)
    passive(text)
    for other in ("Who beat Brazil?", text):
        assert guard_direction(text, other).outcome in ("pass", "neutral", "reject")
        assert guard_antonyms(text, other).outcome in ("neutral", "reject")


def test_a_name_with_an_ampersand_keeps_its_passive() -> None:
    a, b = "Did Procter & Gamble buy Gillette?", "Was Procter & Gamble bought by Gillette?"
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(a, "Was Gillette bought by Procter & Gamble?").outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (
            "Tyre pressure is 2.4 bar, what's that in psi?",
            "Tyre pressure is 2.4 psi, what's that in bar?",
            "reject",
        ),
        (
            "I use Python at work. Should I learn Java?",
            "I use Java at work. Should I learn Python?",
            "reject",
        ),
        ("Python, Java: which is faster?", "Java, Python: which is faster?", "pass"),
        ("Which is faster, Python or Java?", "Which is faster, Java or Python?", "pass"),
        ("Is Lyon near Nice, or far?", "Is Nice near Lyon, or far?", "neutral"),
        (
            "In Python, does `a is b` imply `a == b`?",
            "In Python, does `a == b` imply `a is b`?",
            "reject",
        ),
        (
            "In Rust, can a &String be passed where a &str is expected?",
            "In Rust, can a &str be passed where a &String is expected?",
            "reject",
        ),
        ("In Python how do I reverse a list", "how do I reverse a list in Python", "pass"),
        ("how do I reverse a list, in python", "in python, how do I reverse a list", "pass"),
    ],
)
def test_stretches_swapped_across_a_clause_or_in_code(a: str, b: str, outcome: str) -> None:
    assert guard_direction(a, b).outcome == outcome, guard_direction(a, b)
    assert guard_direction(b, a).outcome == outcome


def test_segments_swapped_needs_one_swap_and_an_asymmetric_middle() -> None:
    found = segments_swapped("2.4 bar, what's that in psi?", "2.4 psi, what's that in bar?")
    assert found is not None and {found.x, found.y} == {"bar", "psi"}
    assert segments_swapped("bar or psi", "psi or bar") is None  # symmetric middle
    assert segments_swapped("fast while cheap", "cheap while fast") is None  # a contrast
    # "while" before a preposition or an -ing verb opens a time clause
    found = segments_swapped(
        "does `svn switch trunk` while on release lose edits",
        "does `svn switch release` while on trunk lose edits",
    )
    assert found is not None and {found.x, found.y} == {"trunk", "release"}
    found = segments_swapped(
        "cool the soup while stirring the sauce", "cool the sauce while stirring the soup"
    )
    assert found is not None
    assert segments_swapped("bar, psi", "psi, bar") is None  # a list
    assert segments_swapped("a b c d", "a b c d") is None
    assert segments_swapped("a b c", "a b c d") is None  # other lengths
    assert segments_swapped("x in y to z", "z in y to w") is None  # not a swap
    assert segments_swapped("", "") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is dissolving salt in water endothermic?", "Is dissolving salt in water exothermic?"),
        ("What causes hypertension?", "What causes hypotension?"),
        ("Is preprocessing needed here?", "Is postprocessing needed here?"),
        ("Intro to microeconomics books", "Intro to macroeconomics books"),
        ("Is this an interstate shipment?", "Is this an intrastate shipment?"),
    ],
)
def test_paired_prefixes_are_opposites(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject", guard_antonyms(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What causes hypertension?", "what causes high blood pressure (hypertension)"),
        ("Is preprocessing needed here?", "do I need preprocessing here"),
        ("how to use a subprocess", "How do I use a subprocess?"),
    ],
)
def test_paired_prefixes_do_not_fire_on_paraphrases(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "neutral", guard_antonyms(a, b)


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        (
            "What happens if my flight is cancelled by the airline?",
            "What happens if I cancel my flight with the airline?",
            True,
        ),
        ("Can my account be suspended by PayPal?", "Can I suspend my PayPal account?", True),
        (
            "What happens if my flight is cancelled by the airline?",
            "What happens if the airline cancels my flight?",
            False,
        ),
        ("Can my account be suspended by PayPal?", "Can PayPal suspend my account?", False),
        ("Is the bill paid by the tenant?", "Does the tenant pay the bill?", False),
    ],
)
def test_a_passive_agent_that_does_not_act_in_the_other_text(a: str, b: str, rejects: bool) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects, guard_direction(a, b)
    assert (guard_direction(b, a).outcome == "reject") is rejects


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        (
            "Is it cheaper to fly into Rome and out of Milan?",
            "Is it cheaper to fly into Milan and out of Rome?",
            True,
        ),
        (
            "Is it cheaper to fly into Rome and out of Milan?",
            "Is it cheaper to fly out of Milan and into Rome?",
            False,
        ),
        ("Should I buy from Amazon or from eBay?", "Should I buy from eBay or from Amazon?", False),
        (
            "Should the employer or the employee pay the fee?",
            "Should the employee or the employer pay the fee?",
            False,
        ),
    ],
)
def test_terms_marked_by_different_prepositions_keep_their_roles(
    a: str, b: str, rejects: bool
) -> None:
    assert (guard_direction(a, b).outcome == "reject") is rejects, guard_direction(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who pays for the window that cracked?", "Who pays for the window I cracked?"),
        (
            "Must I replace the water heater that broke in my rental?",
            "Must I replace the water heater I broke in my rental?",
        ),
        ("Will my landlord fix the door that jammed?", "Will my landlord fix the door we jammed?"),
        (
            "Who pays for the tire that burst on the rental?",
            "Who pays for the tire they burst on the rental?",
        ),
        # a noun agent with a possessive: "the boat my brother sank"
        (
            "Who repairs the boat that sank at the dock?",
            "Who repairs the boat my brother sank at the dock?",
        ),
        (
            "Does insurance cover the mirror that shattered?",
            "Does insurance cover the mirror our kids shattered?",
        ),
        # the clause's verb in the past, then the main verb: "shattered covered"
        (
            "Is the lamp that toppled covered by my renters policy?",
            "Is the lamp my roommate toppled covered by my renters policy?",
        ),
        (
            "Is the vase that broke covered by the shop?",
            "Is the vase my toddler broke covered by the shop?",
        ),
    ],
)
def test_a_thing_that_did_it_alone_against_someone_doing_it_to_the_thing(a: str, b: str) -> None:
    # who caused it changed: the thing by itself in one text, an agent in the other
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"
    assert "by itself" in guard_direction(a, b).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who pays for the window I cracked?", "Who pays for the window that I cracked?"),
        ("Does insurance cover the pipe that burst?", "Does my insurance cover a pipe that burst?"),
        ("Who repairs the boat my brother sank?", "Who repairs the boat that my brother sank?"),
    ],
)
def test_the_same_agent_or_none_is_not_a_change(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject" and guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who sells spare parts to Airbus?", "Who does Airbus sell spare parts to?"),
        ("Who lends money to Norway?", "Who does Norway lend money to?"),
        ("Who does Netflix license films from?", "Who licenses films from Netflix?"),
    ],
)
def test_the_asked_one_acts_in_one_text_and_a_named_subject_in_the_other(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who does Airbus sell spare parts to?", "who does airbus sell its spare parts to"),
        ("Who sells spare parts to Airbus?", "Which firms sell spare parts to Airbus?"),
        ("Who does Airbus sell spare parts to?", "Airbus sells spare parts to whom?"),
    ],
)
def test_the_same_subject_is_no_change(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject" and guard_direction(b, a).outcome != "reject"


def test_a_name_opens_the_clause_before_its_verb_and_object() -> None:
    # "does Tesla supply batteries": the name is the subject, "supply" the verb
    (gap,) = gaps("Who does Airbus sell spare parts to?")
    toks = ["who", "does", "airbus", "sell", "spare", "parts", "to", "?"]
    assert (toks[gap[1]], toks[gap[2]], gap[3]) == ("sell", "airbus", False)
