"""guard_negation: polarity must agree."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I take ibuprofen with alcohol?", "Can I take ibuprofen without alcohol?"),
        ("select rows where a column is null", "select rows where a column is not null"),
        ("Why does my code work?", "Why doesn't my code work?"),
        ("Why does my code work?", "why doesnt my code work"),
        ("Is there a way to do it?", "Is there no way to do it?"),
        ("Have you ever been there?", "Have you never been there?"),
        ("What does git pull --rebase do?", "What does git pull --no-rebase do?"),
    ],
)
def test_flipped_polarity_rejects(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Why doesn't my code work?", "Why is my code not working?"),
        ("Can I take ibuprofen without food?", "can i take ibuprofen w/o food?"),
        ("How do I reverse a list?", "reverse a list how"),
        ("not only fast but also cheap", "fast and cheap"),
        ("Is it No. 5?", "Is it number 5?"),
    ],
)
def test_same_polarity_passes(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject"


def test_outcomes() -> None:
    assert guard_negation("a b", "c d").outcome == "neutral"
    assert guard_negation("isn't it", "is it not").outcome == "pass"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which fruits have vitamin C?", "Which fruits lack vitamin C?"),  # a negating word
        ("Why does my code compile?", "Why does my code fail to compile?"),
        ("Can I drink coffee while pregnant?", "Can I stop drinking coffee while pregnant?"),
        (
            "Why am I not sleepy at night but tired during the day?",
            "Why am I sleepy at night but not tired during the day?",
        ),  # the negation moved
        ("My car won't start but the lights work", "My car starts but the lights don't work"),
        (
            "My car won't start and the lights don't work either",
            "My car won't start but the lights work",
        ),
        (  # the negation moved to another verb, the clauses not split apart
            "The council did not order my landlord to fix the damp. What can I do?",
            "The council ordered my landlord to fix the damp. What can I do if he doesn't fix it?",
        ),
    ],
)
def test_negation_in_words_and_moved_negations_reject(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does the tax-free lump sum count towards my allowance?",
            "Does the tax-free lump sum not count towards my allowance?",
        ),
        ("Is a gluten-free diet healthier?", "Is a gluten-free diet not healthier?"),
        ("Do wireless earbuds need charging?", "Do wireless earbuds not need charging?"),
    ],
)
def test_a_negating_word_both_texts_say_does_not_answer_a_not(a: str, b: str) -> None:
    # "-free" / "-less" in both texts says nothing about the "not" one of them adds
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GitLab CI: run a job only on tags", "GitLab CI: run a job on everything other than tags"),
        (
            "Which operas are sung in a language other than German?",
            "Which operas are sung in German?",
        ),
    ],
)
def test_other_than_on_one_side_excluding_a_shared_term_rejects(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can 91 be divided by anything other than 1 and itself", "Is 91 a prime number?"),
        ("pandas: select all columns other than id", "pandas: keep every column except id"),
        ("pandas: select all columns other than id", "pandas: skip the id column"),
    ],
)
def test_other_than_said_otherwise_or_excluding_an_unnamed_term_passes(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b", "refused"),
    [
        (
            "Which teas are naturally free of caffeine?",
            "Which teas naturally contain caffeine?",
            True,
        ),
        ("Which snacks are nut-free?", "Which snacks contain nuts?", True),
        ("list of naturally gluten-free foods", "What foods don't contain gluten?", False),
        ("Which snacks are nut-free?", "Which snacks lack nuts?", False),
        ("Is it safe to give my cat lactose-free milk?", "Is it safe to give my cat milk?", False),
    ],
)
def test_free_of_what_the_other_text_says_is_there(a: str, b: str, refused: bool) -> None:
    # "free of X" against X named with no negation; a negation or a negative word on the
    # other side says the same; an X the other text never names is scope, not polarity
    assert (guard_negation(a, b).outcome == "reject") is refused, guard_negation(a, b)
    assert (guard_negation(b, a).outcome == "reject") is refused


@pytest.mark.parametrize(
    ("a", "b", "refused"),
    [
        (
            "Which foods should I avoid if I have gout?",
            "Which foods are good to eat with gout?",
            True,
        ),
        (
            "Should I avoid repairing a page with wheat paste?",
            "Can I repair a page with wheat paste?",
            True,
        ),
        (
            "Which breaks should beginners stay away from?",
            "Which breaks are good for beginners?",
            True,
        ),
        ("What should I avoid eating with gout?", "What foods are bad for gout?", False),
        (
            "How can I avoid paying tax on my pension?",
            "How can I reduce the tax on my pension?",
            False,
        ),
        ("How do I avoid a hangover?", "How can I prevent a hangover?", False),
    ],
)
def test_avoid_against_what_is_good_or_allowed(a: str, b: str, refused: bool) -> None:
    assert (guard_negation(a, b).outcome == "reject") is refused, guard_negation(a, b)
    assert (guard_negation(b, a).outcome == "reject") is refused


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I run Docker without root?", "can i run docker withuot root"),  # a typo
        ("What foods don't contain gluten?", "list of naturally gluten-free foods"),  # in words
        ("Why won't my laptop charge?", "why does my laptop fail to charge"),
        (
            "Why am I not sleepy at night but tired during the day?",
            "Why am I tired during the day but not sleepy at night?",
        ),  # clauses swapped
        ("Why doesn't my dog eat?", "why does my dog not eat"),
        (  # the same thing negated, said once before its cue and once after
            "my S3 uploads are not billed but downloads are, why",
            "why are S3 downloads billed but not uploads",
        ),
    ],
)
def test_typos_words_and_reordered_clauses_pass(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a negated auxiliary opening a yes/no question asks the same question
        ("Does aspirin thin the blood?", "Doesn't aspirin thin the blood?"),
        ("Is it too late to apply?", "Isn't it too late to apply?"),
        # "not" before an un- word the other text lacks: a double negative
        ("Is it not unusual for a puppy to cry at night?", "Is it normal for a puppy to cry?"),
        # a cue inside code when the other text quotes nothing
        ("will `except OSError:` catch FileNotFoundError?", "Is FileNotFoundError an OSError?"),
        # the same word written with and without its hyphen
        ("how long is the non-stop flight to Tokyo", "How long is the nonstop flight to Tokyo?"),
    ],
)
def test_polar_questions_double_negatives_code_and_hyphens_pass(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject"
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Why does my code work?", "Why doesn't my code work?"),  # not a yes/no opening
        ("Don't use eval in Python", "use eval in Python"),  # an imperative
        ("Is it not unusual for a puppy to cry?", "Is it unusual for a puppy to cry?"),
        ("Do I not understand recursion?", "Do I understand recursion?"),
        ("Can I say 'I don't know' here?", "Can I say 'I know' here?"),  # both quote
        ("does it work with `x is not None`", "does it work with `x is None`"),
        ("how long is the non-stop flight to Tokyo", "How long is the flight to Tokyo?"),
    ],
)
def test_the_exceptions_stay_narrow(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can I eat eggless cookie dough raw", "Can I eat raw cookie dough made without eggs?"),
        ("is rootless docker possible", "Can I run Docker without root?"),
        ("customers with zero orders", "customers who have no orders"),
    ],
)
def test_a_negating_suffix_or_zero_says_the_negation_in_words(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject"
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is tofu a complete protein or not?", "Is tofu a complete protein?"),
        ("vegan leather: waterproof or not", "is vegan leather waterproof"),
        ("whether or not to prune roses in autumn", "should I prune roses in autumn"),
        ("can my landlord come in if I say no", "can my landlord come in if I refuse"),
        ('npm prints "cannot find module express"', "npm: cannot find module express"),
    ],
)
def test_yes_no_alternatives_answers_and_written_out_quotes_pass(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is tofu not a complete protein?", "Is tofu a complete protein?"),
        ("can my landlord say no to pets", "can my landlord say yes to pets"),
    ],
)
def test_the_new_exceptions_stay_narrow(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a negated stop against "keep(s)": the same continuing action
        ("why won't my dog stop barking at night", "why does my dog keep barking at night"),
        # "without" a loss against "keep"
        ("switch phones without losing my photos", "switch phones and keep my photos"),
        # "never/not ... more than" against "only"
        ("make a cron job never run more than once a day", "make a cron job run only once a day"),
        # "without" the rest against "only"
        ("rebuild one crate without rebuilding the whole workspace", "rebuild only one crate"),
        # a yes/no "can ... without X" against "does ... need X"
        ("Does a Roth IRA need earned income?", "Can I open a Roth IRA without earned income?"),
        # "not" against an un- word, "not" against "false"
        ("Can you have diabetes and not know it?", "is it possible to have undiagnosed diabetes"),
        ("why is NaN not equal to NaN in Python", "python: NaN == NaN is False, why"),
    ],
)
def test_double_negatives_and_needs_said_another_way_pass(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("why won't my dog stop barking at night", "why does my dog stop barking at night"),
        ("why won't my dog stop barking at night", "why does my dog bark at night"),
        ("switch phones without losing my photos", "switch phones and lose my photos"),
        ("remove old photos but keep the albums", "find old photos without deleting them"),
        (
            "make a cron job never run more than once a day",
            "make a cron job run at least once a day",
        ),
        ("rebuild one crate without rebuilding the whole workspace", "rebuild one crate"),
        ("Which jobs need a degree?", "Which jobs can I get without a degree?"),
    ],
)
def test_double_negatives_stay_narrow(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "can I get a refund for a ticket that hasn't been used yet",
            "refund a ticket before I use it",
        ),
        ("edit a comment that isn't posted yet", "edit a comment before it is posted"),
        ("what does `--no-verify` do on git commit", "git commit --no-verify, what is it for"),
        ("visa rules for a non-EU student", "visa rules for a non resident student"),
        (
            "Which of Perl, Lua and C lack no closures?",
            "Which of Lua, C and Perl lack no closures?",
        ),
    ],
)
def test_the_same_negation_said_another_way_passes(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome != "reject", guard_negation(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "can I get a refund for a ticket that hasn't been used yet",
            "refund a ticket after I use it",
        ),
        ("edit a comment that isn't posted yet", "edit a comment that is posted"),
        ("what does `--no-verify` do on git commit", "what does `--verify` do on git commit"),
        ("visa rules for a non resident student", "visa rules for a resident student"),
        ("apples but not pears", "pears but not apples"),
        (
            "I keep cash in savings. Can I move it into my brokerage account without a fee?",
            "I keep cash in my brokerage account. Can I move it into savings without a fee?",
        ),
    ],
)
def test_other_negations_still_reject(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject", guard_negation(a, b)
    assert guard_negation(b, a).outcome == "reject", guard_negation(b, a)


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # "free" says "without" a payment
        (
            "Is the Louvre free for students?",
            "Can students enter the Louvre without paying?",
            False,
        ),
        (
            "Are children under 5 free on the bus?",
            "Do kids under five ride the bus without a ticket?",
            False,
        ),
        ("Can I cancel for free?", "Can I cancel without a fee?", False),
        # "without" something else, or "free" negated
        (
            "Are children under 5 free on the bus?",
            "Can kids under five ride the bus without an adult?",
            True,
        ),
        ("Is parking at the airport free?", "Is parking at the airport not free?", True),
        # "other than" says "except"
        ("select all columns except id", "select all columns other than id", False),
        ("list every branch except main", "list every branch other than main", False),
    ],
)
def test_free_and_without_a_payment_other_than_and_except(a: str, b: str, rejects: bool) -> None:
    assert (guard_negation(a, b).outcome == "reject") == rejects, guard_negation(a, b)
    assert (guard_negation(b, a).outcome == "reject") == rejects


@pytest.mark.parametrize(
    ("a", "b", "rejects"),
    [
        # "anything but X" is "not X", "everything but X" is "except X"
        (
            "Which pixels does the classification layer mark as anything but cloud?",
            "Which pixels does the classification layer mark as cloud?",
            True,
        ),
        ("Is the hotel anything but cheap?", "Is the hotel cheap?", True),
        ("delete everything but the logs folder", "delete the logs folder", True),
        (
            "delete everything but the logs folder",
            "delete everything except the logs folder",
            False,
        ),
        ("the pixels marked as anything but cloud", "pixels not marked as cloud", False),
        # "but" opening a clause after "everything" is no negation
        ("I tried everything but it fails", "I tried everything and it still fails", False),
    ],
)
def test_anything_but_says_not(a: str, b: str, rejects: bool) -> None:
    for x, y in ((a, b), (b, a)):
        assert (guard_negation(x, y).outcome == "reject") is rejects


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "Does a motorcycle with ABS stop faster on gravel than one without?",
            "Does a motorcycle without ABS stop faster on gravel than one with it?",
            False,
        ),
        (
            "Is bread without salt worse than bread with salt?",
            "Is bread with salt worse than bread without salt?",
            False,
        ),
        (
            "Is a bike without gears slower than one with them?",
            "Is a gearless bike slower than a bike with gears?",
            True,
        ),
        (
            "Is tea without sugar healthier than tea with sugar?",
            "Is unsweetened tea, without sugar, healthier than tea with sugar?",
            True,
        ),
    ],
)
def test_a_negation_across_a_comparison(a: str, b: str, same: bool) -> None:
    assert (guard_negation(a, b).outcome != "reject") is same
    assert (guard_negation(b, a).outcome != "reject") is same


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("Does FILTER(?age > 18) keep adults?", "Does FILTER(!(?age > 18)) keep adults?", "reject"),
        ("in JS, does if (done) run the block", "in JS, does if (!done) run the block", "reject"),
        ("if not done: return", "if (!done) return", "pass"),
        # not an operator: after a word, before "=", CSS's !important
        ("Does x != y hold?", "Does x == y hold?", "neutral"),
        ("why is my fix! commit rejected", "why is my fix commit rejected", "neutral"),
        ("Why does `!important` not work?", "Why does `important` not work?", "pass"),
    ],
)
def test_a_logical_not_operator_in_code_is_a_negation(a: str, b: str, outcome: str) -> None:
    assert guard_negation(a, b).outcome == outcome
    assert guard_negation(b, a).outcome == outcome
