"""Two carefully written texts one letter apart name two different things.

The alignment pairs a word with its misspelling ("temprature" / "temperature"), so a typed
question finds its stored twin. But a letter also tells real words apart that no lexicon
lists: "nitrite" / "nitrate", "Mount" / "Mont", "sulfite" / "sulfate", "dairy" /
"diary". Whether one is a typo of the other shows in how the text is written: a
question typed in a hurry is mostly lowercase or lacks its closing mark ("what temprature
should lamb be cooked to"), while a question that opens with a capital letter and closes
with "?", "." or "!" on both sides was written with care, and a one-letter difference
between two such texts is far more often another word than a slip.

:func:`careful_variant` returns the first such pair of words when both texts are written
with care (the first letter of each is a capital, the last character "?", "." or "!")
and the alignment paired at least one of their words only as a misspelling that is one
letter put for another, at the same place, the two letters not neighbours on a keyboard
("nitrite" / "nitrate"). The typist's slips -- two letters swapped ("recieve"), one left
out ("temprature") or doubled, a neighbouring key ("bew") -- are not read: careful writers
make them too (a phone capitalizes the first letter for them). Words of eight letters
or more two letters apart in two places are read likewise ("Medicare" / "Medicaid",
"Bundestag" / "Bundesrat"), also when the alignment met them as one root, unless the
letters between merely shifted by one ("begginer" / "beginner"). A well-known confusion of
two real words ("lose" / "loose", ``align.CONFUSIONS``) is not read: people write it with
care too. The entities guard rejects the pair.

Limits: real words two letters swapped apart ("dairy" / "diary") are left to the verifier;
a careful writer's misspelling of one letter for a far one ("seperate" / "separate") is
rejected -- the cache then misses once rather than serving a wrong answer; two hurried
texts that differ by one letter pass to the verifier as before. English spelling and a
QWERTY keyboard only.
"""

from __future__ import annotations

from .align import CONFUSIONS, align
from .tokens import analyze, text_cache

__all__ = ["careful_variant", "one_far_letter", "written_with_care"]

_CLOSING = frozenset("?.!")

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_AT = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}


def _neighbours(x: str, y: str) -> bool:
    """Keys next to each other (same row, or the row above or below, at most one apart)."""
    px, py = _AT.get(x), _AT.get(y)
    if px is None or py is None:
        return False
    return abs(px[0] - py[0]) <= 1 and abs(px[1] - py[1]) <= 1


def one_far_letter(x: str, y: str) -> bool:
    """``x`` and ``y`` differ in one letter at one place, the two not keyboard neighbours;
    or, in words of eight letters or more, in two letters at two places that are neither
    two neighbours swapped nor a letter dropped and another doubled ("Medicare" /
    "Medicaid", "Bundestag" / "Bundesrat"; not "begginer" / "beginner")."""
    if len(x) != len(y):
        return False
    diff = [(n, p, q) for n, (p, q) in enumerate(zip(x, y, strict=True)) if p != q]
    if not all(p.isalpha() for _, p, _ in diff):
        return False
    if len(diff) == 1:
        return not _neighbours(diff[0][1], diff[0][2])
    return len(diff) == 2 and len(x) >= 8 and not _shifted(x, y, diff[0][0], diff[1][0])


def _shifted(x: str, y: str, i: int, j: int) -> bool:
    """The letters between places ``i`` and ``j`` moved by one: one letter dropped and
    one added (a swap of neighbours is the shortest such move)."""
    return x[i:j] == y[i + 1 : j + 1] or x[i + 1 : j + 1] == y[i:j]


@text_cache
def written_with_care(text: str) -> bool:
    """The text opens with a capital letter and closes with "?", "." or "!"."""
    s = text.strip()
    first = next((c for c in s if c.isalpha()), "")
    return bool(s) and first.isupper() and s[-1] in _CLOSING


def careful_variant(a: str, b: str) -> tuple[str, str] | None:
    """(word of ``a``, word of ``b``): the first pair of different words the alignment
    matched only as a misspelling (or as one root, two letters apart), when both texts
    are written with care; else None."""
    if not (written_with_care(a) and written_with_care(b)):
        return None
    ta, tb = analyze(a), analyze(b)
    for i, j, how in align(a, b).pairs:
        if how not in ("typo", "root"):
            continue
        x = ta.tokens[ta.terms[i][1]].low
        y = tb.tokens[tb.terms[j][1]].low
        if how == "root" and sum(p != q for p, q in zip(x, y)) != 2:
            continue  # "expire" / "expiry": one root; "Medicare" / "Medicaid": two words
        if one_far_letter(x, y) and frozenset((x, y)) not in CONFUSIONS:
            return x, y
    return None
