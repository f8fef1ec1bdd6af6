"""Guard: numbers and quantities must agree.

"When did World War I end?" and "... World War II ...?" embed close together, yet one
answer is 1918 and the other 1945. This guard reads every quantity in both texts, in any
form (:mod:`.quantities`), and rejects the pair when they differ. The same quantity in
other units agrees: ``02:00`` = ``2 am``, ``12 months`` = ``a year``, ``60 miles per
hour`` = ``60 mph``, ``50%`` = ``half``, an age against "a toddler" or "in his forties"
(:mod:`.measures`); "daily" on the other side is "in 24 hours"; "third quarter" is a
period, not 3/4. Versions, IP addresses and CIDR blocks compare literally; numbers in
code written without quotes (``ubuntu@1.2.3.4``, ``2>&1``) are examples, and so is a
number the text repeats in prose after its own code ("`zip([1,2,3])` - do I lose the
3?"); a code example's numbers only differ from the other text's prose numbers when
those are strong (not "first", "one"); a text naming two things and then one by position
("merge two dicts so the second one wins") asks about that pair: its 1 and 2 are weak.
Capitals the other text writes as a lowercase word are no Roman numeral ("IV" / "iv").
Digits inside identifiers (``ipv4``/``ipv6``, ``x86``/``x64``) only reject against
another number, since a name such as "H2O" or "B12" says the same as "water" or "vitamin
B". A number the other text names in words is no extra quantity ("502" / "Bad Gateway",
"exit code 137" / "killed": :mod:`.codes`).

A noun counted as one in one text and quantified as all or many in the other ("drop one
column" / "drop every column") differs too (:func:`.measures.one_against_all`).
Two things said as a pair in words agree with the other text's 2 ("from one task to
another" / "between two tasks", "a pair of": :mod:`.twos`).

Same numbers can still ask different things: "what is 20% of 50" asks for an amount,
"20 is what percent of 50" for a percentage (:func:`asks_percent`); that pair is rejected.

A figure only one text gives, when just one of the two asks in a full question and the
other is a keyword query or a snippet (:func:`.answers.asked_otherwise`), is left to the
verifier, whichever side gives it ("4000 kWh/yr UK -> how many 400W panels?" / "How many
panels do I need?"; "`ax.twinx()` for a secondary y axis?" / "how do I put a second
y-axis on the right side of the plot?"): the look-alikes of the pool keep the form of
their question ("Can I bring a 40,000 mAh power bank ...?" / "Can I bring a power bank
...?"); a count of a thing the other text counts as one still differs ("2 glazed donuts"
/ "a glazed donut"), and so does a figure beside a word the other text writes beside
another number ("Diablo 4" / "diablo 5": :mod:`.renumbered`).

Limits: "one" and "first" alone never reject by themselves; a version with a trailing
zero (``3.10``) differs from ``3.1``; other scripts are not read. "1 espresso shot" / "a
shot of espresso" and "100vh" / "full height" agree (:func:`said_in_words`, its limits).
"""

from __future__ import annotations

import re
from collections import Counter

from .answers import asked_otherwise
from .codes import named_elsewhere
from .dates import time_info
from .excuses import excuse
from .measures import Quantity, ages, fmt, one_against_all, percents, size, sizes
from .numwords import UNITS as _UNITS
from .numwords import ordinal_value, same_unit, word_value
from .quantities import quantities
from .renumbered import count_against_value, number_changed
from .spans import PERIOD_UNITS
from .tokens import MAX_CHARS, Text, analyze, stem, text_cache, wordset
from .twos import pair_said
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["Quantity", "asks_percent", "guard_numbers", "quantities", "word_value"]


def _show(qs: list[Quantity]) -> str:
    return ", ".join(dict.fromkeys(v.removeprefix("lit:") + (u and " " + u) for v, u, _, _ in qs))


_ZERO = "zero"
_NEGATION = wordset("no not never none without nothing nobody empty")


def _negated(t: Text) -> bool:
    """Whether a text says a negation ("no orders", "hasn't any", "without")."""
    return any(w in _NEGATION or w.endswith("n't") for w in t.words)


def _bare_units(t: Text) -> set[str]:
    """Units named without a number ("how many ounces in a pound")."""
    return {_UNITS[tok.low] for tok in t.tokens if tok.kind == "word" and tok.low in _UNITS}


def _periods(text: str) -> set[str]:
    """The units of the periods ``text`` counts a rate over ("daily": a day), so "in 24
    hours" on the other side says the same."""
    marks = time_info(text).strong
    return {u for p, u in PERIOD_UNITS.items() if f"every:{p}" in marks}


#: Words after which a noun is counted as one ("a shot", "a single shot").
_ONE = wordset("a an single")


