"""Role terms: the words whose order and case carry who does what to whom.

Each text becomes a sequence of *role terms*: content words (paired across two texts by
:func:`nearcache.judge.align.align`, so synonyms and typos line up and get one key),
numbers and personal pronouns (``I``/``me`` and ``my`` are different roles). Frame words
(prepositions, symmetric connectives, negations) are not terms: they are what stays
between them. :mod:`.order` compares the two sequences; :mod:`.relations` compares
owners, grammatical cases and question forms.
"""

from __future__ import annotations

from collections.abc import Container, Sequence, Set

from .align import align
from .tokens import Text, Token, analyze, pair_cache, stem, text_cache, wordset

__all__ = [
    "ARTICLES",
    "CLAUSE",
    "DETERMINERS",
    "PASSIVE_AUX",
    "POSSESSIVE",
    "QUESTION_WORDS",
    "RELATIONAL",
    "SYMMETRIC",
    "SYMMETRIC_PREDICATES",
    "TAKES_INFINITIVE",
    "Exchange",
    "Role",
    "Words",
    "clause_start",
    "flanks_kept",
    "noun_phrase",
    "participle",
    "role_keys",
    "role_terms",
    "shared_order",
]

SYMMETRIC = frozenset(
    (  # noqa: SIM905
        "and or vs vs. versus with between & / plus nor both either compared compare "
        "difference differences but yet while whereas"
    ).split()
)
#: Function words that relate the terms around them one way.
RELATIONAL = frozenset(
    (  # noqa: SIM905
        "to into onto from than of over under before after by for on in at against toward "
        "towards via per within above below beyond behind instead rather as like unlike"
    ).split()
)
_NEGATIONS = frozenset(["not", "no", "never"])
ARTICLES = frozenset(["a", "an", "the", "some", "any", "this", "that", "these", "those"])
CLAUSE = frozenset(",;:?!.\u2014")
PASSIVE_AUX = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten"]
)
_PRONOUNS = {
    "i": "<me>",
    "me": "<me>",
    "myself": "<me>",
    "my": "<my>",
    "mine": "<my>",
    "we": "<us>",
    "us": "<us>",
    "our": "<our>",
    "you": "<you>",
    "your": "<your>",
    "he": "<him>",
    "him": "<him>",
    "his": "<his>",
    "she": "<her>",
    "they": "<them>",
    "them": "<them>",
    "their": "<their>",
}
POSSESSIVE = wordset("my your his her our their its")
#: The articles and the possessive determiners.
DETERMINERS = ARTICLES | POSSESSIVE
#: The role keys of the possessive determiners ("my" is ``<my>``; "her" is not read).
OWNER_KEYS = frozenset({"<my>", "<our>", "<your>", "<his>", "<their>"})
_FRAME_WORDS = SYMMETRIC | RELATIONAL | _NEGATIONS
#: What may follow a letter that names a thing ("table a *but* not", "dict a *into*").
_AFTER_LETTER = SYMMETRIC | RELATIONAL | {"without", "is", "are", "has", "have"}
#: Words after which "to" opens an infinitive ("have to pay", "how to move", "able to").
TAKES_INFINITIVE = wordset("have has had having need needs want wants how able going ought")
#: The question words ("who" .. "why").
QUESTION_WORDS = wordset("who whom whose what which where when how why")
#: Predicates whose two terms can trade places freely: "how far is X from Y".
SYMMETRIC_PREDICATES = frozenset(["far", "distance", "distances", "apart"])
_IRREGULAR_PARTICIPLES = frozenset(
    (  # noqa: SIM905
        "done made built written taken given seen known paid sold bought held kept left lost "
        "found sent spent won beaten eaten driven chosen shown told brought caught taught "
        "thought fought hit hurt put set cut run owned led fed read begun "
        # the rest of the irregular participles that end in no "-en"/"-ed"/"-wn"
        "stung struck sworn torn worn shot hung heard met meant dealt dug fled lent slept "
        "spun stood stuck swept swung understood wept sought shone sunk shrunk sung rung "
        "swum drunk bent bred burnt laid lain leant leapt learnt knelt felt crept bled "
        "dreamt sped slid"
    ).split()
)

Role = tuple[str, int]  # (role key, token index)


Words = tuple[str, ...]


