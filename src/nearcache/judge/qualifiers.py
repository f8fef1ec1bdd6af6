"""Scope qualifiers: "only", "first", "last" on one side of two otherwise equal texts.

"How do I wait for several promises to finish?" and "How do I wait for only the first of
several promises to finish?" have the same content words: "only" is a stop word and
"first" an ordinal that the alignment leaves to the numbers guard (which has nothing to
compare when one side has no number), so the verifier sees identical content and scores
the pair near 1. Yet the added words narrow the question to one member of the set. The
entities guard rejects a pair when

* every content word of each text has a counterpart in the other (nothing else changed,
  so the qualifier is the whole difference), and
* one text restricts by a qualifier whose class the other lacks: *only* ("only",
  "solely", "exclusively"; "just" and "alone" count as a counterpart), *first* ("first",
  "1st", "initial", "earliest"), *last* ("last", "final", "latest").

Not read as restrictions: "only" right before a number, "one", "a", "an" or "once" ("rebuild
only one service" is "rebuild one service"), "not only", "if only"; "first" and "last"
as adverbs at the end of a clause ("boil it first": the time guard and the verifier
weigh those) or before a time word ("last week": a date, the time guard's); "all",
"every", "each", "per", "both", "either", "total", "average", "maximum" (on one side
only they mostly keep the question: "list all running containers" / "list running
containers"; "every" against "some" is the quantifier rule's).

Limits: texts that differ in any other content word are left to the verifier (the
qualifier is then one difference among several); a qualifier that moves ("only X does
Y" / "X does only Y") is not read; English only.

**Another set counted** (:func:`count_widened`): in a count ("How many ...", "How long
...", "count the days ..."), a set one text widens or narrows with "including",
"excluding", "not counting", "in total", "altogether" or "all told" and the other does
not ("How many players are on a roster including the coach?" / "How many players does
each team field?", "How many addresses in total are in a /26?" / "How many usable hosts
..."): the two count other things, whatever else the texts share.
"""

from __future__ import annotations

from itertools import pairwise

from .align import align, similar_spelling
from .answers import answer_kind
from .tokens import analyze, stem, text_cache, word_cache, wordset

__all__ = ["count_widened", "qualifier_added", "qualifiers"]

_CLASS = {
    "only": "only",
    "solely": "only",
    "exclusively": "only",
    "first": "first",
    "1st": "first",
    "initial": "first",
    "last": "last",
    "final": "last",
}
#: Words that answer a class without restricting on their own ("just one", "X alone";
#: "the latest I can check in" is a time, not one member of a set).
_COUNTERPART = {
    "just": "only",
    "alone": "only",
    "sole": "only",
    "solo": "only",
    "earliest": "first",
    "latest": "last",
}
_EMPHATIC_BEFORE = wordset("a an one once two three few couple single when if")
_TIME = wordset(
    "time times day days night nights morning evening week weeks weekend month months year "
    "years hour hours minute minutes second seconds season quarter decade century"
)
_CLAUSE_END = frozenset({".", ",", "?", "!", ";", ":", "then", "and", "or", "before", "after"})
_WORDS = tuple(w for w in (*_CLASS, *_COUNTERPART) if w.isalpha())
_STEMS = frozenset(stem(w) for w in _WORDS)
#: The words whose misspellings are read ("frist", "lsat", "olny").
_TYPO_TARGETS = ("only", "solely", "first", "initial", "last", "final", "just", "latest")


@word_cache
def _spelled(word: str) -> str:
    """The qualifier ``word`` misspells ("frist", "lastest"), else ``word`` (cached per
    word: words recur across texts, and the spelling check is the costly part)."""
    if word in _CLASS or word in _COUNTERPART or not 4 <= len(word) <= 12:
        return word
    letters = set(word)
    for q in _TYPO_TARGETS:
        if q[0] != word[0] or abs(len(q) - len(word)) > 2 or len(set(q) - letters) > 2:
            continue  # cheap tests first: most words are far from every qualifier
        if similar_spelling(word, q):
            return q
    return word


@text_cache
def qualifiers(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The qualifier classes ``text`` restricts by, and the classes it names at all
    (restrictions plus counterparts and emphatic uses)."""
    toks = analyze(text).tokens
    restricts: set[str] = set()
    named: set[str] = set()
    for i, tok in enumerate(toks):
        low = _spelled(tok.low) if tok.kind == "word" else tok.low
        cls = _CLASS.get(low) or _COUNTERPART.get(low)
        if cls is None or tok.literal:
            continue
        named.add(cls)
        if low in _COUNTERPART:
            continue
        prev = toks[i - 1].low if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        nlow = nxt.low if nxt is not None else "."
        if cls == "only" and (prev in ("not", "if") or nlow in _EMPHATIC_BEFORE):
            continue  # "not only", "if only", "only one service" (emphasis)
        if nxt is not None and nxt.kind == "num":
            continue  # "only 3 retries", "the first 10 rows": the numbers guard's
        if cls != "only" and (nlow in _TIME or nlow in _CLAUSE_END or nxt is None):
            continue  # "last week" is a date; "boil it first" an adverb of order
        restricts.add(cls)
    return frozenset(restricts), frozenset(named)


def _qualifier(word: str) -> bool:
    """A stem left over by the alignment is a qualifier, as written or misspelled."""
    return word in _STEMS or _spelled(word) in _CLASS


def qualifier_added(a: str, b: str) -> str | None:
    """A qualifier that restricts one text and has no counterpart in the other, when the
    two texts are otherwise the same content words; None when there is none."""
    ra, na = qualifiers(a)
    rb, nb = qualifiers(b)
    extra = (ra - nb) | (rb - na)
    if not extra:
        return None
    al = align(a, b)
    if not al.matched or any(not _qualifier(w) for w in (*al.only_a, *al.only_b)):
        return None  # other words changed too: the verifier weighs the whole difference
    return min(extra)


#: Words that widen or narrow the set a count counts, alone or after the word before.
_SET_WORDS = wordset("including excluding altogether")
_SET_PAIRS = frozenset({("not", "counting"), ("in", "total"), ("all", "told")})
_COUNT_VERBS = wordset("count counting")


@text_cache
def _set_widened(text: str) -> str | None:
    """The words by which ``text`` widens or narrows what it counts, or None."""
    words = [t.low for t in analyze(text).tokens if t.kind == "word" and not t.literal]
    for prev, word in zip(["", *words], words):
        if word in _SET_WORDS:
            return word
        if (prev, word) in _SET_PAIRS:
            return f"{prev} {word}"
    return None


#: Two words that ask a count or an amount wherever they stand, so a count asked after a
#: topic ("In football, how many ...") is read as one (:func:`_counts`).
_HOW = frozenset({("how", "many"), ("how", "much"), ("how", "long")})


@text_cache
def _counts(text: str) -> bool:
    """Whether ``text`` asks a count: its question asks a quantity, "count" stands in it,
    or "how many/much/long" stands anywhere (after a topic: "In football, how many
    players ... including the coach?")."""
    words = analyze(text).words
    return (
        answer_kind(text) == "quantity"
        or not _COUNT_VERBS.isdisjoint(words)
        or any(pair in _HOW for pair in pairwise(words))
    )


def count_widened(a: str, b: str) -> str | None:
    """The words by which one text of a count widens or narrows the set it counts while
    the other does not (see the module docstring), or None."""
    wa, wb = _set_widened(a), _set_widened(b)
    if (wa is None) == (wb is None) or not (_counts(a) or _counts(b)):
        return None
    return wa or wb
