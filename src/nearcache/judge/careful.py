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
and the alignment paired at least one of their words only as a misspelling. A well-known
confusion of two real words ("lose" / "loose", ``align.CONFUSIONS``) is not read: people
write it with care too. The entities guard rejects the pair.

Limits: a careful writer's real typo ("How do I recieve a wire transfer?" / "How do I
receive a wire transfer?") is rejected -- such a pair is rare among typed questions, and
the cache then misses once rather than serving a wrong answer; two hurried texts that
differ by one letter pass to the verifier as before. English spelling only (the
alignment's misspelling rules).
"""

from __future__ import annotations

from .align import CONFUSIONS, align
from .tokens import analyze, pair_cache, text_cache

__all__ = ["careful_variant", "written_with_care"]

_CLOSING = frozenset("?.!")


@text_cache
def written_with_care(text: str) -> bool:
    """The text opens with a capital letter and closes with "?", "." or "!"."""
    s = text.strip()
    first = next((c for c in s if c.isalpha()), "")
    return bool(s) and first.isupper() and s[-1] in _CLOSING


@pair_cache
def careful_variant(a: str, b: str) -> tuple[str, str] | None:
    """(word of ``a``, word of ``b``): the first pair of different words the alignment
    matched only as a misspelling, when both texts are written with care; else None."""
    if not (written_with_care(a) and written_with_care(b)):
        return None
    al = align(a, b)
    if not any(how == "typo" for _, _, how in al.pairs):
        return None
    ta, tb = analyze(a), analyze(b)
    for i, j, how in al.pairs:
        if how != "typo":
            continue
        x = ta.tokens[ta.terms[i][1]].low
        y = tb.tokens[tb.terms[j][1]].low
        if x != y and frozenset((x, y)) not in CONFUSIONS:
            return x, y
    return None
