"""Pairing the content words of two texts, so a paraphrase is not mistaken for a change.

Each content word of one text is paired with at most one of the other (a one-to-one
alignment, which also gives the order guard the positions it compares). Two words are
counterparts, in this order of preference, when they:

1. share a stem ("deleting"/"deleted");
2. name the same thing ("js"/"javascript", ``data/names.txt``), are the same unit
   ("mg"/"milligrams", "24h"/"24 hours"; a one-letter unit only after a number) or share
   a synonym group ("remove"/"delete", ``data/synonyms.txt``);
3. are one word written as two ("login"/"log in", "dataframe"/"data frame");
4. are an abbreviation and its word ("config"/"configuration"), a shortening without its
   vowels ("acct"/"account", "svc"/"service") or derivations of one root
   ("convert"/"conversion");
5. are a misspelling of one another: one edit (insert, delete, swap two neighbours, or
   replace a letter in words of 6+ letters) for words of 4+ letters, two for 8+; in
   three-letter words a swap of two neighbours or a final doubled letter written once
   ("wil"/"will"); or a well-known confusion of real words ("loose"/"lose");
6. are a dotted or snake_case identifier and the plain lowercase words it is built of
   ("spec.selector"/"selector", "x_train"/"train"; pairs marked "part", which the role
   readers skip: code at the end of a question is not a moved term). A camelCase name
   alone is not its parts ("StringBuilder" is no "string");
7. are an acronym and the words whose initials it spells ("BOL"/"bill of lading",
   "LOTR"/"Lord of the Rings", "ctr"/"click through rate"; function words may be
   skipped), all of them left over.

Never across digits, never between two different known words (two names, two listed
opposites, two month names...), and never between listed opposites: "Austria" and
"Australia", "import" and "export" stay different. A content word may also be a misspelling
of a function word of the other text ("befor"/"before"), or, when only one text has words
left over, a noun that says what kind of thing its neighbour is ("the DHCPREQUEST
message", "a 502 error", ``shortenings.LABELS``): it is then paired with nothing but no
longer counts as extra. What is left on each side is what one text says and the
other does not: the entity and scope guards and the verifier read it.
"""

from __future__ import annotations

import re

from .lexicon import lexicon
from .numwords import UNITS, same_unit
from .shortenings import acronyms, contraction, identifier_parts, labels
from .spellings import edit_distance, similar_code
from .tokens import STOPWORDS, Text, Token, analyze, pair_cache, text_cache, word_cache
from .vocab import wordset

__all__ = ["Alignment", "align", "edit_distance", "similar_spelling"]

#: Real words often typed for one another; each pair counts as one word.
CONFUSIONS = frozenset(
    frozenset(p.split("/"))
    for p in wordset(
        "lose/loose breath/breathe advice/advise principal/principle complement/compliment "
        "stationary/stationery desert/dessert compliant/complaint weather/whether then/than"
    )
)

_CONFUSED = frozenset(w for pair in CONFUSIONS for w in pair)

#: The dot of a standard's name between its letters and its number ("H.265" is "H265",
#: "X.509" is "x509"); a dot between digits ("v1.2") stays.
_LETTER_DOT_DIGIT = re.compile(r"(?<=[a-z])\.(?=\d)")


def _flat(low: str) -> str:
    """A word without its hyphens, apostrophes and a standard's dot ("budgie's", "H.265")."""
    return _LETTER_DOT_DIGIT.sub("", low.replace("-", "").replace("'", ""))


def similar_spelling(a: str, b: str) -> bool:
    """Whether ``a`` looks like a misspelling of ``b`` (or the reverse): see the module
    docstring. Words with digits never match; nor do two different known words."""
    if a == b:
        return True
    n = min(len(a), len(b))
    if abs(len(a) - len(b)) > 2 or n < 3 or (a[0] != b[0] and a[:2] != b[1::-1]):
        return a in _CONFUSED and frozenset((a, b)) in CONFUSIONS
    if not (a.isalpha() and b.isalpha()):
        return False
    lex = lexicon()
    if n == 3:  # three letters: two neighbours swapped ("dya"/"day"), "wil"/"will"
        if len(a) == len(b):
            return a[0] == b[0] and a[1:] == b[:0:-1] and not (lex.known(a) and lex.known(b))
        return _double_written_once(a, b) and not (lex.known(a) and lex.known(b))
    if lex.known(a) and lex.known(b):
        return False
    limit = 2 if n >= 8 else 1
    if n < 6 and len(a) == len(b) and sorted(a) != sorted(b):
        return False  # short words one letter apart are often other words: sang/song
    return edit_distance(a, b, limit) <= limit


