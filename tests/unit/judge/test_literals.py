"""literal_changed / guard_entities: quoted code that differs only in its symbols; one
setting given other values (setting_changed); other spreadsheet errors (sheet_error_changed)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities, run_guards
from nearcache.judge.literals import (
    command_changed,
    example_changed,
    literal_changed,
    literals,
    quote_changed,
    setting_changed,
    sheet_error_changed,
    symbols_changed,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("In C, is `i++` faster than `i+1`?", "In C, is `++i` faster than `i+1`?"),
        ("What does `**opts` mean in a signature?", "What does `*opts` mean in a signature?"),
        ('grep for "^error" in a log file', 'grep for "error$" in a log file'),
        ("Does `a == b` compare identity in Ruby?", "Does `a === b` compare identity in Ruby?"),
        ("glob 'data/*.csv' in bash", "glob 'data/**.csv' in bash"),
    ],
)
def test_other_symbols_in_a_quoted_example_reject(a: str, b: str) -> None:
    assert literal_changed(a, b) is not None
    assert literal_changed(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Case, spaces, a trailing () and edge punctuation are the same example.
        ("What does `Array.from()` return?", "what does `array.from` return"),
        ("Is `x=1` valid in Lua?", "Is `x = 1` valid in Lua?"),
        ("How do I use `.env` files?", "How do I use `env` files?"),
        # A text quoting both forms compares them.
        ("Is `i++` the same as `++i`?", "What does `++i` do?"),
        # Other words: not this rule's.
        ("What does `git add -p` do?", "What does `git add -A` do?"),
        # Quoted on one side only.
        ("grep for ^error in a log", 'grep for "error$" in a log'),
    ],
)
def test_same_or_unread_examples_pass(a: str, b: str) -> None:
    assert literal_changed(a, b) is None
    assert literal_changed(b, a) is None


def test_literals_are_read_with_their_symbols() -> None:
    assert literals("LIKE 'foo%' and \"bar\"") == (("foo%", "foo"), ("bar", "bar"))
    assert literals("it's John's book") == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does `rsync -a --delete src/ dst/` remove files?",
            "Does `rsync -a src/ dst/` remove files?",
        ),
        ("Does `mv old.txt new.txt` keep a copy?", "Does `mv new.txt old.txt` keep a copy?"),
        ("In `scp file host:.`, where does it go?", "In `scp host:file .`, where does it go?"),
    ],
)
def test_one_command_with_other_options_or_arguments_reordered_rejects(a: str, b: str) -> None:
    assert command_changed(a, b) is not None
    assert command_changed(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does `cp a.txt b.txt` overwrite b.txt?",
            "`cp a.txt b.txt` with b.txt present, clobbered?",
        ),
        (
            "Does `git checkout -b fix` create a branch?",
            "Does `git checkout -b login` make a branch?",
        ),
        ("Does `ls -l` show sizes?", "Does `du -sh` show sizes?"),
        ("Does `cp a b` then `mv b c` keep a?", "Does `mv b c` after `cp a b` keep a?"),
    ],
)
def test_the_same_command_or_other_words_or_programs_pass(a: str, b: str) -> None:
    assert command_changed(a, b) is None
    assert command_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            'Why does git say "fatal: refusing to merge unrelated histories"?',
            'Why does git say "fatal: not a git repository"?',
        ),
        ('What does "du vermisst mich" mean in English?', 'What does "ich vermisse dich" mean?'),
    ],
)
def test_another_quoted_message_around_the_same_question_rejects(a: str, b: str) -> None:
    assert quote_changed(a, b) is not None
    assert guard_entities(a, b).outcome == guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the same message, partly quoted
        (
            'git says "fatal: refusing to merge unrelated histories", why?',
            'Why does git say "refusing to merge unrelated histories"?',
        ),
        # an error quoted, a command quoted: the rest differs
        (
            'How do I fix "Permission denied (publickey)"?',
            "`ssh -T git@github.com` fails on a new laptop, what do I set up?",
        ),
        # a short quote is no message
        ('What does "git stash" do?', 'What does "git pop" do?'),
    ],
)
def test_the_same_message_or_another_question_is_not_read(a: str, b: str) -> None:
    assert quote_changed(a, b) is None
    assert quote_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In a Makefile, does $< mean the target and $@ the first prerequisite?",
            "In a Makefile, does $@ mean the target and $< the first prerequisite?",
        ),
        (
            "javascript: does === coerce types but == does not",
            "javascript: does == coerce types but === does not",
        ),
        (
            "What's the fastest way to reverse a string in C++?",
            "What's the fastest way to reverse a string in C?",
        ),
        # "?" right after code symbols, the text going on, is code: lazy, not greedy.
        ("does the regex a+? match all of aaa", "does the regex a+ match all of aaa"),
    ],
)
def test_the_same_words_with_other_code_symbols_reject(a: str, b: str) -> None:
    assert symbols_changed(a, b) is not None
    assert guard_entities(a, b).outcome == guard_entities(b, a).outcome == "reject"


def test_emphasis_or_the_same_symbols_are_no_other_code() -> None:
    assert symbols_changed("im stuck in an elevator!!!", "I'm stuck in an elevator?") is None
    assert symbols_changed("does a != b hold", "Does a != b hold?") is None
    assert symbols_changed("is it written x++?", "is it written x++") is None  # the question


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In Python, does `a == b` compare values or identity?",
            "In Python, does `a is b` compare values or identity?",
        ),
        (
            "In Rust, does `iter().take(3).rev()` give the last three?",
            "In Rust, does `iter().rev().take(3)` give the last three?",
        ),
        (
            "In Python, does `datetime.now()` return an aware datetime?",
            "In Python, does `datetime.now(timezone.utc)` return an aware datetime?",
        ),
    ],
)
def test_another_example_around_the_same_words_rejects(a: str, b: str) -> None:
    assert example_changed(a, b) is not None
    assert guard_entities(a, b).outcome == guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Does `x.sort()` return None?", "Does `lst.sort()` return None?"),  # a variable renamed
        ("What does `np.array` do?", "What does `numpy.array` do?"),  # an alias
        (
            "Does `a == b` compare identity?",
            "Is `a == b` an identity test in Python?",
        ),  # other words
    ],
)
def test_a_renamed_example_or_other_words_are_not_read(a: str, b: str) -> None:
    assert example_changed(a, b) is None
    assert example_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does retries=3 make the client give up sooner?",
            "Does retries=0 make the client give up sooner?",
        ),
        (
            'Is a cookie with SameSite="Lax" sent on a POST?',
            'Is a cookie with SameSite="Strict" sent on a POST?',
        ),
        (
            "With restart = always, does the container come back?",
            "With restart = no, does the container come back?",
        ),
        (
            "sort(reverse=True) on a list of tuples",
            "What does sort(reverse=False) do to a list of tuples?",
        ),
    ],
)
def test_one_setting_given_other_values_rejects(a: str, b: str) -> None:
    assert setting_changed(a, b) is not None
    assert guard_entities(a, b).outcome == guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is SameSite=lax the default?",
            'Is SameSite="Lax" the default for cookies?',
        ),  # quotes, case
        (
            "retries=3 or retries=5 for a flaky API?",
            "Is retries=5 enough for a flaky API?",
        ),  # one shared
        ("Does timeout = 30 apply per request?", "Does timeout=30 apply per request?"),  # spaces
        (
            "Does After= make the unit wait?",
            "Does After=network.target make the unit wait?",
        ),  # no value
        ("Is a == b the same as b == a?", "Is a == c the same as c == a?"),  # comparisons
        (
            "Does retries=3 slow it down?",
            "Does timeout=3 slow it down?",
        ),  # other keys: not read here
    ],
)
def test_the_same_setting_value_or_no_setting_is_not_read(a: str, b: str) -> None:
    assert setting_changed(a, b) is None
    assert setting_changed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Why does XLOOKUP give the #REF! error in my budget sheet?",
            "Why does XLOOKUP give the #N/A error in my budget sheet?",
        ),
        ("my cell shows #DIV/0! after a paste", "my cell shows ##### after a paste"),
        ("What does #NAME? mean in Google Sheets?", "what does #value! mean in google sheets"),
    ],
)
def test_another_spreadsheet_error_rejects(a: str, b: str) -> None:
    assert sheet_error_changed(a, b) is not None
    for x, y in ((a, b), (b, a)):  # the "!" of "#REF!" ends no sentence: both are read whole
        _, results = run_guards(x, y)
        assert results["entities"].outcome == "reject", results["entities"]
        assert "other code" in results["entities"].detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Why does VLOOKUP return #N/A?", "vlookup gives #n/a, why"),
        ("Why does VLOOKUP return #N/A or #REF!?", "Why does VLOOKUP return #REF!?"),
        ("Why does VLOOKUP return #N/A?", "Why does VLOOKUP return an error?"),
        ("Is #ad! a tag", "Is #REF! a tag"),  # no error of the list on one side
    ],
)
def test_the_same_or_one_sided_spreadsheet_errors_are_not_read(a: str, b: str) -> None:
    assert sheet_error_changed(a, b) is None
    assert sheet_error_changed(b, a) is None
