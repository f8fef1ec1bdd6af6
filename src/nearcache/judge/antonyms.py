"""Guard: one text must not say the opposite of the other.

"Sort a list in ascending order" and "... descending order" embed at 0.96. The guard
rejects a pair when a word on one side and a different word on the other are listed as
opposites (``data/antonyms.txt``, matched by stem so inflections count) and neither text
holds both words: it is a substitution, not a comparison ("ascending or descending?").
It also reads two productive patterns of English:

* the negative prefixes ``un-`` and ``non-`` ("install"/"uninstall", "do"/"undo");
* phrasal particles after the same verb: on/off, in/out, up/down ("turn on"/"turn off",
  "log in"/"log out", "scale up"/"scale down").

Limits: the lexicon is curated, not exhaustive (opposites it lacks pass to the
verifier); a question that flips both an opposite and the order of its terms ("bigger
than" / "smaller than" with the terms swapped) asks the same thing but is rejected. English only.
"""

from __future__ import annotations

from .lexicon import lexicon
from .order import Exchange, exchange
from .tokens import STOPWORDS, Text, analyze, stem
from .types import NEUTRAL, REJECT, GuardResult

__all__ = ["guard_antonyms", "opposition"]

_PARTICLES = {"on": "off", "off": "on", "in": "out", "out": "in", "up": "down", "down": "up"}
_PREFIXES = ("un", "non-", "non")


def _stems(t: Text) -> dict[str, str]:
    return {stem(tok.low): tok.low for tok in t.tokens if tok.kind == "word"}


def _particles(t: Text) -> set[tuple[str, str]]:
    out = set()
    toks = t.tokens
    for i in range(1, len(toks)):
        p = toks[i].low
        if p in _PARTICLES and toks[i - 1].kind == "word" and toks[i - 1].low not in STOPWORDS:
            out.add((stem(toks[i - 1].low), p))
    return out


def _prefixed(x: str, y: str) -> bool:
    for pre in _PREFIXES:
        if y.startswith(pre):
            base = y[len(pre) :]
            if len(base) >= 2 and base == x and x not in STOPWORDS | {"less", "it", "til"}:
                return True
    return False


def opposition(a: str, b: str) -> tuple[str, str] | None:
    """The first pair of opposite words across ``a`` and ``b`` (as written), or None."""
    ta, tb = analyze(a), analyze(b)
    sa, sb = _stems(ta), _stems(tb)
    lex = lexicon()
    for x, wx in sa.items():
        if x in sb:
            continue
        for y, wy in sb.items():
            if y in sa:
                continue
            if lex.opposite(x, y) or _prefixed(x, y) or _prefixed(y, x):
                return wx, wy
    pa, pb = _particles(ta), _particles(tb)
    for verb, p in pa - pb:
        if (verb, _PARTICLES[p]) in pb and (verb, _PARTICLES[p]) not in pa:
            return f"{verb} {p}", f"{verb} {_PARTICLES[p]}"
    return None


def guard_antonyms(a: str, b: str) -> GuardResult:
    """Reject when one text uses the opposite of a word in the other."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: opposites not read")
    found = opposition(a, b)
    if found is not None:
        found_ex = exchange(a, b)
        if isinstance(found_ex, Exchange) and (
            "than" in found_ex.pivot.split() or lexicon().converse(*found)
        ):
            return GuardResult(
                NEUTRAL, f"converse: opposites {found[0]!r} / {found[1]!r} with roles exchanged"
            )
        return GuardResult(REJECT, f"opposites: {found[0]!r} vs {found[1]!r}")
    return GuardResult(NEUTRAL, "no opposites")
