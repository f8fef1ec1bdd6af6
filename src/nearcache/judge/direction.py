"""Guard (``direction``): the same words must stand in the same roles.

"Convert Celsius to Fahrenheit" / "Fahrenheit to Celsius" (0.995) and "Did Brazil beat
Germany?" / "Did Germany beat Brazil?" (0.996) use the same words; only who does what to
whom changed. The guard rejects a pair when

* a term is the **source** in one text and the **destination** in the other: the word
  after "from" or "out of" (not "run out of": running short) against the word after
  "to"/"into"/"onto"/"towards" ("move money from
  PayPal to my bank" / "from my bank to PayPal"), so "from X to Y" and "to Y from X" agree
  while "to X from Y" does not; the thing moved in "<verb> my/the X to Y" is a source too
  ("mirror my phone to my tablet" / "mirror my tablet to my phone"), and so is the first
  term of the thing turned in "<verb> a <modifiers> X <more> into Y" ("turn a wide table
  with one column per month into a long one"); a language is also
  a destination after "in" and in "the German word for X", a source in "the German
  word X" ("What does the German word Gift mean in English" / "translate gift from
  English to German"); or
* two terms are **exchanged** around a frame or pivot that stayed in place (see
  :mod:`.order`: "Is X a subset of Y" / "Is Y a subset of X"; "Can I catch a cold from my
  cat" / "Can my cat catch a cold from me").
* a listed relation names the same two terms with its ends exchanged in other words
  ("Is numpy a dependency of pandas" / "Does numpy depend on pandas"; "Does Maria report
  to Tom" / "Is Maria Tom's boss"; see :mod:`.frames`); with its ends kept ("Does pandas
  depend on numpy") the exchange of order is the converse, neutral; or
* one term alone changes role (:mod:`.agents`): a person who acts at a shared verb in one
  text is acted on at it in the other ("I sent a payment to the wrong person" / "Someone
  sent a payment to me"), or the term compared in one text comes after "than" in the
  other ("X vs Y: is Y faster?" / "Is X faster than Y?"); or the speaker does a verb
  in one text and it is done to them, or to what they own, in the other
  (:mod:`.voice`: "I cancelled my train" / "My train got cancelled", "someone hits my
  car" / "I hit someone's car"); or
* terms trade clauses while each clause keeps its frame (:mod:`.clauseswap`: "we went forward
  to v5, how to roll back to v3" / "we rolled back to v3, how to go forward to v5").

A phrase moved as one block ("In Python, how do I reverse a list?") passes, and so do
terms around a symmetric connective (and, or, vs, versus, with, between). An exchange
together with a pair of opposites is the converse, the same question ("Is X cheaper
than Y" / "Is Y more expensive than X"): neutral, the verifier decides. So is a passive
on one side ("Was Germany beaten by Brazil" / "Did Brazil beat Germany").

Limits: see :mod:`.order` (English word order, no parser).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from .agents import case_moved, comparison_turned, effect_turned
from .align import align
from .antonyms import comparative_converse, exchanged_poles, opposition
from .clauseswap import clause_turned, slots_swapped
from .compounds import link_swapped
from .crossing import crossed
from .formats import format_swapped
from .frames import frame_change
from .lexicon import lexicon
from .markers import marker_changed
from .mentions import mention_turned
from .order import exchange
from .relations import person_swapped
from .roles import SYMMETRIC_PREDICATES, Exchange, role_keys, role_terms
from .tokens import STOPWORDS, Text, Token, analyze, pair_cache, text_cache
from .types import NEUTRAL, PASS, REJECT, GuardResult
from .unknowns import unknown_swapped
from .voice import noun_voice_changed, owner_moved, voice_changed

__all__ = ["converse", "endpoints", "guard_direction", "symmetric_relation"]

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
        if not source and tok.low not in _TARGET:
            continue
        for k in range(i + 1, min(len(toks), i + 1 + _REACH)):
            if toks[k].kind == "sym" or toks[k].low in _SOURCE or toks[k].low in _TARGET:
                break
            if k in term_at and toks[k].low not in STOPWORDS | {"my", "your", "our", "their"}:
                (src if source else dst).add(k)
                moved = _moved_object(toks, i, term_at) if tok.low in _TARGET else None
                if moved is None and tok.low in _TARGET:
                    moved = _object_of(toks, i, term_at)
                if moved is not None:
                    src.add(moved)
                break
    for k, side in _languages(t):
        if k in term_at:
            (src if side == "from" else dst).add(k)
    return frozenset(src), frozenset(dst)


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


def _swapped_ends(a: str, b: str) -> str | None:
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


_RELATIVE_OPENERS = frozenset(("that", "which", "who", "whom", "whose"))


def _symmetric_predicate(t: Text) -> str | None:
    return next((w for w in t.words if w in SYMMETRIC_PREDICATES), None)


def symmetric_relation(found: Exchange) -> str | None:
    """The symmetric relation (``data/symmetric.txt``) the exchanged terms stand in, in
    every text: "Did Kennedy *meet* Khrushchev", "Is 0.999... *equal to* 1", "*How far*
    is Lyon from Nice". None when one text lacks it or the exchange records no sides, or
    when a relative clause opens between the terms after words before the first: the
    first term is then no party to the relation ("the regions in B *that* do not overlap
    A": the regions are)."""
    if not found.sides or any(
        lead and between and between[0] in _RELATIVE_OPENERS for between, lead in found.sides
    ):
        return None
    lex = lexicon()
    words = [lex.symmetric_relation(between, lead) for between, lead in found.sides]
    return words[0] if all(words) else None


def converse(a: str, b: str, found: Exchange) -> bool:
    """An exchange that comes with a pair of converse words is the same statement: a
    comparative turned round ("X is cheaper than Y" / "Y is more expensive than X") or a
    listed converse ("X came before Y" / "Y came after X")."""
    opposite = opposition(a, b)
    if opposite is None or exchanged_poles(found, opposite):
        return False
    if comparative_converse(found, opposite):
        return True
    return lexicon().converse(opposite[0], opposite[1])


def _percent_of(found: Exchange) -> bool:
    """Two numbers exchanged around "% of" / "percent of": the same product."""
    return (
        found.x.startswith("#")
        and found.y.startswith("#")
        and found.pivot
        in (
            "% of",
            "percent of",
        )
    )


#: The role readers other than an exchange of order, in the order they are asked, each
#: with how its finding is said.
_ROLE_READERS: tuple[tuple[Callable[[str, str], Any], Callable[[Any], str]], ...] = (
    (format_swapped, lambda f: f"{f[0]!r} files opened in {f[1]!r}, not the reverse"),
    (link_swapped, lambda f: f"{f[0]!r} one way, {f[1]!r} in the other"),
    (
        unknown_swapped,
        lambda f: f"the amount asked for and the one given exchanged at {f[0]!r} / {f[1]!r}",
    ),
    (person_swapped, lambda f: f"{f!r} is the subject in one text only"),
    (case_moved, lambda f: f"{f[0]!r} acts at {f[1]!r} in one text only"),
    (
        voice_changed,
        lambda f: f"the speaker does {f!r} in one text, it is done to them in the other",
    ),
    (
        owner_moved,
        lambda f: f"the speaker does {f!r} in one text, it is done to what they own in the other",
    ),
    (
        noun_voice_changed,
        lambda f: f"the {f[0]!r} does {f[1]!r} in one text, it is done to it in the other",
    ),
    (comparison_turned, lambda f: f"{f!r} is compared in one text, after 'than' in the other"),
    (
        mention_turned,
        lambda f: f"one mention of {f[0]!r} / {f[1]!r} turned into its opposite",
    ),
    (
        slots_swapped,
        lambda f: f"{f[0]!r} and {f[1]!r} trade clauses while each clause keeps its frame",
    ),
    (marker_changed, lambda f: f"{f[0]!r} is marked {f[1]!r} in one text, {f[2]!r} in the other"),
    (crossed, lambda f: f"{f[0]!r} and {f[1]!r} cross with nothing to explain it"),
)


def _role_changed(a: str, b: str, *, unframed: bool) -> str | None:
    """What one of the role readers in other words than an exchange of order found
    changed (an application's format, the amount asked for, a person's or a term's role,
    a comparison, cause and effect), or None."""
    for read, say in _ROLE_READERS:
        found = read(a, b)
        if found is not None:
            return say(found)
    turned = effect_turned(a, b) if unframed else None
    if turned is not None:
        return f"{turned[0]!r} and {turned[1]!r} trade subject and object"
    return None


def guard_direction(a: str, b: str) -> GuardResult:
    """Reject when the two texts exchange their terms' roles (see the module docstring)."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: roles not read")
    framed = frame_change(a, b)
    if framed is not None and framed[0] == "swapped":
        return GuardResult(REJECT, f"roles changed: {framed[1]} (other words, ends exchanged)")
    changed = _role_changed(a, b, unframed=framed is None)
    if changed is not None:
        return GuardResult(REJECT, f"roles changed: {changed}")
    found = exchange(a, b)
    end = _swapped_ends(a, b)
    if framed is not None and isinstance(found, Exchange) and {found.x, found.y} <= framed[2]:
        return GuardResult(NEUTRAL, f"converse: {framed[1]} named from the other end")
    if isinstance(found, Exchange) or end is not None:
        what = (
            f"{found.x.lstrip('~')} / {found.y.lstrip('~')} exchanged around {found.pivot!r}"
            if isinstance(found, Exchange)
            else f"{end!r} is a source on one side and a destination on the other"
        )
        symmetric = (
            symmetric_relation(found)
            if isinstance(found, Exchange) and found.sides
            else _symmetric_predicate(ta) or _symmetric_predicate(tb)
        )
        if symmetric:
            return GuardResult(NEUTRAL, f"{what}, but {symmetric!r} is symmetric")
        if isinstance(found, Exchange) and _percent_of(found):
            return GuardResult(NEUTRAL, f"{what}: x% of y is y% of x")
        if isinstance(found, Exchange) and converse(a, b, found):
            return GuardResult(NEUTRAL, f"converse: {what}, with opposite words")
        return GuardResult(REJECT, f"roles changed: {what}")
    turned = clause_turned(a, b, guard_direction)
    if turned is not None:
        return GuardResult(REJECT, f"roles changed in a clause: {turned}")
    if found is True:
        return GuardResult(PASS, "a phrase moved; the roles are kept")
    ka, kb = role_keys(a, b)
    if len({k for k, _ in ka} & {k for k, _ in kb}) >= 2:
        return GuardResult(PASS, "shared terms keep their order")
    return GuardResult(NEUTRAL, "fewer than two shared terms")