def _counted_as_one(words: tuple[str, ...]) -> set[str]:
    """The words within two after "a", "an" or "single": the nouns counted as one."""
    return {w for n, a in enumerate(words) if a in _ONE for w in words[n + 1 : n + 3]}


#: Words that say "all of it" where a CSS or percentage 100 says the same ("full height").
_FULL = wordset("full fully entire entirely whole fill fills complete completely")
_CSS_FULL = frozenset({"%", "vh", "vw", "dvh", "svh", "lvh"})


def said_in_words(extra: list[Quantity], t: Text, other: Text) -> list[Quantity]:
    """``extra`` (quantities of ``t`` the ``other`` text lacks) without those ``other``
    says in words: a digit 1 before a noun the other counts with "a"/"an" ("1 espresso
    shot" / "a shot of espresso"), 100 as a percentage or a viewport unit ("100vh",
    "100%") against "full", "entire", "whole" ("the full height of the screen"), and a 2
    without a unit against "both" ("the two branches" / "both branches").

    Limits: the noun must follow the 1 within two words and the article within two words
    ("1 large pizza" / "a pizza" agree, "1 pizza" / "a large thin pizza" do not); any
    "full"/"whole" on the other side matches any 100% or 100vh."""
    if not extra:
        return extra
    toks = t.tokens
    counted: set[str] = set()
    full = False
    for i, tok in enumerate(toks):
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if tok.low == "1" and tok.kind == "num":
            counted.update(x.low for x in toks[i + 1 : i + 3] if x.kind == "word")
        full = full or (tok.low == "100" and nxt in _CSS_FULL) or tok.low in ("100vh", "100vw")
    words = other.words
    keep_one = not counted & _counted_as_one(words)
    keep_full = not (full and any(w in _FULL for w in words))
    keep_two = "both" not in words  # "the two branches" / "both branches"
    return [
        q
        for q in extra
        if (q[0] != "1" or keep_one)
        and (q[0] != "100" or keep_full)
        and (q[0] != "2" or q[1] or keep_two)
    ]


def _as_examples(qs: tuple[Quantity, ...]) -> list[Quantity]:
    """``qs`` with a number the text also writes inside its own code or quotes read as
    that example too ("`zip([1,2,3], 'ab')` - do I lose the 3?": the 3 is the example's)."""
    shown = {q[0] for q in qs if q[3]}
    return [q if q[3] or q[0] not in shown else (q[0], q[1], q[2], True) for q in qs]


_ROMAN_WORD = re.compile(r"^[IVXLC]{2,}$")


def _worded(qs: tuple[Quantity, ...], t: Text, other: Text) -> tuple[Quantity, ...]:
    """``qs`` without the Roman numerals ``t`` writes in capitals that ``other`` writes as
    a lowercase word ("IV antibiotics" / "iv antibiotics": an abbreviation, not 4)."""
    romans = {tok.text for tok in t.tokens if _ROMAN_WORD.match(tok.text)}
    if not (qs and romans):
        return qs
    lows = {tok.low for tok in other.tokens if tok.kind == "word" and not tok.text.isupper()}
    values = {q[0] for r in romans if r.lower() in lows for q in quantities(r)}
    return tuple(q for q in qs if q[0] not in values) if values else qs


#: Ordinals naming the second of two things, and words naming the pair or its other member.
_SECOND = wordset("second 2nd latter")
_PAIR = wordset("first 1st one two both another former")
_EVERY_SECOND = re.compile(r"\bevery\s+(?:second|2nd)\b", re.IGNORECASE)


def _pair_sides(qs: tuple[Quantity, ...], t: Text) -> tuple[Quantity, ...]:
    """``qs`` with the counts 1 and 2 weak when the text names two things and then one of
    them by position ("merge two dicts so the second one wins", "rows in the first table
    missing from the second"): the pair is what the question is about, not a count it
    asks with. A count against another number still differs ("two dicts" / "three"), and
    "every second" is a rate ("move first on every second board" / "on every board")."""
    words = set(t.words)
    if not (words & _SECOND and words & _PAIR) or _EVERY_SECOND.search(t.raw):
        return qs
    return tuple(
        (v, u, True, lit) if v in ("1", "2") and not u else (v, u, w, lit) for v, u, w, lit in qs
    )


def _one_of_them(extra: list[Quantity], t: Text, other: Text) -> bool:
    """Whether a bare count of ``extra`` counts a noun that ``other`` counts as one
    ("calories in 2 glazed donuts" / "in a glazed donut"), or is a 1 of a noun ``other``
    names uncounted ("1 glazed donut" / "glazed donuts"): the noun within two words after
    the number, the article within two words before it."""
    counts = {q[0] for q in extra if not q[1]}
    toks = t.tokens
    counted: dict[str, str] = {}
    for i, tok in enumerate(toks):
        value = tok.low if tok.kind == "num" else str(word_value(tok.low) or ordinal_value(tok.low))
        if value in counts:
            counted.update((stem(x.low), value) for x in toks[i + 1 : i + 3] if x.kind == "word")
    words = other.words
    one = {stem(w) for w in _counted_as_one(words)}
    named = {stem(w) for w in words}
    return any(n in one or (v == "1" and n in named) for n, v in counted.items())


