"""When the entity guard leaves two texts' other names to the verifier instead of refusing.

Two texts that each name something the other does not are refused by
:func:`.entities.guard_entities`, except in two shapes where the names differ without
the question changing often enough that the verifier should weigh them:

* **proper names inside a rewording**: both texts reword other content words besides the
  names ("2008 Wimbledon final: was it Rafa who won against Roger?" / "Did Nadal beat
  Federer in the 2008 Wimbledon final?", "the Hijri calendar" / "the Islamic calendar").
  When the names are the whole difference ("Who won the League of Legends World
  Championship in 2023?" / "Who won Valorant Champions in 2023?") it is another thing;
* **a snippet against its question**: one text asks a question and the other asks none
  and holds code ("LAG(col) OVER (ORDER BY ts)" / "How do I get the previous row's value
  in SQL?"): the snippet's words read as names ("LAG", "ts") the question need not repeat.
"""

from __future__ import annotations

from collections.abc import Iterable

from .align import align
from .answers import asked_otherwise, asks
from .tokens import analyze

__all__ = ["reworded", "snippet_asked"]


def reworded(a: str, b: str, names: Iterable[tuple[str, str]]) -> bool:
    """Each text has content words without a counterpart besides those of ``names``
    (``(name, kind)`` pairs, as :func:`.entities.entities` gives them)."""
    held = {stem for n, _ in names for stem in analyze(n).content}
    al = align(a, b)
    return any(w not in held for w in al.only_a) and any(w not in held for w in al.only_b)


def snippet_asked(
    a: str, b: str, names_a: Iterable[tuple[str, str]], names_b: Iterable[tuple[str, str]]
) -> bool:
    """One text asks a question and the other asks none (:func:`.answers.asked_otherwise`)
    and holds code: a code token, or a name of the kind ``code`` among its ``names``."""
    if not asked_otherwise(a, b):
        return False
    bare, names = (b, names_b) if asks(a) else (a, names_a)
    return any(t.kind == "code" for t in analyze(bare).tokens) or any(k == "code" for _, k in names)
