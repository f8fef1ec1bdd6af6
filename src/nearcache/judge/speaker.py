"""Who the speaker is, for :mod:`.markers`: the speaker said to be one party in one text
and another in the other.

"I'm *X*" (or "I am", "as *X*" opening a sentence; articles and "one" skipped) in one
text and "I'm *Y*" in the other, each text naming the other's role elsewhere, set the
same parties in other roles ("I'm *skippering* a yacht and one of my *crew* wants to
leave" / "I'm *crew* on a yacht and the *skipper* wants me to leave"; "I'm a *German*
freelancer and my client in Austria" / "I'm an *Austrian* freelancer and my client in
Germany"). A role the other text does not name is another question, or the same one
reworded ("if I'm part-time" / "if I'm a salaried employee"), and not read; nor is a
hyphenated role (a respelling: "part-time" / "part time").
"""

from __future__ import annotations

from .tokens import Text, analyze, text_cache

__all__ = ["speaker_changed"]

#: Words that say who the speaker is, by the words that follow them; "as" only opening a
#: sentence ("As a seller, can I ..."). The tokenizer writes "I\u2019m" as "i'm".
_SELF = {("i'm",): 1, ("im",): 1, ("i", "am"): 2}
_OPENERS = frozenset({w[0] for w in _SELF} | {"as"})
_SKIPPED = frozenset({"a", "an", "the", "one"})


@text_cache
def _self_role(text: str) -> tuple[str, str] | None:
    """The stem and word of the first term after the speaker's "I'm" / "I am" / a
    sentence-opening "as" (articles and "one" skipped), else None."""
    t = analyze(text)
    toks, stems = t.tokens, {i: s for s, i in t.terms}
    for k, x in enumerate(toks):
        if x.low not in _OPENERS:
            continue
        words = tuple(y.low for y in toks[k : k + 2])
        as_opening = x.low == "as" and x.initial
        size = _SELF.get(words[:1]) or _SELF.get(words) or (1 if as_opening else 0)
        if not size:
            continue
        j = k + size
        while j < len(toks) and toks[j].low in _SKIPPED:
            j += 1
        if j in stems and toks[j].kind == "word" and "-" not in toks[j].text:
            return stems[j], toks[j].low
        return None
    return None


def speaker_changed(ta: Text, tb: Text) -> tuple[str, str, str] | None:
    """The speaker said to be one party in one text and another in the other, each named
    in the other text (see the module docstring): "I" and the two roles; else None."""
    ra, rb = _self_role(ta.raw), _self_role(tb.raw)
    if ra is None or rb is None or ra[0] == rb[0]:
        return None
    if ra[0] in tb.content_set and rb[0] in ta.content_set:
        return "I", ra[1], rb[1]
    return None
