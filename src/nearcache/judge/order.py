"""Word order: did the same words change roles, or did a phrase only move?

Two texts with the same content words in another order either say the same thing with a
phrase moved ("In Postgres, how do I add a column?" / "How do I add a column in
Postgres?") or exchange who does what ("Did Brazil beat Germany?" / "Did Germany beat
Brazil?"). This module tells them apart by the structure of the permutation of the two texts' *role
terms* (:mod:`.roles`), not by a list of examples:

* **Exchange** -- two terms (or runs of terms) trade places while the material between
  them stays: ``X <frame> Y`` against ``Y <frame> X``, where the frame is the same words
  up to articles ("Brazil *beat* Germany", "Celsius *to* Fahrenheit", "square *a*
  rectangle", "2 *to the power of* 10"). A frame made only of a symmetric connective
  (and, or, vs, versus, with, between, nor, ``&``, ``/``) is not an exchange: "TCP and
  UDP" is "UDP and TCP" -- unless something still marks the terms one way
  (:mod:`.connectives`: "X *above or below* Y", "*replace* X *with* Y").
* **Crossing around a pivot** -- when the texts also differ elsewhere, two terms that
  change order are exchanged when an asymmetric pivot sits between them in both texts: a
  third shared term (a verb: "Can *I* catch a cold from *my cat*" / "Can *my cat* catch a
  cold from *me*") or a shared relational word (to, from, into, than, of, over, under,
  before, after, by, for, in, on, instead, ...), with no comma or symmetric connective
  between them.
* **Block move** -- anything else that reorders (a clause or phrase carried with its own
  function words to another place) keeps the meaning.

A passive on one side only ("Was Germany beaten *by* Brazil" / "Did Brazil beat Germany")
turns the roles back, so such a crossing is not an exchange. Terms that occur twice in a
text take part in exchanges only, never in crossings ("Did A beat B or did B beat A").

Owner changes, pronoun cases and voice are read by :mod:`.relations`; wh-questions and
relative clauses by :mod:`.clauses`.

Limits: English word order; no parser, so an exchange hidden behind a rephrased verb
("X was founded before Y" / "Y came after X") is read only by the antonym guard, and
roles spread over two sentences are not compared.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from .align import align
from .clauses import be_before, gap_flipped
from .connectives import events_first, marked_apart, same_alternatives, symmetric
from .lexicon import lexicon
from .nominals import nominal_passive
from .relations import case_flipped, mention_moved, owner_changed, passive_flipped, whose_swapped
from .roles import (
    ARTICLES,
    CLAUSE,
    OWNER_KEYS,
    POSSESSIVE,
    RELATIONAL,
    Exchange,
    Role,
    clause_start,
    participle,
    role_keys,
    shared_order,
)
from .stretches import segments_swapped, side
from .tokens import STOPWORDS, Text, analyze, pair_cache, text_cache, wordset
from .vocab import AUXILIARIES

__all__ = ["Exchange", "exchange", "inversions", "keyword_query", "segments_swapped"]

_JOINS = wordset("or and but")
_MAX_GAP = 12
_SHORT_FRAME = 4
_TERM_FRAME = 6
#: Stems without a counterpart in the other text (in either) from which a shared term
#: between two crossing terms proves no exchange: a paraphrase puts its words in another
#: order ("does a NAT gateway give outbound internet to EC2 in a private subnet" / "can
#: instances in a private subnet reach the internet through a NAT gateway"). Over 19
#: authors' pairs, no role swap read by a shared term had 3 such terms, 15 hits had.
_LOOSE = 3
#: Places two names must trade at to count as swapped everywhere when one text has words
#: the other lacks (two places are one pair of terms changing order: a block move).
_EVERYWHERE = 3


def _frame(t: Text, lo: int, hi: int, skip: Set[int]) -> tuple[str, ...] | None:
    """Function words strictly between token ``lo`` and ``hi`` (role-term tokens in
    ``skip`` left out); None when a clause boundary lies between."""
    out = []
    for tok in t.tokens[lo + 1 : hi]:
        if tok.low in CLAUSE or tok.sent != t.tokens[lo].sent:
            return None
        if tok.index not in skip:
            out.append(tok.low)
    return tuple(out)


def _same_frame(fa: tuple[str, ...], fb: tuple[str, ...]) -> bool:
    """The words between two exchanged runs are the same, up to articles and one word
    that belongs to a run ("slower than a for loop" / "slower than a list")."""
    wa = [w for w in fa if w not in ARTICLES]
    wb = [w for w in fb if w not in ARTICLES]
    if wa == wb:
        return True
    sa, sb = set(wa), set(wb)
    only_a, only_b = sa - sb, sb - sa
    if len(only_a) == 1 and len(only_b) == 1 and lexicon().converse(min(only_a), min(only_b)):
        return True  # "built before" / "built after": a converse
    return bool(sa & sb) and len(sa ^ sb) <= 1


def _transposed(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | bool | None:
    """Runs ``X`` and ``Y`` trading places around an unchanged frame (an exchange), True
    for a reorder that is a block move, None when the terms differ as multisets."""
    sa, sb = [k for k, _ in ka], [k for k, _ in kb]
    if sorted(sa) != sorted(sb):
        return _relabelled(sa, sb) or _relabelled_apart(a, b, sa, sb)
    if sa == sb:
        return None
    every = _relabelled(sa, sb)  # "the timeout wraps the retry, should the retry wrap ..."
    twice = every is not None and min(sa.count(every.x), sa.count(every.y)) >= 2
    if every is not None and twice and not same_alternatives(a, b, ka, kb):
        return every
    i = next(n for n in range(len(sa)) if sa[n] != sb[n])
    j = max(n for n in range(len(sa)) if sa[n] != sb[n])
    seg_a, seg_b = sa[i : j + 1], sb[i : j + 1]
    n = len(seg_a)
    ta, tb = analyze(a), analyze(b)
    skip_a = {idx for _, idx in ka}
    skip_b = {idx for _, idx in kb}
    for lx in range(1, n):
        for ly in range(1, n - lx + 1):
            x, y, q = seg_a[:lx], seg_a[n - ly :], seg_a[lx : n - ly]
            if seg_b != y + q + x or x == y:
                continue
            if lx == ly == 1 and _clause_roles_differ(ta, skip_a, ka[i][1], ka[j][1]):
                sides = (side(ta, ka[i][1], ka[j][1]), side(tb, kb[i][1], kb[j][1]))
                return Exchange(x[0], y[0], " ".join(q), sides)
            fa = _frame(ta, ka[i + lx - 1][1], ka[j - ly + 1][1], skip_a)
            fb = _frame(tb, kb[i + ly - 1][1], kb[j - lx + 1][1], skip_b)
            if (fa == fb == () and not q and lx == ly == 1) and (
                _operands(ta, ka[i][1], ka[j][1]) and _operands(tb, kb[i][1], kb[j][1])
            ):
                return Exchange(x[0], y[0], "their order in the code")
            if fa is None or fb is None or (not fa and not fb and not q):
                continue
            if not _same_frame(fa, fb):
                continue
            if (
                (symmetric(fa) or symmetric(fb))
                and (all(sa.count(k) > 1 for k in q) or events_first(ta, fa, ka[i][1], ka[j][1]))
                and not marked_apart(ta, ka[i][1], ka[j - ly + 1][1])
            ):
                return True  # "A and B" / "B and A"; "a storm watch and a storm warning"
            if not q and set(fa) | set(fb) == {"the"}:
                return True  # "Is the capital of France Paris" / "Is Paris the capital"
            pivot = " ".join(q) or " ".join(fa)
            sides = (side(ta, ka[i][1], ka[j][1]), side(tb, kb[i][1], kb[j][1]))
            return Exchange(x[0], y[0], pivot, sides)
    return True


def _operands(t: Text, i: int, j: int) -> bool:
    """Tokens ``i`` and ``j`` are neighbouring operands of one piece of code, neither a
    flag ("`cp b.txt a.txt`": the source and the target; "`ls -l -a`" is any order)."""
    toks = t.tokens
    return j == i + 1 and all(toks[k].literal and not toks[k].low.startswith("-") for k in (i, j))


def _clause_roles_differ(t: Text, terms: Set[int], x: int, y: int) -> bool:
    """The terms at tokens ``x`` < ``y`` stand in two clauses joined by a connective and
    an auxiliary, one leading its clause and the other after a term of its own ("does
    *the retailer* charge us, or do we charge *the carrier*"): trading them changes who
    does what in each clause, not the order of a list."""
    join = next(
        (
            k
            for k in range(x + 1, y)
            if t.tokens[k].low in _JOINS and t.tokens[k + 1].low in AUXILIARIES
        ),
        None,
    )
    if join is None:
        return False

    def leads(k: int, start: int) -> bool:
        return not any(n in terms for n in range(start, k) if t.tokens[n].low not in AUXILIARIES)

    return leads(x, clause_start(t.tokens, x)) != leads(y, join + 2)


def _relabelled(sa: list[str], sb: list[str]) -> Exchange | None:
    """The same sequence with two names swapped everywhere, once more often one way than
    the other ("the US imports from China than it exports to China" / "China imports from
    the US than it exports to the US"), owner words moving with their nouns aside ("my")."""
    if len(sa) != len(sb):
        sa, sb = [k for k in sa if k not in OWNER_KEYS], [k for k in sb if k not in OWNER_KEYS]
        if len(sa) != len(sb) or sorted(sa) == sorted(sb):
            return None
    pair = _one_for_the_other({(x, y) for x, y in zip(sa, sb) if x != y})
    return None if pair is None else Exchange(*pair, "every mention")


def _one_for_the_other(diffs: Set[tuple[str, str]]) -> tuple[str, str] | None:
    """``(x, y)`` when the places two sequences differ at (``diffs``) are ``x`` written
    for ``y`` and ``y`` for ``x``, and nothing else; else None."""
    if len(diffs) != 2:
        return None
    (x, y), other = sorted(diffs)
    return (x, y) if other == (y, x) else None


def _relabelled_apart(a: str, b: str, sa: list[str], sb: list[str]) -> Exchange | None:
    """Two names swapped at :data:`_EVERYWHERE` places or more once the words one text
    has alone are set aside ("does a child *process* restart its supervisor when the
    supervisor crashes" / "does a supervisor restart its child when the child crashes");
    not between texts worded apart (:data:`_LOOSE`) nor in alternatives ("does X call Y,
    or does Y call X")."""
    fa, fb = [k for k in sa if k in sb], [k for k in sb if k in sa]
    if len(fa) != len(fb) or len(fa) == len(sa) == len(sb):
        return None
    diffs = [(x, y) for x, y in zip(fa, fb) if x != y]
    pair = _one_for_the_other(set(diffs)) if len(diffs) >= _EVERYWHERE else None
    if pair is None or unpaired(a, b) >= _LOOSE:
        return None
    alternatives = "or" in analyze(a).words or "or" in analyze(b).words
    return None if alternatives else Exchange(*pair, "every mention, other words aside")


def _passive(t: Text, lo: int, hi: int) -> bool:
    """A passive between tokens ``lo`` and ``hi`` (read as :func:`.clauses.passive`
    reads one: a participle after a form of "be"), with its agent after "by" or "under"
    ("was beaten by"), or an event noun with its agent after "by" (:mod:`.nominals`)."""
    toks = t.tokens
    for k in range(lo + 1, hi):
        if participle(toks[k]) and be_before(toks, k):
            return any(x.low in ("by", "under") for x in toks[k + 1 : hi + 1])
    nominal = nominal_passive(t.raw)  # "the warehouse's audit by the insurer"
    return nominal is not None and lo <= nominal[0] and nominal[2] <= hi


@text_cache
def _names(text: str) -> set[int]:
    """Token indices of capitalized words inside a sentence (parts of names)."""
    return {
        x.index
        for x in analyze(text).tokens
        if x.capitalized or (x.text.isupper() and len(x.text) > 1)
    }


def keyword_query(t: Text) -> bool:
    """Words with no function words at all ("default ssh port"): order carries no role."""
    return not any(tok.kind == "word" and tok.low in STOPWORDS for tok in t.tokens)


def _crossing(
    a: str, b: str, ka: Sequence[Role], kb: Sequence[Role], *, term_pivots: bool = True
) -> Exchange | None:
    """Two unique terms that change order around a pivot kept between them (a shared
    term only when ``term_pivots``; a relational word always)."""
    ta, tb = analyze(a), analyze(b)
    if keyword_query(ta) or keyword_query(tb):
        return None
    count_a: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for k, _ in ka:
        count_a[k] = count_a.get(k, 0) + 1
    for k, _ in kb:
        count_b[k] = count_b.get(k, 0) + 1
    pos_b = {k: idx for k, idx in kb if count_b[k] == 1}
    shared = [(k, idx) for k, idx in ka if count_a[k] == 1 and k in pos_b]
    for n, (x, ax) in enumerate(shared):
        for y, ay in shared[n + 1 :]:
            bx, by = pos_b[x], pos_b[y]
            if by > bx or ay - ax > _MAX_GAP or bx - by > _MAX_GAP:
                continue
            wa = _frame(ta, ax, ay, _names(a))  # "PlayStation Plus": a name, not "plus"
            wb = _frame(tb, by, bx, _names(b))
            if wa is None or wb is None or symmetric(wa) or symmetric(wb):
                continue
            pivot = _pivot(
                (x, ax, ay), (y, by, bx), shared if term_pivots else [], pos_b, (ta, tb), (wa, wb)
            )
            if pivot is None or _passive(ta, ax, ay) != _passive(tb, by, bx):
                continue
            if ("of" in wa) != ("of" in wb):
                continue  # "X depends on Y" / "Y is a dependency of X": the genitive turns it
            return Exchange(x, y, pivot, (side(ta, ax, ay), side(tb, by, bx)))
    return None


def _near(t: Text, i: int, j: int) -> bool:
    """Tokens ``i`` and ``j`` are neighbours (only symbols between: "replicas=3")."""
    lo, hi = min(i, j), max(i, j)
    return all(tok.kind == "sym" for tok in t.tokens[lo + 1 : hi])


def _pivot(
    xs: tuple[str, int, int],
    ys: tuple[str, int, int],
    shared: list[Role],
    pos_b: dict[str, int],
    texts: tuple[Text, Text],
    frames: tuple[tuple[str, ...], tuple[str, ...]],
) -> str | None:
    """What stays between the crossing terms ``x`` (at ``ax`` in a, ``bx`` in b) and
    ``y``: a shared term that is not glued to one of them in both texts, or a shared
    relational word."""
    (x, ax, ay), (y, by, bx) = xs, ys
    ta, tb = texts
    size = max(sum(w not in ARTICLES for w in f) for f in frames)
    for k, idx in shared:
        kb = pos_b[k]
        if k in (x, y) or not (ax < idx < ay and by < kb < bx) or size > _TERM_FRAME:
            continue
        near_x = _near(ta, idx, ax), _near(tb, kb, bx)
        near_y = _near(ta, idx, ay), _near(tb, kb, by)
        # glued: beside one term in both texts and beside the other in neither (read in
        # both texts, so the verdict does not depend on which text is asked)
        glued_x = all(near_x) and not any(near_y)
        glued_y = all(near_y) and not any(near_x)
        if not (glued_x or glued_y):
            return k
    if _beside(ta, "than", (ax, ay)) and _beside(tb, "than", (by, bx)):
        return "than"  # "is X easier to pick up than Y": a comparison at any length
    if size > _SHORT_FRAME:
        return None
    for w in sorted((set(frames[0]) & set(frames[1])) & RELATIONAL):
        if _beside(ta, w, (ax, ay)) and _beside(tb, w, (by, bx)):
            return w
    return None


def _beside(t: Text, word: str, ends: tuple[int, int]) -> bool:
    """``word`` stands right after the first end or right before the second (articles,
    possessives and symbols aside): "Celsius *to* Fahrenheit", "15% *of* 80"."""
    lo, hi = ends
    skip = ARTICLES | POSSESSIVE

    def first(rng: range) -> str | None:
        for k in rng:
            tok = t.tokens[k]
            if tok.kind != "sym" and tok.low not in skip:
                return tok.low
        return None

    return first(range(lo + 1, hi)) == word or first(range(hi - 1, lo, -1)) == word


def unpaired(a: str, b: str) -> int:
    """The most distinct stems either text has without a counterpart in the other
    (:func:`.align.align`)."""
    al = align(a, b)
    return max(len(al.only_a), len(al.only_b))


@pair_cache
def exchange(a: str, b: str) -> Exchange | bool | None:
    """How the order of ``a``'s and ``b``'s shared terms differs: an :class:`Exchange`
    (roles changed), True (a block moved; the meaning is kept), or None (no reorder of
    shared terms to speak of)."""
    ka, kb = role_keys(a, b)
    moved = _transposed(a, b, ka, kb)
    if isinstance(moved, Exchange):
        return moved
    # After a block move only a relational word can still show an exchange ("15% of 80"
    # / "80 is what percent of 15"); a shared term between two moved blocks proves none,
    # nor one between texts worded apart (:data:`_LOOSE`).
    found = _crossing(a, b, ka, kb, term_pivots=moved is None and unpaired(a, b) < _LOOSE)
    if found is None:
        found = owner_changed(a, b, ka, kb)
    if found is None:
        found = whose_swapped(a, b, ka, kb)
    if found is None:
        found = case_flipped(a, b)
    if found is None:
        found = gap_flipped(a, b, ka, kb)
    if found is None:
        found = passive_flipped(a, b, ka, kb)
    if found is None:
        found = segments_swapped(a, b)
    if found is None:
        found = mention_moved(ka, kb)
    return found if found is not None else moved


def inversions(a: str, b: str) -> float:
    """The share of pairs of shared terms (:func:`.roles.shared_order`) whose order
    differs: 0 when every shared term keeps its place relative to the others."""
    seq = list(shared_order(a, b))
    pairs = len(seq) * (len(seq) - 1) // 2
    if not pairs:
        return 0.0
    if seq == sorted(seq):
        return 0.0  # the common case: the same order
    inv = sum(1 for i in range(len(seq)) for j in range(i + 1, len(seq)) if seq[i] > seq[j])
    return inv / pairs