def _prose(qs: list[Quantity]) -> list[Quantity]:
    """The quantities of ``qs`` written in prose (not inside code, quotes or brackets)."""
    return [q for q in qs if not q[3]]


def guard_numbers(a: str, b: str) -> GuardResult:
    """Reject when the two texts carry different quantities (see the module docstring),
    unless only added context or "pounds" for "£" made the difference (:mod:`.excuses`)."""
    return excuse(_numbers, a, b, _numbers(a, b), money=True)


def _numbers(a: str, b: str) -> GuardResult:
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: numbers not read")
    counted = one_against_all(a, b)
    if counted is not None:
        return GuardResult(REJECT, f"one {counted} against all or many")
    if (role := count_against_value(ta, tb)) is not None:
        return GuardResult(REJECT, f"{role} counts times on one side, is a value on the other")
    qa = _as_examples(_pair_sides(_worded(quantities(a), ta, tb), ta))
    qb = _as_examples(_pair_sides(_worded(quantities(b), tb, ta), tb))
    if not qa and not qb:
        return GuardResult(NEUTRAL, "no numbers")
    qa, qb = _glued_m(qa, a, qb), _glued_m(qb, b, qa)
    qa, qb = pair_said(qa, a, qb), pair_said(qb, b, qa)
    va = {v for v, _, _, _ in qa}
    vb = {v for v, _, _, _ in qb}
    only_a = [q for q in qa if q[0] not in vb]
    only_b = [q for q in qb if q[0] not in va]
    only_a, only_b = percents(only_a, only_b)
    only_a, only_b = ages(only_a, only_b, a, b)
    only_a, only_b = named_elsewhere(only_a, ta, tb), named_elsewhere(only_b, tb, ta)
    if only_a and only_b:  # "24 hours" / "1 day", "2 weeks" / "14 days"
        sa, sb = (
            {s for q in only_a for s in sizes(*q[:2])},
            {s for q in only_b for s in sizes(*q[:2])},
        )
        only_a = [q for q in only_a if not sizes(*q[:2]) & sb]
        only_b = [q for q in only_b if not sizes(*q[:2]) & sa]
    if only_a and only_b:
        prose_a, prose_b = _prose(only_a), _prose(only_b)
        if bool(prose_a) == bool(prose_b):  # prose against prose, or code against code
            return GuardResult(REJECT, f"numbers differ: {_show(only_a)} vs {_show(only_b)}")
        # one side's numbers are all code examples: the other's are read as its extras
        only_a, only_b = prose_a, prose_b
    extra = only_a or only_b
    side = "first" if only_a else "second"
    given, lacking = (ta, tb) if only_a else (tb, ta)
    if _ZERO in given.words and _negated(lacking):
        extra = [q for q in extra if q[0] != "0"]  # "zero orders" / "no orders"
    bare = {size("1", u) for u in _bare_units(lacking) | _periods(b if only_a else a)}
    extra = [q for q in extra if not sizes(*q[:2]) & bare]  # "a pound", "four weeks" / "a month"
    extra = said_in_words(extra, given, lacking)
    if any(not weak and not literal for _, _, weak, literal in extra):
        if (
            not asked_otherwise(a, b)
            or _one_of_them(extra, given, lacking)
            or number_changed(extra, given, lacking)
        ):
            return GuardResult(REJECT, f"only in the {side} text: {_show(extra)}")
        return GuardResult(
            NEUTRAL, f"only in the {side} text; just one of the two asks in a full question"
        )
    for first, second in ((qa, qb), (qb, qa)):
        units: dict[str, set[str]] = {}
        for v, u, _, _ in first:
            if u:
                units.setdefault(v, set()).add(u)
        for v, u, _, _ in second:
            other = units.get(v)
            if u and other and not any(same_unit(u, o) for o in other):
                return GuardResult(REJECT, f"units differ: {v} {min(other)} vs {v} {u}")
    if extra:
        twice = _repeated(qb if only_a else qa, qa if only_a else qb)
        if twice and any(q[0] != "1" for q in extra):  # "choir of eight, eight-part" / "four-part"
            return GuardResult(REJECT, f"numbers differ: {_show(extra)} vs {_show(twice)}")
        if twice and _one_in_its_slot(given, lacking, {q[0] for q in twice}):
            return GuardResult(REJECT, f"numbers differ: 1 vs {_show(twice)} in the same place")
        return GuardResult(NEUTRAL, f"only a weak or quoted number on one side: {_show(extra)}")
    if asks_percent(a) != asks_percent(b) and any(u == "%" for _, u, _, _ in qa + qb):
        return GuardResult(REJECT, "one asks for a percentage, the other for an amount")
    fa, fb = _slashed(a), _slashed(b)
    if fa - fb and fb - fa:  # "3/4 time" / "6/8 time": equal values, other fractions
        return GuardResult(REJECT, f"fractions differ: {min(fa - fb)} vs {min(fb - fa)}")
    return GuardResult(PASS, f"same numbers: {_show(qa)}")


