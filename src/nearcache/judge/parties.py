"""The party a question asks about, turned round in other words.

"Can a *plumber* sign off the electrical work?" / "Can the *electrician* sign off the
plumbing?"; "Is the *follower* supposed to wait for the leader's signal?" / "Should the
*person leading* hold back until the follower signals?"; "does the *lessee* recognise a
right-of-use asset" / "does the *lessor* ...". Each text names both parties, in other
words, so the order and alignment readers (:mod:`.order`, :mod:`.relations`) find no two
shared terms exchanged, and the verifier, which reads the words a pair shares, scores such
look-alikes near 1. This reader finds the party each question is asked of -- its subject,
the first word after the opening auxiliary ("can", "does", "is", "should" ...) and a
determiner -- and compares the two: another party as the subject, the first one still
named in the other text, asks what the other party may or must do.

A party is a doer noun (a word of 6+ letters ending in -er, -or or -ee, or in -ician:
"plumber", "electrician", "lessor", "employee"), found in the other text by its stem
("plumb" in "plumbing", "lead" in "the person leading"), or an ordinal with its noun
("a first dan" / "a second dan"). Of one stem, the doer against the one done to
("lessor" / "lessee", "employer" / "employee") is another party; two spellings of one
doer ("conveyor" / "conveyer") are not.

Not read: a text with "or" (the two parties as alternatives: "does the server or the
receiver choose ..."; "does the author pay the publisher, or the publisher pay the
author") or "by" (a passive names the doer after "by": "can an employee be fired by the
employer" / "can the employer fire an employee"), a capitalized word (a name: "How far is
*Boulder* from Denver"), a subject that is no party.

One more shape (:func:`acted_on`): a party that acts on something at an active verb in
one text is the subject of a passive with "by" in the other, whatever the two verbs ("will
*my bees rob* a weaker hive" / "*my nucleus is being raided by* a strong hive"): the doer
in one, the one done to in the other. The party is the same word in both texts, or the
speaker's own thing in both ("my ..."/"our ..."); the thing acted on must not be the
passive's subject, nor the passive's doer the acting party (the roles kept: "my firewall
blocks my laptop" / "my laptop is blocked by the firewall"). Not read: a text with "or"
("or is it the other way round"), a passive with "by" on both sides or on neither.

And one of the speaker (:func:`speaker_turned`): the speaker *is* a party in one text
("I'm a manager", "as the employer", "Do I, the employer, pay") while the other gives the
speaker one ("*my* manager got paid my salary", "the part *my employer* covers"): the
speaker stands at the other end of the relation. Not read when either text says both.

Limits: word shapes, not a parse; only the first auxiliary's subject is read; English only.
"""

from __future__ import annotations

from itertools import pairwise

from .clauses import be_before
from .prepositions import PREPOSITIONS
from .pronouns import MINE
from .roles import PASSIVE_AUX, RELATIONAL, clause_start, participle
from .tokens import STOPWORDS, Token, analyze, stem, text_cache, wordset

__all__ = ["acted_on", "party_turned", "speaker_turned"]

_AUX = wordset(
    "can could may might must should shall will would do does did is are was were has have"
)
_DETERMINERS = wordset("a an the my our your their his her its this that")
_ORDINALS = wordset("first second third fourth fifth")
#: Words of -ee that name no one a thing is done to.
_NOT_UNDERGOER = wordset(
    "committee coffee toffee settee jamboree degree agree decree referee marquee pedigree "
    "filigree fricassee puree entree levee guarantee disagree foresee oversee"
)
#: Words that make the two parties alternatives, or name the doer of a passive.
_SKIP = wordset("or by")

#: A party: its key as written, and its stem (None for an ordinal with its noun).
Party = tuple[str, str | None]


def _plain(w: str) -> str:
    """``w`` without a possessive or a plural -s."""
    if w.endswith(("'s", "\u2019s")):
        w = w[:-2]
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


def _doer_stem(w: str) -> str | None:
    """The stem of a doer noun ("plumb" of "plumber", "less" of "lessee"), or None."""
    undergoer = w.endswith("ee") and w not in _NOT_UNDERGOER
    if len(w) >= 6 and (undergoer or w.endswith(("er", "or"))):
        stem = w[:-2]
    elif len(w) >= 8 and w.endswith("ician"):
        stem = w[:-3]
    else:
        return None
    return stem if len(stem) >= 4 else None


