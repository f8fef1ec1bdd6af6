"""An act said another way, for :mod:`.crossing`: a verb and its object that change order
without changing roles, and the per-text reading both modules share.

Two texts may name one act in different shapes; the terms then change order though no
one changed role:

* **a noun of the act**: a verb and its object against the object and a noun of
  ``action:`` in one compound ("when *buying a house*" / "on a *home purchase*");
* **the act as the setting**: a verb and its object moved together into (or out of) a
  clause opened by a word of ``clause:`` and the verb in -ing ("should I *cut
  dovetails* tails first" / "tails first *when cutting dovetails*");
* **a causative turned intransitive**: "X pass Y to Z" / "Y pass from X to Z" -- the
  causer after "from", what moves the subject, for a verb of ``causative:`` ("Can a cow
  pass ringworm to the farmer" / "Can ringworm pass from a cow to the farmer").

The words are tables in ``data/crossing.txt`` (facts of English, not taken from a
labeled pair). Limits: no parser; an object is the term right after its verb
(determiners between), a subject the term right before it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .lexicon import data_lines
from .roles import CLAUSE, DETERMINERS, Role, role_keys
from .tokens import Text, analyze, pair_cache, text_cache

__all__ = [
    "DETERMINERS",
    "TABLES",
    "Place",
    "causative",
    "clauses",
    "nominal",
    "once",
    "opened",
    "partners",
    "past",
    "reduced",
    "terms_at",
]

Place = tuple[int, int]  # a term's token index in the first text, in the second


def _tables() -> dict[str, frozenset[str]]:
    """``data/crossing.txt``: each table's words."""
    out: dict[str, frozenset[str]] = {}
    for line in data_lines("crossing.txt"):
        name, _, words = line.partition(":")
        out[name.strip()] = frozenset(words.split())
    return out


TABLES = _tables()
_CLAUSE_WORDS = TABLES["clause"]
_ACTIONS = TABLES["action"]
_CAUSATIVES = TABLES["causative"]


def once(keys: Sequence[Role]) -> dict[str, int]:
    """The content terms keyed once in a text, by key (pronouns, numbers and unpaired
    words aside)."""
    n = Counter(k for k, _ in keys)
    return {k: i for k, i in keys if n[k] == 1 and not k.startswith(("<", "#", "~"))}


@text_cache
def terms_at(text: str) -> frozenset[int]:
    """The token indices of the terms of ``text``."""
    return frozenset(i for _, i in analyze(text).terms)


def opened(text: str, openers: frozenset[str]) -> tuple[str, ...]:
    """Each token's stretch: the word of ``openers`` that opened it, "" for the main
    clause (a clause mark or a new sentence closes a stretch)."""
    out: list[str] = []
    now, sent = "", 0
    for x in analyze(text).tokens:
        if x.sent != sent or x.text in CLAUSE:
            now, sent = "", x.sent
        elif x.low in openers and not x.literal:
            now = x.low
        out.append(now)
    return tuple(out)


@text_cache
def clauses(text: str) -> tuple[str, ...]:
    """Each token's clause: the word of ``clause:`` that opened it (:func:`opened`)."""
    return opened(text, _CLAUSE_WORDS)


def _determined(t: Text, lo: int, hi: int) -> bool:
    """Nothing but determiners between tokens ``lo`` < ``hi``."""
    return lo < hi and past(t, lo + 1, 1) >= hi


def nominal(verb: tuple[Text, int, int], noun: tuple[Text, int, int]) -> bool:
    """A verb and its object ("when *buying a house*") against the object and a noun of
    ``action:`` naming the same act in one compound ("on a *home purchase*"): ``verb``
    is (text, the verb's token, the object's), ``noun`` (text, the object's token, the
    noun's)."""
    t, v, o = verb
    u, o2, n = noun
    return _determined(t, v, o) and o2 + 1 == n and u.tokens[n].low in _ACTIONS


