"""Word order: did the same words change roles, or did a phrase only move?

Two texts with the same content words in another order either say the same thing with a
phrase moved ("In Postgres, how do I add a column?" / "How do I add a column in
Postgres?") or exchange who does what ("Did Brazil beat Germany?" / "Did Germany beat
Brazil?"). This module tells them apart by the structure of the permutation, not by a list
of examples. Each text becomes a sequence of *role terms*: content words (paired across the
texts by :func:`nearcache.judge.align.align`, so synonyms and typos line up), numbers and
personal pronouns (``I``/``me`` and ``my`` are different roles). Then:

* **Exchange** -- two terms (or runs of terms) trade places while the material between
  them stays: ``X <frame> Y`` against ``Y <frame> X``, where the frame is the same words
  up to articles ("Brazil *beat* Germany", "Celsius *to* Fahrenheit", "square *a*
  rectangle", "2 *to the power of* 10"). A frame made only of a symmetric connective
  (and, or, vs, versus, with, between, nor, ``&``, ``/``) is not an exchange: "TCP and
  UDP" is "UDP and TCP".
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

Limits: English word order; no parser, so an exchange hidden behind a rephrased verb
("X was founded before Y" / "Y came after X") is read only by the antonym guard, and
roles spread over two sentences are not compared.
"""

from __future__ import annotations

from functools import lru_cache

from .align import align
from .tokens import CACHE_SIZE, STOPWORDS, Text, Token, analyze, wordset

__all__ = ["Exchange", "exchange", "role_keys", "role_terms"]

SYMMETRIC = frozenset(
    (  # noqa: SIM905
        "and or vs vs. versus with between & / plus nor both either compared compare "
        "difference differences but yet while whereas"
    ).split()
)
#: Function words that relate the terms around them one way.
RELATIONAL = frozenset(
    (  # noqa: SIM905
        "to into onto from than of over under before after by for on in at against toward "
        "towards via per within above below beyond behind instead rather as like unlike"
    ).split()
)
_NEGATIONS = frozenset(["not", "no", "never"])
_ARTICLES = frozenset(["a", "an", "the", "some", "any", "this", "that", "these", "those"])
_CLAUSE = frozenset(",;:?!.\u2014")
_PASSIVE_AUX = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten"]
)
_PRONOUNS = {
    "i": "<me>",
    "me": "<me>",
    "myself": "<me>",
    "my": "<my>",
    "mine": "<my>",
    "we": "<us>",
    "us": "<us>",
    "our": "<our>",
    "you": "<you>",
    "your": "<your>",
    "he": "<him>",
    "him": "<him>",
    "his": "<his>",
    "she": "<her>",
    "they": "<them>",
    "them": "<them>",
    "their": "<their>",
}
_POSSESSIVE = wordset("my your his her our their its")
_REACH = 3
_FRAME_WORDS = SYMMETRIC | RELATIONAL | _NEGATIONS
_MAX_GAP = 12
_SHORT_FRAME = 4
_TERM_FRAME = 6
#: Predicates whose two terms can trade places freely: "how far is X from Y".
SYMMETRIC_PREDICATES = frozenset(["far", "distance", "distances", "apart"])
_IRREGULAR_PARTICIPLES = frozenset(
    (  # noqa: SIM905
        "done made built written taken given seen known paid sold bought held kept left lost "
        "found sent spent won beaten eaten driven chosen shown told brought caught taught "
        "thought fought hit hurt put set cut run owned led fed read begun"
    ).split()
)

Role = tuple[str, int]  # (role key, token index)


class Exchange:
    """Two role terms exchanged (``x``, ``y``) and what stayed between them (``pivot``)."""

    __slots__ = ("pivot", "x", "y")

    def __init__(self, x: str, y: str, pivot: str) -> None:
        self.x, self.y, self.pivot = x, y, pivot

    def __repr__(self) -> str:
        return f"Exchange({self.x!r}, {self.y!r}, pivot={self.pivot!r})"


