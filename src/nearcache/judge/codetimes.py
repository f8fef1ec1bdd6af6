"""Times written as code: date format patterns, cron schedules, SQL intervals, calls that
return the present.

A code question often says its time in code while its paraphrase says it in words:

* a format pattern ("YYYY-MM-DD", "dd/mm/yyyy") is a mark of its own (:func:`formats`),
  and a date written in that shape on the other side ("2024-03-05") is an example of the
  format, not a date the question asks about (:func:`shapes`);
* a cron schedule's day-of-week and month fields (``'0 9 * * 1'``: every Monday) are the
  weekdays and months it names (:func:`cron`; 0 and 7 are Sunday);
* ``now() - interval '1 month'`` says "a month ago", "the last month" or "last month"
  (``+ interval`` the next): weak marks, which never reject alone (:func:`intervals`);
* a call named ``today`` or ``now`` (``date.today()``, ``Date.now()``) and "the current
  date/time" say the present, as "today" does (:func:`present_call`).

Limits: cron ranges with names ("MON-FRI") are read, steps ("*/2") are not; an interval is
read only in SQL's quoted form (``interval '7 days'``); a day/month/year date matches
either a day-first or a month-first format.
"""

from __future__ import annotations

import re

from .calnames import MONTHS, WEEKDAYS
from .numwords import UNITS, word_value

__all__ = ["cron", "formats", "intervals", "present_call", "shapes"]

_UNIT = r"(?:YYYY|YY|MM|DD|HH|hh|mm|ss|yyyy|yy|dd|M|D)"
_FORMAT = re.compile(rf"\b{_UNIT}(?:[-/.: ]{_UNIT})+\b")
_FIELD = r"(?:\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?(?:,[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)*)(?:/\d+)?"
_NUMBERS = r"(?:\*|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)(?:/\d+)?"
#: Compiled on first use by :func:`re.finditer` (most texts have no "*").
_CRON = (
    rf"(?<![\w*/,-])({_NUMBERS})\s+({_NUMBERS})\s+({_NUMBERS})\s+({_FIELD})\s+({_FIELD})"
    r"(?![\w*/,-])"
)
_INTERVAL = re.compile(r"([-+])\s*interval\s+'(\w+)\s+(\w+)'", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})([/-])(\d{1,2})[/-](\d{2}|\d{4})$")
_PRESENT_CALL = re.compile(r"[.:](?:today|now|utcnow)\b|\b(?:today|now|utcnow)\(")
_PERIODS = frozenset({"day", "week", "month", "year"})


def formats(raw: str, low: str) -> set[str]:
    """The date format patterns written in ``raw`` (``low``: lowercased), as marks
    (``format:YYYY-MM-DD``)."""
    if "yy" not in low:
        return set()
    return {"format:" + m.group().upper() for m in _FORMAT.finditer(raw)}


def shapes(written: str) -> tuple[str, ...]:
    """The format patterns a date written as ``written`` fits: "2024-03-05" fits
    ``YYYY-MM-DD``, "05/03/24" both ``DD/MM/YY`` and ``MM/DD/YY``."""
    m = _ISO.match(written)
    if m:
        return (f"YYYY-{'MM' if len(m[2]) == 2 else 'M'}-{'DD' if len(m[3]) == 2 else 'D'}",)
    m = _DMY.match(written)
    if not m:
        return ()
    sep, year = m[2], "YYYY" if len(m[4]) == 4 else "YY"
    first, second = len(m[1]) == 2, len(m[3]) == 2
    day_first = f"{'DD' if first else 'D'}{sep}{'MM' if second else 'M'}{sep}{year}"
    month_first = f"{'MM' if first else 'M'}{sep}{'DD' if second else 'D'}{sep}{year}"
    return (day_first, month_first)


def _values(field: str, names: dict[str, int], top: int) -> list[int] | None:
    """The numbers a cron field lists ("1", "1-5", "1,3", "MON-FRI"); None for "*"."""
    if field.startswith("*") or "/" in field:
        return None
    out: list[int] = []
    for part in field.lower().split(","):
        ends = [int(p) if p.isdigit() else names.get(p, -1) for p in part.split("-")]
        if min(ends) < 0 or max(ends) > top:
            return None
        out.extend(range(ends[0], ends[-1] + 1))
    return out


def cron(raw: str) -> set[str]:
    """Weekday and month marks of the cron schedules in ``raw`` (``'0 9 * * 1'``:
    ``weekday:1``); a schedule needs a ``*`` in one of its fields."""
    if "*" not in raw:
        return set()
    out: set[str] = set()
    for m in re.finditer(_CRON, raw):
        fields = m.groups()
        if not any(f.startswith("*") for f in fields):
            continue
        days = _values(fields[4], WEEKDAYS, 7) or []
        months = _values(fields[3], MONTHS, 12) or []
        out.update(f"weekday:{7 if d == 0 else d}" for d in days)
        out.update(f"month:{n}" for n in months if n)
    return out


def intervals(raw: str, low: str) -> set[str]:
    """Weak marks of SQL intervals added to or taken from a time in ``raw`` (``low``:
    lowercased): ``- interval '1 month'`` is "a month ago", "the last month" or "last
    month"."""
    if "interval" not in low:
        return set()
    out: set[str] = set()
    for sign, count, unit_word in _INTERVAL.findall(raw):
        n, unit = word_value(count.lower()), UNITS.get(unit_word.lower(), "")
        if n is None or unit not in _PERIODS:
            continue
        if sign == "-":
            out.update((f"ago:{n}:{unit}", f"last:{n}:{unit}"))
            out.add(f"rel:day-{n}" if unit == "day" else f"rel:{unit}-{n}")
        else:
            out.add(f"next:{n}:{unit}")
            out.add(f"rel:day+{n}" if unit == "day" else f"rel:{unit}+{n}")
    return out


def present_call(low: str) -> bool:
    """Whether the lowercased text ``low`` calls or reads an attribute named
    ``today``/``now`` (``date.today()``, ``Date.now()``, ``Local::now()``)."""
    return ("now" in low or "today" in low) and _PRESENT_CALL.search(low) is not None
