"""Pairing the content words of two texts, so a paraphrase is not mistaken for a change.

Each content word of one text is paired with at most one of the other (a one-to-one
alignment, which also gives the order guard the positions it compares). Two words are
counterparts, in this order of preference, when they:

1. share a stem ("deleting"/"deleted");
2. name the same thing ("js"/"javascript", ``data/names.txt``) or share a synonym group
   ("remove"/"delete", ``data/synonyms.txt``);
3. are one word written as two ("login"/"log in", "dataframe"/"data frame");
4. are an abbreviation and its word ("config"/"configuration") or derivations of one root
   ("convert"/"conversion");
5. are a misspelling of one another: one edit (insert, delete, swap two neighbours, or
   replace a letter in words of 6+ letters) for words of 4+ letters, two for 8+; or a
   well-known confusion of real words ("loose"/"lose").

Never across digits, never between two different known words (two names, two listed
opposites, two month names...), and never between listed opposites: "Austria" and
"Australia", "import" and "export" stay different. A content word may also be a misspelling
of a function word of the other text ("befor"/"before"): it is then paired with nothing
but no longer counts as extra. What is left on each side is what one text says and the
other does not: the entity and scope guards and the verifier read it.
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import lexicon
from .tokens import CACHE_SIZE, Text, analyze

__all__ = ["Alignment", "align", "edit_distance", "similar_spelling"]

#: Real words often typed for one another; each pair counts as one word.
CONFUSIONS = frozenset(
    frozenset(p.split("/"))
    for p in (
        "lose/loose",
        "breath/breathe",
        "advice/advise",
        "principal/principle",
        "complement/compliment",
        "stationary/stationery",
        "desert/dessert",
        "compliant/complaint",
        "weather/whether",
        "then/than",
    )
)


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), stopping past ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def similar_spelling(a: str, b: str) -> bool:
    """Whether ``a`` looks like a misspelling of ``b`` (or the reverse): see the module
    docstring. Words with digits never match; nor do two different known words."""
    if a == b:
        return True
    if frozenset((a, b)) in CONFUSIONS:
        return True
    n = min(len(a), len(b))
    if n < 3 or not (a.isalpha() and b.isalpha()):
        return False
    if a[0] != b[0] and a[:2] != b[1::-1]:
        return False
    if n == 3:  # three letters: only two neighbours swapped ("dya"/"day")
        return len(a) == len(b) and a[0] == b[0] and a[1:] == b[:0:-1] and not lexicon().known(a)
    lex = lexicon()
    if lex.known(a) and lex.known(b):
        return False
    limit = 2 if n >= 8 else 1
    if n < 6 and len(a) == len(b) and sorted(a) != sorted(b):
        return False  # short words one letter apart are often other words: sang/song
    return edit_distance(a, b, limit) <= limit


def _shared_root(a: str, b: str) -> bool:
    """Derivations of one root: "convert"/"conversion", "calculate"/"calculation"."""
    short = min(len(a), len(b))
    if short < 5:
        return False
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.75 * short


def _abbreviates(a: str, b: str) -> bool:
    """One word is the other's leading part: "config"/"configuration", "repo"/"repository"."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and long_.startswith(short) and len(short) < len(long_)


def _related(x: str, y: str, lx: str, ly: str) -> str | None:
    """How two unpaired content words (stems ``x``, ``y``; as written ``lx``, ``ly``) are
    counterparts (see the module docstring)."""
    if lx.replace("-", "") == ly.replace("-", ""):
        return "compound"  # "semi-final" / "semifinal"
    lex = lexicon()
    if lex.opposite(x, y):
        return None
    if lex.canonical_name(x) == lex.canonical_name(y):
        return "alias"
    if lex.synonyms(x, y):
        return "synonym"
    if lex.is_name(x) or lex.is_name(y):
        return "typo" if similar_spelling(x, y) or similar_spelling(lx, ly) else None
    both_known = lex.known(x) and lex.known(y)
    if not both_known and (_abbreviates(x, y) or _shared_root(x, y)):
        return "root"
    if similar_spelling(x, y) or similar_spelling(lx, ly):
        return "typo"
    return None


Pair = tuple[int, int, str]


class Alignment:
    """The one-to-one pairing of two texts' content words.

    ``pairs`` holds ``(i, j, how)``: term ``i`` of the first text (an index into
    ``Text.terms``) is paired with term ``j`` of the second; ``only_a``/``only_b`` are the
    distinct stems left without a counterpart; ``matched`` the distinct paired stems of
    the first text.
    """

    __slots__ = ("matched", "only_a", "only_b", "pairs")

    def __init__(
        self,
        pairs: tuple[tuple[int, int, str], ...],
        only_a: tuple[str, ...],
        only_b: tuple[str, ...],
        matched: int,
    ) -> None:
        self.pairs = pairs
        self.only_a = only_a
        self.only_b = only_b
        self.matched = matched