@pair_cache
def partners(a: str, b: str) -> tuple[dict[int, int], dict[int, int]]:
    """Each shared term's token index in the other text, from ``a`` (in ``a``'s order),
    from ``b``."""
    ka, kb = role_keys(a, b)
    ua, ub = once(ka), once(kb)
    there = {ua[k]: ub[k] for k in ua if k in ub}
    return there, {j: i for i, j in there.items()}


def past(t: Text, k: int, step: int, *, terms: bool = False) -> int:
    """The first token from ``k`` on, walking by ``step`` (1 or -1), that is no
    determiner (nor, with ``terms``, a term); -1 or ``len(t.tokens)`` past either end."""
    toks, skipped = t.tokens, terms_at(t.raw) if terms else frozenset()
    while (
        0 <= k < len(toks)
        and toks[k].kind == "word"
        and (toks[k].low in DETERMINERS or k in skipped)
    ):
        k += step
    return k


def _act(t: Text, v: int) -> int | None:
    """The object of the verb at token ``v``: the next token, after determiners, if it is
    a term."""
    k = past(t, v + 1, 1)
    return k if k < len(t.tokens) and k in terms_at(t.raw) else None


def _setting(t: Text, i: int) -> int | None:
    """The verb in -ing right after a word of ``clause:`` ("when *cutting* dovetails")
    that the term at ``i`` is, or whose object it is; else None."""
    toks = t.tokens

    def opens(v: int) -> bool:
        return v > 0 and toks[v - 1].low in _CLAUSE_WORDS and toks[v].low.endswith("ing")

    if opens(i):
        return i
    g = past(t, i - 1, -1)
    return g if opens(g) and _act(t, g) == i else None


def reduced(texts: tuple[Text, Text], xs: Place, ys: Place) -> bool:
    """A term that changed clause went with its verb and object into (or out of) a clause
    opened by a word of ``clause:`` and the verb in -ing: the act named as the
    setting."""
    where = (clauses(texts[0].raw), clauses(texts[1].raw))
    both = partners(texts[0].raw, texts[1].raw)
    for place in (xs, ys):
        if where[0][place[0]] == where[1][place[1]]:
            continue
        for side, (t, i) in enumerate(zip(texts, place, strict=True)):
            g = _setting(t, i)
            there = both[side]
            o = None if g is None else _act(t, g)
            if g in there and o in there and _act(texts[1 - side], there[g]) == there[o]:
                return True
    return False


def _turns(t: Text, u: Text, there: dict[int, int]) -> frozenset[int]:
    """The tokens of ``t`` (a causer, its verb of ``causative:``, what moves) that ``u``
    says with what moves as the subject and the causer after "from"."""
    toks, terms = t.tokens, terms_at(t.raw)
    for v in terms:
        o = _act(t, v) if toks[v].low in _CAUSATIVES else None
        s = max((k for k in terms if k < v), default=-1)
        if o is None or s < 0 or not _determined(t, s, v) or not {s, v, o} <= there.keys():
            continue
        s2, v2, o2 = there[s], there[v], there[o]
        f = past(u, s2 - 1, -1, terms=True)  # "from the old tank"
        if _determined(u, o2, v2) and v2 < f and u.tokens[f].low == "from":
            return frozenset({s, v, o})
    return frozenset()


@pair_cache
def _turned(a: str, b: str) -> frozenset[int]:
    """The tokens of ``a`` in a causative that ``b`` turned intransitive, or that ``b``
    says as a causative and ``a`` intransitive."""
    ta, tb = analyze(a), analyze(b)
    there, back = partners(a, b)
    return _turns(ta, tb, there) | frozenset(back[k] for k in _turns(tb, ta, back))


def causative(texts: tuple[Text, Text], xs: Place, ys: Place) -> bool:
    """Both terms are parts of a causative the other text says intransitive."""
    turned = _turned(texts[0].raw, texts[1].raw)
    return xs[0] in turned and ys[0] in turned
