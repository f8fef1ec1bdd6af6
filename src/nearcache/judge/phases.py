"""During an event against after it: "run the dust collector *while cutting* MDF" /
"*after* the CNC has finished *cutting* MDF, keep it running?".

What holds while a thing goes on (a brace worn, a borrow alive, antibiotics taken) is not
what holds after it ends, and a reworded look-alike keeps the event and moves the question
to its other phase. One text puts an event word within six words after "while" or "during",
the other within six words after "after" or "afterwards", and no text says both phases of
it (the time guard rejects).

Limits: the event is matched by stem ("cutting" / "cut"); "once" ("once the supers are
off") is not read (it also counts: "once on page load"); "before" against "while" is
left to the verifier.
"""

from __future__ import annotations

from .tokens import STOPWORDS, analyze, stem, text_cache

__all__ = ["phase_changed"]

_DURING = frozenset({"while", "during"})
_AFTER = frozenset({"after", "afterwards"})
_REACH = 6


@text_cache
def _phases(text: str) -> dict[str, frozenset[str]]:
    """Each event word's stem -> the phases ("during", "after") the text puts it in."""
    words = analyze(text).words
    if _DURING.isdisjoint(words) and _AFTER.isdisjoint(words):
        return {}  # no phase word
    out: dict[str, set[str]] = {}
    for i, w in enumerate(words):
        phase = "during" if w in _DURING else "after" if w in _AFTER else None
        if phase is None:
            continue
        for word in words[i + 1 : i + 1 + _REACH]:
            if word not in STOPWORDS:
                out.setdefault(stem(word), set()).add(phase)
    return {k: frozenset(v) for k, v in out.items()}


def phase_changed(a: str, b: str) -> str | None:
    """The event one text asks about while it goes on and the other after it, or None."""
    pa, pb = _phases(a), _phases(b)
    for event in sorted(set(pa) & set(pb)):
        x, y = pa[event], pb[event]
        if len(x) == 1 and len(y) == 1 and x != y:
            return event
    return None