def _exact(ta: Text, tb: Text) -> tuple[list[Pair], list[int], list[int]]:
    free: dict[str, list[int]] = {}
    for j, (s, _) in enumerate(tb.terms):
        free.setdefault(s, []).append(j)
    pairs: list[Pair] = []
    left_a: list[int] = []
    for i, (s, _) in enumerate(ta.terms):
        slot = free.get(s)
        if slot:
            pairs.append((i, slot.pop(0), "same"))
        else:
            left_a.append(i)
    used = {j for _, j, _ in pairs}
    return pairs, left_a, [j for j in range(len(tb.terms)) if j not in used]


def _runs(t: Text, size: int) -> list[tuple[str, str, list[int]]]:
    """Every run of ``size`` word tokens: (joined without spaces, with spaces, token
    indices)."""
    toks = [x for x in t.tokens if x.kind != "sym"]
    out = []
    for k in range(len(toks) - size + 1):
        run = toks[k : k + size]
        lows = [x.low for x in run]
        out.append(("".join(lows), " ".join(lows), [x.index for x in run]))
    return out


def _groups(t1: Text, t2: Text, left1: list[int], left2: list[int], pairs: list[Pair]) -> None:
    """One word of ``t1`` for several of ``t2``: "login" / "log in", "NYC" / "New York",
    "UK" / "United Kingdom". Pairs are appended as (term of t1, term of t2); matched terms
    leave ``left1``/``left2``."""
    lex = lexicon()
    for i in list(left1):
        word = t1.tokens[t1.terms[i][1]].low.replace("-", "")
        canon = lex.canonical_name(word)
        for size in (2, 3, 4):
            hit = next(
                (
                    idx
                    for joined, spaced, idx in _runs(t2, size)
                    if joined == word or (spaced != word and lex.canonical_name(spaced) == canon)
                ),
                None,
            )
            if hit is not None:
                js = [j for j in left2 if t2.terms[j][1] in hit]
                if js:
                    left1.remove(i)
                    for j in js:
                        left2.remove(j)
                        pairs.append((i, j, "compound"))
                break


def _rest(ta: Text, tb: Text, left_a: list[int], left_b: list[int], pairs: list[Pair]) -> None:
    """Pair the terms exact stems left over (synonyms, compounds, roots, typos), then one
    word against several. Matched terms leave ``left_a``/``left_b``."""
    taken: set[int] = set()
    for i in list(left_a):
        x = ta.terms[i][0]
        lx = ta.tokens[ta.terms[i][1]].low
        for j in left_b:
            if j in taken:
                continue
            how = _related(x, tb.terms[j][0], lx, tb.tokens[tb.terms[j][1]].low)
            if how is not None:
                if how != "compound":  # the parts of "semi-final" all meet "semifinal"
                    taken.add(j)
                token = tb.terms[j][1]
                same_token = (
                    [k for k in left_b if tb.terms[k][1] == token] if how == "compound" else [j]
                )
                pairs.extend((i, k, how) for k in same_token)
                left_a.remove(i)
                break
    left_b[:] = [j for j in left_b if j not in {j for _, j, _ in pairs}]
    _groups(ta, tb, left_a, left_b, pairs)
    flipped: list[Pair] = []
    _groups(tb, ta, left_b, left_a, flipped)
    pairs.extend((i, j, how) for j, i, how in flipped)


def _function_typos(t: Text, other: Text, left: list[int]) -> list[int]:
    """Drop terms that misspell a function word of the other text ("befor", "evry")."""
    if not left:
        return left
    function = {x.low for x in other.tokens if x.kind == "word"} - set(other.content)
    return [
        i
        for i in left
        if not any(similar_spelling(t.tokens[t.terms[i][1]].low, w) for w in function)
    ]


@lru_cache(maxsize=CACHE_SIZE)
def align(a: str, b: str) -> Alignment:
    """Pair the content words of ``a`` and ``b`` (see the module docstring)."""
    ta, tb = analyze(a), analyze(b)
    pairs, left_a, left_b = _exact(ta, tb)
    if left_a or left_b:
        _rest(ta, tb, left_a, left_b, pairs)
        left_a = _function_typos(ta, tb, left_a)
        left_b = _function_typos(tb, ta, left_b)
    seen_a = {ta.terms[i][0] for i, _, _ in pairs}
    seen_b = {tb.terms[j][0] for _, j, _ in pairs}
    only_a = tuple(dict.fromkeys(s for s in (ta.terms[i][0] for i in left_a) if s not in seen_a))
    only_b = tuple(dict.fromkeys(s for s in (tb.terms[j][0] for j in left_b) if s not in seen_b))
    pairs.sort()
    matched = len(seen_a)
    return Alignment(tuple(pairs), only_a, only_b, matched)
