"""An event named by a noun, with its agent after "by": a passive without "be".

"LinkedIn's acquisition by Microsoft" and "the acquisition of LinkedIn by Microsoft" say
what "LinkedIn was acquired by Microsoft" says: the noun before the event word is the
one acted on, the one after "by" acts. Word order alone reads LinkedIn first, so against
"When did LinkedIn acquire Microsoft" (the same order, the roles turned) nothing moved.
:func:`nominal_passive` reads the two shapes as :func:`.clauses.passive` reads a passive,
for :func:`.relations.passive_flipped`:

* "X's N by Y": an owner, the event noun right after it, "by" right after the noun;
* "the N of X by Y": the event noun, "of", the noun phrase acted on, then "by".

Limits: the event noun ends like one made from a verb (-tion, -sion, -ment, -al, -ance,
-ence, -ure, -ing: "acquisition", "suspension", "removal", "seizure") or is one of a few
nouns that are verbs too (arrest, defeat, attack, murder, review, purchase, capture, audit,
rescue, release, ban), so "the theme of 1984 by George Orwell" is no event; the other
text must name the event with a word the alignment pairs with the noun ("acquisition" /
"acquire"; "invasion" / "invade" are not paired, so not read); "X's painting by Monet"
would read as X painted by Monet, which only matters against a text where X comes
before the event word and Monet after it.
"""

from __future__ import annotations

from .roles import ARTICLES, participle, role_terms
from .tokens import analyze, text_cache, wordset

__all__ = ["nominal_passive"]

_REACH = 4
_SUFFIXES = ("tion", "sion", "ment", "al", "ance", "ence", "ure", "ing")
_EVENTS = wordset("arrest defeat attack murder review purchase capture rescue release ban audit")


def _event(low: str) -> bool:
    """A noun that names an event: made from a verb, or one of a few verbs used as nouns."""
    return (len(low) > 5 and low.endswith(_SUFFIXES)) or low in _EVENTS


@text_cache
def nominal_passive(text: str) -> tuple[int, int, int] | None:
    """(acted on, event noun, agent) token indices of "X's N by Y" or "the N of X by Y"."""
    t = analyze(text)
    if "by" not in t.words:
        return None  # both shapes name the agent after "by"
    toks = t.tokens
    terms = [idx for _, idx in role_terms(text)]
    at = set(terms)
    for n, k in enumerate(terms):
        if participle(toks[k]) or k + 1 >= len(toks) or not _event(toks[k].low):
            continue
        if k - 1 in at and toks[k - 1].low.endswith("'s") and toks[k + 1].low == "by":
            acted, by = k - 1, k + 1  # "LinkedIn's acquisition by Microsoft"
        elif toks[k + 1].low == "of" and n + 1 < len(terms):
            acted = terms[n + 1]  # "the acquisition of LinkedIn by Microsoft"
            by = next(
                (
                    j
                    for j in range(acted + 1, min(len(toks), acted + _REACH))
                    if toks[j].low == "by"
                ),
                -1,
            )
            if by < 0 or any(toks[j].low not in ARTICLES for j in range(k + 2, acted)):
                continue
        else:
            continue
        agent = next((j for j in terms if by < j <= by + _REACH), None)
        if agent is not None and all(toks[j].low in ARTICLES for j in range(by + 1, agent)):
            return acted, k, agent
    return None
