"""Argument markers: who does what, read from the word that marks each noun phrase.

Each aligned term (:func:`.roles.role_keys`: content words and pronouns paired across the
two texts) heads or belongs to a phrase -- a run of adjacent terms, its last one its head
("the draft *contract*", "my *manager*"; a verb runs into its object: "send *Priya*").
A possessive ends a phrase, and so do a particle ("turn the role *down*": never a head)
and a word opening a time ("swap Ryanair | last year"). The phrase's **marker** is

* the preposition that governs it (to, from, for, by, of, with, into ...: the word right
  before the phrase, determiners and possessives in between skipped; "to" after "how",
  "want", "need" ... opens an infinitive and is no preposition);
* ``poss`` when the phrase is a possessive ("*Priya's* draft"); the phrase it owns takes
  the marker from before the owner ("for *Priya's* draft": "draft" is marked "for");
* ``obj1`` for a bare phrase right before a determiner: the first of two objects ("send
  *Priya* the draft", "show *my manager* the report");
* ``bare`` otherwise (a subject or a plain object).

A preposition with no phrase after it is **stranded** (:mod:`.prepositions`): it marks
the question's gap, not a term; one dropped from texts otherwise the same word for word
hands the gap to the verb ("the branch I rebase *onto*" / "the branch I rebase"). The
speaker said to be one party in one text and another in the other (:mod:`.speaker`:
"I'm *skippering* ... one of my *crew*" / "I'm *crew* ... the *skipper*") is read here
too, as the speaker's marker.

:func:`marker_changed` compares the markers of the terms both texts share and head a
phrase in both. Two texts that use the same prepositions, as often each, and keep their
terms in order but hang a term on another marker moved that marker across the term --
who does what changed: a term governed by a preposition in one text and bare in the
other, where that preposition (not one that can be a verb's particle: on, off, in, over,
up ... move freely, "turn *off* read receipts" / "turn read receipts *off*") is stranded
after it in its clause ("Which city did the army leave *for Rome*?" / "... leave *Rome*
*for*?"); a first object against a possessive ("Send *Priya* the draft contract" / "Send
*Priya's* draft contract"; "send *me* the invoice" / "send *my* invoice": me, us, him,
them against my, our, his, their); two terms, or a term and the gap, trading their
prepositions in place ("Did the ferry leave *from Dover* and arrive *in Calais*?" / "...
arrive *in Dover* and leave *from Calais*?"). So does a stranded preposition turned into
one of a contrasting role while every shared term keeps its marker ("Who did the city
buy the land *from*?" / "... *for*?", "Who is this gift *for*?" / "... *from*?"). So
does a term's marker replaced by one of a contrasting role at every mention
(``data/markers.txt``, lines marked ``contrast:`` -- the agent "by" against "to", "for",
"from"; "for" against "from"; "to" against "from"; other replacements are often one
question: "speak to" / "speak with", "made of" / "made from"), the texts otherwise the
same ("Is the excess paid *by* the policyholder or *by* the insurer?" / "... *to* the
policyholder or *to* the insurer?"). These two replacements are read only when at most
one content word is left without a counterpart (:func:`.align.align`): in texts worded
otherwise a changed preposition is one change among many ("output *for* tests that pass"
/ "stdout *from* successful tests").
A preposition the tokenizer keeps as a content word ("through", "across") is read as a
preposition here, never as a phrase.

Not read, so they pass: a phrase moved whole with its marker ("In Python, how do I sort
a list?" / "How do I sort a list in Python?"); markers of one role
(``data/markers.txt``: "Priya's draft" / "the draft of Priya", "send Priya the draft" /
"send the draft to Priya", on / in / at); a text adding or dropping a preposition ("give
notice to my landlord" / "give my landlord notice": not the same prepositions); a
passive on one side only (:func:`.relations.is_passive`,
:func:`.nominals.nominal_passive`: the agent moves to "by" with the roles kept); terms
that trade places, which :func:`.order.exchange` reads (with its symmetric and converse
cases: "How far is Lyon from Nice" / "... Nice from Lyon"); a distance, symmetric
whatever its markers (:data:`.roles.SYMMETRIC_PREDICATES`: "How far is Paris from
Berlin?" / "distance paris to berlin?"); a term inside a compound on either side
("Python list" / "list in Python": only phrase heads are compared); text in quotes or
code.

Limits: English word order, no parser. A bare subject and a bare object are one marker
(their exchange is the order guard's); a first object before a second one without a
determiner is not an ``obj1`` ("give the dog cold water"); a term mentioned twice in a
text is not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .align import align
from .lexicon import data_lines
from .nominals import nominal_passive
from .order import exchange
from .prepositions import (
    PASSED,
    PREPOSITIONS,
    TIME_LEADS,
    preposition_at,
    prepositions,
    stranded_dropped,
    stranded_markers,
)
from .relations import is_passive
from .roles import (
    CLAUSE,
    SYMMETRIC_PREDICATES,
    Exchange,
    Role,
    role_keys,
)
from .speaker import speaker_changed
from .tokens import Text, Token, analyze, wordset

__all__ = ["Marked", "marked", "marker_changed", "same_marker"]

#: Particles that end a phrasal verb, never a phrase's head ("turn the role *down*").
_PARTICLES = wordset("up down out off back away")
#: Prepositions that are also a phrasal verb's particle, which moves freely across its
#: object ("turn *off* read receipts" / "turn read receipts *off*"): never read as a
#: preposition left behind.
_PARTICLE_LIKE = _PARTICLES | wordset("on in over through around about along across by under")
_POSS = ("'s", "\u2019s", "s'", "s\u2019")
#: A possessive pronoun is the owner phrase of its person ("send *my* invoice" / "send
#: *me* the invoice"); "her" and "your" are not read (their case is ambiguous).
_PERSON_OF = {"<my>": "<me>", "<our>": "<us>", "<his>": "<him>", "<their>": "<them>"}
_OWNER_WORDS = wordset("my our his their")
#: Words that start a phrase of their own even right after another role term.
_PHRASE_OPENERS = TIME_LEADS | _OWNER_WORDS


def _owner(tok: Token) -> bool:
    """A possessive: "Priya's", "the clients'", "my"."""
    return tok.low.endswith(_POSS) or tok.low in _OWNER_WORDS


Marked = tuple[str, str, int]  # (role key, marker, token index of the phrase's head)


_CONTRAST = "contrast:"


def _table() -> tuple[dict[str, frozenset[str]], frozenset[frozenset[str]]]:
    """``data/markers.txt``: each marker's equivalents, and the pairs of contrasting
    roles."""
    groups: dict[str, set[str]] = {}
    contrasts: set[frozenset[str]] = set()
    for line in data_lines("markers.txt"):
        if line.startswith(_CONTRAST):
            contrasts.add(frozenset(line.removeprefix(_CONTRAST).split()))
            continue
        words = set(line.split())
        for w in words:
            groups.setdefault(w, {w}).update(words)
    return {w: frozenset(g) for w, g in groups.items()}, frozenset(contrasts)


_SAME, _CONTRASTS = _table()


def same_marker(m: str, n: str) -> bool:
    """Whether markers ``m`` and ``n`` say one role (``data/markers.txt``)."""
    return m == n or n in _SAME.get(m, ())


def _phrases(t: Text, keys: Sequence[Role]) -> list[list[int]]:
    """Runs of adjacent role terms, each ending at a possessive; a possessive pronoun is a
    phrase of its own."""
    out: list[list[int]] = []
    preps = preposition_at(t.raw)
    for _, idx in keys:
        tok = t.tokens[idx]
        if tok.literal or tok.kind == "sym" or tok.low in _PARTICLES or idx in preps:
            continue
        last = out[-1] if out else None
        if (
            last
            and last[-1] == idx - 1
            and not _owner(t.tokens[last[-1]])
            and tok.low not in _PHRASE_OPENERS
        ):
            last.append(idx)
        else:
            out.append([idx])
    return out


def _marker_before(t: Text, start: int, poss_at: set[int]) -> str:
    """The preposition right before the phrase starting at ``start`` (determiners and
    possessive phrases skipped), ``obj1``/``bare`` by what surrounds a bare phrase."""
    toks = t.tokens
    j = start - 1
    while j >= 0 and (toks[j].low in PASSED or j in poss_at):
        j -= 1
    if j >= 0 and j in preposition_at(t.raw):
        return toks[j].low
    return "bare"


def _left_behind(t: Text, head: int, p: str, stranded: Sequence[tuple[str, int]]) -> bool:
    """Preposition ``p`` is stranded after ``head`` in its clause ("leave *Rome* for?")."""
    return any(
        low == p and head < k and not any(x.text in CLAUSE for x in t.tokens[head:k])
        for low, k in stranded
    )


def marked(text: str, keys: Sequence[Role]) -> tuple[Marked, ...]:
    """Each phrase head of ``text`` (role ``keys`` from :func:`.roles.role_keys`) with its
    marker, in order; a possessive phrase's every term is marked ``poss``."""
    t = analyze(text)
    key_at = {idx: k for k, idx in keys}
    phrases = _phrases(t, keys)
    poss_at = {i for p in phrases if _owner(t.tokens[p[-1]]) for i in p}
    out: list[Marked] = []
    for p in phrases:
        head = p[-1]
        if head in poss_at:
            out.append((_PERSON_OF.get(key_at[head], key_at[head]), "poss", head))
            continue
        marker = _marker_before(t, p[0], poss_at)
        after = p[-1] + 1
        if marker == "bare" and after < len(t.tokens) and t.tokens[after].low in PASSED:
            marker = "obj1"
        out.append((key_at[head], marker, head))
    return tuple(out)