class Exchange:
    """Two role terms exchanged (``x``, ``y``) and what stayed between them (``pivot``).

    ``sides`` holds, for each text, the lowercase words between the two terms and the
    words before the first of them in its sentence: what tells a symmetric relation
    ("X *meets* Y", "*how far* is X from Y") or a comparison ("X is faster *than* Y")."""

    __slots__ = ("pivot", "sides", "x", "y")

    def __init__(
        self, x: str, y: str, pivot: str, sides: tuple[tuple[Words, Words], ...] = ()
    ) -> None:
        self.x, self.y, self.pivot, self.sides = x, y, pivot, sides

    def __repr__(self) -> str:
        return f"Exchange({self.x!r}, {self.y!r}, pivot={self.pivot!r})"

    def compared(self) -> bool:
        """The terms are the two sides of a comparison: "than" is the pivot or stands
        between them in every text ("high-income households less hard *than* low-income
        ones", the pivot being "households")."""
        return "than" in self.pivot.split() or bool(
            self.sides and all("than" in between for between, _ in self.sides)
        )


def clause_start(toks: Sequence[Token], k: int) -> int:
    """The first token of the clause that token ``k`` stands in: the one after the last
    comma, colon, semicolon, dash or sentence end (:data:`CLAUSE`) before it, within its
    sentence ("When two boats overlap, *does* the boat ahead ...")."""
    sent = toks[k].sent
    j = k
    while j > 0 and toks[j - 1].low not in CLAUSE and toks[j - 1].sent == sent:
        j -= 1
    return j


def _pronoun(tok: Token) -> str | None:
    if tok.text.isupper() and tok.low != "i":
        return None  # "US", "IT": names, not pronouns
    return _PRONOUNS.get(tok.low)


@text_cache
def role_terms(text: str) -> tuple[Role, ...]:
    """The role terms of ``text`` in order: content-word stems, numbers and pronoun roles,
    each with its token index (content words are keyed by stem; see :func:`role_keys`)."""
    t = analyze(text)
    by_token: dict[int, str] = {}
    for s, idx in t.terms:
        by_token.setdefault(idx, s)
    out: list[Role] = []
    for tok in t.tokens:
        if tok.low in _FRAME_WORDS and not (tok.capitalized or tok.text.isupper()):
            continue
        if tok.index in by_token:
            out.append((by_token[tok.index], tok.index))
        elif tok.kind == "num":
            out.append(("#" + tok.low.replace(",", ""), tok.index))
        elif _letter_name(t, tok.index, by_token):
            out.append((tok.low[0], tok.index))
        else:
            p = _pronoun(tok)
            if p is not None:
                out.append((p, tok.index))
    return tuple(out)


def _letter_name(t: Text, i: int, terms: Container[int]) -> bool:
    """The article-like letter at token ``i`` names a thing ("rows in table *a* but not
    in table b", "merge dict *a* into dict b"): one letter after a content word with no
    word of its own after it (a symbol, the end, or a relational or joining word); a
    letter that owns something ("copy *a's* properties onto b") or ends a clause ("onto
    *a*?"), which no article does."""
    toks = t.tokens
    low = toks[i].low
    if low[1:] == "'s" and low[0].isalpha() and low[0] != "i":
        return True
    if len(low) != 1 or not low.isalpha() or low == "i" or i == 0:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or nxt.low in CLAUSE:
        return True
    return i - 1 in terms and (nxt.kind == "sym" or nxt.low in _AFTER_LETTER)


@pair_cache
def role_keys(a: str, b: str) -> tuple[tuple[Role, ...], tuple[Role, ...]]:
    """Role terms of both texts, ``b``'s content words renamed to their counterparts in
    ``a`` (unpaired ones get a key no term of ``a`` has)."""
    ta, tb = analyze(a), analyze(b)
    al = align(a, b)
    # Stems paired with one another form one class ("hurricane", "huricane"), so a
    # misspelled repeat of a word does not look like two words trading places.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for i, j, how in al.pairs:
        if how == "part":
            continue  # an identifier and a word it is built of: the code is no role
        ra, rb = find(ta.terms[i][0]), find("~" + tb.terms[j][0])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    cls_a: dict[int, str] = {}
    cls_b: dict[int, str] = {}
    for st, idx in ta.terms:  # a hyphenated word is keyed by its first part, as in role_terms
        cls_a.setdefault(idx, find(st))
    for st, idx in tb.terms:
        cls_b.setdefault(idx, find("~" + st))
    ka = tuple((cls_a.get(idx, key), idx) for key, idx in role_terms(a))
    kb = tuple((cls_b.get(idx, key), idx) for key, idx in role_terms(b))
    return _its_as_their(ta, ka, kb), _its_as_their(tb, kb, ka)


