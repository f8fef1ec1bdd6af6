"""Opposite ends of one measure, said in other words.

"which month-end jobs are usually the *quickest*" / "what tasks usually take the
*longest*"; "why is my net pay *lower* this month" / "my take-home *went up* this month";
"customers whose *last* order ..." / "customers who placed their *first* order ...". The
antonym guard (:mod:`.antonyms`) pairs the two words of one lexicon line and leaves the
opposites of a reworded question to the verifier, which reads the words a pair shares and
scores such look-alikes near 1. This reader groups the words of a few measures whatever
line or part of speech carries them -- how long a thing takes (speed too: the quickest job
is the shortest), a level that moves up or down, one thing against many, first against
last, the start of a period against its end -- and reads each text whole: one text that
names one end of a measure only, against another that names only the other end, asks the
opposite question (the antonym guard rejects).

Only the forms that name an end are read: superlatives of time ("fastest", "longest",
not "faster": "why is my build slow" / "how do I make it faster" ask one thing); a
level's change or comparative ("increased", "rose", "higher", "dropping"), "up" and
"down" only after a verb of motion ("went up", "creeps up"); "first"/"last" only after a
determiner ("their first order") and not before a unit of time ("the last year" is a
period, "the first time" an occasion); the start or end of a period by phrase ("the
first week of", "start of", "early in" / "quarter end", "year-end", "end of", "late in").
Not read: a word after "how" ("how long": the measure asked, no end), a word with "than"
in the three words after it (a comparison may be turned round: "A is faster than B" / "B
is slower than A"), "single" in a text that also counts "each" or "every" ("a single
login for each database": two things counted).

Limits: word lists, not a parse; a negation before an end ("didn't go up") is not read;
English only.
"""

from __future__ import annotations

from .tokens import analyze, text_cache, wordset

__all__ = ["SCALES", "scale_turned"]

#: Each measure's two ends, as written (lowercase word forms).
SCALES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "time taken": (
        wordset("quickest fastest shortest soonest speediest"),
        wordset("longest slowest lengthiest"),
    ),
    "level": (
        wordset("increase increased increases increasing rise rises rose risen rising higher"),
        wordset("decrease decreased decreases decreasing lower lowered lowering dropping"),
    ),
    "count": (wordset("single"), wordset("many multiple several bulk")),
    "rank in time": (wordset("first earliest oldest"), wordset("last latest newest")),
}
_MOTION = wordset(
    "go goes went gone going creep creeps crept creeping shoot shoots shot shooting "
    "climb climbs climbed climbing edge edges edged edging tick ticks ticked ticking"
)
_PARTICLES = {"up": 0, "down": 1}
_DETERMINERS = wordset("the my our your their his her its whose this that a an")
_TIME_UNITS = wordset(
    "year years month months week weeks day days hour hours minute minutes quarter "
    "quarters time times night nights season seasons decade decades term semester"
)
_EACH = wordset("each every")
_START = wordset("start beginning")
_END_COMPOUNDS = wordset("year-end month-end quarter-end term-end season-end")
#: Every word that can name an end: a text with none of them is not read further.
_CUES = frozenset(
    {w for ends in SCALES.values() for side in ends for w in side}
    | set(_PARTICLES)
    | _START
    | _END_COMPOUNDS
    | {"recent", "early", "end", "late"}
)

#: (measure, end) -> the word that named it.
Ends = dict[tuple[str, int], str]


def _point_in_period(w: str, prev: str, nxt: str, after: str) -> tuple[int, str] | None:
    """The start (0) or end (1) of a period a phrase at ``w`` names, with the phrase:
    "start/beginning of", "first <unit> of", "early in" / "end of", "<unit> end",
    "<unit>-end", "last <unit> of", "late in"."""
    if (w in _START and nxt == "of") or (w == "early" and nxt == "in"):
        return 0, f"{w} {nxt}"
    if (w == "end" and (nxt == "of" or prev in _TIME_UNITS)) or (w == "late" and nxt == "in"):
        return 1, f"{w} {nxt}" if nxt in ("of", "in") else f"{prev} {w}"
    if w in _END_COMPOUNDS:
        return 1, w
    if w in ("first", "last") and nxt in _TIME_UNITS and after == "of":
        return (0 if w == "first" else 1), f"{w} {nxt} of"
    return None


@text_cache
def _ends(text: str) -> Ends:
    """The ends of each measure ``text`` names, with the word that names each."""
    words = analyze(text).words
    if _CUES.isdisjoint(words):
        return {}
    out: Ends = {}
    for i, w in enumerate(words):
        if w not in _CUES:
            continue
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if prev == "how" or "than" in words[i + 1 : i + 4]:
            continue  # "how long": the measure asked; "faster than": may be turned round
        point = _point_in_period(w, prev, nxt, words[i + 2] if i + 2 < len(words) else "")
        if point is not None:
            out.setdefault(("point in a period", point[0]), point[1])
            continue
        if w in _PARTICLES:
            if prev in _MOTION or prev == "or":  # "went up", "go up or down"
                out.setdefault(("level", _PARTICLES[w]), f"{prev} {w}")
            continue
        if w == "recent":
            if prev == "most":  # "the most recent order": the latest
                out.setdefault(("rank in time", 1), "most recent")
            continue
        for measure, sides in SCALES.items():
            for end, side in enumerate(sides):
                if w not in side:
                    continue
                if measure == "rank in time" and (prev not in _DETERMINERS or nxt in _TIME_UNITS):
                    continue  # "the last year" is a period, "the first time" an occasion
                if measure == "count" and not _EACH.isdisjoint(words):
                    continue  # "a single login for each database": two things counted
                out.setdefault((measure, end), w)
    return out


def scale_turned(a: str, b: str) -> tuple[str, str] | None:
    """The words (``a``'s, ``b``'s) that name opposite ends of one measure, each text naming
    one end of it only; else None."""
    ea = _ends(a)
    eb = _ends(b) if ea else {}
    for (measure, end), word in ea.items():
        other = (measure, 1 - end)
        if other in eb and other not in ea and (measure, end) not in eb:
            return word, eb[other]
    return None