def _pronoun(tok: Token) -> str | None:
    if tok.text.isupper() and tok.low != "i":
        return None  # "US", "IT": names, not pronouns
    return _PRONOUNS.get(tok.low)


@lru_cache(maxsize=CACHE_SIZE)
def role_terms(text: str) -> tuple[Role, ...]:
    """The role terms of ``text`` in order: content-word stems, numbers and pronoun roles,
    each with its token index (content words are keyed by stem; see :func:`role_keys`)."""
    t = analyze(text)
    by_token: dict[int, str] = {}
    for s, idx in t.terms:
        by_token.setdefault(idx, s)
    out: list[Role] = []
    for tok in t.tokens:
        if tok.low in _FRAME_WORDS and not (tok.capitalized or tok.text.isupper()):
            continue
        if tok.index in by_token:
            out.append((by_token[tok.index], tok.index))
        elif tok.kind == "num":
            out.append(("#" + tok.low.replace(",", ""), tok.index))
        else:
            p = _pronoun(tok)
            if p is not None:
                out.append((p, tok.index))
    return tuple(out)


def role_keys(a: str, b: str) -> tuple[list[Role], list[Role]]:
    """Role terms of both texts, ``b``'s content words renamed to their counterparts in
    ``a`` (unpaired ones get a key no term of ``a`` has)."""
    ta, tb = analyze(a), analyze(b)
    al = align(a, b)
    # Stems paired with one another form one class ("hurricane", "huricane"), so a
    # misspelled repeat of a word does not look like two words trading places.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for i, j, _ in al.pairs:
        ra, rb = find(ta.terms[i][0]), find("~" + tb.terms[j][0])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    cls_a = {idx: find(st) for st, idx in ta.terms}
    cls_b = {idx: find("~" + st) for st, idx in tb.terms}
    ka = [(cls_a.get(idx, key), idx) for key, idx in role_terms(a)]
    kb = [(cls_b.get(idx, key), idx) for key, idx in role_terms(b)]
    return ka, kb


def _frame(t: Text, lo: int, hi: int, skip: set[int]) -> tuple[str, ...] | None:
    """Function words strictly between token ``lo`` and ``hi`` (role-term tokens in
    ``skip`` left out); None when a clause boundary lies between."""
    out = []
    for tok in t.tokens[lo + 1 : hi]:
        if tok.low in _CLAUSE or tok.sent != t.tokens[lo].sent:
            return None
        if tok.index not in skip:
            out.append(tok.low)
    return tuple(out)


def _same_frame(fa: tuple[str, ...], fb: tuple[str, ...]) -> bool:
    """The words between two exchanged runs are the same, up to articles and one word
    that belongs to a run ("slower than a for loop" / "slower than a list")."""
    wa = [w for w in fa if w not in _ARTICLES]
    wb = [w for w in fb if w not in _ARTICLES]
    if wa == wb:
        return True
    sa, sb = set(wa), set(wb)
    return bool(sa & sb) and len(sa ^ sb) <= 1


def _symmetric(words: tuple[str, ...]) -> bool:
    return any(w in SYMMETRIC for w in words)


def _transposed(a: str, b: str, ka: list[Role], kb: list[Role]) -> Exchange | bool | None:
    """Runs ``X`` and ``Y`` trading places around an unchanged frame (an exchange), True
    for a reorder that is a block move, None when the terms differ as multisets."""
    sa, sb = [k for k, _ in ka], [k for k, _ in kb]
    if sorted(sa) != sorted(sb) or sa == sb:
        return None
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
            fa = _frame(ta, ka[i + lx - 1][1], ka[j - ly + 1][1], skip_a)
            fb = _frame(tb, kb[i + ly - 1][1], kb[j - lx + 1][1], skip_b)
            if fa is None or fb is None or (not fa and not fb and not q):
                continue
            if not _same_frame(fa, fb):
                continue
            if _symmetric(fa) and all(sa.count(k) > 1 for k in q):
                return (
                    True  # "A and B" / "B and A", also "a hurricane watch and a hurricane warning"
                )
            pivot = " ".join(q) or " ".join(fa)
            return Exchange(x[0], y[0], pivot)
    return True


