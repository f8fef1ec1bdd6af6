"""guard_entities and guard_scope: other names reject; aliases, typos and extras do not."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities, guard_scope
from nearcache.judge.align import align, edit_distance, similar_spelling
from nearcache.judge.entities import _same_identifier, entities


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the capital of Austria?", "What is the capital of Australia?"),
        ("How do I reverse a list in Python", "How do I reverse a list in Java"),
        ("read config.yaml", "read config.json"),
        ("capital of france", "capital of spain"),
        ("call getUserName()", "call getUserId()"),
    ],
)
def test_other_names_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how to reverse a list in js", "how to reverse an array in JavaScript"),
        ("Is Canada bigger than the United States?", "is canada bigger than the USA"),
        ("What time zone is New York City in?", "NYC timezone?"),
        ("pyhton list reverse", "Python list reverse"),
        ("How do I install Python", "How do I install Python on Windows"),  # scope, soft
        ("drop rows with NaN in pandas", "drop rows with NaN in a DataFrame"),
    ],
)
def test_aliases_typos_and_extras_do_not_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"


def test_names_and_kinds() -> None:
    assert ("new york city", "name") in entities("Flights to New York City")
    assert ("main.py", "file") in entities("run main.py")
    assert ("os.path.join", "code") in entities("use os.path.join() here")


def test_scope_reports_extra_words() -> None:
    res = guard_scope("how do i sort a list", "how do I sort a nested list")
    assert res.outcome == "neutral" and "nest" in res.detail
    assert guard_scope("How to delete a file", "How do I remove a file").outcome == "pass"
    assert align("convert degrees", "degrees conversion").only_a == ()


def test_spelling() -> None:
    assert edit_distance("pyhton", "python") == 1
    assert edit_distance("abc", "xyzw", limit=2) == 3
    assert similar_spelling("recieve", "receive")
    assert not similar_spelling("sang", "song")
    assert not similar_spelling("cat", "bat")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Did the French Revolution happen first?", "did France's revolution happen first"),
        ("When did women get the vote in the UK?", "year British women got the vote"),
        ("Is The Hobbit a prequel to The Lord of the Rings?", "does The Hobbit come before LOTR"),
        ("Can I move from Florida to New York?", "moving from Florida to NY"),
        ("What was the weather in Chicago?", "how was Chicago's weather"),
        ("Is MongoDB ACID compliant?", "Is MongoDB ACID-compliant?"),
        ("In Go, can a nil map be read?", "golang: can you read a nil map"),
    ],
)
def test_demonyms_initialisms_possessives_and_cased_aliases_pass(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject", guard_entities(a, b)
    assert guard_entities(b, a).outcome != "reject"


def test_cased_aliases_need_their_case() -> None:
    assert ("golang", "programming") in entities("I write Go")
    assert not any(n == "golang" for n, _ in entities("how do I go home"))
    assert (
        guard_entities("What is the capital of Iceland?", "What is the capital of Ireland?").outcome
        == "reject"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can i use 5w30 instead of 5w20", "Can I use 5W-30 instead of 5W-20?"),  # style
        ("does getMonth() in JS return 0", "does get_month in js return 0"),  # case
        ("is `mylist.sort()` a copy?", "Does list.sort() return a new list?"),  # inside
        ("SELECT COUNT(DISTINCT col) FROM t?", "SQL: count distinct values in a column"),
        ("SET mykey val EX 60, right?", "Redis: how do I set a key with an expiry?"),
        ("the UK prime minister during WW2", "the British prime minister during World War II"),
        ("moving from FL to NY with my license", "moving from Florida to New York"),
        ("If the Fed raises rates", "when the Federal Reserve hikes rates"),
        ("can I move my BTC off Coinbase", "Can I transfer bitcoin from Coinbase"),
    ],
)
def test_identifiers_in_another_style_keywords_and_aliases_pass(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("read config.yaml", "read config.json"),
        ("json.loads vs eval", "pickle.loads vs exec"),
        ("is ipv4 faster", "is ipv6 faster"),
        ("moving from FL to TX", "moving from Florida to New York"),
    ],
)
def test_other_identifiers_and_places_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is garlic toxic to goats?", "Is garlic toxic to hamsters?"),
        ("how much water should my bunny drink", "how much water should my ferret drink"),
        ("Does naproxen raise blood pressure?", "Does prednisone raise blood pressure?"),
        ("Can I take Tylenol with warfarin?", "Can I take Advil with warfarin?"),
        ("What was Nvidia's profit last quarter?", "What was Nvidia's revenue last quarter?"),
        ("Why does my elbow click when I lift?", "Why does my shoulder click when I lift?"),
        ("How long is a hockey match?", "How long is a rugby match?"),
    ],
)
def test_other_animals_and_medicines_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is garlic toxic to goats?", "is garlic toxic for a goat"),
        ("how much water should my bunny drink", "How much water should rabbits drink?"),
        ("Can I take Tylenol with warfarin?", "can i take paracetamol with warfarin"),
        ("Can I take Advil with warfarin?", "Is ibuprofen safe with warfarin?"),
        ("What was Nvidia's profit last quarter?", "nvidia earnings last quarter"),
        ("Why do my knees click when I squat?", "knee clicking during squats"),
    ],
)
def test_plurals_young_and_brand_names_are_the_same(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What does Array.prototype.flat do?", "What does Array.prototype.flatMap do?"),
        ("What does os.path.split return?", "What does os.path.splitext return?"),
    ],
)
def test_an_identifier_inside_a_longer_one_is_another_method(a: str, b: str) -> None:
    # "flat" is in "flatMap" but does not end it: another method, not the same one
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


def test_an_identifier_ending_another_or_spread_over_words_is_named_there() -> None:
    assert _same_identifier("list.sort", "code", "sort it with mylist.sort")
    assert not _same_identifier("array.prototype.flat", "code", "Array.prototype.flatMap")
    assert guard_entities("use getMonth here", "use get month here").outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In Kotlin, does the let function return the lambda's result?",
            "In Kotlin, does the also function return the lambda's result?",
        ),
        ("In Python, what does the in operator do?", "In Python, what does the is operator do?"),
        (
            "When is the with statement useful in Python?",
            "When is the for statement useful in Python?",
        ),
    ],
)
def test_a_stopword_naming_a_construct_is_a_name(a: str, b: str) -> None:
    # a stopword never modifies "function"/"operator": it names one, and any other "in"
    # in the other text is no construct
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("kotlin: what does x.let return", "In Kotlin, what does the let function return?"),
        ("python: what is the with statement for", "In Python, what does the with statement do?"),
        ("What is the best method to sort a list?", "What is the simplest method to sort a list?"),
    ],
)
def test_the_same_construct_or_a_describing_word_is_no_other_name(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"
