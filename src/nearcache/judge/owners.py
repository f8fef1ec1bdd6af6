"""Whose thing it is, turned round in other words.

"Who files the freight claim when we ship on *the customer's own carrier account*?" /
"the goods went on *our account* with the carrier ..., is the customer the one who
claims"; "Does insurance cover *a neighbour's tree* falling on my house" / "... cover
*my tree* falling on my neighbour's house". Both texts name both parties, so no term is
missing and the verifier, which reads the words a pair shares, scores such look-alikes
near 1; yet the thing belongs to the other party, and the answer follows its owner.

A thing is owned by the word right before it: "my"/"our" (the speaker), "your", or a
possessive "X's" (the owner X, by stem); the thing is the last of at most two content
words after it ("the customer's own carrier *account*"). This reader rejects when a
thing one text gives to one owner the other text gives to another, neither text giving
it to the other's owner as well, and each text names the other's owner somewhere (the
speaker by "I", "me", "we", "my" ...): the same parties, the thing moved between them.

Not read: a thing with "of" or "by" after it (a noun of an act: "LinkedIn's acquisition
*by* Microsoft" / "Microsoft's acquisition *of* LinkedIn"); a possessive written without
its apostrophe, the owner then inside the other text's phrase ("my *lodgers* belongings"
/ "my lodger's belongings", "my drivers license" / "my driver's license"); "his", "her",
"their", "its" (whose they are is not said by the word).

Limits: word shapes, not a parse ("my pet insurance pay": the phrase stops after two
words, a verb may be read as the thing); English only.
"""

from __future__ import annotations

from .pronouns import LISTENER_WORDS, MINE, SPEAKER_WORDS
from .tokens import STOPWORDS, analyze, stem, text_cache, wordset

__all__ = ["owner_turned"]

#: The owner each possessive determiner names ("my" and "our": the speaker's side).
_POSSESSIVES = {**dict.fromkeys(MINE, "<me>"), "your": "<you>"}
#: Words after a thing that make its owner one of its arguments ("LinkedIn's acquisition
#: *by* Microsoft" is "Microsoft's acquisition *of* LinkedIn"): not read.
_ARGUMENTS = wordset("of by")
_APOSTROPHE_S = ("'s", "\u2019s")
#: The longest phrase read after an owner, in content words.
_PHRASE = 2

#: (thing, owner) -> the stems of the phrase that names the thing.
Owned = dict[tuple[str, str], frozenset[str]]


def _owner(low: str) -> str | None:
    """The owner ``low`` names as a determiner: the speaker, the listener, or X of "X's"."""
    if low in _POSSESSIVES:
        return _POSSESSIVES[low]
    if low.endswith(_APOSTROPHE_S) and len(low) > 4 and low[:-2] not in STOPWORDS:
        return stem(low[:-2])
    return None


def _may_own(text: str) -> bool:
    """Whether ``text`` can give a thing an owner: a possessive determiner or an "'s"."""
    return (
        "'s" in text or "\u2019s" in text or not _POSSESSIVES.keys().isdisjoint(analyze(text).words)
    )


@text_cache
def _owned(text: str) -> Owned:
    """Each thing ``text`` gives an owner, with the owner and the words of its phrase."""
    toks = analyze(text).tokens
    out: dict[tuple[str, str], frozenset[str]] = {}
    for i, tok in enumerate(toks):
        if tok.low not in _POSSESSIVES and not tok.low.endswith(_APOSTROPHE_S):
            continue
        owner = _owner(tok.low) if tok.kind == "word" else None
        if owner is None:
            continue
        words: list[str] = []
        for nxt in toks[i + 1 :]:
            if len(words) == _PHRASE or nxt.kind != "word" or nxt.sent != tok.sent:
                break
            if nxt.low == "own":
                continue
            if nxt.low in STOPWORDS or _owner(nxt.low) is not None:
                words = [] if _owner(nxt.low) is not None else words
                break  # "my lodger's belongings": the lodger owns them
            words.append(stem(nxt.low))
        end = i + 1 + len(words)
        if words and not (end < len(toks) and toks[end].low in _ARGUMENTS):
            out[(words[-1], owner)] = frozenset(words)
    return out


@text_cache
def _named(text: str) -> frozenset[str]:
    """Everyone ``text`` names: the stems of its words (possessives without "'s"), and
    the speaker or the listener when a pronoun names them."""
    words = analyze(text).words
    out = {stem(w[:-2] if w.endswith(("'s", "\u2019s")) else w) for w in words}
    if not SPEAKER_WORDS.isdisjoint(words):
        out.add("<me>")
    if not LISTENER_WORDS.isdisjoint(words):
        out.add("<you>")
    return frozenset(out)


def _inside(owner: str, phrase: frozenset[str]) -> bool:
    """Whether ``owner`` is one of the phrase's words: a possessive without its
    apostrophe ("my *lodgers* belongings")."""
    return any(w.startswith(owner) or owner.startswith(w) for w in phrase)


def owner_turned(a: str, b: str) -> tuple[str, str, str] | None:
    """(thing, its owner in ``a``, its owner in ``b``) when the two texts give one thing
    to two owners, each naming the other's owner too (see the module docstring); else
    None."""
    if not (_may_own(a) and _may_own(b)):
        return None  # the common case: no possessive on one side
    oa, ob = _owned(a), _owned(b)
    if not (oa and ob):
        return None
    by_a: dict[str, set[str]] = {}
    by_b: dict[str, set[str]] = {}
    for thing, owner in oa:
        by_a.setdefault(thing, set()).add(owner)
    for thing, owner in ob:
        by_b.setdefault(thing, set()).add(owner)
    moved = [
        (thing, x, y)
        for thing in by_a.keys() & by_b.keys()
        for x in by_a[thing] - by_b[thing]
        for y in by_b[thing] - by_a[thing]
    ]
    if not moved:
        return None  # the common case: no thing with another owner
    na, nb = _named(a), _named(b)
    found = [
        (thing, x, y)
        for thing, x, y in moved
        if y in na and x in nb and not _inside(y, oa[(thing, x)]) and not _inside(x, ob[(thing, y)])
    ]
    return min(found) if found else None
