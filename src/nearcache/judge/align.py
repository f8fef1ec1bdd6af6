"""Pairing the content words of two texts, so a paraphrase is not mistaken for a change.

Two words are counterparts when they share a stem ("deleting"/"deleted"), a synonym
group ("remove"/"delete", ``data/synonyms.txt``), an alias ("js"/"javascript"), one is a
misspelling of the other (one edit for words of 4+ letters, two for 8+: "recieve",
"pyhton"), one abbreviates the other ("config"/"configuration"), or one is the other
written as two words ("login"/"log in", "dataframe"/"data frame"). What is left on each
side is what one text says and the other does not: the entity and scope guards and the
verifier read it.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from .lexicon import lexicon
from .tokens import analyze

__all__ = ["Alignment", "align", "edit_distance", "similar_spelling"]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), stopping past ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def similar_spelling(a: str, b: str) -> bool:
    """Whether ``a`` looks like a misspelling of ``b`` (or the reverse)."""
    n = min(len(a), len(b))
    if n < 4 or (a[0] != b[0] and a[:2] != b[1::-1]):
        return False
    limit = 2 if n >= 8 else 1
    if n < 6 and len(a) == len(b) and sorted(a) != sorted(b):
        return False  # short words one letter apart are often other words: sang/song
    return edit_distance(a, b, limit) <= limit


def _shared_root(a: str, b: str) -> bool:
    """Derivations of one root: "convert"/"conversion", "calculate"/"calculation"."""
    short = min(len(a), len(b))
    if short < 5:
        return False
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.7 * short


class Alignment:
    """Content words of each text with no counterpart in the other (``only_a``/``only_b``)."""

    __slots__ = ("matched", "only_a", "only_b")

    def __init__(self, only_a: tuple[str, ...], only_b: tuple[str, ...], matched: int) -> None:
        self.only_a = only_a
        self.only_b = only_b
        self.matched = matched


def _counterpart(w: str, others: frozenset[str], joined: frozenset[str]) -> bool:
    lex = lexicon()
    if w in others or w in joined:
        return True
    cw = lex.canonical_name(w)
    for o in others:
        if lex.canonical_name(o) == cw or lex.synonyms(w, o) or lex.opposite(w, o):
            return not lex.opposite(w, o)
        if len(w) >= 4 and len(o) >= 4 and (w.startswith(o) or o.startswith(w)):
            return True
        if _shared_root(w, o):
            return True
        if similar_spelling(w, o):
            return True
    return False


@lru_cache(maxsize=8192)
def align(a: str, b: str) -> Alignment:
    """Pair the content words of ``a`` and ``b`` (see the module docstring)."""
    ca, cb = analyze(a).content, analyze(b).content
    sa, sb = frozenset(ca), frozenset(cb)
    ja = frozenset(x + y for x, y in itertools.pairwise(ca))
    jb = frozenset(x + y for x, y in itertools.pairwise(cb))
    only_a = tuple(w for w in dict.fromkeys(ca) if not _counterpart(w, sb, jb))
    only_b = tuple(w for w in dict.fromkeys(cb) if not _counterpart(w, sa, ja))
    matched = len(set(ca)) - len(only_a)
    return Alignment(only_a, only_b, matched)
