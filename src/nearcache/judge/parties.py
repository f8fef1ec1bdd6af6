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

Limits: word shapes, not a parse; only the first auxiliary's subject is read; English only.
"""

from __future__ import annotations

from itertools import pairwise

from .tokens import analyze, text_cache, wordset

__all__ = ["party_turned"]

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
