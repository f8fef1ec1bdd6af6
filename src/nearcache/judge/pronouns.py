"""Personal pronouns read once per text: who each one is and in which case it stands.

The role rules (:mod:`.relations`, :mod:`.agents`) ask the same questions of a text's
pronouns -- which persons it names, which of them is a subject, which one is acted on --
so they read them from one table, cached per text, instead of two word lists that drift.

Each pronoun gets a *person* ("1" I, "1p" we, "2" you, "3m" he, "3f" she, "3p" they,
"3x" someone / somebody) and a *case*:

* ``"s"`` subject: "I", "we", "he", "she", "they", "someone"; "you" only after an auxiliary, a
  wh-word, a clause boundary or at the start ("Can *you* ...", "*You* should ...");
* ``"o"`` object: "me", "us", "him", "them" right after a verb or after "to" (the one
  acted on, or the recipient: "sent a payment *to me*"); after any other preposition
  ("for me", "with us", "about him") the case is ``"x"``: another relation, which says
  nothing of who acts;
* ``"p"`` possessive ("my", "our", "his", "their", "your", "mine" ...), ``"r"``
  reflexive ("myself" ...), ``"?"`` ambiguous ("her": object or possessive; "you"
  elsewhere: subject or object).

A word written in capitals is a name ("US", "IT"), and a quoted or bracketed example is
not a pronoun of the question. Limits: word lists and the word before, no parser; "it"
and "its" are not persons; "one" and generic "you" are not told apart.
"""

from __future__ import annotations

from typing import NamedTuple

from .roles import CLAUSE, RELATIONAL
from .tokens import analyze, text_cache, wordset

__all__ = [
    "LISTENER_WORDS",
    "MINE",
    "OBLIQUE",
    "OTHERS",
    "PERSON_WORD",
    "ROLE_KEY",
    "SPEAKER",
    "SPEAKER_WORDS",
    "Pronoun",
    "cases",
    "clause_numbers",
    "handed_over",
    "persons",
    "pronouns",
]

#: person, case of each pronoun ("you" and "her" are settled by their place, see above).
_TABLE: dict[str, tuple[str, str]] = {
    "i": ("1", "s"),
    "me": ("1", "o"),
    "my": ("1", "p"),
    "mine": ("1", "p"),
    "myself": ("1", "r"),
    "we": ("1p", "s"),
    "us": ("1p", "o"),
    "our": ("1p", "p"),
    "ours": ("1p", "p"),
    "ourselves": ("1p", "r"),
    "you": ("2", "?"),
    "your": ("2", "p"),
    "yours": ("2", "p"),
    "yourself": ("2", "r"),
    "he": ("3m", "s"),
    "him": ("3m", "o"),
    "his": ("3m", "p"),
    "himself": ("3m", "r"),
    "she": ("3f", "s"),
    "her": ("3f", "?"),
    "hers": ("3f", "p"),
    "herself": ("3f", "r"),
    "they": ("3p", "s"),
    "them": ("3p", "o"),
    "their": ("3p", "p"),
    "theirs": ("3p", "p"),
    "themselves": ("3p", "r"),
    "someone": ("3x", "s"),
    "somebody": ("3x", "s"),
}
#: The persons of the speaker ("I", "we") and of others ("he", "she", "they", "someone").
SPEAKER = frozenset({"1", "1p"})
OTHERS = frozenset({"3m", "3f", "3p", "3x"})
#: The words that name the speaker ("I", "me", "my", "ours" ...) and the listener ("you",
#: "your" ...), whatever their case.
SPEAKER_WORDS = frozenset(w for w, (person, _) in _TABLE.items() if person in SPEAKER)
LISTENER_WORDS = frozenset(w for w, (person, _) in _TABLE.items() if person == "2")
#: The speaker's possessive determiners: a thing "my" / "our" names is the speaker's.
MINE = wordset("my our")
#: How a person is written in a verdict's detail.
PERSON_WORD = {
    "1": "I",
    "1p": "we",
    "2": "you",
    "3m": "he",
    "3f": "she",
    "3p": "they",
    "3x": "someone",
}
#: A person's role key (:mod:`.roles`): what an exchange of persons names.
ROLE_KEY = {
    "1": "<me>",
    "1p": "<us>",
    "2": "<you>",
    "3m": "<him>",
    "3f": "<her>",
    "3p": "<them>",
    "3x": "<someone>",
}
#: Prepositions after which an object pronoun names another relation ("for me", "with
#: us"), not the one acted on; "to" is not among them ("sent it *to me*": the recipient).
OBLIQUE = (RELATIONAL | {"with", "about", "without", "between"}) - {"to"}
_YOU_AFTER = wordset(
    "can could do does did will would should shall may might must are were have if when "
    "that how why what where whether"
)


class Pronoun(NamedTuple):
    """One personal pronoun of a text: its token index, person and case (see above)."""

    at: int
    person: str
    case: str


@text_cache
def pronouns(text: str) -> tuple[Pronoun, ...]:
    """The personal pronouns of ``text`` in order, with person and case."""
    toks = analyze(text).tokens
    out: list[Pronoun] = []
    for i, tok in enumerate(toks):
        entry = _TABLE.get(tok.low)
        if entry is None or (tok.text.isupper() and tok.low != "i") or tok.literal:
            continue
        person, case = entry
        prev = toks[i - 1] if i else None
        if case == "o" and prev is not None and prev.low in OBLIQUE:
            case = "x"
        elif tok.low == "you" and (prev is None or prev.kind == "sym" or prev.low in _YOU_AFTER):
            case = "s"
        out.append(Pronoun(i, person, case))
    return tuple(out)


@text_cache
def persons(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The persons ``text`` names and those among them that stand as a subject."""
    found = pronouns(text)
    return frozenset(p.person for p in found), frozenset(p.person for p in found if p.case == "s")


@text_cache
def cases(text: str) -> dict[str, frozenset[str]]:
    """Each person's cases in ``text`` among subject ("s") and object ("o")."""
    out: dict[str, set[str]] = {}
    for p in pronouns(text):
        if p.case in ("s", "o"):
            out.setdefault(p.person, set()).add(p.case)
    return {k: frozenset(v) for k, v in out.items()}


@text_cache
def clause_numbers(text: str) -> tuple[int, ...]:
    """The clause number of each token (a clause ends at , ; : ? ! . and a new sentence)."""
    out, n = [], 0
    for tok in analyze(text).tokens:
        if tok.kind == "sym" and tok.low in CLAUSE:
            n += 1
        out.append(n)
    return tuple(out)


def handed_over(a: str, b: str, in_a: set[str], in_b: set[str]) -> bool:
    """The persons acting at one shared verb are the speaker in one text (``in_a`` or
    ``in_b``) and "he", "she", "they" or "someone" in the other (:data:`OTHERS`), and
    neither text has the other's person as a subject anywhere: the act changed hands ("a
    refund if *I* cancel" / "if *they* cancel"; not "if I quit, do I repay the course they
    paid for" / "do I pay for the course if I quit": the speaker acts in both)."""
    sa, sb = persons(a)[1], persons(b)[1]
    return any(
        mine <= SPEAKER and theirs <= OTHERS and not (own & OTHERS or other & SPEAKER)
        for mine, theirs, own, other in ((in_a, in_b, sa, sb), (in_b, in_a, sb, sa))
    )
