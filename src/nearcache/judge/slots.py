"""Where the participants of a clause stand, for :mod:`.clauses`: the next role term, the
second participant after a preposition, a plural head after "which"/"what", the verb a
subject with a relative clause ends on, and the question turned to the other participant.

Each reading works on token indices (``terms``: the indices of the text's role terms) and
adds readings beside the first one rather than replacing it: a spare reading only matters
when the other text reads the same head, verb and participant with the roles changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .tokens import Token, wordset

__all__ = [
    "FILLERS",
    "Gap",
    "add_reading",
    "asked_other",
    "clause_moved",
    "next_term",
    "noun_head",
    "verb_after_relative",
]

FILLERS = wordset("not never also just still already ever even often always really")
_REACH = 4
_TO = wordset("to from for into onto with at")
_RELATIVE = wordset("that who which")
#: (head, verb, other or -1, the head acts) as token indices; head -1 for "who"/"what".
Gap = tuple[int, int, int, bool]


def next_term(terms: set[int], toks: Sequence[Token], i: int, skip_np: bool = True) -> int:
    """The first role term after token ``i`` within a few tokens of the same clause (-1)."""
    for j in range(i + 1, min(len(toks), i + 1 + _REACH)):
        if toks[j].kind == "sym" and toks[j].low != "&":
            return -1
        if j in terms:
            return j
        if not skip_np and toks[j].low not in FILLERS:
            return -1
    return -1


def add_reading(
    out: list[Gap],
    toks: Sequence[Token],
    terms: set[int],
    head: int,
    found: tuple[int, int, bool] | None,
) -> None:
    """Append a clause read; a head acting on an object and then on someone after a
    preposition is read with either as the other ("export rice *to China*", against
    "does China export rice to")."""
    if found is None or found[0] < 0:
        return
    verb, other, acts = found
    out.append((head, verb, other, acts))
    if acts and other >= 0:
        for k in range(other + 1, min(len(toks), other + 3)):
            if toks[k].low in _TO:
                second = next_term(terms, toks, k)
                if second >= 0:
                    out.append((head, verb, second, acts))
                break
            if k not in terms:
                break


def noun_head(toks: Sequence[Token], terms: set[int], i: int) -> bool:
    """After "which"/"what" at token ``i``: a noun, a verb agreeing with it and another
    term (its object): "which banks *lend* money", "what countries *export* rice", "which
    function *calls* save_order" (a plural noun and a verb without "-s", a singular and
    one with it, or a verb in the past)."""
    if not {i + 1, i + 2, i + 3} <= terms or toks[i + 1].capitalized:
        return False
    noun, verb = toks[i + 1].low, toks[i + 2].low
    plural = noun.endswith("s") and not noun.endswith(("ss", "us", "is"))
    third = verb.endswith("s") and not verb.endswith(("ss", "'s"))
    return plural != third or verb.endswith("ed")


def verb_after_relative(terms: set[int], toks: Sequence[Token], k: int) -> int:
    """The verb a question's subject ends on when a relative clause follows the subject
    at token ``k`` ("did the line *that failed QA on Tuesday* produce?"): the last term of
    the sentence, right before its closing mark (-1 if none)."""
    if k >= len(toks) or toks[k].low not in _RELATIVE:
        return -1
    sent = toks[k].sent
    end = max(x.index for x in toks if x.sent == sent)
    last = end - 1 if toks[end].kind == "sym" else end
    return last if last in terms and last > k + 1 else -1


def asked_other(
    ga: set[tuple[str, str, str, bool]], gb: set[tuple[str, str, str, bool]]
) -> str | None:
    """The same event asked about from its other participant: "Which batch did the line
    produce?" (the head acted on, the line acting) / "Which line produced the batch?" (the
    head acting on the batch): the head of one is the other participant of the other."""
    for h, v, o, acts in sorted(ga):
        if h.startswith("?") or o in ("-", h):
            continue
        if (o, v, h, not acts) in gb and (h, v, o, not acts) not in gb:
            return h
    return None


def clause_moved(
    ga: set[tuple[str, str, str, bool]], gb: set[tuple[str, str, str, bool]], shared: set[str]
) -> str | None:
    """The same clause (its other participant may be none) told of another noun both
    texts name: "Which library does *the module that imports numpy* depend on?" / "Which
    module depends on *the library that imports numpy*?"; "the plumber or *the electrician
    who installed it*" / "the electrician or *the plumber who installed it*" (the verb,
    its other participant and the role kept, the head changed).
    ``shared``: the role keys both texts have."""
    for h, v, o, acts in sorted(ga):
        if h not in shared or (h, v, o, acts) in gb:
            continue
        for h2, v2, o2, acts2 in sorted(gb):
            same = (v2, o2, acts2) == (v, o, acts)
            if same and h2 != h and h2 in shared and (h2, v, o, acts) not in ga:
                return h
    return None
