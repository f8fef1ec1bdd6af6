"""Terms that cross: every reorder of two shared terms must be explained (prototype)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .connectives import symmetric
from .markers import marked, same_marker
from .nominals import nominal_passive
from .relations import is_passive
from .roles import CLAUSE, SYMMETRIC_PREDICATES, Exchange, Role, role_keys
from .align import align
from .order import exchange
_FEW = 3
from .tokens import STOPWORDS, Text, analyze, pair_cache, text_cache

__all__ = ["crossed"]

_CLAUSE_WORDS = frozenset(
    "if when whenever before after once while because unless until although".split()
)


def _keyword_query(t: Text) -> bool:
    return not any(tok.kind == "word" and tok.low in STOPWORDS for tok in t.tokens)


def _between(t: Text, lo: int, hi: int) -> tuple[tuple[str, ...], bool]:
    """Words strictly between tokens lo < hi, and whether a clause mark or sentence
    break lies between."""
    toks = t.tokens
    words = tuple(x.low for x in toks[lo + 1 : hi] if x.kind != "sym")
    cut = any(
        x.text in CLAUSE or x.text in "-/()" or x.sent != toks[lo].sent
        for x in toks[lo + 1 : hi + 1]
    )
    return words, cut


def _unique(keys: Sequence[Role]) -> dict[str, int]:
    n = Counter(k for k, _ in keys)
    return {k: i for k, i in keys if n[k] == 1 and not k.startswith(("<", "#", "~"))}


def _phrase_marks(text: str, keys: Sequence[Role]) -> dict[int, tuple[int, str]]:
    """token index -> (phrase head, marker) for every term in a marked phrase."""
    t = analyze(text)
    out: dict[int, tuple[int, str]] = {}
    found = marked(text, keys)
    heads = {h: m for _, m, h in found}
    # each term belongs to the phrase whose head is the first head at or after it
    hs = sorted(heads)
    for _, idx in keys:
        h = next((x for x in hs if x >= idx), None)
        if h is not None and all(k in {i for _, i in keys} for k in range(idx, h + 1)):
            out[idx] = (h, heads[h])
        else:
            out[idx] = (idx, "bare")
    return out


_SKEW = 2
_ARTS = frozenset("a an the".split())


def _skeleton(t: Text) -> Counter[str]:
    terms = {i for _, i in t.terms}
    return Counter(x.low for x in t.tokens if x.kind == "word" and x.index not in terms and x.low not in _ARTS)


def _skeleton_gap(ta: Text, tb: Text) -> int:
    sa, sb = _skeleton(ta), _skeleton(tb)
    return max((sa - sb).total(), (sb - sa).total())


_DASHES = (" - ", " -- ", "\u2014", "\u2013")
_WH = frozenset("what which whose how".split())
_FINITE = frozenset(
    "do does did is are was were can could will would should shall may might must has have had "
    "i we you he she they what which who whom whose how why when where".split()
)
_SUBORDINATORS = frozenset(
    "if when whenever before after once while because unless until since although".split()
)
_DETS = frozenset("a an the my your our their his her its this that these those".split())
_MODIFIER_PREPS = frozenset("of for from at in on".split())


def _asked(t: Text, i: int) -> bool:
    """The term at ``i`` is asked for: a wh-word before it ("what *year*", "which carrier")."""
    terms = {k for _, k in t.terms}
    j = i - 1
    while j >= 0 and t.tokens[j].kind == "word" and (t.tokens[j].low in _DETS or j in terms):
        j -= 1
    return j >= 0 and t.tokens[j].low in _WH or (j >= 1 and t.tokens[j].low == "many" and t.tokens[j - 1].low == "how")


def _topic(t: Text, i: int) -> bool:
    """The term at ``i`` stands in a heading that opens the text: words before the first
    clause mark with no auxiliary, question word or subject pronoun among them
    ("Python: how do I ...", "Toronto from Lisbon, what is ..."), or in a text with none
    at all ("nginx redirect http to https")."""
    toks = t.tokens
    end = next((x.index for x in toks if x.text in CLAUSE or x.text == "="), len(toks))
    if i >= end and end < len(toks):
        return False
    return not any(x.low in _FINITE for x in toks[:end] if x.kind == "word")


def _compound(t: Text, x: int, y: int) -> bool:
    """``x`` before ``y`` in one run of words with no function word but "to" between: a
    compound ("statin dose", "the Leeds to York train")."""
    terms = {i for _, i in t.terms}
    return x < y and all(k in terms or t.tokens[k].low == "to" for k in range(x + 1, y))


def _modifier(t: Text, y: int, x: int) -> bool:
    """``y`` before ``x`` with only a preposition and determiners between ("the dose *of my*
    statin", "the train *from* Leeds")."""
    terms = {i for _, i in t.terms}
    between = t.tokens[y + 1 : x]
    if not between or any(k.kind == "sym" for k in between):
        return False
    n = 0
    while n < len(between) and between[n].index in terms:
        n += 1  # the rest of the head's own compound ("open *enrollment* for ACA")
    rest = between[n + 1 :]
    return (
        n < len(between)
        and between[n].low in _MODIFIER_PREPS
        and all(k.low in _DETS or (not n and (k.low == "to" or k.index in terms)) for k in rest)
    )


@text_cache
def _clauses(t: Text) -> tuple[str, ...]:
    """Each token's clause: the subordinating word that opened it ("if", "before"), or
    "" for the main clause (a comma or a new sentence closes a subordinate clause)."""
    out: list[str] = []
    now, sent = "", 0
    for x in t.tokens:
        if x.sent != sent or x.text in CLAUSE:
            now, sent = "", x.sent
        elif x.low in _CLAUSE_WORDS and not x.literal:
            now = x.low
        out.append(now)
    return tuple(out)


_STAND_INS = frozenset("it them they one".split())


def _stands_in(t: Text, clauses: tuple[str, ...], i: int, other: str) -> bool:
    """The term at ``i`` sits in another clause than in the other text (``other``), and a
    pronoun of ``t`` stands in for it there ("approve my overtime before I work *it*")."""
    return clauses[i] != other and any(
        x.low in _STAND_INS and clauses[x.index] == other for x in t.tokens
    )


_BE = frozenset("is are was were am".split())


def _voice(text: str) -> tuple[bool, bool]:
    """Whether ``text`` has a passive, and whether it asks with a form of "be" ("Was
    Beethoven a pupil of Mozart?" / "Did Mozart teach Beethoven?")."""
    t = analyze(text)
    first = next((x.low for x in t.tokens if x.kind == "word" and x.low not in _WH_ALL), "")
    return is_passive(text) or nominal_passive(text) is not None, first in _BE


_WH_ALL = frozenset("what which who whom whose how why when where".split())


@pair_cache
def crossed(a: str, b: str) -> tuple[str, str] | None:
    ta, tb = analyze(a), analyze(b)
    if any(d in t.raw for t in (ta, tb) for d in _DASHES):
        return None  # a dash sets a heading apart; where it ends is not read
    if not (ta.latin and tb.latin) or _keyword_query(ta) or _keyword_query(tb):
        return None
    if _voice(a) != _voice(b):
        return None  # a passive or a copula on one side: the roles are said another way
    if SYMMETRIC_PREDICATES.intersection(ta.words + tb.words):
        return None
    al = align(a, b)
    if len(al.only_a) + len(al.only_b) > _FEW:
        return None
    if _skeleton_gap(ta, tb) > _SKEW:
        return None
    if isinstance(exchange(a, b), Exchange):
        return None
    ka, kb = role_keys(a, b)
    ua, ub = _unique(ka), _unique(kb)
    shared = [k for k, _ in ka if k in ua and k in ub]
    if len(shared) < 2:
        return None
    pa, pb = _phrase_marks(a, ka), _phrase_marks(b, kb)
    for n, x in enumerate(shared):
        for y in shared[n + 1 :]:
            ax, ay, bx, by = ua[x], ua[y], ub[x], ub[y]
            if by > bx:
                continue
            wa, cut_a = _between(ta, ax, ay)
            wb, cut_b = _between(tb, by, bx)
            if cut_a or cut_b or symmetric(wa) or symmetric(wb):
                continue
            if _asked(ta, ax) or _asked(tb, bx) or _asked(ta, ay) or _asked(tb, by):
                continue  # the question's own phrase moved ("what year did X" / "X in what year")
            if _topic(ta, ax) or _topic(ta, ay) or _topic(tb, bx) or _topic(tb, by):
                continue
            if _compound(ta, ax, ay) and _modifier(tb, by, bx) or _compound(tb, by, bx) and _modifier(ta, ax, ay):
                continue
            ca, cb = _clauses(ta), _clauses(tb)
            if (ca[ax], ca[ay]) == (cb[bx], cb[by]) and ca[ax] != ca[ay]:
                continue  # a clause moved whole with its own word ("..., before I work it")
            if _stands_in(ta, ca, ax, cb[bx]) or _stands_in(tb, cb, by, ca[ay]) or _stands_in(ta, ca, ay, cb[by]) or _stands_in(tb, cb, bx, ca[ax]):
                continue
            (hax, max_), (hay, may) = pa[ax], pa[ay]
            (hbx, mbx), (hby, mby) = pb[bx], pb[by]
            if hax == hay or hbx == hby:
                return x, y  # inside one phrase: its internal order changed
            if same_marker(max_, mbx) and same_marker(may, mby) and {max_, may} != {"bare"}:
                continue
            return x, y
    return None
