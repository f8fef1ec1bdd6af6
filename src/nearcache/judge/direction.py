"""Guard: the same words must stand in the same roles.

"Convert Celsius to Fahrenheit" / "Fahrenheit to Celsius" (0.995) and "Did Brazil beat
Germany?" / "Did Germany beat Brazil?" (0.996) use the same words; only who does what to
whom changed. The guard finds a *pivot*, a word both texts share (a preposition such as
to/from/into/than/of/over or a verb such as "beat"), and the content words on each side
of it, within the same sentence. When a word left of the pivot in one text is right of it
in the other, *and* a word right of it is left of it, the terms were exchanged around the
pivot and the pair is rejected. Source and target are also read from "from X ... to Y",
so "from X to Y" and "to Y from X" agree while "to X from Y" does not.

A phrase that only moves ("In Python, how do I reverse a list?" / "How do I reverse a list
in Python?") is not an exchange: one side of the pivot has no crossing word, so it passes.
Symmetric connectives do not pivot: and, or, vs, versus, with, between, "&", "," (the
difference between A and B is the difference between B and A).

Limits: a window of three content words on each side of the pivot; a passive rewording
("X was beaten by Y") is not recognised as the same event; English word order.
"""

from __future__ import annotations

from functools import lru_cache

from .tokens import STOPWORDS, Text, Token, analyze, stem
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["guard_direction", "roles"]

_WINDOW = 3
_SYMMETRIC = frozenset(
    (  # noqa: SIM905
        "and or vs vs. versus with between & , / plus both either nor compared compare "
        "difference differences different similar similarity same equal"
    ).split()
)
# Function words that are pivots: they relate the terms around them asymmetrically.
_RELATIONAL = frozenset(
    (  # noqa: SIM905
        "to into onto from than of over against for by on in per after before under above "
        "below within without toward towards via beat beats defeated defeat"
    ).split()
)

Side = tuple[str, ...]
Frame = tuple[str, Side, Side, bool]  # (pivot, left terms, right terms, relational)


# Personal pronouns are terms too: "Does my company owe me" / "Do I owe my company".
_PRONOUNS = {
    "i": "<me>",
    "me": "<me>",
    "myself": "<me>",
    "we": "<us>",
    "you": "<you>",
    "he": "<him>",
    "him": "<him>",
    "she": "<her>",
    "they": "<them>",
    "them": "<them>",
}


def _term(tok: Token) -> str | None:
    """The term a token contributes to a role frame, or None for function words."""
    if tok.kind not in ("word", "code", "num"):
        return None
    low = tok.low
    if (low in _PRONOUNS and not tok.text.isupper()) or low == "i":
        return _PRONOUNS[low]
    if low in STOPWORDS and not (len(tok.text) >= 2 and tok.text.isupper()):
        return None
    if low.endswith("'s"):
        low = low[:-2]
    # Acronyms keep their surface form, or "https" would stem to "http".
    if not any(c in "aeiouy" for c in low) or tok.kind != "word":
        return low
    return stem(low)


@lru_cache(maxsize=4096)
def roles(text: str) -> tuple[Frame, ...]:
    """Every (pivot, left terms, right terms, relational) frame of ``text``; the terms
    are nearest first and stop at a sentence end or a symmetric connective."""
    return tuple(_frames(analyze(text)))


def _side(t: Text, stems: list[str | None], i: int, step: int) -> Side:
    toks = t.tokens
    out: list[str] = []
    j = i + step
    while 0 <= j < len(toks) and len(out) < _WINDOW and toks[j].sent == toks[i].sent:
        if toks[j].low in _SYMMETRIC:
            break
        s = stems[j]
        if s is not None:
            out.append(s)
        j += step
    return tuple(out)


def _frames(t: Text) -> list[Frame]:
    toks = t.tokens
    stems: list[str | None] = [_term(x) for x in toks]
    frames: list[Frame] = []
    for i, tok in enumerate(toks):
        relational = tok.low in _RELATIONAL
        if tok.kind == "sym" or tok.low in _SYMMETRIC or (stems[i] is None and not relational):
            continue
        term = stems[i]
        if term is not None and term.startswith("<"):
            continue  # a pronoun is a term, never a pivot
        left, right = _side(t, stems, i, -1), _side(t, stems, i, 1)
        if left and right:
            frames.append((stem(tok.low), left, right, relational))
    return frames


