"""Directed relations named by different words: who stands at which end.

"Is numpy a dependency of pandas?" and "Does numpy depend on pandas?" keep the same word
order, yet the second turns the dependency round; "Does Maria report to Tom?" and "Is
Maria Tom's boss?" likewise. :mod:`.order` sees only order, so such pairs passed. This
module reads the relations listed in ``data/frames.txt`` (one relation, the phrases that
read it from its first end and those that read it from its second): each occurrence
gives the terms just before and just after the phrase (a possessive "Tom's boss" reads
as "the boss of Tom"), turned so that the relation's first end comes first. Two texts
that name the same relation over the same two terms with the ends exchanged ask
different questions; with the ends kept, they ask the same one in other words ("Does
pandas depend on numpy" / "Is numpy a dependency of pandas").

Limits: a listed phrase is read wherever it stands, as the relation (no parser): the
ends are the nearest noun phrases (role terms, articles skipped) on each side, so a long
subordinate clause between the subject and the phrase is not bridged and then the
relation is not compared; relations the lexicon lacks are left to :mod:`.order` and the
verifier; English only.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .roles import ARTICLES, DETERMINERS, POSSESSIVE, Role, noun_phrase, role_keys, role_terms
from .tokens import Token, analyze, stem, text_cache

__all__ = ["Frame", "frame_change", "frames"]

#: (relation, first end's role keys, second end's role keys) in one text.
Frame = tuple[str, frozenset[str], frozenset[str]]
Phrase = tuple[str, int, bool]  # (relation, +1 forward / -1 backward, possessive form)

_SKIP = ARTICLES | {"really", "actually", "also", "still", "directly", "just", "only"}
#: Going forward, an article after a term opens another phrase.
_SKIP_INSIDE = _SKIP - ARTICLES
# "I" and "my" are one person at a relation's end ("a creditor of mine" / "am I a creditor").
_PERSON = {
    "<my>": "<me>",
    "<your>": "<you>",
    "<his>": "<him>",
    "<our>": "<us>",
    "<their>": "<them>",
}
_MAX_TERMS = 4
_UNIVERSAL = frozenset({"all", "every", "each"})
_COPULA = frozenset({"is", "are", "was", "were", "be"})
_COPULA_OR_ARTICLE = _COPULA | ARTICLES


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[tuple[tuple[str, ...], Phrase]]]:
    """Phrases by the stem of their first word, longest first."""
    text = resources.files(__package__).joinpath("data").joinpath("frames.txt").read_text("utf-8")
    out: dict[str, list[tuple[tuple[str, ...], Phrase]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, body = line.partition(":")
        for sign, side in zip((1, -1), body.split("|")):
            for item in side.split(","):
                words = tuple(stem(w) for w in item.split())
                out.setdefault(words[0], []).append((words, (name.strip(), sign, False)))
                if len(words) >= 2 and words[-1] == "of":  # "Tom's boss"
                    out.setdefault(words[0], []).append((words[:-1], (name.strip(), sign, True)))
    for phrases in out.values():
        phrases.sort(key=lambda p: -len(p[0]))
    return out


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    """The first three letters of every phrase's first word: a token that does not start
    with one of them starts no phrase, and is not stemmed."""
    return frozenset(w[:3] for w in _lexicon())


def _matches(toks: tuple[Token, ...], i: int) -> list[tuple[int, Phrase]]:
    """The listed phrases that start at token ``i``, longest first."""
    if toks[i].low[:3] not in _heads():
        return []
    out = []
    for words, phrase in _lexicon().get(stem(toks[i].low), ()):
        end = i + len(words)
        if end <= len(toks) and all(
            stem(toks[k].low) == w for k, w in zip(range(i + 1, end), words[1:])
        ):
            out.append((len(words), phrase))
    return out


def _end(toks: tuple[Token, ...], start: int, step: int, terms: dict[int, str]) -> list[int]:
    """Token indices of the noun phrase next to ``start`` going ``step`` (articles and a
    few adverbs skipped; going forward, an article after a term opens another phrase), at
    most a few terms."""
    steps = range(start, len(toks)) if step > 0 else range(start, -1, -1)
    inside = _SKIP_INSIDE if step > 0 else _SKIP
    return noun_phrase(toks, steps, terms, _SKIP, inside, _MAX_TERMS)


def _ends(
    toks: tuple[Token, ...], i: int, size: int, possessive: bool, terms: dict[int, str]
) -> tuple[list[int], list[int]] | None:
    """The terms left and right of a phrase at token ``i`` (``size`` tokens), as written;
    for a possessive form ("my manager's boss") the owner is the right end."""
    if possessive:
        owner = i - 1
        if owner < 0 or not (toks[owner].low.endswith("'s") or toks[owner].low in POSSESSIVE):
            return None
        # "my manager's boss": the manager (and "my"), then the other end before it
        right = [owner] if owner in terms else []
        k = owner - 1
        while k >= 0 and toks[k].low in DETERMINERS:
            right += [k] if k in terms else []
            k -= 1
        left = _end(toks, k, -1, terms)
    else:
        left = _end(toks, i - 1, -1, terms)
        right = _end(toks, i + size, 1, terms)
    return (left, right) if left and right else None


@text_cache
def frames(text: str) -> tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]:
    """The listed relations of ``text``: (relation, first end's token indices, second end's)."""
    t = analyze(text)
    toks = t.tokens
    if not t.latin or not toks:
        return ()
    universal = any(tok.low in _UNIVERSAL for tok in toks)
    if not universal and not any(tok.low[:3] in _heads() for tok in toks):
        return ()
    terms = {idx: key for key, idx in role_terms(text)}
    out = list(_subsets(toks, terms)) if universal else []
    for i in range(len(toks)):
        for size, phrase in _matches(toks, i):
            ends = _ends(toks, i, size, phrase[2], terms)
            if ends is not None:
                first, second = ends if phrase[1] > 0 else ends[::-1]
                out.append((phrase[0], tuple(first), tuple(second)))
                break
    return tuple(out)


def _subsets(
    toks: tuple[Token, ...], terms: dict[int, str]
) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """ "All X are Y", "Is every X a Y", "Are all X Y": X is a kind of Y, read as the
    container relation (Y, X). In "Are all X Y" with no article between, the first term
    is X and the rest Y."""
    out = []
    for i, tok in enumerate(toks):
        if tok.low not in _UNIVERSAL:
            continue
        x = _end(toks, i + 1, 1, terms)
        if not x:
            continue
        j = max(x) + 1
        while j < len(toks) and toks[j].low in _COPULA_OR_ARTICLE:
            j += 1
        y = _end(toks, j, 1, terms) if j > max(x) + 1 else []
        if not y and len(x) >= 2 and i > 0 and toks[i - 1].low in _COPULA:
            x, y = x[:1], x[1:]  # "Are all rhombuses squares"
        if y:
            out.append(("container", tuple(y), tuple(x)))
    return out


def _keys(roles: tuple[Role, ...], idx: tuple[int, ...]) -> frozenset[str]:
    at = {i: _PERSON.get(k, k) for k, i in roles}
    return frozenset(at[i] for i in idx if i in at)


def _framed(text: str, roles: tuple[Role, ...]) -> list[Frame]:
    """The text's frames in role keys, without a relation the text names both ways
    ("Did A beat B or did B beat A"): such a text compares, it takes no side."""
    out = [(name, _keys(roles, x), _keys(roles, y)) for name, x, y in frames(text)]
    both = {n for n, x, y in out for m, u, v in out if m == n and x & v - y and y & u - x}
    return [f for f in out if f[0] not in both]


def frame_change(a: str, b: str) -> tuple[str, str, frozenset[str]] | None:
    """``("swapped", detail, terms)`` when both texts name one listed relation over the
    same two terms with the ends exchanged, ``("same", detail, terms)`` when with the ends
    kept, None when they share no listed relation over the same terms (``terms``: the
    role keys of both ends, in ``a``'s keys)."""
    if not frames(a) or not frames(b):
        return None
    ka, kb = role_keys(a, b)
    verdict: tuple[str, str, frozenset[str]] | None = None
    for name, xa, ya in _framed(a, ka):
        da, ea = xa - ya, ya - xa
        for other, xb, yb in _framed(b, kb):
            db, eb = xb - yb, yb - xb
            if other != name or not (da and ea and db and eb):
                continue
            shown = f"{name}: {' '.join(sorted(da)).lstrip('~')} / {' '.join(sorted(ea))}"
            if da & eb and ea & db and not (da & db or ea & eb):
                return "swapped", shown.replace("~", ""), da | ea
            if da & db and ea & eb and not (da & eb or ea & db):
                verdict = "same", shown.replace("~", ""), da | ea
    return verdict
