"""Where a negation stands: two texts negated as often still differ when it moved.

To another clause ("X but not Y" / "not X but Y", :func:`clause_moved`), to another word,
each text stating away from its own cue the word the other negates ("The judge did not
order my ex to pay" / "The judge ordered my ex to pay ... if he doesn't pay?",
:func:`head_moved`), or to the other side of a comparison (:func:`compared_sides`). The
negation guard (:mod:`.negation`) rejects on each; it also reads what one cue negates
(:func:`negated_head`, :func:`said_apart`).

Limits: counting and word positions, not parsing; English only.
"""

from __future__ import annotations

from .align import align
from .negcues import CLAUSE_BREAKS, is_cue
from .roles import role_keys
from .tokens import STOPWORDS, Text, analyze, stem, text_cache, wordset

__all__ = ["clause_moved", "compared_sides", "head_moved", "negated_head", "said_apart"]

_FEW = 3
_NEAR = 3
#: The negated head is looked for within this many tokens after its cue.
_HEAD_REACH = 5
_LIST_SEPARATORS = frozenset({",", "and", "or"})


def _clauses(t: Text, keys: dict[int, str]) -> tuple[set[str], set[str]]:
    """Content keys found only in clauses with a negation cue, and only in clauses
    without one."""
    negated: set[str] = set()
    plain: set[str] = set()
    clause: set[str] = set()
    cue = False
    for tok in (*t.tokens, None):
        if tok is None or tok.low in CLAUSE_BREAKS:
            (negated if cue else plain).update(clause)
            clause, cue = set(), False
            continue
        if is_cue(tok.low):
            cue = True
        key = keys.get(tok.index)
        if key is not None and not key.startswith("<"):
            clause.add(key)
    return negated - plain, plain - negated


def clause_moved(a: str, b: str) -> bool:
    """The negation moved to another clause ("X but not Y" / "not X but Y"), or negates
    other things on each side ("if I don't show up" / "if I show up but am not picked")."""
    al = align(a, b)
    if len(al.only_a) > _FEW or len(al.only_b) > _FEW:
        return False  # worded too differently to compare clauses
    if not (al.only_a or al.only_b) and _listed(a) == _listed(b):
        return False  # "Which of Rust, Go and Java have no GC" / "Which of Go, Java and Rust ..."
    ka, kb = role_keys(a, b)
    na, pa = _clauses(analyze(a), {i: k for k, i in ka})
    nb, pb = _clauses(analyze(b), {i: k for k, i in kb})
    if na and nb and not (na & nb):
        return True
    return bool(na & pb) and bool(nb & pa)


def negated_head(t: Text) -> tuple[int, str] | None:
    """(the index of the one negation cue of ``t``, the stem of the first content word after
    it in its clause, at most :data:`_HEAD_REACH` tokens on), or None."""
    cues = [tok.index for tok in t.tokens if tok.kind == "word" and is_cue(tok.low)]
    if len(cues) != 1 or t.tokens[cues[0]].literal:
        return None
    at = cues[0]
    for tok in t.tokens[at + 1 : at + 1 + _HEAD_REACH]:
        if tok.low in CLAUSE_BREAKS:
            break
        if tok.kind == "word" and tok.low not in STOPWORDS:
            return at, stem(tok.low)
    return None


def said_apart(t: Text, at: int, head: str) -> bool:
    """``head`` (a stem) is said in ``t``, never within :data:`_NEAR` tokens of its cue at
    ``at``: ``t`` states what the other text negates."""
    seen = [tok.index for tok in t.tokens if tok.kind == "word" and stem(tok.low) == head]
    return bool(seen) and all(abs(i - at) > _NEAR for i in seen)


def head_moved(ta: Text, tb: Text) -> bool:
    """Each text negates once, another word, and states the word the other negates away
    from its own cue ("The judge did not *order* my ex to pay" / "The judge ordered my ex
    to pay ... if he doesn't *pay*?"): the negation moved to another verb, even where the
    clauses do not split it off (:func:`clause_moved`)."""
    ha, hb = negated_head(ta), negated_head(tb)
    if ha is None or hb is None or ha[1] == hb[1]:
        return False
    return said_apart(tb, hb[0], ha[1]) and said_apart(ta, ha[0], hb[1])


_COMPARED = wordset("than unlike instead")


def compared_sides(t: Text) -> tuple[int, int] | None:
    """(negation cues before, after) the one "than" / "unlike" / "instead" of ``t``, or
    None: "a bike *with* ABS stops faster than one *without*" / "a bike *without* ABS
    stops faster than one *with* it" compare the same two things the other way round."""
    at = [tok.index for tok in t.tokens if tok.low in _COMPARED]
    if len(at) != 1:
        return None
    cues = [tok.index < at[0] for tok in t.tokens if is_cue(tok.low)]
    return cues.count(True), cues.count(False)


@text_cache
def _listed(text: str) -> tuple[str, ...]:
    """The words of ``text`` with each list of three or more one-word items ("Rust, Go and
    Java") sorted, so two texts that only list the same items in another order read the
    same."""
    words = [t.low for t in analyze(text).tokens]
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j + 2 < len(words) and words[j + 1] in _LIST_SEPARATORS:
            j += 2  # "rust , go and java": an item, a separator, an item...
        if j > i and words[j - 1] in ("and", "or") and "," in words[i + 1 : j : 2]:
            out += [*sorted(words[i : j + 1 : 2]), words[j - 1]]
            i = j + 1
        else:
            out.append(words[i])
            i += 1
    return tuple(out)
