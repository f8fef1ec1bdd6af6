"""Names and numbers said two ways: a value literal or a class called in code is no proper
name, initials and a number are the name in full ("CS2"), "301s" are redirects, "the
following year" is next year; other names and numbers still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities, guard_numbers, guard_time
from nearcache.judge.entities import entities
from nearcache.judge.quantities import quantities
from nearcache.judge.shortnames import short_forms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # value literals of the code ("frozen=True", "FALSE", NaN) name nothing
        ("df.dropna(how='all')", "In pandas, how do I drop rows where every column is NaN?"),
        (
            "How do I read a CSV in R without turning strings into factors?",
            "read.csv(f, stringsAsFactors = FALSE)",
        ),
        (
            '=TEXTJOIN(",",TRUE,A1:A10)',
            "In Excel, how do I join the text of A1:A10 with commas, ignoring blanks?",
        ),
        # a capitalized identifier called or built with "new" is a class of the code
        (
            "new Date(s).toLocaleString() to show UTC in the user's zone?",
            "How do I convert UTC time to local time in JavaScript?",
        ),
        (
            "os.path.exists vs pathlib Path('x').exists()",
            "How do I check if a file exists in Python?",
        ),
        ("=SUM(A1:B2) covers A1, A2, B1, B2 right?", "In Excel, does A1:B2 include B1?"),
    ],
)
def test_code_against_prose_names_nothing_else(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does Path.rmdir raise if the directory isn't empty?",
            "Does Path.unlink raise if the file doesn't exist?",
        ),
        (
            "How do I reduce the size of a Node Docker image",
            "How do I reduce the size of a Python Docker image",
        ),
        ("Is Memcached single-threaded?", "Is Redis single-threaded?"),
        ("Can my Nan claim pension credit?", "Can my Grandad claim pension credit?"),
    ],
)
def test_other_names_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"


def test_literals_and_called_classes_are_no_proper_names() -> None:
    assert ("true", "proper") not in entities("@dataclass(frozen=True) to freeze it?")
    assert ("date", "code") in entities("new Date(s).getTime()")
    assert ("nan", "proper") in entities("is it my Nan's turn")  # a word, not NaN


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("carry over into the following year?", "roll over to next year?", "pass"),
        ("carry over into the following year?", "roll over to last year?", "reject"),
    ],
)
def test_following_is_next(a: str, b: str, outcome: str) -> None:
    assert guard_time(a, b).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("cs2 economy: the loss bonus?", "In Counter-Strike 2, what is the loss bonus?"),
        (
            "in the S2 SCL band, which values mean clouds",
            "Which pixels does the Sentinel-2 layer mark as cloud?",
        ),
        ("crosswind component for a C172?", "What's the crosswind limit for a Cessna 172?"),
    ],
)
def test_initials_and_a_number_are_the_name_in_full(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is Mount Everest higher than K2?", "Is Mount Everest higher than Kangchenjunga?"),
        ("cs2 economy: the loss bonus?", "In Counter-Strike 3, what is the loss bonus?"),
        ("How many overs in a T20 match?", "How many overs in a One Day International?"),
    ],
)
def test_other_initials_or_numbers_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"


def test_short_forms() -> None:
    forms = short_forms("In Counter-Strike 2, or Formula 1")
    assert forms["cs2"] == {"counter", "strike"}
    assert "f1" in forms
    assert "cs2" not in short_forms("Counter-Strike, 2 of them")  # a comma breaks the run


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        # redirects in general: plural or two statuses against "redirects"
        (
            "curl: same as -L? want it to follow 301s",
            "How do I make curl follow redirects?",
            "pass",
        ),
        (
            "requests.get follows 301/302 automatically?",
            "does requests.get follow redirects",
            "pass",
        ),
        # one redirect status is the permanent or the temporary one only
        ("is a 301 redirect cached", "is a redirect cached", "reject"),
        (
            "why does my site return a 301 redirect",
            "why does my site return a 302 redirect",
            "reject",
        ),
        ("follow 301s", "follow a 302 redirect", "reject"),
    ],
)
def test_redirect_statuses_said_in_general(a: str, b: str, outcome: str) -> None:
    assert guard_numbers(a, b).outcome == outcome


def test_two_statuses_of_one_class_are_no_fraction() -> None:
    assert [q[0] for q in quantities("301/302 or 502/504")] == ["301", "302", "502", "504"]
    assert [q[0] for q in quantities("what is 400/500")] == ["0.8"]


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        # minutes and hours back from now in other units, and tens in words
        ("my dog ate a grape sixty minutes back", "my dog ate a grape about an hour ago", "pass"),
        ("files from thirty days ago", "files from 30 days ago", "pass"),
        ("my dog ate a grape 90 minutes ago", "my dog ate a grape an hour ago", "reject"),
        ("my dog ate a grape 3 hours ago", "my dog ate a grape 2 days ago", "reject"),
    ],
)
def test_times_back_from_now_in_other_units(a: str, b: str, outcome: str) -> None:
    assert guard_time(a, b).outcome == outcome


def test_an_initialism_may_skip_linking_words() -> None:
    a = "Greek bareboat charter: is the International Certificate of Competence required"
    assert (
        guard_entities(a, "Do I need an ICC to charter a bareboat in Greece?").outcome != "reject"
    )
    assert guard_entities("Who dies in LOTR?", "Who dies in Lord of the Rings?").outcome != "reject"
    assert guard_entities(a, "Do I need an RYA to charter a bareboat?").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("Is 3/4 a compound or simple meter?", "Is 6/8 a compound or simple meter?", "reject"),
        ("3/4 cup of flour in grams", "three quarters of a cup of flour in grams", "pass"),
        ("3/4 cup of flour in grams", "0.75 cup of flour in grams", "pass"),
    ],
)
def test_fractions_written_otherwise_with_one_value(a: str, b: str, outcome: str) -> None:
    assert guard_numbers(a, b).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        # a time the asker's story tells, outside the question: the same question
        (
            "My employer paid me less this month for a bike scheme. Does that lower my pension?",
            "my gross dropped after the bike scheme, does that lower my pension?",
            "pass",
        ),
        (
            "Works closed the line last weekend and I bought my ticket before. Can I get a refund?",
            "ticket bought before the closure was announced, can I get a refund?",
            "pass",
        ),
        # a time inside the question, or with no question mark to tell them apart, differs
        (
            "How do I see which queries ran slowest yesterday?",
            "How do I see which queries ran slowest?",
            "reject",
        ),
        (
            "paid me less this month because of a bike scheme",
            "paid me less because of a bike scheme",
            "reject",
        ),
        # times on both sides still compare
        (
            "I bought my ticket last weekend. Can I get a refund?",
            "I bought my ticket this weekend. Can I get a refund?",
            "reject",
        ),
    ],
)
def test_a_time_told_in_a_statement_of_one_side(a: str, b: str, outcome: str) -> None:
    assert guard_time(a, b).outcome == outcome
    assert guard_time(b, a).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        # a file extension's digits, a ticket id and "a couple of" are no extra count
        (
            "ffmpeg -i in.mp4 -r 30 out.mp4",
            "With ffmpeg, how do I convert a 60 fps video to 30 fps?",
            "reject",
        ),
        ("ffmpeg -i in.mp4 -r 30 out.mp4", "ffmpeg: how do I set the output to 30 fps?", "pass"),
        (
            "Ticket #4417: relief valve dripping. Need an expansion tank?",
            "relief valve dribbling, need an expansion vessel?",
            "pass",
        ),
        ("move a hive a couple of metres", "move a hive 2 metres", "pass"),
        ("move a hive a couple of metres", "move a hive 3 metres", "reject"),
        # a four-digit count of a unit is no year
        ("is 5000 ppm fluoride toothpaste safe", "is 1450 ppm fluoride toothpaste safe", "reject"),
    ],
)
def test_ids_extensions_and_vague_counts(a: str, b: str, outcome: str) -> None:
    assert (guard_numbers(a, b).outcome == "reject") == (outcome == "reject")


def test_a_unit_after_four_digits_is_no_year() -> None:
    assert guard_time("is 1450 ppm toothpaste ok", "is adult toothpaste ok").outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (
            "clean the bird box in october or wait till december",
            "clean it in autumn or wait until winter",
            "pass",
        ),
        ("prune roses in october", "prune roses in autumn", "pass"),
        ("prune roses in october", "prune roses in spring", "reject"),
        ("prune roses in july", "prune roses in autumn or winter", "reject"),
    ],
)
def test_months_in_their_season(a: str, b: str, outcome: str) -> None:
    assert guard_time(a, b).outcome == outcome
    assert guard_time(b, a).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("rust opt.unwrap_or(x) eager?", "In Rust, is Option::unwrap_or eager?", "pass"),
        (
            "v.retain(|x| *x > 0) keeps which?",
            "In Rust, does Vec::retain keep the matches?",
            "pass",
        ),
        (
            "In Rust, does Vec::retain keep the elements?",
            "In Rust, does Vec::dedup keep the elements?",
            "reject",
        ),
    ],
)
def test_rust_paths_and_methods_on_variables(a: str, b: str, outcome: str) -> None:
    assert (guard_entities(a, b).outcome == "reject") == (outcome == "reject")