#: A number with "m" glued to it ("5m", "2.5m"): the tokenizer reads metres, but in
#: configurations and counts it is minutes or millions (:func:`_glued_m`). Its digits are
#: read as the quantities are ("5.0m" is 5, "1,500m" 1500).
_GLUED_M = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?m\b")
_MINUTES = frozenset({"min"})


def _glued_m(qs: list[Quantity], text: str, other: list[Quantity]) -> list[Quantity]:
    """``qs`` with a number written with a glued "m" ("5m") read as the other text reads
    it: minutes ("a 5m timeout" / "a 5 minute timeout", "every 5m") or millions ("5m rows"
    / "5 million rows"). "5m" is metres only when the other text says nothing else; a
    spaced "5 m" or "5 metres" stays metres."""
    glued = {_value(m) for m in _GLUED_M.finditer(text)} if "m" in text else set()
    if not glued:
        return qs
    out = []
    for v, u, weak, literal in qs:
        if u == "m" and v in glued:
            theirs = {(w, x) for w, x, _, _ in other}
            if any(w == v and x in _MINUTES for w, x in theirs):
                u = "min"
            else:
                try:
                    million = str(round(float(v) * 1_000_000))
                except (ValueError, OverflowError):  # not a number, or "inf"
                    million = ""
                if (million, "") in theirs:
                    v, u = million, ""
        out.append((v, u, weak, literal))
    return out


def _value(m: re.Match[str]) -> str:
    """The number of a glued "m" match as :func:`.quantities.quantities` writes it."""
    return fmt(float(m.group(1).replace(",", "") + (m.group(2) or "")))


def _one_in_its_slot(t: Text, other: Text, values: set[str]) -> bool:
    """Whether a "one" of ``t`` stands where ``other`` says one of ``values`` (a number it
    says more often than ``t``): the same word right before or right after both ("merge
    two commits into one" / "... into two", "a disk failed on one of them" / "on two of
    them"). "one" alone is too often a pronoun to count, but not in the other's count's
    place."""
    words, theirs = t.words, other.words
    slots = {
        (words[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None)
        for i, w in enumerate(words)
        if w == "one"
    }
    if not slots:
        return False
    for j, w in enumerate(theirs):
        if str(word_value(w)) not in values:
            continue
        before = theirs[j - 1] if j else None
        after = theirs[j + 1] if j + 1 < len(theirs) else None
        if any((b is not None and b == before) or (a is not None and a == after) for b, a in slots):
            return True
    return False


_SLASHED = re.compile(r"(?<![\w/.:-])(\d{1,3})/(\d{1,3})(?![\w/.:-])")


@text_cache
def _slashed(text: str) -> frozenset[str]:
    """The fractions ``text`` writes with a slash ("3/4"), as written: the same value in
    other terms ("6/8") names another time signature, gear ratio or dilution."""
    return frozenset(m[0] for m in _SLASHED.finditer(text[:MAX_CHARS]))


def _repeated(qs: list[Quantity], other: list[Quantity]) -> list[Quantity]:
    """Quantities of ``qs`` whose value it says more often than ``other`` does: with a
    weak number on the other side only ("a four-part motet"), that number stands where
    the repeat stood ("a choir of eight, an eight-part motet"). "one" and "first" are too
    often no count ("the first 10 rows" / "TOP 10 ... LIMIT 10") to be read so."""
    left = Counter(v for v, _, _, _ in other)
    out = []
    for q in qs:
        if left[q[0]] > 0:
            left[q[0]] -= 1
        else:
            out.append(q)
    return out


_ASKS_PERCENT = re.compile(
    r"\b(?:what|which|how\s+many|how\s+much)\s+(?:percent(?:age)?|%|per\s+cent|share|fraction"
    r"|proportion)\b|\bas\s+a\s+percent(?:age)?\b",
    re.IGNORECASE,
)


@text_cache
def asks_percent(text: str) -> bool:
    """Whether ``text`` asks for a percentage or a share ("20 is what percent of 50")
    rather than an amount ("what is 20% of 50")."""
    return _ASKS_PERCENT.search(text[:MAX_CHARS]) is not None
