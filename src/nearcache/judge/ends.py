"""Sources and destinations: a term moved *from* one place *to* another.

"move money from PayPal to my bank" / "from my bank to PayPal": the word after "from" or
"out of" (not "run out of": running short) is a source, the word after
"to"/"into"/"onto"/"towards" a destination, so "from X to Y" and "to Y from X" agree
while "to X from Y" does not. The thing moved in "<verb> my/the X to Y" is a source too
("mirror my phone to my tablet"), and so is the first term of the thing turned in "<verb>
a <modifiers> X <more> into Y"; a language is a destination after "in" and in "the
German word for X", a source in "the German word X". :func:`swapped_ends` finds a term
that is a source in one text and a destination in the other (the direction guard rejects).
"""

from __future__ import annotations

from collections.abc import Container

from .align import align
from .lexicon import lexicon
from .roles import role_keys, role_terms
from .tokens import STOPWORDS, Text, Token, analyze, pair_cache, text_cache, wordset

__all__ = ["endpoints", "swapped_ends"]

_SOURCE = frozenset({"from"})
_TARGET = frozenset({"to", "into", "onto", "towards", "toward"})
_REACH = 4
#: How far before "to"/"into" the verb of a moved or turned thing is looked for.
_OBJECT_REACH = 10
#: Verbs before "out of" that mean running short, not moving out: "run out of memory".
_RUN_SHORT = frozenset({"run", "runs", "ran", "running", "runnin"})
_LANGUAGE = "natural"  # the kind of "English", "German" in data/names.txt
_WORDING = frozenset({"word", "words", "phrase", "term", "expression", "saying", "name"})
_FEW = 3
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "our", "their", "his", "its"})
#: Words after which "to" opens an infinitive ("have to pay", "how to move", "able to").
_TAKES_INFINITIVE = wordset("have has had having need needs want wants how able going ought")
#: Words after a preposition that are no source or destination themselves.
_NO_END = STOPWORDS | {"my", "your", "our", "their"}


