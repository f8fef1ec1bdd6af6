"""Two things said as a pair without the number two.

"passing data between two async tasks" and "send a value from one task to another" ask
the same; so do "share a key between a pair of machines" / "on two laptops" and "how do
the two schemes differ" / "the difference between Dewey and Library of Congress". The
numbers guard reads a 2 on one side only and a 1 against it; these texts say the pair in
words: "one X to/into/onto/from another (X)", "one X and the other", "a pair of",
"the difference between X and Y", "X vs Y".

Limits: the word after "another" must be no content word or a word of X ("one space away
from another settlement" names two other things), and only a preposition or "and" stands
between X and "another" ("group by one column and sum another" is not read). Read only
when the other text counts a 2 this one lacks (:func:`.numbers.guard_numbers`).
"""

from __future__ import annotations

import re

from .measures import Quantity
from .tokens import MAX_CHARS, STOPWORDS, stem, text_cache

__all__ = ["pair_said", "says_two"]

_ONE_ANOTHER = re.compile(
    r"\bone\s+((?:[\w-]+\s+){0,2}[\w-]+)\s+(?:to|into|onto|from|and)\s+"
    r"(?:another|the\s+other)\b(?:\s+([\w-]+))?",
    re.IGNORECASE,
)
_PAIR = re.compile(
    r"\ba\s+pair\s+of\b|\bdifferences?\s+between\b[^.?!;]*\band\b|\b(?:vs\.?|versus)(?=\s)",
    re.IGNORECASE,
)
#: Substrings every pair reading needs one of.
_MARKS = ("other", "pair", "between", "vs", "versus")


@text_cache
def says_two(text: str) -> bool:
    """Whether ``text`` names two things as a pair in words rather than with a number."""
    raw = text[:MAX_CHARS]
    low = raw.lower()
    if not any(w in low for w in _MARKS):  # most texts: no pair word at all
        return False
    if _PAIR.search(raw):
        return True
    for m in _ONE_ANOTHER.finditer(raw):
        after = (m.group(2) or "").lower()
        if not after or after in STOPWORDS:
            return True
        if stem(after) in {stem(w) for w in m.group(1).lower().split()}:
            return True
    return False


_TWO: Quantity = ("2", "", True, False)


def pair_said(qs: list[Quantity], text: str, other: list[Quantity]) -> list[Quantity]:
    """``qs`` with a weak 2 when ``other`` counts a 2 (no unit) that ``text`` lacks and
    says as a pair in words; computed only then, so most pairs never read it."""
    if (
        any(q[0] == "2" and not q[1] for q in other)
        and not any(q[0] == "2" for q in qs)
        and says_two(text)
    ):
        return [*qs, _TWO]
    return qs
