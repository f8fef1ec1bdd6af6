"""Prepositions, for :mod:`.markers`: which words mark a phrase, which are stranded, and
a stranded one dropped.

A preposition with no phrase after it (the end of a clause, another preposition, a
question word, a word opening a time: "Which city did the army leave Rome *for*?",
"*for* whom", "swap Ryanair *for* last year") is **stranded**: it marks the gap of its
clause -- a question's, or a relative clause's, whose head it governs ("the branch I
rebase *onto*": the branch is what I rebase onto). Dropping it hands the gap to the verb
("the branch I rebase": the branch is what I rebase), so two texts the same word for
word but for one stranded preposition say other roles (:func:`stranded_dropped`) --
unless it is a filler after "where" ("Where is the meeting *at*?").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .acts import DETERMINERS, terms_at
from .roles import CLAUSE, QUESTION_WORDS
from .tokens import Text, Token, analyze, text_cache, wordset

__all__ = [
    "PASSED",
    "PREPOSITIONS",
    "TIME_LEADS",
    "preposition_at",
    "prepositions",
    "stranded_dropped",
    "stranded_markers",
]

#: The prepositions read as markers ("than", "as", "like", "before" and "after" compare
#: or open clauses: not read).
PREPOSITIONS = wordset(
    "to into onto from of over under by for on in at against toward towards via within "
    "above below beyond behind with about without through across around among between "
    "upon off inside using regarding concerning"
)
#: Words passed over between a marker and its phrase.
PASSED = DETERMINERS | wordset("all every each another other both")
#: Words after which "to" opens an infinitive.
_INFINITIVE = wordset(
    "how what where when whether which who want wants wanted need needs needed have has had "
    "able going trying try tries used ought like allowed supposed way best easiest better"
)
#: Words that open a time adverbial: a preposition right before one is stranded
#: ("Which airline did you swap Ryanair *for* last year?").
TIME_LEADS = wordset("last next yesterday today tonight tomorrow")


def _preposition(toks: Sequence[Token], k: int) -> bool:
    """Token ``k`` is a preposition: not quoted, and "to" not an infinitive's ("how *to*
    pass", "want *to* send")."""
    tok = toks[k]
    if tok.kind != "word" or tok.low not in PREPOSITIONS or tok.literal:
        return False
    return not (tok.low == "to" and k > 0 and toks[k - 1].low in _INFINITIVE)


@text_cache
def preposition_at(text: str) -> frozenset[int]:
    """The token indices of ``text``'s prepositions (:func:`_preposition`)."""
    toks = analyze(text).tokens
    return frozenset(k for k in range(len(toks)) if _preposition(toks, k))


def _stranded(toks: Sequence[Token], k: int, terms: frozenset[int], preps: frozenset[int]) -> bool:
    """The preposition at ``k`` governs no phrase: nothing, a clause mark, another
    preposition or a question word follows it (determiners skipped)."""
    j = k + 1
    if j < len(toks) and toks[j].low in TIME_LEADS:
        return True
    while j < len(toks) and toks[j].low in PASSED and j not in terms:
        j += 1
    if j >= len(toks):
        return True
    nxt = toks[j]
    return nxt.text in CLAUSE or j in preps or (j not in terms and nxt.low in QUESTION_WORDS)


@text_cache
def stranded_markers(text: str) -> tuple[tuple[str, int], ...]:
    """Each stranded preposition of ``text`` with its token index."""
    toks, terms, preps = analyze(text).tokens, terms_at(text), preposition_at(text)
    return tuple((toks[k].low, k) for k in sorted(preps) if _stranded(toks, k, terms, preps))


@text_cache
def prepositions(text: str) -> Counter[str]:
    """How often each preposition stands in ``text`` (read only: cached)."""
    toks = analyze(text).tokens
    return Counter(toks[k].low for k in preposition_at(text))


def stranded_dropped(ta: Text, tb: Text) -> tuple[str, str, str] | None:
    """The word before a stranded preposition, the preposition and ``bare`` when one
    text is the other word for word with that preposition dropped, no "where" in it
    (see the module docstring); else None."""
    for side, (t, u) in enumerate(((ta, tb), (tb, ta))):
        if len(t.words) != len(u.words) + 1 or "where" in t.words:
            continue
        words = [k for k, x in enumerate(t.tokens) if x.kind != "sym"]
        for p, k in stranded_markers(t.raw):
            at = words.index(k)
            if at and t.words[:at] + t.words[at + 1 :] == u.words:
                verb = t.tokens[words[at - 1]].text
                return (verb, "bare", p) if side else (verb, p, "bare")
    return None