@text_cache
def _party(text: str) -> Party | None:
    """The party ``text``'s question is asked of, or None. Gated: a text without an
    auxiliary, or with "or" or "by", is not read further."""
    words = analyze(text).words
    if _AUX.isdisjoint(words) or not _SKIP.isdisjoint(words):
        return None
    n = len(words)
    i = next(k for k, w in enumerate(words) if w in _AUX)
    j = i + 1
    if j < n and words[j] in _DETERMINERS:
        j += 1
    if j < n and words[j] == "person":
        j += 1
    if j >= n:
        return None
    x = _plain(words[j])
    if x in _ORDINALS and j + 1 < n:
        party: Party = (f"{x} {words[j + 1]}", None)
    elif (stem := _doer_stem(x)) is not None:
        party = (x, stem)
    elif words[j - 1] == "person" and len(x) > 5 and x.endswith("ing"):
        party = (x, x[:-3])  # "the person leading"
    else:
        return None
    low = words[j]
    if any(t.low == low and not t.initial and t.text[:1].isupper() for t in analyze(text).tokens):
        return None  # a name: "How far is Boulder from Denver"
    return party


@text_cache
def _words(text: str) -> tuple[str, ...]:
    """``text``'s lowercase words without possessives or plural -s."""
    return tuple(_plain(w) for w in analyze(text).words)


def _named(words: tuple[str, ...], party: Party) -> bool:
    """Whether ``words`` name ``party``: by its stem, or an ordinal with its noun."""
    key, stem = party
    if stem is None:
        first, noun = key.split(" ", 1)
        return any(w == first and nxt == noun for w, nxt in pairwise(words))
    return any(w.startswith(stem) for w in words)


def party_turned(a: str, b: str) -> tuple[str, str] | None:
    """The parties (``a``'s, ``b``'s) the two questions are asked of, when they differ and
    each text names the other's too; else None."""
    pa = _party(a)
    if pa is None:
        return None
    pb = _party(b)
    if pb is None or pa[0] == pb[0]:
        return None
    wa, wb = _words(a), _words(b)
    (ka, sa), (kb, sb) = pa, pb
    if sa is not None and sa == sb:  # one stem: the doer against the one done to
        undergoer = ka.endswith("ee") or kb.endswith("ee")
        return (ka, kb) if undergoer and ka not in wb and kb not in wa else None
    if sa is not None and sb is not None and (sa.startswith(sb) or sb.startswith(sa)):
        return None
    return (ka, kb) if _named(wb, pa) and _named(wa, pb) else None


_OBJECT_OPENS = wordset("a an the my our your their his her its this that another some any")
#: Words between a party and its verb: auxiliaries, negations, a few adverbs.
_BETWEEN = PASSIVE_AUX | _AUX | wordset("not never also just still already ever even often always")
#: Words that are neither a party nor a verb: prepositions and clause openers ("did the
#: broker sue the shipowner *after* the cargo was lost").
_OPENERS = wordset("when while if because until since once and but")
_NO_ROLE = STOPWORDS | PREPOSITIONS | RELATIONAL | _OPENERS
#: (party stem, the speaker's own, verb stem, the other party's stem or None).
Act = tuple[str, bool, str, str | None]


def _mine(toks: tuple[Token, ...], j: int) -> bool:
    """Whether "my"/"our" opens the phrase of the word at ``j`` (three words back at most)."""
    return any(t.low in MINE for t in toks[max(clause_start(toks, j), j - 4) : j])


def _head(toks: tuple[Token, ...], k: int) -> str | None:
    """The stem of the last content word of the phrase from ``k`` (determiners aside)."""
    while k < len(toks) and toks[k].low in _OBJECT_OPENS:
        k += 1
    head = None
    while k < len(toks) and toks[k].kind == "word" and toks[k].low not in _NO_ROLE:
        head = stem(toks[k].low)
        k += 1
    return head


def _doing(toks: tuple[Token, ...], i: int) -> Act | None:
    """The party at ``i`` acting at the verb after it on a thing a determiner opens ("my
    bees rob *a* hive"), auxiliaries and negations between; or None."""
    k = i + 1
    while k < len(toks) and toks[k].low in _BETWEEN and toks[k].low not in PASSIVE_AUX:
        k += 1
    if k + 1 >= len(toks):
        return None
    verb = toks[k]
    if verb.sent != toks[i].sent or verb.kind != "word" or verb.low in _NO_ROLE:
        return None
    if verb.low.endswith("ing") or toks[k + 1].low not in _OBJECT_OPENS:
        return None
    return (stem(toks[i].low), _mine(toks, i), stem(verb.low), _head(toks, k + 1))