@pair_cache
def shared_order(a: str, b: str) -> tuple[int, ...]:
    """The places in ``b`` of the role terms ``a`` shares with it, in ``a``'s order:
    ascending when every shared term keeps its place. A term ``b`` repeats is skipped; one
    only ``a`` repeats is read at each of its places."""
    ka, kb = role_keys(a, b)
    pos_b: dict[str, int] = {}
    for n, (k, _) in enumerate(kb):
        pos_b[k] = -1 if k in pos_b else n
    return tuple(pos_b[k] for k, _ in ka if pos_b.get(k, -1) >= 0)


def _its_as_their(t: Text, keys: tuple[Role, ...], other: tuple[Role, ...]) -> tuple[Role, ...]:
    """``keys`` with "its" read as "their" when the other text says "their" where this
    one does not: the same owner, its number following the noun it stands for ("crimes
    committed by *its* directors" / "by *their* company"). Otherwise "its" is no term."""
    if not any(k == "<their>" for k, _ in other) or any(k == "<their>" for k, _ in keys):
        return keys
    its = [(_PRONOUNS["their"], tok.index) for tok in t.tokens if tok.low == "its"]
    return tuple(sorted((*keys, *its), key=lambda r: r[1])) if its else keys


def noun_phrase(
    toks: Sequence[Token],
    steps: range,
    terms: Container[int],
    lead: Set[str],
    inside: Set[str] = frozenset(),
    limit: int = 0,
) -> list[int]:
    """Token indices of the role terms of the noun phrase met walking ``steps``: words in
    ``lead`` are passed over before its first term ("*the* iPhone"), words in ``inside``
    between its terms; any other word ends it, and so does reaching ``limit`` terms (when
    given). Read by the comparison (:mod:`.agents`) and the frames (:mod:`.frames`)."""
    out: list[int] = []
    for j in steps:
        if j in terms:
            out.append(j)
            if len(out) == limit:
                break
        elif toks[j].low not in (inside if out else lead):
            break
    return out


def participle(tok: Token) -> bool:
    """A past participle ("beaten", "written", "taken")."""
    low = tok.low
    return low.endswith(("ed", "en", "wn")) or low in _IRREGULAR_PARTICIPLES


def _flanks_turned(a: str, b: str, pole: str) -> bool | None:
    """Whether the nearest shared terms before and after the word ``pole`` of ``a`` (by
    stem) stand in the other order in ``b``; None when ``a`` lacks the word or a side of
    it has no shared term."""
    ka, kb = role_keys(a, b)
    shared = {k for k, _ in ka} & {k for k, _ in kb}
    pole = stem(pole)
    toks = analyze(a).tokens
    at = next((t.index for t in toks if t.kind == "word" and stem(t.low) == pole), None)
    if at is None:
        return None
    named = [(k, i) for k, i in ka if k in shared and not k.startswith("<")]
    before = [k for k, i in named if i < at]
    after = [k for k, i in named if i > at]
    if not before or not after or before[-1] == after[0]:
        return None
    pos: dict[str, int] = {}
    for k, i in kb:
        pos.setdefault(k, i)
    return pos[before[-1]] > pos[after[0]]


def flanks_kept(a: str, b: str, pair: tuple[str, str]) -> bool:
    """The terms on either side of a pair of opposite words keep their order: "Is
    Ramadan the month just *before* Shaban" / "Does Ramadan come right *after* Shaban"
    (another term moved elsewhere, "in the Hijri calendar"). Then the opposite words are
    no converse of one relation, whatever else changed order; "Is Shaban the month
    *before* Ramadan" / "Does Ramadan come *after* Shaban" turns them round. Read from
    both texts: kept when one reading says so and neither says turned."""
    readings = {_flanks_turned(a, b, pair[0]), _flanks_turned(b, a, pair[1])}
    return False in readings and True not in readings
