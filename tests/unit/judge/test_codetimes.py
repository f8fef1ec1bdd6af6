"""Times written as code (codetimes.py) and marks that name one time two ways
(timematch.py), as the time guard sees them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time
from nearcache.judge.codetimes import cron, formats, intervals, present_call, shapes


def test_cron_fields_name_weekdays_and_months() -> None:
    assert cron("crontab line '30 6 * * 5' for my backup") == {"weekday:5"}
    assert cron("schedule 0 0 * * 0") == {"weekday:7"}  # 0 is Sunday, as 7
    assert cron("'15 8 * * MON-WED'") == {"weekday:1", "weekday:2", "weekday:3"}
    assert cron("0 12 1 3 *") == {"month:3"}
    assert cron("*/5 * * * *") == set()  # every five minutes: no day named
    assert cron("run 1 2 3 4 5 times") == set()  # no "*": not a schedule
    assert cron("a * b * c") == set()  # words, not fields


def test_formats_and_the_shapes_of_written_dates() -> None:
    raw = "print it as dd/mm/yyyy please"
    assert formats(raw, raw.lower()) == {"format:DD/MM/YYYY"}
    assert formats("no pattern here", "no pattern here") == set()
    assert shapes("1999-12-31") == ("YYYY-MM-DD",)
    assert shapes("7/4/21") == ("D/M/YY", "M/D/YY")
    assert shapes("31.12.1999") == ()


def test_intervals_are_weak_marks_of_a_time_back_or_ahead() -> None:
    def read(raw: str) -> set[str]:
        return intervals(raw, raw.lower())

    assert "rel:week-1" in read("created_at > now() - interval '1 week'")
    assert "rel:day-3" in read("ts >= CURRENT_DATE - INTERVAL '3 days'")
    assert "rel:year+1" in read("now() + interval '1 year'")
    assert read("interval '2 hours'") == set()  # no sign: a duration


def test_present_calls() -> None:
    assert present_call("datetime.now()") and present_call("date.today()")
    assert not present_call("nowhere") and not present_call("known()")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("crontab entry to back up every Friday at 6:30", "is '30 6 * * 5' the right cron line"),
        ("show rows added in the past week", "WHERE added >= now() - interval '1 week'"),
        ("print a timestamp as DD/MM/YYYY in java", 'java: turn a date into "31/12/1999" text'),
        ("java: today's date as a string", "java: the current date as a string"),
        ("rust: is today a weekday", "in rust, does Local::now() fall on a weekday"),
        ("I moved here a year and a week ago", "I moved here 372 days ago"),
        ("the invoice from 24 months ago", "the invoice from two years ago"),
        ("shipped a week ago, still not here", "shipped last week, still not here"),
        ("is the pool open this Saturday", "is the pool open this weekend"),
        ("concert next Sunday evening", "concert next weekend"),
    ],
)
def test_one_time_said_two_ways_passes(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject", guard_time(a, b)
    assert guard_time(b, a).outcome != "reject", guard_time(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("crontab entry to back up every Friday", "is '30 6 * * 4' the right cron line"),
        ("print a timestamp as DD/MM/YYYY", 'turn a date into "1999-12-31" text'),
        ("I moved here a year and a week ago", "I moved here 300 days ago"),
        ("the invoice from 23 months ago", "the invoice from last year"),
        ("shipped three weeks ago", "shipped last week"),
        ("is the pool open on Saturday", "is the pool open this weekend"),
        ("concert this Sunday", "concert next weekend"),
        ("is the pool open next weekend", "is the pool open Saturday and Sunday"),
    ],
)
def test_different_times_still_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject", guard_time(a, b)
    assert guard_time(b, a).outcome == "reject", guard_time(b, a)
