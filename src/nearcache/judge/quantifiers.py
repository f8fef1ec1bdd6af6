"""How much of a set a question is about: "all" / "some" / "most" / "few" / "none".

"Are all mammals warm-blooded?" and "Are some mammals warm-blooded?" differ by one
function word the embedding barely sees (0.97), yet the answers differ. A text's
quantifiers are read into classes (universal, existential, most, few, none; frequency
adverbs with them: "always" / "sometimes" / "usually" / "rarely" / "never"); the
antonyms guard rejects a pair where each text has a class the other lacks. Words of one
class are the same question ("all mammals" / "every mammal").

"Nearly", "almost", "virtually" or "practically" before a universal makes it "most"
("nearly every planet" / "most planets"). Over a set of two, "both" is universal and "one
of" existential ("if both branches have new commits" / "if only one of the branches has
new commits"); "both X and Y" joins two names and is not read, nor is "either".

Limits: only the words listed here; "the most" ("the most common") and "at most" are
not read; "every day" and the like are frequencies (as "daily"), not read; "any" counts
only right after an auxiliary ("Are any bonds ...", "Do any plans ...") or a condition
word ("where any column is NaN", "if any test fails"), as existential;
a quantifier on one side only ("Are bonds safer" / "Are all bonds safer") passes (a bare
plural often means "all"). English only.
"""

from __future__ import annotations

from .singled import single_turned
from .tokens import Token, analyze, text_cache, wordset
from .vocab import AUXILIARIES

__all__ = ["quantifier_change", "quantifiers"]

_CLASSES = {
    "all": "all",
    "every": "all",
    "each": "all",
    "everyone": "all",
    "everybody": "all",
    "everything": "all",
    "always": "all",
    "some": "some",
    "several": "some",
    "someone": "some",
    "somebody": "some",
    "something": "some",
    "sometimes": "some",
    "any": "some",
    "most": "most",
    "usually": "most",
    "mostly": "most",
    "majority": "most",
    "few": "few",
    "rarely": "few",
    "seldom": "few",
    "minority": "few",
    "none": "none",
    "nobody": "none",
    "nothing": "none",
    "never": "none",
}

_TIMES = wordset(
    "time times day days night nights morning evening week weeks month months year years "
    "hour hours minute minutes second seconds weekend"
)
_NEARLY = wordset("nearly almost virtually practically")
#: Words after which "any" quantifies: an auxiliary ("Are any bonds ...") or a condition
#: ("drop rows where any column is NaN", "fail if any test fails").
_ANY_AFTER = AUXILIARIES | wordset("where if when whether unless")


@text_cache
def quantifiers(text: str) -> frozenset[str]:
    """The quantifier classes of ``text`` ("a few" is existential, "the most" is not read)."""
    toks = analyze(text).tokens
    out: set[str] = set()
    for i, tok in enumerate(toks):
        cls = _CLASSES.get(tok.low)
        if cls is None or tok.literal:
            continue
        prev = toks[i - 1].low if i else ""
        if cls == "most" and prev in ("the", "at"):
            continue  # "the most common", "at most"
        if cls == "few" and prev == "a":
            cls = "some"  # "a few"
        if cls == "all" and prev in _NEARLY:
            cls = "most"  # "nearly every planet", "almost all": most of them
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if cls == "all" and (prev == "at" or nxt in _TIMES):
            continue  # "at all" is emphasis; "every day" is a frequency, as "daily"
        if tok.low == "any" and prev not in _ANY_AFTER:
            continue  # "is there any way": not a quantifier over the subject
        out.add(cls)
    return frozenset(out | _of_two(toks))


def _of_two(toks: tuple[Token, ...]) -> set[str]:
    """ "both" over a set of two ("if both branches have new commits") is universal, and
    "one of" existential ("if only one of the branches has ..."); "both X and Y" joins
    two names, not a set."""
    out: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.literal or tok.low not in ("both", "one"):
            continue
        after = [t.low for t in toks[i + 1 : i + 5]]
        if tok.low == "both" and "and" not in after:
            out.add("all")
        elif tok.low == "one" and after[:1] == ["of"]:
            out.add("some")
    return out


def quantifier_change(a: str, b: str) -> tuple[str, str] | None:
    """A quantifier class in each text that the other lacks, or None."""
    if (one := single_turned(a, b)) is not None:
        return one  # "one app" / "apps" (:mod:`.singled`)
    qa, qb = quantifiers(a), quantifiers(b)
    if not qa or not qb or qa == qb:
        return None
    only_a, only_b = qa - qb, qb - qa
    if not only_a or not only_b:
        return None
    return min(only_a), min(only_b)
