"""One of a kind against the kind: "buying things in one app" / "buying things in apps".

A bare plural speaks of the kind, every one of them ("how do I stop my son buying things
in apps"); "one app", "a single app" or "just one app" narrows the question to one of them,
whose answer (a setting of that app, not the phone's parental controls) differs. The texts
differ by a word or two and embed at 0.97.

:func:`single_turned` finds, in one text, "one" or "single" right before a noun whose
plural the other text says bare: no number, quantifier or other determiner of amount just
before it ("two apps", "all apps", "other apps", "50 photos" are counted or quantified, and
the numbers and quantifier guards read those). Not when the "one" side says the plural too
("from one photo onto the other photos") or the plural side says "one" or "single" too.

Limits: the noun must follow "one" / "single" directly and its plural be one the judge's
stems read (:func:`.vocab.singular`: "apps", "boxes", "cities"; not "menus", "heroes",
nor "caches", read as "cach"); "one" as a pronoun ("the red one") is not read. English
only.
"""

from __future__ import annotations

from .numwords import word_value
from .tokens import Text, analyze, wordset
from .vocab import singular

__all__ = ["single_turned"]

_ONE = wordset("one single")
#: Words before a plural that count or quantify it: the plural is then not the bare kind.
_AMOUNT = wordset(
    "all every each both some several many multiple few other another these those more most"
    " any no various numerous different"
)


def _plural_of(word: str, noun: str) -> bool:
    """Whether ``word`` is ``noun``'s plural (:func:`.vocab.singular`, the stems' rule)."""
    return word != noun and singular(word) == noun


def _counted(word: str) -> bool:
    return word in _AMOUNT or word.isdigit() or word_value(word) is not None


def _singled(one: Text, many: Text) -> str | None:
    """The noun ``one`` says "one"/"single" of and ``many`` says bare in the plural."""
    if not _ONE.isdisjoint(many.words):
        return None
    w, bare = one.words, many.words
    for i, low in enumerate(w[:-1]):
        if low not in _ONE:
            continue
        noun = w[i + 1]
        if any(_plural_of(word, noun) for word in w):
            continue
        for j, word in enumerate(bare):
            if _plural_of(word, noun) and not (j and _counted(bare[j - 1])):
                return noun
    return None


def single_turned(a: str, b: str) -> tuple[str, str] | None:
    """``("one <noun>", "<nouns>")`` in the order of the texts when one text narrows the
    other's bare plural to one of them, else None."""
    ta, tb = analyze(a), analyze(b)
    if _ONE.isdisjoint(ta.words) and _ONE.isdisjoint(tb.words):
        return None  # the common case, read in one pass over each text's words
    noun = _singled(ta, tb)
    if noun is not None:
        return f"one {noun}", f"{noun}s"
    noun = _singled(tb, ta)
    if noun is not None:
        return f"{noun}s", f"one {noun}"
    return None