def _once(found: Sequence[Marked]) -> dict[str, Marked]:
    """The phrase heads keyed once in a text and shared-keyed (not ``~``), by key."""
    counts = Counter(k for k, _, _ in found)
    return {k: m for m in found if counts[(k := m[0])] == 1 and not k.startswith("~")}


def _moved(
    texts: tuple[Text, Text], marks: tuple[dict[str, Marked], dict[str, Marked]]
) -> str | None:
    """The first shared key whose marker moved in one of the three shapes (see
    :func:`marker_changed`), else None."""
    ma, mb = marks
    for k in [k for k in ma if k in mb]:  # in the first text's order
        m, n = ma[k][1], mb[k][1]
        if same_marker(m, n) or k == "?":
            continue
        if {m, n} == {"poss", "obj1"}:
            return k  # "send Priya the draft" / "send Priya's draft"
        for p, q, (t, at) in ((m, n, (texts[1], mb[k][2])), (n, m, (texts[0], ma[k][2]))):
            if (
                p in PREPOSITIONS
                and p not in _PARTICLE_LIKE
                and q in ("bare", "obj1")
                and _left_behind(t, at, p, stranded_markers(t.raw))
            ):
                return k  # "leave for Rome" / "leave Rome for"
        if (
            m in PREPOSITIONS
            and n in PREPOSITIONS
            and any(ma[o][1] == n and mb[o][1] == m for o in ma if o in mb and o != k)
        ):
            return k  # "from Dover ... in Calais" / "in Dover ... from Calais"
    return None


