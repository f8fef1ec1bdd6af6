"""Terms that cross: two shared terms that change order must be explained.

"Does the tower clear the pilot for takeoff or does the pilot request clearance from
ground control first?" / "Does the pilot clear the tower for takeoff or does ground
control request clearance from the pilot first?" (0.989) keeps every word; three people
rotated through each other's places, and no reading written for one shape of role swap
covers it. This reading asks one general question instead: for every pair of content
terms (:func:`.roles.role_keys`: words paired across the texts by :func:`.align.align`,
once in each text) whose order differs between the two texts, is there something that
explains the reorder? The explanations, each general (the words they need are tables in
``data/crossing.txt``):

* **a phrase moved with its marker** -- each of the two terms keeps the word that marks
  its phrase (:func:`.markers.marked`: its preposition, ``poss``, ``obj1`` or ``bare``,
  equivalents from ``data/markers.txt`` allowed: "Priya's draft" / "the draft of
  Priya"), the two markers differ and at least one of them is marked by more than its
  place ("In Python, how do I sort a list" / "How do I sort a list in Python"); two
  phrases with one marker that trade places trade roles (two bare ones: subject and
  object);
* **a break between them** -- a clause mark or a new sentence ("Before I work overtime,
  does my manager ..."; not the dots of a chain of code, "`iter().rev().take(3)`"); a
  subordinate clause moved whole with its word (``clause:``), each term staying in its
  clause; a term and a pronoun standing in for it that traded clauses ("approve my
  overtime before I work *it*" / "approve *it* before I work overtime");
* **a symmetric frame** between them (:mod:`.joins`, :func:`.connectives.symmetric`:
  and, or, vs, between, compare ...; "Does the seller or the buyer pay"), or a distance
  (:data:`.roles.SYMMETRIC_PREDICATES`): alternatives and symmetric relations
  (``either:``) whatever their sides hold, the other connectives (and, but, while) only
  the terms they join in both texts ("the seller and the buyer"): two clauses around
  "but" that traded verbs and objects while their adverbs stayed are other facts ("paid
  my tax on time but filed the return late" / "filed my return on time but paid my tax
  late"), so are two clauses that traded subjects ("I'm the tenant and my sister is a
  guarantor" / "My sister is the tenant and I'm a guarantor");
* **the asked phrase** moved to the front of the question ("*What year* did the Berlin
  Wall fall?" / "The Berlin Wall fell in *what year*?", ``asked:``, "how many");
* **an act said another way** (:mod:`.acts`): a verb and its object against a compound
  with a noun of the act ("when buying a house" / "on a home purchase"), or moved into
  a clause opened by "when" and the verb in -ing ("should I cut dovetails tails first" /
  "tails first when cutting dovetails"), a causative turned intransitive ("can a cow
  pass ringworm to the farmer" / "can ringworm pass from a cow to the farmer");
* **a heading**: the term stands before the first clause mark in words with no verb or
  question word (``finite:``: "Python: add 30 days to a date", "Toronto from Lisbon,
  what is the flight time", "nginx redirect http to https");
* **a compound against a modifier**: the terms side by side in one text, the second
  after a preposition of ``modifier:`` in the other ("my statin dose" / "the dose of my
  statin", "the Leeds to York train" / "the train from Leeds to York").

Texts said in another voice are not read: a passive, an agent after "by" (a passive,
reduced or nominal: "the company acquired by Google") or a question asked with "be"
(``be:``) on one side only ("Was Beethoven a pupil of Mozart?" / "Did Mozart teach
Beethoven?"), or a pair of converse words left unpaired (``data/converses.txt``: "Was
Zeus the son of Kronos?" / "Was Kronos Zeus's father?", "bigger" / "smaller"). Two texts
that both ask with "be" (no passive) may trade the two sides of "be" in their main
clauses ("Is the capital of France Paris?" / "Is Paris the capital of France?"). Nor are
pairs worded otherwise read -- more than :data:`_FEW` content words without a
counterpart, or more than :data:`_SKEW` function words in one text only (a role swap
keeps the words and moves them; a paraphrase rewords) -- nor keyword queries with no
function word, texts with a dash (where the heading ends is not read), and pairs in
which :func:`.order.exchange` finds an exchange (the order guard decides, with its
symmetric and converse cases).

A term that changed sides of a clause or contrast word said once in each text
(:mod:`.sides`: "delete a customer's *orders* when the customer is deleted" / "delete the
customer when the customer's *orders* are deleted") is read as crossing that word, with
the explanations that apply to one term (a pronoun standing in, the act moved into an
-ing clause, the asked phrase, a heading).

An unexplained crossing inside one phrase ("the *original Nintendo* Switch" / "the
Nintendo Switch 2 ... *original*") or between two phrases is a change of roles.

Limits: no parser. A verb turned into a noun outside ``action:`` or a compound, or
into a gerund that carries another object, is read as a crossing; so is an object
carried across a preposition's phrase outside a "be" question. A dummy "it" ("is *it*
OK to ...") can be read as a pronoun standing in for a term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from .acts import (
    DETERMINERS,
    TABLES,
    Place,
    causative,
    clauses,
    nominal,
    partners,
    past,
    reduced,
    terms_at,
)
from .align import align
from .joins import framed
from .lexicon import lexicon
from .markers import marked, same_marker
from .nominals import nominal_passive
from .order import exchange, keyword_query
from .relations import is_passive
from .roles import (
    CLAUSE,
    QUESTION_WORDS,
    SYMMETRIC_PREDICATES,
    Exchange,
    Role,
    participle,
    role_keys,
)
from .sides import changed_sides
from .tokens import Text, analyze, text_cache

__all__ = ["crossed"]

#: Content words without a counterpart (both texts together) beyond which the texts are
#: worded otherwise and not read.
_FEW = 3
#: Function words (articles aside) of one text only beyond which the texts are not read.
_SKEW = 2


_STAND_INS = TABLES["stand-in"]
_ASKED = TABLES["asked"]
_MODIFIERS = TABLES["modifier"]
_FINITE = TABLES["finite"]
_BE = TABLES["be"]
_ARTICLES = frozenset({"a", "an", "the"})
_DASHES = (" - ", " -- ", "\u2014", "\u2013")
_BREAKS = CLAUSE | {"/"}


def _crossings(a: str, b: str) -> list[tuple[Place, Place]]:
    """The places of each two shared terms whose order differs (the first of them first
    in ``a``)."""
    shared = list(partners(a, b)[0].items())
    return [(xs, ys) for n, xs in enumerate(shared) for ys in shared[n + 1 :] if ys[1] < xs[1]]


def _any_crossing(a: str, b: str) -> bool:
    """Whether :func:`_crossings` finds any: two places out of order exist exactly when
    two neighbours are (one pass, not every two)."""
    return any(y < x for x, y in pairwise(partners(a, b)[0].values()))


@text_cache
def _skeleton(text: str) -> Counter[str]:
    """The function words of ``text`` (articles aside), as a multiset."""
    terms = terms_at(text)
    return Counter(
        x.low
        for x in analyze(text).tokens
        if x.kind == "word" and x.index not in terms and x.low not in _ARTICLES
    )


def _worded_otherwise(a: str, b: str) -> bool:
    """More than :data:`_FEW` content words or :data:`_SKEW` function words in one text
    only: a paraphrase, whose order says nothing about roles."""
    al = align(a, b)
    if len(al.only_a) + len(al.only_b) > _FEW:
        return True
    sa, sb = _skeleton(a), _skeleton(b)
    return max((sa - sb).total(), (sb - sa).total()) > _SKEW


@text_cache
def _voice(text: str) -> tuple[bool, bool, bool]:
    """Whether ``text`` has a passive (:func:`.relations.is_passive`), whether it names an
    agent after "by" (a passive, reduced or not: "was audited by the insurer", "the
    company acquired by Google", "the audit by the insurer"), and whether it asks with a
    form of "be"."""
    toks = analyze(text).tokens
    first = next((x.low for x in toks if x.kind == "word" and x.low not in QUESTION_WORDS), "")
    agent = nominal_passive(text) is not None or any(
        x.low == "by" and k > 0 and toks[k - 1].kind == "word" and participle(toks[k - 1])
        for k, x in enumerate(toks)
    )
    return is_passive(text), agent, first in _BE


def _unread(a: str, b: str, ta: Text, tb: Text) -> bool:
    """Pairs this reading leaves alone (see the module docstring)."""
    return (
        not (ta.latin and tb.latin)
        or any(d in t.raw for t in (ta, tb) for d in _DASHES)
        or keyword_query(ta)
        or keyword_query(tb)
        or _voice(a) != _voice(b)
        or bool(SYMMETRIC_PREDICATES.intersection(ta.words + tb.words))
        or _worded_otherwise(a, b)
        or isinstance(exchange(a, b), Exchange)
        or _converse(a, b)
    )


def _converse(a: str, b: str) -> bool:
    """A pair of converse words left unpaired, one in each text ("son" / "father",
    "bigger" / "smaller": ``data/converses.txt``): the relation named from its other end."""
    al, lex = align(a, b), lexicon()
    return any(lex.converse(x, y) for x in al.only_a for y in al.only_b)


def _broken(t: Text, lo: int, hi: int) -> bool:
    """A break (clause mark, "/", a new sentence) between tokens ``lo`` < ``hi``; not the
    dots of a chain of code ("`iter().rev().take(3)`")."""
    toks = t.tokens
    glued = {
        k + d
        for k in range(lo + 1, hi + 1)
        for d in (0, 1)
        if toks[k].text == "." and toks[k - 1].literal and k + 1 < len(toks) and toks[k + 1].literal
    }
    return any(
        (toks[k].text in _BREAKS or toks[k].sent != toks[k - 1].sent) and k not in glued
        for k in range(lo + 1, hi + 1)
    )


def _asked(t: Text, i: int) -> bool:
    """The term at ``i`` is in the phrase a question word asks for ("*what year*",
    "which African *river*", "how many PWM *pins*")."""
    toks = t.tokens
    j = past(t, i - 1, -1, terms=True)
    if j < 0:
        return False
    return toks[j].low in _ASKED or (toks[j].low == "many" and j >= 1 and toks[j - 1].low == "how")


def _placed(t: Text, i: int) -> bool:
    """The term at ``i`` stands where it does for the question's sake, not for its role:
    in the phrase a question word asks for (:func:`_asked`) or in a heading
    (:func:`_heading_length`)."""
    return _asked(t, i) or i < _heading_length(t.raw)


@text_cache
def _heading_length(text: str) -> int:
    """The tokens of the heading that opens ``text``, counted from the start: the words
    before the first clause mark (or the whole text) when none of them is of
    ``finite:``, else 0."""
    toks = analyze(text).tokens
    end = next((x.index for x in toks if x.text in CLAUSE or x.text == "="), len(toks))
    return 0 if any(x.low in _FINITE for x in toks[:end] if x.kind == "word") else end


def _compound(t: Text, x: int, y: int) -> bool:
    """Terms ``x`` before ``y`` in one run of content words ("to" allowed: "the Leeds to
    York train")."""
    terms = terms_at(t.raw)
    return x < y and all(k in terms or t.tokens[k].low == "to" for k in range(x + 1, y))


def _modifier(t: Text, y: int, x: int) -> bool:
    """``x`` hangs on ``y`` by a preposition of ``modifier:``: "the dose *of my* statin",
    "open enrollment *for* ACA" (the head's own compound before it), "the train *from*
    Leeds *to* York" (a run of terms after it)."""
    terms = terms_at(t.raw)
    between = t.tokens[y + 1 : x]
    n = 0
    while n < len(between) and between[n].index in terms:
        n += 1
    if n == len(between) or between[n].low not in _MODIFIERS:
        return False
    return all(
        k.kind == "word"
        and (k.low in DETERMINERS or (not n and (k.low == "to" or k.index in terms)))
        for k in between[n + 1 :]
    )


def _clause_moved(texts: tuple[Text, Text], xs: Place, ys: Place) -> bool:
    """The terms stand in different clauses, each in the same one in both texts (a clause
    moved whole), or one changed clause and traded places with a pronoun of
    ``stand-in:``: each of its two clauses has more such pronouns in the text the term
    is not in ("approve my overtime before I work *it*" / "approve *it* before I work
    overtime"). A pronoun both texts keep in one clause stands in for nothing that moved
    ("borrow a value mutably while *it* is borrowed immutably"), nor does one on one side
    only when the other names someone else there ("can a second driver drive if *they*
    aren't named" / "can *I* drive if the second driver isn't named")."""
    ca, cb = clauses(texts[0].raw), clauses(texts[1].raw)
    if (ca[xs[0]], ca[ys[0]]) == (cb[xs[1]], cb[ys[1]]) and ca[xs[0]] != ca[ys[0]]:
        return True
    na, nb = _stand_ins(texts[0].raw), _stand_ins(texts[1].raw)
    return any(
        ca[a] != cb[b] and na[cb[b]] > nb[cb[b]] and nb[ca[a]] > na[ca[a]] for a, b in (xs, ys)
    )


@text_cache
def _stand_ins(text: str) -> Counter[str]:
    """The pronouns of ``stand-in:`` in each clause of ``text`` (:func:`.acts.clauses`)."""
    own = clauses(text)
    return Counter(own[x.index] for x in analyze(text).tokens if x.low in _STAND_INS)


def _identity(texts: tuple[Text, Text], xs: Place, ys: Place) -> bool:
    """Both texts ask with "be" and no agent, the terms in their main clauses: the two
    sides of "be" may trade places ("Is the capital of France Paris?" / "Is Paris the
    capital of France?")."""
    if any(_voice(t.raw) != (False, False, True) for t in texts):
        return False
    ca, cb = clauses(texts[0].raw), clauses(texts[1].raw)
    return not (ca[xs[0]] or ca[ys[0]] or cb[xs[1]] or cb[ys[1]])


def _phrase_marks(text: str, keys: Sequence[Role]) -> dict[int, tuple[int, str]]:
    """Each term's phrase (its head's token index) and the phrase's marker
    (:func:`.markers.marked`); a term in no marked phrase is its own, ``bare``."""
    terms = {i for _, i in keys}
    heads = sorted((h, m) for _, m, h in marked(text, keys))
    out: dict[int, tuple[int, str]] = {}
    for _, idx in keys:
        h, m = next(((h, m) for h, m in heads if h >= idx), (idx, "bare"))
        out[idx] = (h, m) if all(k in terms for k in range(idx, h + 1)) else (idx, "bare")
    return out


def _kept_markers(marks: tuple[dict[int, tuple[int, str]], ...], xs: Place, ys: Place) -> bool:
    """Each term keeps its phrase's marker, the two in different phrases with different
    markers in both texts (two phrases with one marker that trade places trade roles:
    "if I *paid* my tax on time but *filed* the return late"), one of them marked by more
    than its place."""
    (hax, max_), (hay, may) = marks[0][xs[0]], marks[0][ys[0]]
    (hbx, mbx), (hby, mby) = marks[1][xs[1]], marks[1][ys[1]]
    if hax == hay or hbx == hby:
        return False  # inside one phrase: its own order changed
    return same_marker(max_, mbx) and same_marker(may, mby) and max_ != may


def _explained(
    texts: tuple[Text, Text], marks: tuple[dict[int, tuple[int, str]], ...], xs: Place, ys: Place
) -> bool:
    """Whether something explains terms at ``xs`` and ``ys`` (token indices in each
    text, x first in the first text) changing order (see the module docstring)."""
    ta, tb = texts
    (ax, bx), (ay, by) = xs, ys
    return (
        _broken(ta, ax, ay)
        or _broken(tb, by, bx)
        or framed(texts, xs, ys)
        or any(_placed(t, i) for t, i in ((ta, ax), (ta, ay), (tb, bx), (tb, by)))
        or (_compound(ta, ax, ay) and _modifier(tb, by, bx))
        or (_compound(tb, by, bx) and _modifier(ta, ax, ay))
        or nominal((ta, ax, ay), (tb, by, bx))
        or nominal((tb, by, bx), (ta, ax, ay))
        or _identity(texts, xs, ys)
        or _clause_moved(texts, xs, ys)
        or reduced(texts, xs, ys)
        or causative(texts, xs, ys)
        or _kept_markers(marks, xs, ys)
    )


def crossed(a: str, b: str) -> tuple[str, str] | None:
    """Two shared terms (lowercase, the same whichever text is first) whose change of
    order nothing explains, or a term (lowercase, the same whichever text is first) and the
    clause or contrast word it changed sides of (:mod:`.sides`), else None (see the module
    docstring)."""
    crossing, moved = _any_crossing(a, b), changed_sides(a, b)
    if not (crossing or moved):
        return None
    ta, tb = analyze(a), analyze(b)
    if _unread(a, b, ta, tb):
        return None
    found = _crossings(a, b) if crossing else []
    ka, kb = role_keys(a, b)
    marks = (_phrase_marks(a, ka), _phrase_marks(b, kb))
    named = [
        _named((ta, tb), xs, ys) for xs, ys in found if not _explained((ta, tb), marks, xs, ys)
    ]
    named += [
        (min(ta.tokens[xs[0]].low, tb.tokens[xs[1]].low), word)
        for xs, word in moved
        if not _side_explained((ta, tb), xs)
    ]
    return min(named) if named else None


def _side_explained(texts: tuple[Text, Text], xs: Place) -> bool:
    """Whether something explains the term at ``xs`` changing sides
    (:func:`.sides.changed_sides`): a pronoun standing in for it, the act moved into an
    -ing clause, the asked phrase or a heading."""
    return (
        _clause_moved(texts, xs, xs)
        or reduced(texts, xs, xs)
        or any(_placed(t, i) for t, i in zip(texts, xs, strict=True))
    )


def _named(texts: tuple[Text, Text], xs: Place, ys: Place) -> tuple[str, str]:
    """Two crossing terms by their lowercase words, the same whichever text is first."""
    ta, tb = texts
    x = min(ta.tokens[xs[0]].low, tb.tokens[xs[1]].low)
    y = min(ta.tokens[ys[0]].low, tb.tokens[ys[1]].low)
    return (x, y) if x <= y else (y, x)