def _exchange(fa: Frame, fb: Frame) -> tuple[str, str] | None:
    """The two terms ``fa`` and ``fb`` exchange around their shared pivot, if any."""
    _, la, ra, relational = fa
    _, lb, rb, _ = fb
    if not relational:  # a content-word pivot: its nearest neighbours trade places
        if la[0] == rb[0] and ra[0] == lb[0] and la[0] != ra[0]:
            return la[0], ra[0]
        return None
    x = next((w for w in la if w in rb and w not in lb), None)
    y = next((w for w in ra if w in lb and w not in rb), None)
    return (x, y) if x is not None and y is not None and x != y else None


def _endpoints(t: Text) -> tuple[str, str] | None:
    """(source, target) from "from X ... to/into Y" in either order."""
    src = dst = None
    toks = t.tokens
    for i, tok in enumerate(toks[:-1]):
        nxt = next(
            (
                toks[k]
                for k in range(i + 1, len(toks))
                if toks[k].low not in STOPWORDS and toks[k].kind != "sym"
            ),
            None,
        )
        if nxt is None:
            continue
        if tok.low == "from" and src is None:
            src = stem(nxt.low)
        elif (tok.low in ("to", "into") and dst is None and src is not None) or (
            tok.low in ("to", "into") and dst is None and any(x.low == "from" for x in toks)
        ):
            dst = stem(nxt.low)
    return (src, dst) if src and dst else None


def _sequence(t: Text) -> list[tuple[str, int]]:
    return [(s, i) for i, s in enumerate(_term(x) for x in t.tokens) if s is not None]


def _transposed(ta: Text, tb: Text) -> tuple[str, str] | None:
    """Two terms that trade places while every other term keeps its place ("put regular
    gas in a car that requires premium" / "put premium gas ... requires regular")."""
    sa, sb = _sequence(ta), _sequence(tb)
    if len(sa) != len(sb) or len(sa) < 3:
        return None
    diff = [k for k in range(len(sa)) if sa[k][0] != sb[k][0]]
    if len(diff) != 2:
        return None
    i, j = diff
    if j - i < 2 or sa[i][0] != sb[j][0] or sa[j][0] != sb[i][0]:
        return None
    between = ta.tokens[sa[i][1] + 1 : sa[j][1]]
    if any(x.low in _SYMMETRIC for x in between):
        return None  # "A and B" / "B and A"
    return sa[i][0], sa[j][0]


def _frame_swap(a: str, b: str) -> tuple[str | None, bool]:
    """(a description of terms exchanged around a shared pivot or None, whether any
    pivot was shared)."""
    frames_a, frames_b = roles(a), roles(b)
    keys_a = {(f[0], f[1][:1], f[2][:1]) for f in frames_a}
    keys_b = {(f[0], f[1][:1], f[2][:1]) for f in frames_b}
    by_pivot: dict[str, list[Frame]] = {}
    for f in frames_b:
        by_pivot.setdefault(f[0], []).append(f)
    checked = False
    for fa in frames_a:
        for fb in by_pivot.get(fa[0], ()):
            checked = True
            found = _exchange(fa, fb)
            if found is None:
                continue
            if (fa[0], fa[1][:1], fa[2][:1]) in keys_b or (fb[0], fb[1][:1], fb[2][:1]) in keys_a:
                continue  # both orders are asked on one side ("did A beat B or B beat A")
            return f"roles swapped around {fa[0]!r}: {found[0]} / {found[1]}", True
    return None, checked


def guard_direction(a: str, b: str) -> GuardResult:
    """Reject when the two texts exchange their terms around a shared pivot."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: roles not read")
    ea, eb = _endpoints(ta), _endpoints(tb)
    if ea and eb and ea == (eb[1], eb[0]) and ea[0] != ea[1]:
        return GuardResult(
            REJECT, f"direction swapped: from {ea[0]} to {ea[1]} vs from {eb[0]} to {eb[1]}"
        )
    swapped = _transposed(ta, tb)
    if swapped is not None:
        return GuardResult(REJECT, f"terms trade places: {swapped[0]} / {swapped[1]}")
    found, checked = _frame_swap(a, b)
    if found is None:
        found, _ = _frame_swap(b, a)  # both ways, so the guard is symmetric
    if found is not None:
        return GuardResult(REJECT, found)
    if checked:
        return GuardResult(PASS, "shared terms keep their roles")
    return GuardResult(NEUTRAL, "no shared pivot")