def _double_written_once(a: str, b: str) -> bool:
    """One word is the other with its final doubled letter written once: "wil"/"will",
    "pas"/"pass". Only at the end: inside a word the shorter one is often another word
    ("god"/"good", "act"/"acct")."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(long_) == len(short) + 1 and long_[:-1] == short and long_[-1] == short[-1]


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


class _Term:
    """What the pairing needs to know of one content word, looked up once per text."""

    __slots__ = ("canon", "flat", "groups", "known", "low", "name", "stem", "unit")

    def __init__(self, stem: str, low: str) -> None:
        lex = lexicon()
        self.stem, self.low, self.flat = stem, low, _flat(low)
        self.unit = UNITS.get(low) if len(low) > 1 else None
        self.canon = lex.canonical_name(stem)
        self.groups = lex.groups.get(stem)
        self.name = lex.is_name(stem)
        self.known = lex.known(stem)


@word_cache
def _term(stem: str, low: str, cased: str | None = None, counted: bool = False) -> _Term:
    """One word's lexicon facts (shared, never changed: a word recurs across texts);
    ``cased``: the name it stands for only as written ("AZ" is Arizona, "az" is not);
    ``counted``: it follows a number, so a one-letter unit is one ("24h", "5 m")."""
    term = _Term(stem, low)
    if cased is not None:
        term.canon, term.name = cased, True
    if counted and len(low) == 1:
        term.unit = UNITS.get(low)
    return term


@text_cache
def _terms(text: str) -> tuple[_Term, ...]:
    t = analyze(text)
    cased = lexicon().cased
    return tuple(
        _term(
            s,
            low,
            None if low in STOPWORDS else cased.get(t.tokens[idx].text),
            idx > 0 and t.tokens[idx - 1].kind == "num",
        )
        for s, idx in t.terms
        for low in (t.tokens[idx].low,)
    )


def _related(p: _Term, q: _Term) -> str | None:
    """How two unpaired content words are counterparts (see the module docstring)."""
    if p.flat == q.flat:
        return "compound"  # "semi-final" / "semifinal", "budgie's" / "budgies", "H.265" / "h265"
    x, y = p.stem, q.stem
    if lexicon().opposite(x, y):
        return None
    if (
        p.canon == q.canon
        or lexicon().family(p.canon, q.canon)
        or (p.unit is not None and q.unit is not None and same_unit(p.unit, q.unit))
    ):
        return "alias"  # "js" / "javascript"; "mg" / "milligrams", "24h" / "24 hours"
    if p.groups is not None and q.groups is not None and not p.groups.isdisjoint(q.groups):
        return "synonym"
    if p.name or q.name:
        return "typo" if similar_spelling(x, y) or similar_spelling(p.low, q.low) else None
    if not (p.known and q.known) and (_abbreviates(x, y) or _shared_root(x, y)):
        return "root"
    if contraction(p.low, q.low) and not min(p, q, key=lambda t: len(t.low)).known:
        return "root"  # the shortening is no listed word itself ("pkg" / "package")
    if similar_spelling(x, y) or similar_spelling(p.low, q.low) or similar_code(p.low, q.low):
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


@text_cache
def _phrases(text: str) -> dict[str, tuple[int, ...]]:
    """Runs of two or three words of ``text`` by their spelling without spaces ("log in"
    under "login"), and listed names of two to four words by the canonical name they spell
    ("new york" under "new york city"): token indices of the first such run."""
    lex = lexicon()
    toks = [x for x in analyze(text).tokens if x.kind != "sym"]
    lows = [x.low for x in toks]
    at = [x.index for x in toks]
    out: dict[str, tuple[int, ...]] = {}
    last = len(toks) - 1
    for k in range(last):
        two = lows[k] + lows[k + 1]
        if two not in out:  # the first run spelled so wins
            out[two] = (at[k], at[k + 1])
        if k + 1 < last:
            three = two + lows[k + 2]
            if three not in out:
                out[three] = (at[k], at[k + 1], at[k + 2])
        if lows[k] in lex.phrase_starts:
            for size in (2, 3, 4):
                spaced = " ".join(lows[k : k + size])
                if k + size <= len(toks) and spaced in lex.phrases:
                    idx = tuple(x.index for x in toks[k : k + size])
                    out.setdefault("=" + lex.canonical_name(spaced), idx)
    return out


def _groups(
    t1: Text,
    t2: Text,
    p2: str,
    left1: list[int],
    left2: list[int],
    pairs: list[Pair],
    only_joined: bool = False,
) -> None:
    """One word of ``t1`` for several of ``t2`` (whose text is ``p2``): "login" / "log in",
    "NYC" / "New York", "UK" / "United Kingdom". Pairs are appended as (term of t1, term of
    t2); matched terms leave ``left1``/``left2``. ``only_joined``: words written as two
    only ("superbowl" / "super bowl"), read before a prefix could pair "super" alone."""
    if not left1:
        return  # nothing to pair: the other text's runs are not read
    lex = lexicon()
    runs = _phrases(p2)
    if not runs:
        return
    for i in list(left1):
        word = t1.tokens[t1.terms[i][1]].low.replace("-", "")
        hit = runs.get(word)
        if hit is None and not only_joined:
            hit = runs.get("=" + lex.canonical_name(word))
        if hit is None:
            continue
        js = [j for j in left2 if t2.terms[j][1] in hit]
        if js:
            left1.remove(i)
            for j in js:
                left2.remove(j)
                pairs.append((i, j, "compound"))


def _rest(texts: tuple[str, str], left_a: list[int], left_b: list[int], pairs: list[Pair]) -> None:
    """Pair the terms exact stems left over: words written as two first, then synonyms,
    compounds, roots, typos, then one word against several (names too). Matched terms
    leave ``left_a``/``left_b``."""
    ta, tb = analyze(texts[0]), analyze(texts[1])
    info_a, info_b = _terms(texts[0]), _terms(texts[1])
    _groups(ta, tb, texts[1], left_a, left_b, pairs, only_joined=True)
    flipped: list[Pair] = []
    _groups(tb, ta, texts[0], left_b, left_a, flipped, only_joined=True)
    pairs.extend((i, j, how) for j, i, how in flipped)
    taken: set[int] = set()
    for i in list(left_a):
        for j in left_b:
            if j in taken:
                continue
            how = _related(info_a[i], info_b[j])
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
    _groups(ta, tb, texts[1], left_a, left_b, pairs)
    flipped.clear()
    _groups(tb, ta, texts[0], left_b, left_a, flipped)
    pairs.extend((i, j, how) for j, i, how in flipped)


@text_cache
def _function_words(text: str) -> dict[str, tuple[str, ...]]:
    """The function words of ``text`` by first letter (for misspelling checks)."""
    t = analyze(text)
    out: dict[str, list[str]] = {}
    terms = {idx for _, idx in t.terms}
    words = {x.low for x in t.tokens if x.kind == "word" and x.index not in terms}
    words |= {p for x in t.tokens if "-" in x.low for p in x.low.split("-") if p in STOPWORDS}
    for w in words:  # with the function words inside hyphenated ones ("read-only")
        out.setdefault(w[:1], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _function_typos(t: Text, other: str, left: list[int]) -> list[int]:
    """Drop terms that misspell a function word of the other text ("befor", "evry")."""
    if not left:
        return left
    function = _function_words(other)
    out = []
    for i in left:
        low = t.tokens[t.terms[i][1]].low
        if "-" in low:
            low = t.terms[i][0]  # a part of "read-onley"
        near = function.get(low[:1], ()) + function.get(low[1:2], ())
        if not any(similar_spelling(low, w) for w in near):
            out.append(i)
    return out


def _identifiers(t1: Text, t2: Text, left1: list[int], left2: list[int], pairs: list[Pair]) -> None:
    """An identifier of ``t1`` left over meets the plain lowercase words of ``t2`` left
    over that are its parts ("spec.selector" / "the selector", "x_train" / "the train
    set"): the code names what the words say. Appends (term of t1, term of t2, "part")."""
    for i in list(left1):
        parts = identifier_parts(t1.tokens[t1.terms[i][1]].text)
        js = [j for j in left2 if t2.terms[j][0] in parts and _plain(t2.tokens[t2.terms[j][1]])]
        if js:
            left1.remove(i)
            for j in js:
                left2.remove(j)
                pairs.append((i, j, "part"))


def _plain(tok: Token) -> bool:
    """A word written in lower case that is no identifier itself."""
    return tok.low == tok.text and not identifier_parts(tok.text)


@pair_cache
def align(a: str, b: str) -> Alignment:
    """Pair the content words of ``a`` and ``b`` (see the module docstring)."""
    ta, tb = analyze(a), analyze(b)
    pairs, left_a, left_b = _exact(ta, tb)
    if left_a or left_b:
        _rest((a, b), left_a, left_b, pairs)
        _identifiers(ta, tb, left_a, left_b, pairs)
        flipped: list[Pair] = []
        _identifiers(tb, ta, left_b, left_a, flipped)
        pairs.extend((i, j, how) for j, i, how in flipped)
        pairs.extend((i, j, "compound") for i, j in acronyms(ta, tb, left_a, left_b))
        pairs.extend((i, j, "compound") for j, i in acronyms(tb, ta, left_b, left_a))
        left_a = _function_typos(ta, b, left_a)
        left_b = _function_typos(tb, a, left_b)
        if not left_b:  # a kind noun on one side only: "the DHCPREQUEST message"
            left_a = labels(ta, left_a, {i for i, _, _ in pairs})
        elif not left_a:
            left_b = labels(tb, left_b, {j for _, j, _ in pairs})
    seen_a = {ta.terms[i][0] for i, _, _ in pairs}
    seen_b = {tb.terms[j][0] for _, j, _ in pairs}
    only_a = tuple(dict.fromkeys(s for s in (ta.terms[i][0] for i in left_a) if s not in seen_a))
    only_b = tuple(dict.fromkeys(s for s in (tb.terms[j][0] for j in left_b) if s not in seen_b))
    pairs.sort()
    matched = len(seen_a)
    return Alignment(tuple(pairs), only_a, only_b, matched)