def _suffering(toks: tuple[Token, ...], i: int) -> Act | None:
    """The subject of the passive with "by" at ``i`` ("my nucleus is being *raided* by a
    strong hive"), with the doer after "by"; or None."""
    if toks[i + 1].low != "by" or not participle(toks[i]) or not be_before(toks, i):
        return None
    j = i - 1
    while j >= 0 and (toks[j].low in _BETWEEN or toks[j].low.endswith("ly")):
        j -= 1
    if j < 0 or toks[j].kind != "word" or toks[j].low in _NO_ROLE:
        return None
    return (stem(toks[j].low), _mine(toks, j), stem(toks[i].low), _head(toks, i + 2))


@text_cache
def _doings(text: str) -> tuple[Act, ...]:
    """:func:`_doing` at each content word of ``text``."""
    toks = analyze(text).tokens
    out = (
        _doing(toks, i)
        for i, tok in enumerate(toks[:-2])
        if tok.kind == "word" and tok.low not in _NO_ROLE and not tok.literal
    )
    return tuple(d for d in out if d is not None)


@text_cache
def _sufferings(text: str) -> tuple[Act, ...]:
    """:func:`_suffering` at each word right before a "by" in ``text``."""
    toks = analyze(text).tokens
    out = (
        _suffering(toks, i)
        for i in range(len(toks) - 2)
        if toks[i + 1].low == "by" and toks[i].kind == "word" and not toks[i].literal
    )
    return tuple(x for x in out if x is not None)


def acted_on(a: str, b: str) -> tuple[str, str] | None:
    """(the party, the passive's verb) when a party acting in one text is the subject of a
    passive with "by" in the other (see the module docstring); else None."""
    wa, wb = analyze(a).words, analyze(b).words
    if ("by" in wa) == ("by" in wb) or "or" in wa or "or" in wb:
        return None  # the common case: no passive with "by", or one on both sides
    passive, active = (a, b) if "by" in wa else (b, a)
    sufferings = _sufferings(passive)
    if not sufferings:
        return None
    for party, mine, _, thing in _doings(active):
        for subject, mine2, verb, doer in sufferings:
            if (party == subject or (mine and mine2)) and doer != party and thing != subject:
                return (subject, verb)
    return None


_I_AM = wordset("i'm im")
_IS_CUES = _I_AM | wordset("am as")
_ROLE_OPENS = wordset("a an the one of their its")
#: The longest phrase read for a party the speaker is or has, in content words.
_ROLE_WORDS = 2


def _phrase(toks: tuple[Token, ...], j: int) -> list[str]:
    """The stems of the (at most two) content words from ``j`` on, in one sentence."""
    out: list[str] = []
    while j < len(toks) and len(out) < _ROLE_WORDS and toks[j].kind == "word":
        if toks[j].low in STOPWORDS or toks[j].sent != toks[j - 1].sent:
            break
        out.append(stem(toks[j].low))
        j += 1
    return out


def _says_is(text: str) -> bool:
    """Whether ``text`` may say which party the speaker is: "I'm", "I am", "I,", "as"."""
    words = analyze(text).words
    return not _IS_CUES.isdisjoint(words) or "I," in text or "i," in text


@text_cache
def _speaker_roles(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(is, has): the party the speaker says they are ("I'm *a manager*", "as *the
    employer*", "I, *the employer*": the phrase's last word) and the words of each party
    the speaker has ("*my manager*", "*our landlord*")."""
    toks = analyze(text).tokens
    is_: set[str] = set()
    has: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.low in MINE:
            has.update(_phrase(toks, i + 1))
            continue
        if tok.low in _I_AM:
            j = i + 1
        elif tok.low == "i" and i + 1 < len(toks) and toks[i + 1].low in ("am", ","):
            j = i + 2
        elif tok.low == "as" and (i == 0 or toks[i - 1].kind != "word"):
            j = i + 1
        else:
            continue
        while j < len(toks) and toks[j].low in _ROLE_OPENS:
            j += 1
        if phrase := _phrase(toks, j):
            is_.add(phrase[-1])
    return frozenset(is_), frozenset(has)


def speaker_turned(a: str, b: str) -> str | None:
    """The party the speaker is in one text and has in the other ("I'm a manager" / "my
    manager"), neither text saying both; else None."""
    has_a = not MINE.isdisjoint(analyze(a).words)
    has_b = not MINE.isdisjoint(analyze(b).words)
    if not ((has_b and _says_is(a)) or (has_a and _says_is(b))):
        return None  # the common case: the speaker says of no party that they are it
    ia, ha = _speaker_roles(a)
    ib, hb = _speaker_roles(b)
    found = ((ia & hb) - ha - ib) | ((ib & ha) - hb - ia)
    return min(found) if found else None
