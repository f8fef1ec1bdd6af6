"""``RepeatFilter``: ``nearcache serve`` logs a repeated WARNING (one per request during a
store outage) once per window, then says how many it held back. Time is the records'
own timestamps, set here: nothing waits."""

from __future__ import annotations

import logging

from nearcache.cli.logs import RepeatFilter


def _record(
    msg: str, created: float, level: int = logging.WARNING, name: str = "n.x"
) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, msg, ("redis://h:1",), None)
    record.created = created
    return record


def test_a_repeated_warning_passes_once_per_window_then_with_the_count() -> None:
    f = RepeatFilter(window=60.0)
    outage = "store unavailable, lookup is a miss: %s"
    passed = [f.filter(_record(outage, t)) for t in (100.0, 100.5, 101.0, 159.0)]
    assert passed == [True, False, False, False]
    later = _record(outage, 161.0)
    assert f.filter(later)
    assert later.getMessage() == (
        "store unavailable, lookup is a miss: redis://h:1"
        " [3 more like this since the last one shown]"
    )
    again = _record(outage, 250.0)  # nothing held back since: no count
    assert f.filter(again) and again.getMessage().endswith("redis://h:1")


def test_other_lines_levels_and_loggers_are_not_held_back() -> None:
    f = RepeatFilter(window=60.0)
    assert f.filter(_record("store unavailable: %s", 1.0))
    assert f.filter(_record("the answer was not stored: %s", 1.1))  # another template
    assert f.filter(_record("store unavailable: %s", 1.2, name="n.y"))  # another logger
    assert f.filter(_record("store unavailable: %s", 1.3, level=logging.ERROR))
    for t in (2.0, 3.0):  # INFO (a store back) is a state change: always shown
        assert f.filter(_record("store is reachable again: %s", t, level=logging.INFO))
