"""Recall: words written another way are read as the word they stand for -- short forms
("thru", "tmrw", "rx"), misspelled number and day words ("fouth", "secound", "tommorow"),
a temperature written without its degree sign ("-20C"), the words that only ask for a
count ("how many", "number of", "#") and a verdict asked at the end of a statement ("...
w/o receipt - legal?"). Real words near a number word, other numbers, other days and other
temperatures still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.align import align
from nearcache.judge.spellings import edit_distance, respell, rewrite
from nearcache.judge.tokens import analyze


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("thru", "through"),
        ("tmrw", "tomorrow"),
        ("yday", "yesterday"),
        ("pics", "pictures"),
        ("rx", "prescription"),
        ("b4", "before"),
        ("fem", "feminine"),
        ("masc", "masculine"),
        ("convo", "conversation"),
        ("vids", "videos"),
        ("fouth", "fourth"),
        ("secound", "second"),
        ("tommorow", "tomorrow"),
        ("yesturday", "yesterday"),
        ("frist", "first"),
        ("thrid", "third"),
        ("ninteen", "nineteen"),
        ("fourty", "forty"),
        ("monthy", "monthly"),
        ("weekley", "weekly"),
        ("quartely", "quarterly"),
        ("anual", "annual"),
    ],
)
def test_respelled(typed: str, word: str) -> None:
    assert respell(typed) == word


@pytest.mark.parametrize(
    "word",
    [
        "forth",  # a real word one letter from "fourth"
        "teeth",
        "threw",
        "steven",
        "hundreds",  # a plural of a number word says "many"
        "seconds",
        "fifty",  # a number word is itself
        "fifth",
        "thirds",
        "weakly",  # a real word one letter from "weekly"
        "annul",  # a real word one letter from "annual"
        "manual",
        "quarters",  # two edits from "quarterly", and a word of its own
        "actually",
        "fith",  # four letters: too short to read
        "market",
        "python",
    ],
)
def test_not_respelled(word: str) -> None:
    assert respell(word) == word


def test_edit_distance_counts_swaps_once() -> None:
    assert edit_distance("frist", "first") == 1
    assert edit_distance("fouth", "fourth") == 1
    assert edit_distance("abc", "xyzw", limit=2) == 3


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "is a perfect fifth inverted a perfect fouth",
            "is a perfect fifth inverted a perfect fourth",
        ),
        ("is he my secound cousin", "is he my second cousin"),
    ],
)
def test_misspelled_number_words_agree(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


def test_misspelled_number_words_still_differ_from_other_numbers() -> None:
    assert guard_numbers("is he my secound cousin", "is he my third cousin").outcome == "reject"
    assert guard_numbers("a perfect fouth", "a perfect fifth").outcome == "reject"


def test_misspelled_and_short_days_agree_and_differ() -> None:
    same = "will the front move east tomorrow"
    assert guard_time("will the front move east tommorow", same).outcome == "pass"
    assert guard_time("will the front move east tmrw", same).outcome == "pass"
    other = "will the front move east yesterday"
    assert guard_time("will the front move east tommorow", other).outcome == "reject"


def test_short_forms_pair_in_the_alignment() -> None:
    al = align(
        "can sound travel thru the vacuum of space", "can sound travel through a vacuum in space"
    )
    assert al.only_a == al.only_b == ()
    al = align(
        "can a pharmacist refuse to fill rx", "can a pharmacist refuse to fill a prescription"
    )
    assert al.only_a == al.only_b == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("work at -20C outside", ("work", "at", "20", "degc", "outside")),
        ("stored at -20 C", ("stored", "at", "20", "degc")),
        ("preheat to 350F", ("preheat", "to", "350", "degf")),
    ],
)
def test_temperature_without_degree_sign(text: str, words: tuple[str, ...]) -> None:
    assert analyze(text).words == words


def test_temperatures_agree_and_differ() -> None:
    degrees = "do heat pumps still work when it's -20\u00b0C outside"
    assert guard_numbers(degrees, "do heat pumps still work at -20C outside").outcome == "pass"
    assert guard_numbers("is 20C warm", "is 20F warm").outcome == "reject"
    assert guard_numbers("is 20C warm", "is 25C warm").outcome == "reject"


def test_a_letter_after_a_spaced_number_stays_a_letter() -> None:
    assert rewrite("grade 5 C") == "grade 5 C"
    assert analyze("oven at 180 C").words[-1] == "c"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("# credits to graduate with a bachelors", "how many credits to graduate with a bachelors"),
        ("protein in 100g chicken breast", "how much protein is in 100 g of chicken breast"),
        ("premier league: number of subs per side", "premier league: how many subs per side"),
        ("the number of hosts in a /24", "how many hosts in a /24"),
    ],
)
def test_words_asking_for_a_count_are_no_topic(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == al.only_b == ()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("is it bad to drink too much coffee", "much"),  # an amount, not a question
        ("what is the phone number of the office", "number"),
        ("many hands make light work", "many"),
    ],
)
def test_count_words_elsewhere_stay_content(text: str, kept: str) -> None:
    assert kept in analyze(text).content


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "tenant sublet w/o landlord approval - allowed?",
            "can a tenant sublet without landlord approval",
        ),
        (
            "store refuse return w/o receipt - legal?",
            "can the store refuse a return without a receipt",
        ),
        ("S corp foreign shareholders allowed?", "Can an S corp have foreign shareholders?"),
    ],
)
def test_a_verdict_asked_at_the_end_is_the_question_itself(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == al.only_b == ()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("is it legal to record a call", "legal"),  # opens as a question: the word is asked
        ("record a call - legal or allowed by the company?", "allow"),  # not the last word
        ("record a call, safe?", "saf"),  # another verdict stays a topic
        ("my dog ate grapes, is he fine", "fin"),  # asked as a question of its own
        ("recording a call without consent, is that legal", "legal"),
    ],
)
def test_verdict_words_elsewhere_stay_content(text: str, kept: str) -> None:
    assert kept in analyze(text).content


def test_inflected_light_verbs_are_no_topic() -> None:
    assert (
        analyze("who gets the recall notice").content
        == analyze("who get the recall notice").content
    )
    assert analyze("she tried restarting and needs help").content == ("restart",)
    assert analyze("farm licence needed, he helped").content == ("farm", "licenc")
    al = align(
        "for a batch of pens, who gets the recall notice, the prescriber or the pharmacist",
        "does the pharmacist or the prescriber get the recall notice for a batch of pens",
    )
    assert al.only_a == al.only_b == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how was the weather over the past weekend", "how was the weather last weekend"),
        ("pods restarted in the past 24 hours", "pods restarted in the last 24 hours"),
        ("sales in the previous quarter", "sales in the last quarter"),
        ("rain in the coming week", "rain next week"),
    ],
)
def test_shift_words_before_a_period_say_last_and_next(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == al.only_b == ()
    assert guard_time(a, b).outcome != "reject"


def test_shift_words_elsewhere_keep_their_sense() -> None:
    assert "past" in analyze("in the past, people wrote letters").content
    assert "previous" in analyze("roll back to the previous version").content
    assert guard_time("sales in the past 7 days", "sales in the next 7 days").outcome == "reject"


def test_forth_after_an_article_is_fourth() -> None:
    assert analyze("insulting the forth official").words[2] == "fourth"
    assert analyze("my forth attempt").words[1] == "fourth"
    assert "forth" in analyze("swinging back and forth").words
    assert "forth" in analyze("set forth the terms").words
    same = "should the coach be sent off for insulting the fourth official"
    assert (
        guard_numbers("should the coach be sent off for insulting the forth official", same).outcome
        == "pass"
    )


def test_misspelled_frequency_words_agree() -> None:
    a = "is a monthy pass cheaper than paying per ride"
    assert guard_time(a, "is a monthly pass cheaper than paying per ride").outcome == "pass"
    assert guard_time(a, "is a weekly pass cheaper than paying per ride").outcome == "reject"


def test_decimal_temperature_without_degree_sign() -> None:
    assert analyze("the 1.5C target").words == ("the", "1.5", "degc", "target")
    assert analyze("v1.5C").words == ("v1.5c",)


def test_a_misspelled_function_word_inside_a_hyphenated_word() -> None:
    al = align(
        "mount a host directory into a docker container as read-only",
        "mount a host directory into a docker container as read-onley",
    )
    assert al.only_a == al.only_b == ()
    al = align("mount it as read-only", "mount it as read-write")
    assert al.only_b == ("writ",)
