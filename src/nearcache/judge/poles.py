"""Both poles of an opposition named in each text, in the other order.

"Does the US import more from China than it exports" / "Does the US export more to China
than it imports" name the same two opposite words (``data/antonyms.txt``) and ask the
opposite: :func:`poles_swapped` reads the order in which each text names the two poles,
for the antonym guard (:mod:`.antonyms`). Not when the poles are alternatives ("raise or
lower"), in a passive (which names its roles in the other order), or when whole clauses
only moved ("If the landlord refuses, can a tenant ...?" / "Can a tenant ... if ...?").

Limits: the first mention of each pole only; English only.
"""

from __future__ import annotations

from .clauseswap import clause_texts
from .lexicon import lexicon
from .mentions import pole_counts
from .relations import is_passive
from .roles import SYMMETRIC
from .tokens import analyze, stem, text_cache

__all__ = ["POLES_SWAPPED", "poles_swapped"]

#: What :func:`poles_swapped` reports in place of two opposite words.
POLES_SWAPPED = ("one pole first", "the other pole first")
_SUBORDINATORS = frozenset(
    ["if", "when", "whenever", "unless", "because", "since", "while", "although", "though"]
)


@text_cache
def _pole_order(text: str) -> dict[int, tuple[int, int, bool]]:
    """For each opposition named with both poles: (side named first, side named second,
    whether a symmetric connective stands between them: "raise or lower")."""
    counts = pole_counts(text)  # the same poles, counted (read by the mention readers too)
    if not any((line, 0) in counts and (line, 1) in counts for line, _ in counts):
        return {}  # no opposition named with both poles
    t = analyze(text)
    lex = lexicon()
    seen: dict[int, list[tuple[int, int]]] = {}
    for tok in t.tokens:
        if tok.kind == "word":
            for line, side in lex.poles.get(stem(tok.low), ()):
                seen.setdefault(line, []).append((tok.index, side))
    out = {}
    for line, hits in seen.items():
        sides = [side for _, side in hits]
        if 0 in sides and 1 in sides:
            first = hits[0]
            second = next(h for h in hits if h[1] != first[1])
            between = t.tokens[first[0] + 1 : second[0]]
            out[line] = (first[1], second[1], any(x.low in SYMMETRIC for x in between))
    return out


def poles_swapped(a: str, b: str) -> tuple[str, str] | None:
    """Both texts name both poles, in the other order and not as alternatives ("imports
    more from China than it exports" / "exports more to China than it imports")."""
    oa = _pole_order(a)
    ob = _pole_order(b) if oa else {}
    if not oa or not ob or is_passive(a) or is_passive(b):
        return None  # a passive names its roles in the other order: "sued by a tenant"
    turned = any(
        line in ob and ob[line][0] != first and not (sym_a or ob[line][2])
        for line, (first, _, sym_a) in oa.items()
    )
    if not turned or _clauses_reordered(a, b):
        return None  # "If the landlord refuses, can a tenant ...?" / "Can a tenant ... if ..."
    return POLES_SWAPPED


@text_cache
def _clauses(text: str) -> tuple[frozenset[str], ...]:
    """The content stems of each clause (:func:`.clauseswap.clause_texts`, cut again at a
    subordinating word -- "if", "when", "because" ... -- which stays with its clause: "if"
    opens the condition)."""
    pieces: list[list[str]] = []
    for clause in clause_texts(text):
        pieces.append([])
        for word in clause.split():
            if word.lower() in _SUBORDINATORS and pieces[-1]:
                pieces.append([])
            pieces[-1].append(word)
    return tuple(
        analyze(" ".join(p)).content_set | ({p[0].lower()} & _SUBORDINATORS) for p in pieces
    )


def _clauses_reordered(a: str, b: str) -> bool:
    """The same clauses, each with its content words and subordinating word, in another
    order: a clause moved ("If the landlord refuses, can a tenant withhold rent" / "Can a
    tenant withhold rent if the landlord refuses"; not "If prices fall, does the Fed
    raise rates" / "If the Fed raises rates, do prices fall": the condition changed)."""
    ca, cb = _clauses(a), _clauses(b)
    return len(ca) >= 2 and ca != cb and sorted(ca, key=sorted) == sorted(cb, key=sorted)
