"""Role changes that word order alone does not show.

* **Owners** -- a thing both texts name belongs to someone else: "a neighbor's tree
  falling on my house" / "my tree falling on my neighbor's house" ("X's Y", "my Y" and
  "Y of X" all name Y's owner; "of George Orwell's 1984" is owned by "1984").
* **Cases** -- a person who acts in one text is acted on in the other ("Can someone hack
  *my* phone by sending *me* a text" / "Can *I* hack someone's phone"): "I"/"me",
  "he"/"him", "we"/"us", "they"/"them"; "me" after a preposition ("for me") says nothing
  of the role, and a passive text is not read (its subject is the one acted on).
* **Question form** -- "Who taught Plato?" asks for the teacher, "Who did Plato teach?"
  for the student.

Limits: cheap patterns, no parser; "her" (object or possessive) is not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .align import align
from .roles import PASSIVE_AUX, POSSESSIVE, RELATIONAL, Exchange, Role, participle, role_terms
from .tokens import STOPWORDS, Token, analyze, text_cache, wordset

__all__ = ["case_flipped", "is_passive", "owner_changed", "passive_flipped", "wh_role"]

_REACH = 3
_BE = wordset("is are was were be been being")
_FILLERS = wordset("not never also just still already ever even often always")
_PERSONS = frozenset({"<me>", "<you>", "<us>", "<him>", "<her>", "<them>"})

_WH_SUBJECT = wordset("who what which")
_AUX = wordset("do does did will would can could should shall must might may has have had")


@text_cache
def _wh_form(text: str) -> tuple[str, str] | None:
    """("who", "subject") for "Who taught Plato?", ("who", "object") for "Who did Plato
    teach?"; None for other openings and for passives."""
    t = analyze(text)
    words = [x for x in t.tokens if x.kind != "sym"]
    if len(words) < 3 or words[0].low not in _WH_SUBJECT or _cases(text) is None:
        return None
    second = words[1].low
    if second in _AUX:
        return words[0].low, "object"
    if second in PASSIVE_AUX or second in STOPWORDS:
        return None
    return words[0].low, "subject"


def wh_role(a: str, b: str) -> Exchange | None:
    """The asked-about person is the doer on one side and the one done to on the other:
    "Who taught Plato?" / "Who did Plato teach?"."""
    fa, fb = _wh_form(a), _wh_form(b)
    if fa is None or fb is None or fa[0] != fb[0] or fa[1] == fb[1]:
        return None
    al = align(a, b)
    if al.only_a or al.only_b or al.matched < 2:
        return None
    return Exchange(fa[0], "?", f"{fa[0]} as {fa[1]} / {fb[1]}")


_SUBJECT = {"i": "me", "he": "him", "she": "her", "we": "us", "they": "them"}
_OBJECT = {"me": "me", "him": "him", "us": "us", "them": "them"}
_OBLIQUE = RELATIONAL | {"with", "about", "without", "between"}


@text_cache
def _cases(text: str) -> dict[str, frozenset[str]] | None:
    """Each person's grammatical cases in ``text``: "s" for "I", "o" for "me" after a
    verb (not after a preposition: "for me" says nothing of the role). None for a passive
    text, where the subject is the one acted on."""
    t = analyze(text)
    toks = t.tokens
    if any(participle(x) and _be_before(toks, k) for k, x in enumerate(toks)):
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


def case_flipped(a: str, b: str) -> Exchange | None:
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


@text_cache
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
        if (tok.low.endswith(("'s", "s'")) and i in at) or tok.low in POSSESSIVE:
            owned = near(i, 1)
            if owned is not None:
                out.append((owned, i))
        elif tok.low == "of":
            owned, owner = near(i, -1), near(i, 1)
            k = owner
            while k is not None and k + 1 in at:
                if toks[k].low.endswith("'s"):
                    owner = k + 1  # the head of "of George Orwell's 1984" is "1984"
                k += 1
            if owned is not None and owner is not None:
                out.append((owned, owner))
    return tuple(out)


def owner_changed(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """A thing both texts name belongs to someone else ("a neighbor's tree falling on my
    house" / "my tree falling on my neighbor's house")."""
    owners_a, owners_b = _owners(a), _owners(b)
    if not owners_a or not owners_b:
        return None
    key_a, key_b = dict((i, k) for k, i in ka), dict((i, k) for k, i in kb)
    count_a, count_b = Counter(k for k, _ in ka), Counter(k for k, _ in kb)
    # "a kilo of feathers or a kilo of steel": two kilos, no one owner to compare
    once = {k for k, n in count_a.items() if n == 1 and count_b.get(k) == 1}
    own_a = {key_a[y]: key_a[x] for y, x in owners_a if key_a.get(y) in once and x in key_a}
    own_b = {key_b[y]: key_b[x] for y, x in owners_b if key_b.get(y) in once and x in key_b}
    all_a, all_b = set(key_a.values()), set(key_b.values())
    for thing, xa in own_a.items():
        xb = own_b.get(thing)
        if xb is not None and xa != xb and xa in all_b and xb in all_a:
            return Exchange(xa, xb, f"owner of {thing}")
    return None


def _be_before(toks: Sequence[Token], k: int) -> bool:
    """A form of "be" right before token ``k`` (adverbs and "not" aside): "can I *be*
    fired", "was *not* paid", "is *being* sued"."""
    for j in range(k - 1, max(-1, k - 4), -1):
        low = toks[j].low
        if low in _BE:
            return True
        if not (low in _FILLERS or low.endswith("ly")):
            return False
    return False


@text_cache
def _passive(text: str) -> tuple[int, int, int | None] | None:
    """(subject, participle, agent or None) token indices of "X was <verb>ed (by Y)"."""
    t = analyze(text)
    at = [idx for _, idx in role_terms(text)]
    toks = t.tokens
    for k, tok in enumerate(toks):
        if not participle(tok) or k not in at:
            continue
        if not _be_before(toks, k):
            continue  # "rows ordered by date", "is that how I run": no passive
        by = next((j for j in range(k + 1, min(len(toks), k + 3)) if toks[j].low == "by"), None)
        agent = next((i for i in at if by is not None and by < i <= by + 3), None)
        subject = next((i for i in reversed(at) if i < k), None)
        if subject is not None:
            return subject, k, agent
    return None


def passive_flipped(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """One side is passive, the other active with the same subject: "Can a landlord be sued
    by a tenant?" / "Can a landlord sue a tenant?", and without an agent when the subject is
    a person: "Can I be fired for ...?" / "Can I fire ... for ...?"."""
    pa, pb = _passive(a), _passive(b)
    if (pa is None) == (pb is None):
        return None
    passive, keys_p, keys_o = (pa, ka, kb) if pa is not None else (pb, kb, ka)
    assert passive is not None
    key_of = dict((i, k) for k, i in keys_p)
    subject, verb = key_of.get(passive[0]), key_of.get(passive[1])
    agent = None if passive[2] is None else key_of.get(passive[2])
    pos = {k: n for n, (k, _) in enumerate(keys_o)}
    if subject not in pos or verb not in pos or pos[subject] > pos[verb]:  # type: ignore[index]
        return None
    if agent is not None and agent in pos and pos[verb] < pos[agent]:  # type: ignore[index]
        return Exchange(str(subject), str(agent), "active and passive in one order")
    if passive[2] is None and str(subject) in _PERSONS:
        return Exchange(str(subject), "?", "acted on in one text, acting in the other")
    return None


def is_passive(text: str) -> bool:
    """Whether ``text`` has a passive ("be" right before a participle)."""
    return _passive(text) is not None
