"""Role changes that word order alone does not show.

* **Owners** -- a thing both texts name belongs to someone else: "a neighbor's tree
  falling on my house" / "my tree falling on my neighbor's house" ("X's Y", "my Y" and
  "Y of X" all name Y's owner; "of George Orwell's 1984" is owned by "1984").
* **Cases** -- a person who acts in one text is acted on in the other ("Can someone hack
  *my* phone by sending *me* a text" / "Can *I* hack someone's phone"): "I"/"me",
  "he"/"him", "we"/"us", "they"/"them"; "me" after a preposition ("for me") says nothing
  of the role, and a passive text is not read (its subject is the one acted on).
* **Voice** -- one text passive, the other active with the same subject: "Can a
  landlord be sued by a tenant?" / "Can a landlord sue a tenant?" (passives are read by
  :mod:`.clauses`, which also compares wh-questions and relative clauses).

* **Whose** -- "whose" asks for the owner the other text names: "Who was Biden's vice
  president?" / "Whose vice president was Biden?" (Biden owns the office in one, holds
  it in the other; :func:`whose_swapped`).

* **Mentions** -- the same terms, but one mention of X names Y instead
  (:func:`mention_moved`).

* **Persons** -- "I" and "you" trade the subject ("Can I borrow your car" / "Can you
  borrow my car"), or "he"/"his" becomes "she"/"her" (:func:`person_swapped`,
  :func:`gender_changed`).

Limits: cheap patterns, no parser; "her" (object or possessive) is not read as a case;
"you" is a subject only after an auxiliary, a wh-word or at the start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from .align import align
from .clauses import passive, passives
from .lexicon import lexicon
from .nominals import nominal_passive
from .pronouns import ROLE_KEY, cases, persons
from .roles import ARTICLES, POSSESSIVE, Exchange, Role, participle, role_terms
from .tokens import Token, analyze, text_cache
from .voice import thing_acts

__all__ = [
    "case_flipped",
    "gender_changed",
    "is_passive",
    "mention_moved",
    "owner_changed",
    "passive_flipped",
    "person_swapped",
    "persons",
    "whose_swapped",
]

_REACH = 3
_PLACES = frozenset({"countries", "cities"})
_PERSONS = frozenset({"<me>", "<you>", "<us>", "<him>", "<her>", "<them>"})


def case_flipped(a: str, b: str) -> Exchange | None:
    """A person who acts in one text is acted on in the other ("Can someone hack *my*
    phone by sending *me* a text" / "Can *I* hack someone's phone"): two people trading
    cases, or one in an otherwise equal question."""
    if passive(a) is not None or passive(b) is not None:
        return None  # a passive's subject is the one acted on
    ca, cb = cases(a), cases(b)
    if not ca or not cb:
        return None
    flips = {p: ca[p] for p in ca.keys() & cb.keys() if len(ca[p]) == len(cb[p]) == 1}
    flips = {p: c for p, c in flips.items() if c != cb[p]}
    if not flips:
        return None
    p = min(flips)
    if len(set(flips.values())) == 2:
        q = next(x for x in flips if flips[x] != flips[p])
        return Exchange(ROLE_KEY[p], ROLE_KEY[q], "subject and object")
    al = align(a, b)
    if len(al.only_a) <= 1 and len(al.only_b) <= 1:
        return Exchange(ROLE_KEY[p], "?", "subject and object")
    return None


@text_cache
def _owners(text: str) -> tuple[tuple[int, int], ...]:
    """(possessed, owner) token indices: "X's Y", "my Y", "Y of X", and a country or city
    named right before a noun ("US citizens" are the citizens of the US)."""
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
        if i in at and i + 1 in at and _place(tok) and not _place(toks[i + 1]):
            out.append((i + 1, i))
        elif (tok.low.endswith(("'s", "s'")) and i in at) or tok.low in POSSESSIVE:
            owned = near(i, 1)
            if owned is not None:
                out.append((owned, i))
        elif tok.low == "of":
            owned, owner = near(i, -1), _head(toks, at, near(i, 1))
            if owned is not None and owner is not None and not _either(toks, owner):
                out.append((owned, owner))
    return tuple(out)


def _either(toks: Sequence[Token], k: int) -> bool:
    """The owner at token ``k`` is one of alternatives ("the quota of the sender *or* the
    receiver"): no one owner to compare."""
    nxt = next((x.low for x in toks[k + 1 : k + 3] if x.low not in ARTICLES), "")
    return nxt in ("or", "and")


def whose_swapped(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """One text asks "whose T" and the other names T's owner X, who is in the "whose"
    text too but not as T's owner: "Who was Biden's vice president?" / "Whose vice
    president was Biden?". Both texts asking "whose", or the owner of another thing
    ("In John's game, whose turn is it?"), is no exchange."""
    wa, wb = _whose(a, ka), _whose(b, kb)
    if (wa is None) == (wb is None):
        return None
    if wb is None:  # ``a`` is the text that asks "whose"
        a, b, ka, kb, wb = b, a, kb, ka, wa
    thing = wb
    key_a = dict((i, k) for k, i in ka)
    keys_b = {k for k, _ in kb}
    for y, x in _owners(a):
        owner = key_a.get(x)
        if key_a.get(y) == thing and owner is not None and owner != thing and owner in keys_b:
            return Exchange(owner, "whose", f"owner of {thing}")
    return None


def _whose(text: str, keys: Sequence[Role]) -> str | None:
    """The role key of the first term after "whose" (within reach), if any."""
    t = analyze(text)
    if "whose" not in t.words:
        return None
    toks = t.tokens
    at = dict((i, k) for k, i in keys)
    for i, tok in enumerate(toks):
        if tok.low == "whose":
            for j in range(i + 1, min(i + 1 + _REACH, len(toks))):
                if j in at:
                    return at[j]
    return None


def _place(tok: Token) -> bool:
    """``tok`` names a country or a city (``data/names.txt``; "US" in capitals)."""
    lex = lexicon()
    name = lex.cased.get(tok.text) or lex.canonical_name(tok.low)
    return lex.names.get(name) in _PLACES


#: How far into the phrase after "of" a possessive may stand and still own it: "of George
#: *Orwell's* 1984", not "of the Moon slow down *Earth's* rotation" (a verb between).
_NAME_REACH = 1


def _head(toks: Sequence[Token], at: set[int], k: int | None) -> int | None:
    """The owner in the noun phrase whose first term is token ``k``: past a possessive
    determiner ("of *my* friend" is owned by the friend) and past a possessive near the
    phrase's start ("of George Orwell's *1984*"; see :data:`_NAME_REACH`). Case is not
    read: "of the United States" and "of the united states" must name the same owner."""
    if k is None:
        return None
    if toks[k].low in POSSESSIVE and k + 1 in at:
        k += 1
    owner, start = k, k
    while k + 1 in at:
        if toks[k].low.endswith("'s") and k - start <= _NAME_REACH:
            owner = k + 1
        k += 1
    return owner


def owner_changed(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """A thing both texts name belongs to someone else ("a neighbor's tree falling on my
    house" / "my tree falling on my neighbor's house")."""
    owners_a, owners_b = _owners(a), _owners(b)
    if not owners_a or not owners_b:
        return None
    key_a, key_b = dict((i, k) for k, i in ka), dict((i, k) for k, i in kb)
    own_a, own_b = _one_owner(owners_a, key_a, ka), _one_owner(owners_b, key_b, kb)
    all_a, all_b = set(key_a.values()), set(key_b.values())
    for thing, xa in own_a.items():
        xb = own_b.get(thing)
        if xb is not None and xa != xb and xa in all_b and xb in all_a:
            if _compound(a, ka, xa, xb) == _compound(b, kb, xa, xb) != "":
                continue  # "the inner function's" / "of the inner function": one owner
            return Exchange(xa, xb, f"owner of {thing}")
    return owner_reversed(a, b, ka, kb)


def _one_owner(
    owners: Sequence[tuple[int, int]], key: dict[int, str], keys: Sequence[Role]
) -> dict[str, str]:
    """Each owned thing's owner, by role key, for things owned at every mention, all by
    the one owner ("my car insurance cover a friend driving my car": the car is mine at
    both mentions); "a kilo of feathers or a kilo of steel" has no one owner."""
    found: dict[str, set[str]] = {}
    owned: dict[str, set[int]] = {}
    for y, x in owners:
        if y in key and x in key:
            found.setdefault(key[y], set()).add(key[x])
            owned.setdefault(key[y], set()).add(y)
    said = Counter(k for k, _ in keys)
    return {
        thing: next(iter(xs))
        for thing, xs in found.items()
        if len(xs) == 1 and len(owned[thing]) == said[thing]
    }


def owner_reversed(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """X owns Y in one text and Y owns X in the other: "the subnet's route table" / "the
    route table's subnet", "What do I call my father's cousin" / "my cousin's father".
    A possessive owns every term of the noun phrase after it (up to three), so a
    compound ("route table") is owned whole; "of" reads as in :func:`_owners`."""
    pa, pb = _owned_pairs(a, ka), _owned_pairs(b, kb)
    for x, y in sorted(pa):
        if (y, x) in pb and (x, y) not in pb and (y, x) not in pa:
            return Exchange(x, y, f"owner of {y} turned round")
    return None


def _owned_pairs(text: str, keys: Sequence[Role]) -> set[tuple[str, str]]:
    """(owner, owned) role keys of ``text``'s possessives and "of" phrases."""
    key_of = dict((i, k) for k, i in keys)
    toks = analyze(text).tokens
    out = {(key_of[x], key_of[y]) for y, x in _owners(text) if x in key_of and y in key_of}
    for i, tok in enumerate(toks):
        if i in key_of and tok.low.endswith(("'s", "s'")):
            j = i + 1
            while j in key_of and j <= i + 3:
                out.add((key_of[i], key_of[j]))
                if toks[j].low.endswith(("'s", "s'")):
                    break
                j += 1
    return {(x, y) for x, y in out if x != y}


def mention_moved(ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """The same terms, but one mention of X names Y instead: "Should the tenant or the
    landlord fix it? I think the tenant." / "... I think the landlord." Both texts name
    both, so no word is new; only who fills one slot changed."""
    ca, cb = Counter(k for k, _ in ka), Counter(k for k, _ in kb)
    if ca.keys() != cb.keys() or len(ka) != len(kb):
        return None
    diff = ca - cb, cb - ca
    if len(diff[0]) != 1 or len(diff[1]) != 1 or sum(diff[0].values()) != 1:
        return None
    return Exchange(next(iter(diff[0])), next(iter(diff[1])), "a mention")


def _compound(text: str, keys: Sequence[Role], x: str, y: str) -> str:
    """The first of terms ``x`` and ``y`` when they stand side by side in ``text``, the
    first not a possessive and neither a pronoun: two words of one name ("inner
    function", "Maria Lopez"), which "X Y's Z" reads by its last word and "Z of X Y" by
    its first. Empty otherwise."""
    if x.startswith("<") or y.startswith("<"):
        return ""
    toks = analyze(text).tokens
    for (k1, i1), (k2, i2) in pairwise(keys):
        if {k1, k2} == {x, y} and i2 == i1 + 1 and not toks[i1].low.endswith(("'s", "s'")):
            return k1
    return ""


def _key_at(keys: Sequence[Role], idx: int) -> str | None:
    """The role key of the term at token ``idx``, or None."""
    return next((k for k, i in keys if i == idx), None)


def _reduced(text: str, keys: Sequence[Role], verb: str | None) -> bool:
    """``text`` has ``verb`` as a participle right before "by" with no form of "be": a
    reduced relative clause, the same passive ("films *not directed by* Miyazaki",
    "damage *not caused by* the user")."""
    toks = analyze(text).tokens
    for k, i in keys:
        if k == verb and participle(toks[i]) and i + 1 < len(toks) and toks[i + 1].low == "by":
            return True
    return False


def passive_flipped(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """One side is passive, the other active with the same subject: "Can a landlord be sued
    by a tenant?" / "Can a landlord sue a tenant?", and without an agent: "Can I be fired
    for ...?" / "Can I fire ... for ...?" (a person; a thing only in the shape
    :func:`.voice.thing_acts` reads, "my boat was hit" / "my boat hit a buoy"). An event
    noun with "by" on one side only is read as a passive too
    (:func:`.nominals.nominal_passive`: "LinkedIn's acquisition by Microsoft" / "When did
    LinkedIn acquire Microsoft"). Not when the other side has the passive's verb as a
    reduced relative, the same passive ("bridges not designed by Eiffel", :func:`_reduced`)."""
    for pa, pb in ((passive(a), passive(b)), (nominal_passive(a), nominal_passive(b))):
        if (pa is None) == (pb is None):
            continue
        p, kp, other, ko = (pa, ka, b, kb) if pa is not None else (pb, kb, a, ka)
        if p is None or _reduced(other, ko, _key_at(kp, p[1])):
            continue  # the active side has the passive's verb as a reduced relative
        found = _active_turned(p, kp, ko) or thing_acts(p, kp, other, ko)
        if found is not None:
            return found
    # a passive with its agent at a verb the other text has in the active, beside other
    # passives ("Did the broker sue the shipowner after the cargo was lost" / "Was the
    # broker sued by the shipowner after the cargo was lost"), or a thing's without one
    # ("My boat hit a buoy. Is that covered?" / "My boat was hit. Is that covered?")
    if not (passives(a) and passives(b)):
        return None
    for text_p, text_o, keys_p, keys_o in ((a, b, ka, kb), (b, a, kb, ka)):
        key_p, key_o = dict((i, k) for k, i in keys_p), dict((i, k) for k, i in keys_o)
        verbs_o = {key_o.get(v) for _, v, _ in passives(text_o)}
        for one in passives(text_p):
            if key_p.get(one[1]) in verbs_o:
                continue
            found = (
                _active_turned(one, keys_p, keys_o)
                if one[2] is not None
                else thing_acts(one, keys_p, text_o, keys_o)
            )
            if found is not None:
                return found
    return None


def _active_turned(
    found: tuple[int, int, int | None] | None, keys_p: Sequence[Role], keys_o: Sequence[Role]
) -> Exchange | None:
    """The passive ``found`` (subject, verb, agent token indices in the text keyed by
    ``keys_p``) against the other text's order of terms (``keys_o``)."""
    assert found is not None
    key_of = dict((i, k) for k, i in keys_p)
    subject, verb = key_of.get(found[0]), key_of.get(found[1])
    agent = None if found[2] is None else key_of.get(found[2])
    pos = {k: n for n, (k, _) in enumerate(keys_o)}
    if subject not in pos or verb not in pos:
        return None
    if pos[subject] > pos[verb]:  # type: ignore[index]
        # The usual turn ("X was cancelled by Y" / "Y cancelled X"), unless the agent also
        # follows the verb on the active side, where someone else acts: "my flight is
        # cancelled by the airline" / "I cancel my flight with the airline".
        if agent is not None and agent in pos and pos[agent] > pos[verb]:  # type: ignore[index]
            return Exchange(str(agent), "?", "the passive's agent does not act in the other")
        return None
    if agent is not None and agent in pos and pos[verb] < pos[agent]:  # type: ignore[index]
        return Exchange(str(subject), str(agent), "active and passive in one order")
    if found[2] is None and subject != verb and str(subject) in _PERSONS:
        # "Can I be fired" / "Can I fire": a person acted on, then acting. A thing is not
        # read here ("Is the file deleted when I close it" / "Does closing the file delete
        # it"): without a parser its noun may be an object on the active side
        # (:func:`.voice.thing_acts` reads the one shape where it is not).
        return Exchange(str(subject), "?", "acted on in one text, acting in the other")
    return None


def is_passive(text: str) -> bool:
    """Whether ``text`` has a passive ("be" before a participle)."""
    return passive(text) is not None


def person_swapped(a: str, b: str) -> str | None:
    """ "I" and "you" trade places: both texts name both persons, and the one that is
    the subject changed ("Can I borrow your car" / "Can you borrow my car"). A text
    that only says "you" where the other says "I" is the generic "you" ("How do you
    reset your password" / "How do I reset my password") and passes."""
    na, sa = persons(a)
    nb, sb = persons(b)
    if not ({"1", "2"} <= na and {"1", "2"} <= nb):
        return None
    sa, sb = sa & {"1", "2"}, sb & {"1", "2"}
    if sa and sb and sa - sb and sb - sa:
        return "I" if "1" in sa else "you"
    return None


def gender_changed(a: str, b: str) -> tuple[str, str] | None:
    """One text speaks of a man ("he", "his") and the other of a woman ("she", "her")
    and neither of both: another person ("Should I call his mother" / "her mother")."""
    na, nb = persons(a)[0], persons(b)[0]
    for x, y in (("3m", "3f"), ("3f", "3m")):
        if x in na and y not in na and y in nb and x not in nb:
            return ("he" if x == "3m" else "she"), ("he" if y == "3m" else "she")
    return None
