"""Who the speaker is at a shared verb: the doer, the one it happens to, or the owner.

"I cancelled my train, do I get a refund" / "My train got cancelled, do I get a refund"
and "If someone hits my parked car, whose insurance pays" / "If I hit someone's parked
car, whose insurance pays" share nearly every word (the verifier scores them about 1),
yet the answers differ: the one who acts is at fault or pays. Two readings, for any verb:

* **voice** -- the speaker ("I", "we") is the subject of a verb in one text, and the
  same verb (by stem) is a passive in the other ("got cancelled", "was charged"), with
  no "by me"/"by us" after it and the speaker not acting at it there: the doer in one,
  the one it happens to (or a bystander) in the other;
* **owner** -- the speaker acts at a verb in one text and owns its object in the other
  ("hits *my* car" / "*I* hit someone's car"): the speaker is the one acted on through
  what they own, and does not act at that verb there, nor own its object in the first.

Any two parties are read in one more shape (:func:`clause_voice_turned`, asked by
:mod:`.direction`): the same two kept in order around the same verb, active in one text
and passive with "by" in the other ("Does the Pillow package need libjpeg" / "Is the
Pillow package needed by libjpeg"): the doer changed.

A thing is read in one shape (:func:`thing_acts`, asked by :mod:`.relations`): acted on
with no agent in a passive ("my boat *was hit*") and acting at the same verb in the
other text ("my boat *hit* a buoy").

The speaker's verb is the first content word after "I"/"we", past auxiliaries,
negations and "-ly" adverbs, in the same sentence; a subject opening a relative clause
without "that" ("a course *I* paid for") acts in another event and is not read. A
verb's object is the noun phrase right after it, so "my" right after the verb (articles
aside) marks the speaker's thing acted on.

Limits: English word order, no parser; only "I"/"we" (the speaker) are read, not
"he"/"they"; a verb the two texts word differently ("I cancelled" / "it was called
off") is not compared; "get" + participle is read as a passive, so "I got married" is
one ("got" then needs the same stem acted by the speaker on the other side to reject);
an ergative verb ("my flight cancelled") is not told from an active one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .clauses import be_before, reduced_relative
from .lexicon import lexicon
from .pronouns import MINE, SPEAKER, pronouns
from .roles import (
    CLAUSE,
    DETERMINERS,
    PASSIVE_AUX,
    Exchange,
    Role,
    clause_start,
    participle,
)
from .tokens import STOPWORDS, Text, Token, analyze, stem, text_cache, wordset

__all__ = [
    "clause_voice_turned",
    "noun_voice_changed",
    "noun_voices",
    "owner_moved",
    "speaker_acts",
    "thing_acts",
    "voice_changed",
]

_REACH = 5
_BY_SPEAKER = wordset("me us myself ourselves")
_ARTICLES = wordset("a an the")
_RELATIVES = wordset("that who which")
_AUX = PASSIVE_AUX | wordset("has have had")
_FINITE_BE = wordset("is are was were")
#: Words one of :func:`noun_voices`'s readings needs (or a verb in -ing).
_VOICE_CUES = _RELATIVES | _AUX | {"by"}
_SPEAKER_WORDS = _BY_SPEAKER | MINE | wordset("i we")


def _verb_at(t: Text, i: int) -> int | None:
    """The verb of the subject at token ``i``: the first content word after it past
    auxiliaries, negations and "-ly" adverbs, in its sentence."""
    toks = t.tokens
    for tok in toks[i + 1 : i + 1 + _REACH]:
        if tok.kind != "word" or tok.sent != toks[i].sent:
            return None
        if tok.low in STOPWORDS or tok.low.endswith("ly") or tok.low.endswith("n't"):
            continue
        return tok.index
    return None


@text_cache
def speaker_acts(text: str) -> frozenset[str]:
    """Stems of the verbs "I" or "we" act at in ``text``."""
    t = analyze(text)
    out: set[str] = set()
    for p in pronouns(text):
        if p.case != "s" or p.person not in SPEAKER or reduced_relative(text, p.at):
            continue
        verb = _verb_at(t, p.at)
        if verb is None or t.tokens[verb].literal:
            continue
        if be_before(t.tokens, verb) and not t.tokens[verb].low.endswith("ing"):
            continue  # "I got fired", "we were charged" (or "i was charge"): done to them
        out.add(stem(t.tokens[verb].low))
    return frozenset(out)


@text_cache
def _passives(text: str) -> frozenset[str]:
    """Stems of the past participles after a form of "be" or "get" ("got cancelled",
    "was charged twice") with no "by me"/"by us" after them, done to the speaker
    (:func:`_done_to_them`)."""
    toks = analyze(text).tokens
    out: set[str] = set()
    for k, tok in enumerate(toks):
        if tok.kind != "word" or tok.literal or tok.low in STOPWORDS or not participle(tok):
            continue
        if not be_before(toks, k):
            continue
        after = [x.low for x in toks[k + 1 : k + 3]]
        if after[:1] == ["by"] and after[1:2] and after[1] in _BY_SPEAKER:
            continue
        if _done_to_them(toks, k):
            out.add(stem(tok.low))
    return frozenset(out)


def _done_to_them(toks: tuple[Token, ...], k: int) -> bool:
    """The passive at ``k`` tells of something done to the speaker: they or their thing
    stand in its clause before it ("can *I* be fired", "*my* train got cancelled"), or
    the clause states that it happened ("the contractor was terminated early, ..."). A
    question about another thing asks whether it is done at all, by anyone ("is the
    variation added?" / "do I add the variation?")."""
    if any(tok.low in _SPEAKER_WORDS for tok in toks[clause_start(toks, k) : k]):
        return True
    sent = toks[k].sent
    end = next((tok.low for tok in toks[k + 1 :] if tok.low in CLAUSE or tok.sent != sent), "")
    return end != "?"


@text_cache
def _owned_objects(text: str) -> frozenset[str]:
    """Stems of the verbs whose object is the speaker's ("hits *my* car", "closed *our*
    account"): "my"/"our" right after the verb, an article aside."""
    toks = analyze(text).tokens
    out: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.low not in MINE or tok.literal or i == 0:
            continue
        j = i - 1
        if toks[j].low in _ARTICLES and j > 0:
            j -= 1
        verb = toks[j]
        if verb.kind == "word" and verb.low not in STOPWORDS and verb.sent == tok.sent:
            out.add(stem(verb.low))
    return frozenset(out)


def voice_changed(a: str, b: str) -> str | None:
    """A verb the speaker does in one text that is a passive in the other, where the
    speaker does not act at it (see the module docstring), or None."""
    acts_a, acts_b = speaker_acts(a), speaker_acts(b)
    if not (acts_a or acts_b):
        return None  # the common case: no "I"/"we" subject
    found = (acts_a & _passives(b) - acts_b) | (acts_b & _passives(a) - acts_a)
    return min(found) if found else None


def owner_moved(a: str, b: str) -> str | None:
    """A verb the speaker does in one text whose object is the speaker's in the other,
    where the speaker neither acts at it nor owns the object in the first, or None."""
    acts_a, acts_b = speaker_acts(a), speaker_acts(b)
    if not (acts_a or acts_b):
        return None
    own_a, own_b = _owned_objects(a), _owned_objects(b)
    found = (acts_a & own_b - acts_b - own_a) | (acts_b & own_a - acts_a - own_b)
    return min(found) if found else None


def _verb_stems(low: str) -> frozenset[str]:
    """The stems a verb form can meet: "overtaken" meets "overtakes" and "overtaking"."""
    out = {stem(low)}
    if low.endswith("en") and len(low) > 5:
        out |= {stem(low[:-1]), stem(low[:-2])}  # "overtaken", "beaten"
    return frozenset(out)


@text_cache
def noun_voices(text: str) -> frozenset[tuple[str, str, bool]]:
    """``(noun stem, verb stem, passive)`` for each verb told of the noun right before it
    in a relative clause or a participle after it: "the player *who was fouled*", "the
    ship *being towed*", "the company *acquired by* X" (passive); "the player *who
    fouled*", "the ship *towing* it", "the aircraft *that is overtaking*" (active)."""
    t = analyze(text)
    if _VOICE_CUES.isdisjoint(t.words) and "ing " not in " ".join((*t.words, "")):
        return frozenset()  # each reading below needs one of them or a verb in -ing
    toks = t.tokens
    out: set[tuple[str, str, bool]] = set()
    for i, noun in enumerate(toks[:-1]):
        if noun.kind != "word" or noun.low in STOPWORDS or noun.literal:
            continue
        j = i + 1
        relative = toks[j].low in _RELATIVES
        j += relative
        aux: list[str] = []
        while j < len(toks) and toks[j].low in _AUX and len(aux) < 3:
            aux.append(toks[j].low)
            j += 1
        if j >= len(toks) or toks[j].sent != noun.sent or toks[j].kind != "word":
            continue
        verb = toks[j]
        if verb.low in STOPWORDS or verb.literal:
            continue
        by = j + 1 < len(toks) and toks[j + 1].low == "by"
        if participle(verb) and (
            (aux and (relative or aux == ["being"])) or (not aux and not relative and by)
        ):
            passive = True
        elif verb.low.endswith("ing") and "being" not in aux and (not aux or aux[-1] in _FINITE_BE):
            passive = False  # "the ship towing", "the aircraft that is overtaking"
        elif relative and not aux and not verb.low.endswith("ing"):
            passive = False  # "the player who fouled"
        else:
            continue
        out.update((stem(noun.low), v, passive) for v in _verb_stems(verb.low))
    return frozenset(out)


def noun_voice_changed(a: str, b: str) -> tuple[str, str] | None:
    """(noun, verb): a verb told of the same noun as a passive in one text and as its
    doer in the other ("the player who was fouled" / "the player who fouled"), neither
    text telling it both ways; or None."""
    va, vb = noun_voices(a), noun_voices(b)
    if not (va and vb):
        return None
    flip = {(n, v, not p) for n, v, p in va}
    found = (flip & vb) - va
    found -= {(n, v, not p) for n, v, p in vb}
    return min((n, v) for n, v, _ in found) if found else None


_DETERMINERS = DETERMINERS | {"another"}
#: What may stand before a subject that opens its clause: "*When my* car hit ...",
#: "*Why did the* server drop ...".
_OPENS = DETERMINERS | wordset(
    "when if because after before while once since why did does do can could will would"
)


def thing_acts(
    found: tuple[int, int, int | None], keys_p: Sequence[Role], other: str, keys_o: Sequence[Role]
) -> Exchange | None:
    """A thing acted on with no agent in the passive ("When my car *was hit* in the car
    park") that acts on something in the other text ("When my car *hit* another car"):
    there its noun opens its clause after a determiner, the verb follows it at once and a
    determiner follows the verb. A noun inside a phrase is not read ("Does closing the
    file delete it"), nor a terse query ("pods restarted in ns")."""
    key_of = dict((i, k) for k, i in keys_p)
    subject, verb = key_of.get(found[0]), key_of.get(found[1])
    if found[2] is not None or subject is None or verb is None or subject == verb:
        return None
    at = {k: i for k, i in reversed(keys_o)}
    toks = analyze(other).tokens
    s, v = at.get(subject), at.get(verb)
    if s is None or v != s + 1 or toks[v].low.endswith("ing") or be_before(toks, v):
        return None
    start = clause_start(toks, s)
    if s == start or toks[s - 1].low not in _DETERMINERS or v + 1 >= len(toks):
        return None  # "pods restarted in ns", "bank open on": a terse query's participle
    if toks[v + 1].low not in _DETERMINERS or any(t.low not in _OPENS for t in toks[start:s]):
        return None  # "a rate cut make the currency lose value": "cut" is a noun
    return Exchange(str(subject), "?", "a thing acted on in one text, acting in the other")


#: Words passed over on the way back from a verb to its doer: auxiliaries and adverbs
#: ("the hotel *does not* pay", "the package *also* needs").
_SKIP_BACK = PASSIVE_AUX | wordset(
    "not never also just still already ever even often always really do does did will would "
    "can could should shall must might may"
)
#: Words that cannot name a party: a pronoun or a question word says nothing of *which*
#: party acts, so "is it needed by libjpeg" / "does it need libjpeg" is not read.
_NO_PARTY = STOPWORDS | wordset("it they them he she him her you i we me us who what which")


def _party(tok: Token) -> bool:
    """``tok`` can name a party of a clause: a content word or code, not an adverb in
    "-ly" (which stands between a verb and its parties without being one)."""
    return tok.kind in ("word", "code") and tok.low not in _NO_PARTY and not tok.low.endswith("ly")


def _subject_before(toks: Sequence[Token], k: int) -> str | None:
    """The stem of the word naming the doer (or, in a passive, the one done to) right
    before the verb at ``k``, auxiliaries and adverbs aside, in its clause."""
    for j in range(k - 1, clause_start(toks, k) - 1, -1):
        low = toks[j].low
        if low in _SKIP_BACK or low.endswith("ly"):
            continue
        return stem(low) if _party(toks[j]) else None
    return None


def _head_after(toks: Sequence[Token], k: int) -> str | None:
    """The stem of the last word of the noun phrase that starts at ``k`` (an article or
    "my" aside): "needed by *an empty alt attribute*" -> "attribute"."""
    while k < len(toks) and toks[k].low in _DETERMINERS:
        k += 1
    head = None
    while k < len(toks) and _party(toks[k]) and toks[k].sent == toks[k - 1].sent:
        if head is not None and (participle(toks[k]) or toks[k].low.endswith("ing")):
            break  # "need libjpeg *installed*": the phrase ends before a verb form
        head = stem(toks[k].low)
        k += 1
    return head


def _active_stems(low: str) -> frozenset[str]:
    """The stems an active verb form meets its participle by: "need(s)" -> "need", as
    "needed" does (the stemmer reads "need" itself as "ne" + "-ed")."""
    base = low[:-1] if low.endswith("s") and not low.endswith("ss") else low
    return frozenset((stem(low), stem(base + ("d" if base.endswith("e") else "ed"))))


@text_cache
def _clause_voices(text: str) -> frozenset[tuple[str, str, str, bool]]:
    """``(verb stem, first party, second party, passive)`` for each verb whose doer or
    sufferer stands right before it and whose other party after it: "the Pillow package
    *needs* libjpeg" (active: the package needs) and "is the Pillow package *needed by*
    libjpeg" (passive: libjpeg needs)."""
    toks = analyze(text).tokens
    out: set[tuple[str, str, str, bool]] = set()
    for k, tok in enumerate(toks[:-1]):
        if (
            tok.kind != "word"
            or tok.literal
            or tok.low in _SKIP_BACK
            or tok.low in _NO_PARTY - _VERB_STOPWORDS
        ):
            continue
        passive = toks[k + 1].low == "by" and participle(tok) and be_before(toks, k)
        if toks[k + 1].low == "by" and not passive:
            continue
        first = _subject_before(toks, k)
        second = _head_after(toks, k + 1 + passive)
        if first and second and first != second:
            verbs = _verb_stems(tok.low) if passive else _active_stems(tok.low)
            out.update((v, first, second, passive) for v in verbs)
    return frozenset(out)


#: Verbs the stop list holds that still take a doer and a thing done to.
_VERB_STOPWORDS = wordset(
    "need needs needed use uses used tell tells told call calls called give gives gave given"
)


def clause_voice_turned(a: str, b: str) -> tuple[str, str, str] | None:
    """(verb, first, second): the same two parties in the same order around the same verb,
    active in one text and passive with "by" in the other, so the doer changed ("Does the
    Pillow package need libjpeg" / "Is the Pillow package needed by libjpeg"; "Did Brazil
    beat Germany" / "Was Brazil beaten by Germany"), neither text telling it both ways;
    or None. Order and voice both turned ("Was Germany beaten by Brazil") is the same
    statement and is not read here, nor is a symmetric verb (``data/symmetric.txt``:
    "Which countries border Brazil" / "... are bordered by Brazil")."""
    if "by" not in analyze(a).words and "by" not in analyze(b).words:
        return None  # the common case: no passive with "by" on either side, nothing turned
    va, vb = _clause_voices(a), _clause_voices(b)
    if not (va and vb):
        return None
    flip = {(v, x, y, not p) for v, x, y, p in va}
    done_a, done_b = _doings(va), _doings(vb)
    symmetric = lexicon().symmetric[""]
    found = {
        (v, x, y)
        for v, x, y, p in flip & vb
        if v not in symmetric
        and (v, *((y, x) if p else (x, y))) not in done_a
        and (v, *((x, y) if p else (y, x))) not in done_b
    }
    return min(found) if found else None


def _doings(voices: frozenset[tuple[str, str, str, bool]]) -> frozenset[tuple[str, str, str]]:
    """``(verb, doer, done to)`` of each reading: "X is needed by Y" is Y needing X."""
    return frozenset((v, y, x) if p else (v, x, y) for v, x, y, p in voices)
