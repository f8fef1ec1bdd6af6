"""Terms that trade clauses while each clause keeps its frame.

"helm upgrade went forward to revision 5, how to roll back to revision 3" and "helm
upgrade rolled back to revision 3, how to go forward to revision 5" hold the same words,
yet the first asks how to reach revision 3 and the second how to reach revision 5: what
happened and what is wanted traded places, while each clause kept its own frame ("helm
upgrade ..." first, "how to ..." second). "I already sent the invoice to the client;
should the client send the PO to me?" against "the client already sent the PO to me;
should I send the invoice to the client?" is the same shape. A clause moved as a whole
("How do I reset my router? I already unplugged it" / "I already unplugged it, how do I
reset my router?") carries its frame along and is not such a swap.

The texts are cut into clauses at punctuation (comma, semicolon, colon, question or
exclamation mark, sentence end). Two texts with the same number of clauses swap slots
when, for two clauses ``i`` and ``j``, the role terms (:mod:`.roles`) that ``a``'s clause
``i`` has and ``b``'s clause ``i`` lacks all stand in ``b``'s clause ``j`` (and not in
``a``'s clause ``j``), the same the other way round, while each clause keeps at least one
role term (not a pronoun) in place on both sides. A clause that opens with a symmetric
connective ("..., or fly into Milan") is an alternative whose place is free. One term per
clause may have no counterpart (a verb in another form: "went" / "go").

A clause may also ask of the other term (:func:`clause_relabelled`): both texts name X
and Y, and one clause names X in one text and Y in the other, its other terms kept
("warfarin interacts with my antibiotic. Should the *warfarin* dose go up?" / "my
antibiotic is affected by warfarin. Should the *antibiotic* dose go up?"); the other
clauses may be reworded.

Limits: clauses are read by punctuation only (no parser); English only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .roles import CLAUSE, SYMMETRIC, role_keys
from .tokens import analyze, text_cache
from .types import REJECT, GuardResult

__all__ = ["clause_relabelled", "clause_texts", "clause_turned", "slots_swapped"]

_LEFTOVER = 1
#: Each clause's role keys, and whether it opens with a symmetric connective.
Clauses = list[tuple[set[str], bool]]


@text_cache
def _clause_ids(text: str) -> tuple[tuple[int, ...], frozenset[int], int]:
    """Each token's clause number in ``text`` (clauses cut at punctuation), the clauses
    that open with a symmetric connective (", or ...", ", and ...", ", but ..."), and how
    many clauses hold a token (at least as many as hold a role key)."""
    toks = analyze(text).tokens
    clause_of: list[int] = []
    joined: set[int] = set()
    n, sent, fresh, seen = 0, toks[0].sent if toks else 0, True, 0
    for tok in toks:
        if tok.sent != sent:
            n, sent, fresh, seen = n + 1, tok.sent, True, 0
        clause_of.append(n)
        if tok.kind == "sym" and tok.low in CLAUSE:
            n, fresh, seen = n + 1, True, 0
        elif tok.kind != "sym":
            seen += 1
            # ", or Y" opens an alternative; ", Java or Go" ends a list of items
            if ((fresh or seen <= 3) and tok.low in ("or", "and")) or (
                fresh and tok.low in SYMMETRIC
            ):
                joined.add(n)
            fresh = False
    return tuple(clause_of), frozenset(joined), len(set(clause_of))


def _clauses(text: str, keys: Sequence[tuple[str, int]]) -> Clauses:
    """The role keys of each clause of ``text`` (:func:`_clause_ids`), and whether the
    clause opens with a symmetric connective."""
    clause_of, joined, _ = _clause_ids(text)
    out: dict[int, set[str]] = {}
    for key, idx in keys:
        out.setdefault(clause_of[idx], set()).add(key)
    return [(out[c], c in joined) for c in sorted(out)]


def slots_swapped(a: str, b: str) -> tuple[str, str] | None:
    """Two terms (one from each moved set) that trade clauses while the clauses keep
    their frames, or None (see the module docstring). Read from both texts: which one
    is stored and which asked does not matter."""
    found = _slots_swapped(a, b)
    if found is not None:
        return found
    turned = _slots_swapped(b, a)
    return None if turned is None else (turned[1], turned[0])


def _paired(a: str, b: str) -> tuple[Clauses, Clauses, set[str], set[str]] | None:
    """Both texts' clauses (:func:`_clauses`, keyed by :func:`.roles.role_keys`) and all
    the keys of each, when they have as many clauses, at least two; else None."""
    if _clause_ids(a)[2] < 2 or _clause_ids(b)[2] < 2:
        return None  # the common case: a text of one clause (its keys need not be read)
    ka, kb = role_keys(a, b)
    ca, cb = _clauses(a, ka), _clauses(b, kb)
    if len(ca) < 2 or len(ca) != len(cb):
        return None
    return ca, cb, set().union(*(c for c, _ in ca)), set().union(*(c for c, _ in cb))


def _slots_swapped(a: str, b: str) -> tuple[str, str] | None:
    paired = _paired(a, b)
    if paired is None:
        return None
    ca, cb, all_a, all_b = paired
    for i in range(len(ca)):
        for j in range(i + 1, len(ca)):
            if ca[j][1] or cb[j][1]:
                continue  # alternatives or a contrast ("X, or Y"): their order is free
            found = _traded(ca[i][0], ca[j][0], cb[i][0], cb[j][0], all_a, all_b)
            if found is not None:
                return found
    return None


def clause_relabelled(a: str, b: str) -> tuple[str, str] | None:
    """A clause of one text names X where its counterpart names Y, every other term of
    the clause kept, while both texts name both X and Y elsewhere: "My pharmacist says
    warfarin interacts with my antibiotic. Should the *warfarin* dose go up?" / "...
    Should the *antibiotic* dose go up?". The context may be reworded; the question
    asks about the other term. (X, Y), or None."""
    paired = _paired(a, b)
    if paired is None:
        return None
    ca, cb, all_a, all_b = paired
    if any(alt for _, alt in (*ca, *cb)):
        return None  # alternatives ("X pays, or does Y pay"): their order is free
    for (ai, _), (bi, _) in zip(ca, cb):
        x, y = ai - bi, bi - ai
        if len(x) != 1 or len(y) != 1 or not _named(ai & bi):
            continue
        if _named(x) and _named(y) and x <= all_b and y <= all_a:
            return min(x).lstrip("~"), min(y).lstrip("~")
    return None


def _named(keys: set[str]) -> bool:
    """Some key is a term, not a pronoun ("I" stands in every clause a speaker writes)."""
    return any(not k.startswith("<") for k in keys)


def _traded(
    ai: set[str], aj: set[str], bi: set[str], bj: set[str], all_a: set[str], all_b: set[str]
) -> tuple[str, str] | None:
    """The first terms of the sets that clauses ``i`` and ``j`` traded, or None."""
    if not _named(ai & bi) or not _named(aj & bj):
        return None  # a clause kept nothing in place: a clause moved as a whole
    x, y = ai - bi, aj - bj
    xs, ys = x & all_b, y & all_a
    if not xs or not ys or len(x - xs) > _LEFTOVER or len(y - ys) > _LEFTOVER:
        return None
    if not (xs <= bj and ys <= bi) or xs & aj or ys & ai:
        return None
    if len(bi - ai - ys) > _LEFTOVER or len(bj - aj - xs) > _LEFTOVER:
        return None
    return min(xs).lstrip("~"), min(ys).lstrip("~")


@text_cache
def clause_texts(text: str) -> tuple[str, ...]:
    """``text`` cut into clauses at punctuation, each as its words joined by spaces."""
    out: list[list[str]] = [[]]
    sent = None
    for tok in analyze(text).tokens:
        if sent is not None and tok.sent != sent and out[-1]:
            out.append([])
        sent = tok.sent
        if tok.kind == "sym" and tok.low in CLAUSE:
            if out[-1]:
                out.append([])
            continue
        out[-1].append(tok.text)
    return tuple(" ".join(words) for words in out if words)


def clause_turned(a: str, b: str, guard: Callable[[str, str], GuardResult]) -> str | None:
    """Texts cut into as many clauses, each clause with the same terms as its
    counterpart, where ``guard`` rejects one clause pair ("the timeout wraps the retry,
    should the retry wrap the timeout instead" / the reverse): what it found."""
    ca, cb = clause_texts(a), clause_texts(b)
    if len(ca) < 2 or len(ca) != len(cb):
        return None
    if any(c.split()[0].lower() in SYMMETRIC for c in (*ca[1:], *cb[1:])):
        return None  # alternatives ("X, or Y"): each may turn the other's roles round
    for x, y in zip(ca, cb):
        if x == y:
            continue  # the same clause: nothing turned in it (its keys need not be read)
        kx, ky = role_keys(x, y)
        if sorted(k for k, _ in kx) == sorted(k for k, _ in ky):
            found = guard(x, y)
            if found.outcome == REJECT:
                return found.detail.removeprefix("roles changed: ")
    return None