def _participle(tok: Token) -> bool:
    low = tok.low
    return low.endswith(("ed", "en", "wn")) or low in _IRREGULAR_PARTICIPLES


def _passive(t: Text, lo: int, hi: int) -> bool:
    """A passive between tokens ``lo`` and ``hi``: a participle after a form of "be" or
    "get" earlier in the sentence, with its agent after "by" ("was beaten by")."""
    toks = t.tokens
    for k in range(lo + 1, hi):
        if _participle(toks[k]) and any(
            x.low in _PASSIVE_AUX for x in toks[:k] if x.sent == toks[k].sent
        ):
            return any(x.low in ("by", "under") for x in toks[k + 1 : hi + 1])
    return False


def _keyword_query(t: Text) -> bool:
    """Words with no function words at all ("default ssh port"): order carries no role."""
    return not any(tok.kind == "word" and tok.low in STOPWORDS for tok in t.tokens)


def _crossing(
    a: str, b: str, ka: list[Role], kb: list[Role], *, term_pivots: bool = True
) -> Exchange | None:
    """Two unique terms that change order around a pivot kept between them (a shared
    term only when ``term_pivots``; a relational word always)."""
    ta, tb = analyze(a), analyze(b)
    if _keyword_query(ta) or _keyword_query(tb):
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
            wa = _frame(ta, ax, ay, set())
            wb = _frame(tb, by, bx, set())
            if wa is None or wb is None or _symmetric(wa) or _symmetric(wb):
                continue
            pivot = _pivot(
                (x, ax, ay), (y, by, bx), shared if term_pivots else [], pos_b, (ta, tb), (wa, wb)
            )
            if pivot is None or _passive(ta, ax, ay) != _passive(tb, by, bx):
                continue
            if ("of" in wa) != ("of" in wb):
                continue  # "X depends on Y" / "Y is a dependency of X": the genitive turns it
            return Exchange(x, y, pivot)
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
    size = max(sum(w not in _ARTICLES for w in f) for f in frames)
    for k, idx in shared:
        kb = pos_b[k]
        if k in (x, y) or not (ax < idx < ay and by < kb < bx) or size > _TERM_FRAME:
            continue
        glued_x = _near(ta, idx, ax) and _near(tb, kb, bx) and not _near(ta, idx, ay)
        glued_y = _near(ta, idx, ay) and _near(tb, kb, by) and not _near(ta, idx, ax)
        if not (glued_x or glued_y):
            return k
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
    skip = _ARTICLES | _POSSESSIVE

    def first(rng: range) -> str | None:
        for k in rng:
            tok = t.tokens[k]
            if tok.kind != "sym" and tok.low not in skip:
                return tok.low
        return None

    return first(range(lo + 1, hi)) == word or first(range(hi - 1, lo, -1)) == word


@lru_cache(maxsize=CACHE_SIZE)
def exchange(a: str, b: str) -> Exchange | bool | None:
    """How the order of ``a``'s and ``b``'s shared terms differs: an :class:`Exchange`
    (roles changed), True (a block moved; the meaning is kept), or None (no reorder of
    shared terms to speak of)."""
    ka, kb = role_keys(a, b)
    moved = _transposed(a, b, ka, kb)
    if isinstance(moved, Exchange):
        return moved
    # After a block move only a relational word can still show an exchange ("15% of 80"
    # / "80 is what percent of 15"); a shared term between two moved blocks proves none.
    found = _crossing(a, b, ka, kb, term_pivots=moved is None)
    if found is None:
        found = _owner_changed(a, b, ka, kb)
    if found is None:
        found = _case_flipped(a, b)
    return found if found is not None else moved


_SUBJECT = {"i": "me", "he": "him", "she": "her", "we": "us", "they": "them"}
_OBJECT = {"me": "me", "him": "him", "us": "us", "them": "them"}
_OBLIQUE = RELATIONAL | {"with", "about", "without", "between"}