@text_cache
def endpoints(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Token indices of the sources ("from X") and destinations ("to X", "into X") of
    ``text``: the first role term within a few words after the preposition."""
    t = analyze(text)
    term_at = {idx for _, idx in role_terms(text)}
    src: set[int] = set()
    dst: set[int] = set()
    toks = t.tokens
    for i, tok in enumerate(toks):
        source = tok.low in _SOURCE or _out_of(toks, i)
        if not source and (tok.low not in _TARGET or _infinitive(toks, i)):
            continue
        k = _first_end(toks, i, term_at)
        if k is None:
            continue
        (src if source else dst).add(k)
        if tok.low in _TARGET:
            moved = _moved_object(toks, i, term_at)
            if moved is None:
                moved = _object_of(toks, i, term_at)
            if moved is not None:
                src.add(moved)
    for k, side in _languages(t):
        if k in term_at:
            (src if side == "from" else dst).add(k)
    return frozenset(src), frozenset(dst)


def _first_end(toks: tuple[Token, ...], i: int, term_at: Container[int]) -> int | None:
    """The first role term within a few words after the preposition at ``i``, before any
    symbol or other source or target preposition; else None."""
    for k in range(i + 1, min(len(toks), i + 1 + _REACH)):
        if toks[k].kind == "sym" or toks[k].low in _SOURCE or toks[k].low in _TARGET:
            return None
        if k in term_at and toks[k].low not in _NO_END:
            return k
    return None


def _infinitive(toks: tuple[Token, ...], i: int) -> bool:
    """The "to" at ``i`` opens an infinitive, no destination: after a word that takes one
    ("have to answer", "how to", "able to"), or before a word with its own object ("the
    deadline to *file an* answer", "rewritten to *match the* lock file")."""
    if toks[i].low != "to" or i + 1 >= len(toks) or toks[i + 1].kind != "word":
        return False
    if i and toks[i - 1].low in _TAKES_INFINITIVE:
        return True
    nxt = toks[i + 2].low if i + 2 < len(toks) else ""
    return toks[i + 1].low not in _DETERMINERS and nxt in _DETERMINERS


def _out_of(toks: tuple[Token, ...], i: int) -> bool:
    """ "of" at ``i`` closes "out of", a source ("copy a file out of a container") unless
    it follows a verb of running short ("run out of memory", "ran out of space")."""
    return (
        toks[i].low == "of"
        and i >= 2
        and toks[i - 1].low == "out"
        and toks[i - 2].low not in _RUN_SHORT
    )


def _moved_object(toks: tuple[Token, ...], i: int, term_at: Container[int]) -> int | None:
    """The thing moved in "<verb> X to Y" ("mirror my NAS to my laptop", "copy the
    database to the server"): the term right before "to" at ``i``, with only articles and
    possessives between it and the verb before it, is where the move starts."""
    k = i - 1
    if k < 1 or k not in term_at or toks[k].kind != "word" or toks[k].low in STOPWORDS:
        return None
    j = k - 1
    while j >= 0 and toks[j].low in _DETERMINERS:
        j -= 1
    verb = toks[j] if j >= 0 else None
    if verb is None or j == k - 1 or verb.kind != "word" or verb.low in STOPWORDS:
        return None  # no article or possessive: "convert Celsius to", left to the exchange
    return k if j in term_at and not verb.capitalized else None


def _object_of(toks: tuple[Token, ...], i: int, term_at: Container[int]) -> int | None:
    """The thing turned or moved in "<verb> a <modifiers> X <more> into Y" ("turn a wide
    table with one column per month into a long one", "convert a flat dataframe into"):
    the first term after the article that follows the nearest verb before "to"/"into" at
    ``i``, in the same stretch of words (no symbol, no other "from"/"to" between)."""
    for d in range(i - 1, max(0, i - _OBJECT_REACH) - 1, -1):
        tok = toks[d]
        if tok.kind == "sym" or tok.low in _SOURCE or tok.low in _TARGET:
            return None
        if tok.low not in _DETERMINERS or d < 1:
            continue
        verb = toks[d - 1]
        if verb.kind != "word" or verb.low in STOPWORDS or verb.capitalized:
            continue
        if d - 1 not in term_at:
            continue
        first = next((k for k in range(d + 1, i) if k in term_at), None)
        if first is not None and toks[first].low not in STOPWORDS:
            return first
        return None
    return None


def _head(toks: tuple[Token, ...], k: int, term_at: Container[int]) -> int:
    """The last word of the run of content words that starts at ``k``: the noun a
    modifier belongs to ("from a Kubernetes *pod*", "to my bank *account*")."""
    while (
        k + 1 < len(toks)
        and k + 1 in term_at
        and toks[k + 1].kind == "word"
        and toks[k + 1].low not in _SOURCE | _TARGET | STOPWORDS
    ):
        k += 1
    return k


def _languages(t: Text) -> list[tuple[int, str]]:
    """Languages a translation goes from or to, by other words than "from" and "to": "in
    English" and "the German word for gift" name the language translated into; "the
    German word Gift" names the one translated from."""
    lex = lexicon()
    toks = t.tokens
    out = []
    for k, tok in enumerate(toks):
        if tok.kind != "word" or lex.names.get(tok.low) != _LANGUAGE:
            continue
        nxt = toks[k + 1].low if k + 1 < len(toks) else ""
        after = toks[k + 2].low if k + 2 < len(toks) else ""
        if k and toks[k - 1].low == "in":
            out.append((k, "to"))
        elif nxt in _WORDING:
            out.append((k, "to" if after == "for" else "from"))
    return out


def _ends(text: str, key_of: dict[int, str], other: set[str]) -> tuple[set[str], set[str]]:
    """The keys of ``text``'s sources and destinations; a first word that ``other`` (the
    other text's keys) lacks stands for the noun it modifies ("from a Kubernetes pod"
    against "into a pod": the pod)."""
    toks = analyze(text).tokens

    def key(i: int) -> str | None:
        k = key_of.get(i)
        if k is None or k in other:
            return k
        return key_of.get(_head(toks, i, key_of))

    src, dst = endpoints(text)
    return {k for i in src if (k := key(i))}, {k for i in dst if (k := key(i))}


_QUOTES = frozenset({"'", '"', "`", "\u2018", "\u2019", "\u201c", "\u201d"})


def _segments(t: Text) -> list[int]:
    """The segment number of each token: any symbol but a quote starts a new one (a
    path, a colon, a dash, a sentence end: "kubectl cp a /tmp/b - is that how I put a
    file into a pod?")."""
    out, seg = [], 0
    for tok in t.tokens:
        if tok.kind == "sym" and tok.low not in _QUOTES:
            seg += 1
        out.append(seg)
    return out


@pair_cache
def _differing(a: str, b: str) -> int:
    """The most content words without a counterpart that either text has in the
    segments holding its sources and destinations (a command or a sentence beside them
    does not say how the move is worded)."""
    al = align(a, b)
    most = 0
    for text, own in ((a, 0), (b, 1)):
        t = analyze(text)
        seg = _segments(t)
        ends = endpoints(text)
        where = {seg[i] for i in (*ends[0], *ends[1])}
        paired = {p[own] for p in al.pairs}
        extra = {
            t.terms[n][0]
            for n in range(len(t.terms))
            if n not in paired and seg[t.terms[n][1]] in where
        }
        most = max(most, len(extra))
    return most


def swapped_ends(a: str, b: str) -> str | None:
    """A term that is a source on one side and a destination on the other."""
    ends_a, ends_b = endpoints(a), endpoints(b)
    if not (ends_a[0] or ends_a[1]) or not (ends_b[0] or ends_b[1]):
        return None
    if _differing(a, b) > _FEW:
        return None  # worded too differently to compare prepositions (other verbs)
    ka, kb = role_keys(a, b)
    keys_a, keys_b = {k for k, _ in ka}, {k for k, _ in kb}
    src_a, dst_a = _ends(a, {i: k for k, i in ka}, keys_b)
    src_b, dst_b = _ends(b, {i: k for k, i in kb}, keys_a)
    for term in sorted((src_a & dst_b) | (dst_a & src_b)):
        if not (term in src_a and term in dst_a) and not (term in src_b and term in dst_b):
            return term.lstrip("~")
    return None