def marker_changed(a: str, b: str) -> tuple[str, str, str] | None:
    """A term (or the question's gap, ``"?"``) and its two markers when ``a`` and ``b``
    hang it on different markers with the same prepositions (see the module docstring),
    else None."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return None
    found = _found(a, b, ta, tb) or stranded_dropped(ta, tb) or speaker_changed(ta, tb)
    if found is None or _passive(a) != _passive(b) or isinstance(exchange(a, b), Exchange):
        return None  # a passive on one side moves the agent; terms that traded places
    if SYMMETRIC_PREDICATES.intersection(ta.words + tb.words):  # are the order guard's;
        return None  # a distance is symmetric ("How far is Paris from Berlin")
    return found


def _found(a: str, b: str, ta: Text, tb: Text) -> tuple[str, str, str] | None:
    """What :func:`marker_changed` finds before the passive and the exchange are asked."""
    pa, pb = prepositions(a), prepositions(b)
    sa, sb = stranded_markers(a), stranded_markers(b)
    if pa != pb:  # only a replaced marker can be read: worded alike or not at all
        if not _contrasted(pa - pb, pb - pa):
            return None
        left = align(a, b)
        if len(left.only_a) + len(left.only_b) > 1:
            return None  # worded otherwise: a replaced marker is one change among others
    elif not (sa or sb or pa.total() >= 2 or _owned(ta) or _owned(tb)):
        return None  # nothing left behind, nothing to trade, no owner: nothing to move
    ka, kb = role_keys(a, b)
    ma, mb = _once(marked(a, ka)), _once(marked(b, kb))
    if len(sa) == len(sb) == 1:
        ma["?"], mb["?"] = ("?", *sa[0]), ("?", *sb[0])
    if pa != pb:
        return _replaced(ta, (ma, mb), (pa, pb), (sa, sb))
    key = _moved((ta, tb), (ma, mb))
    if key is None:
        return None
    return "?" if key == "?" else ta.tokens[ma[key][2]].text, ma[key][1], mb[key][1]


def _contrasted(only_a: Counter[str], only_b: Counter[str]) -> bool:
    """A preposition of one text only and one of the other only are listed contrasts."""
    return any(frozenset((m, n)) in _CONTRASTS for m in only_a for n in only_b)


def _owned(t: Text) -> bool:
    """Whether ``t`` has a possessive."""
    return any(_owner(tok) for tok in t.tokens)


def _replaced(
    ta: Text,
    marks: tuple[dict[str, Marked], dict[str, Marked]],
    preps: tuple[Counter[str], Counter[str]],
    stranded: tuple[Sequence[tuple[str, int]], Sequence[tuple[str, int]]],
) -> tuple[str, str, str] | None:
    """One marker replaced by another, every other shared marker and preposition kept (and
    at most one content word left without a counterpart, :func:`marker_changed`), by
    one of a contrasting role: the question's gap ("buy the land from?" / "... for?") or
    a term at every mention ("paid by the insurer" / "paid to the insurer")."""
    (ma, mb), (pa, pb), (sa, sb) = marks, preps, stranded
    shared = [k for k in ma if k in mb and k != "?"]
    if not shared:
        return None
    changed = [k for k in [*shared, "?"] if k in ma and not same_marker(ma[k][1], mb[k][1])]
    if not changed or len({(ma[k][1], mb[k][1]) for k in changed}) != 1:
        return None
    k = changed[0]
    m, n = ma[k][1], mb[k][1]
    if frozenset((m, n)) not in _CONTRASTS:
        return None  # "speak to" / "speak with", "made of" / "made from"
    if k == "?":
        if pa - Counter(p for p, _ in sa) == pb - Counter(p for p, _ in sb):
            return "?", m, n  # "buy the land from?" / "buy the land for?"
        return None
    if (
        "?" not in changed
        and pa[m] - pb[m] == pb[n] - pa[n] == len(changed)
        and pa - Counter({m: pa[m]}) == pb - Counter({n: pb[n]})
    ):
        return ta.tokens[ma[k][2]].text, m, n  # "paid by X" / "paid to X"
    return None


def _passive(text: str) -> bool:
    return is_passive(text) or nominal_passive(text) is not None