@lru_cache(maxsize=CACHE_SIZE)
def _cases(text: str) -> dict[str, frozenset[str]] | None:
    """Each person's grammatical cases in ``text``: "s" for "I", "o" for "me" after a
    verb (not after a preposition: "for me" says nothing of the role). None for a passive
    text, where the subject is the one acted on."""
    t = analyze(text)
    toks = t.tokens
    if any(_participle(x) for x in toks) and any(x.low in _PASSIVE_AUX for x in toks):
        return None
    out: dict[str, set[str]] = {}
    for i, tok in enumerate(toks):
        if tok.low in _SUBJECT and not (tok.text.isupper() and tok.low != "i"):
            out.setdefault(_SUBJECT[tok.low], set()).add("s")
        elif (
            tok.low in _OBJECT
            and not tok.text.isupper()
            and (i == 0 or toks[i - 1].low not in _OBLIQUE)
        ):
            out.setdefault(_OBJECT[tok.low], set()).add("o")
    return {k: frozenset(v) for k, v in out.items()}


def _case_flipped(a: str, b: str) -> Exchange | None:
    """A person who acts in one text is acted on in the other ("Can someone hack *my*
    phone by sending *me* a text" / "Can *I* hack someone's phone"): two people trading
    cases, or one in an otherwise equal question."""
    ca, cb = _cases(a), _cases(b)
    if not ca or not cb:
        return None
    flips = {p: ca[p] for p in ca.keys() & cb.keys() if len(ca[p]) == len(cb[p]) == 1}
    flips = {p: c for p, c in flips.items() if c != cb[p]}
    if not flips:
        return None
    p = min(flips)
    if len(set(flips.values())) == 2:
        q = next(x for x in flips if flips[x] != flips[p])
        return Exchange(f"<{p}>", f"<{q}>", "subject and object")
    al = align(a, b)
    if len(al.only_a) <= 1 and len(al.only_b) <= 1:
        return Exchange(f"<{p}>", "?", "subject and object")
    return None


@lru_cache(maxsize=CACHE_SIZE)
def _owners(text: str) -> tuple[tuple[int, int], ...]:
    """(possessed, owner) token indices: "X's Y", "my Y", "Y of X"."""
    t = analyze(text)
    at = {idx for _, idx in role_terms(text)}
    toks = t.tokens
    out: list[tuple[int, int]] = []

    def near(i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(toks) and abs(j - i) <= _REACH and toks[j].kind != "sym":
            if j in at:
                return j
            j += step
        return None

    for i, tok in enumerate(toks):
        if (tok.low.endswith("'s") and i in at) or tok.low in _POSSESSIVE:
            owned = near(i, 1)
            if owned is not None:
                out.append((owned, i))
        elif tok.low == "of":
            owned, owner = near(i, -1), near(i, 1)
            while owner is not None and owner + 1 in at:
                owner += 1  # the head of "of George Orwell's 1984" is "1984"
            if owned is not None and owner is not None:
                out.append((owned, owner))
    return tuple(out)


def _owner_changed(a: str, b: str, ka: list[Role], kb: list[Role]) -> Exchange | None:
    """A thing both texts name belongs to someone else ("a neighbor's tree falling on my
    house" / "my tree falling on my neighbor's house")."""
    key_a, key_b = dict((i, k) for k, i in ka), dict((i, k) for k, i in kb)
    own_a = {key_a[y]: key_a[x] for y, x in _owners(a) if y in key_a and x in key_a}
    own_b = {key_b[y]: key_b[x] for y, x in _owners(b) if y in key_b and x in key_b}
    all_a, all_b = set(key_a.values()), set(key_b.values())
    for thing, xa in own_a.items():
        xb = own_b.get(thing)
        if xb is not None and xa != xb and xa in all_b and xb in all_a:
            return Exchange(xa, xb, f"owner of {thing}")
    return None
