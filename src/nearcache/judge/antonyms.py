"""Guard: one text must not say the opposite of the other.

"Sort a list in ascending order" and "... descending order" embed at 0.96. The guard
rejects a pair when a word on one side and a different word on the other are listed as
opposites (``data/antonyms.txt``, matched by stem so inflections count) and neither text
holds both words: it is a substitution, not a comparison ("ascending or descending?").
It also reads two productive patterns of English:

* the negative prefixes ``un-`` and ``non-`` ("install"/"uninstall", "do"/"undo") and
  prefixes that come in pairs (over-/under-, endo-/exo-, hyper-/hypo-, pre-/post-,
  micro-/macro-, inter-/intra-, sub-/super-); an un- word is no opposite of its base
  when a negation stands right before the base ("unmatched rows" / "rows that have no
  match", "unsorted" / "isn't sorted");
* phrasal particles after the same verb: on/off, in/out, up/down ("turn on"/"turn off",
  "log in"/"log out", "scale up"/"scale down").

Both poles named in each text in the other order ("imports more than it exports" /
"exports more than it imports") are read by :mod:`.poles`; opposite ends of one measure said
in other words ("the quickest jobs" / "the tasks that take the longest", "net pay lower" /
"take-home went up"), in a reworded question too, by :mod:`.scales`.

It also compares quantifiers ("all" / "some" / "most" / "few" / "none", see
:mod:`.quantifiers`) and the tense a question is asked in ("did" / "will", see
:mod:`.tenses`).

Opposites and quantifiers in a reworded question (fewer than half of either text's
content words, three or more, have a counterpart) are left to the verifier ("Why is my
internet slow only at night?" / "my wifi crawls in the evenings but is fine during the
day"): a look-alike keeps the wording and changes the one word. Not when the opposites
stand before the same word ("*before* a tetanus shot" / "*after* a tetanus shot").

Limits: the lexicon is curated, not exhaustive (opposites it lacks pass to the
verifier); a question that flips both an opposite and the order of its terms ("bigger
than" / "smaller than" with the terms swapped) asks the same thing but is rejected. English only.
"""

from __future__ import annotations

from .align import align
from .lexicon import lexicon
from .mentions import pole_rows
from .negcues import is_cue
from .order import Exchange, exchange, inversions
from .poles import POLES_SWAPPED, poles_swapped
from .quantifiers import quantifier_change
from .rewording import asked_otherwise, paired_terms, rewords
from .roles import flanks_kept
from .scales import scale_turned
from .tenses import tense_changed
from .tokens import STOPWORDS, analyze, stem, text_cache
from .types import NEUTRAL, REJECT, GuardResult
from .vocab import hyphen_forms

__all__ = ["comparative_converse", "exchanged_poles", "guard_antonyms", "opposition"]

_PARTICLES = {"on": "off", "off": "on", "in": "out", "out": "in", "up": "down", "down": "up"}
_NEGATIVE = ("un", "non-", "non")  # before any word
_LATINATE = ("in", "im", "il", "ir")  # before a word of 5+ letters: "irrational"
#: Prefixes that turn a word into its opposite or counterpart: "overfitting" /
#: "underfitting", "endothermic" / "exothermic", "hypertension" / "hypotension",
#: "preprocessing" / "postprocessing", "microeconomics" / "macroeconomics", "interstate" /
#: "intrastate", "subclass" / "superclass".
_PAIRED = (
    ("over", "under"),
    ("endo", "exo"),
    ("hyper", "hypo"),
    ("pre", "post"),
    ("micro", "macro"),
    ("inter", "intra"),
    ("sub", "super"),
)
_LOWER = frozenset({"less", "least", "fewer"})
_STARTS = ("un", "non", "in", "im", "il", "ir", *(q for _, q in _PAIRED))
_NOT_BASES = STOPWORDS | {"less", "til", "der", "ion"}

Profile = tuple[dict[str, str], dict[tuple[int, int], str], frozenset[tuple[str, str]]]


@text_cache
def _profile(text: str) -> Profile:
    """A text's word stems (hyphen parts and the joined word too), the opposition poles it mentions
    ((line, side) -> word as written) and its (verb, particle) pairs."""
    t = analyze(text)
    stems: dict[str, str] = {}
    for tok in t.tokens:
        if tok.kind == "word":
            stems.setdefault(stem(tok.low), tok.low)
            if "-" not in tok.low:
                continue  # its one part and its joined form are the word itself
            parts, joined = hyphen_forms(tok.low)  # "non-stop": "non", "stop", "nonstop"
            for part in parts:
                stems.setdefault(stem(part), part)
            stems.setdefault(stem(joined), tok.low)
    lex = lexicon()
    poles = {pole: word for st, word in stems.items() for pole in lex.poles.get(st, ())}
    particles = set()
    toks = t.tokens
    for i in range(1, len(toks)):
        p = toks[i].low
        if p in _PARTICLES and toks[i - 1].kind == "word" and toks[i - 1].low not in STOPWORDS:
            particles.add((stem(toks[i - 1].low), p))
    return stems, poles, frozenset(particles)


@text_cache
def _negated(text: str) -> frozenset[str]:
    """Stems of words (and of their hyphen parts) a negation cue stands right before, one
    word at most between ("rows that have *no match*", "*isn't* sorted", "not
    heat-*treated*"): "unmatched" says what they say."""
    toks = analyze(text).tokens
    return frozenset(
        stem(part)
        for i, tok in enumerate(toks)
        if tok.kind == "word" and any(is_cue(t.low) for t in toks[max(0, i - 2) : i])
        for part in {tok.low, *hyphen_forms(tok.low)[0]}
    )


def _prefixed(x: str, y: str) -> bool:
    """``y`` is ``x`` with a negative prefix ("install"/"uninstall", "legal"/"illegal")."""
    if x in _NOT_BASES:
        return False
    for pre in _NEGATIVE:
        if y.startswith(pre) and len(x) >= 2 and y[len(pre) :] == x:
            return True
    for pre in _LATINATE:
        if y.startswith(pre) and len(x) >= 5 and y[len(pre) :] == x:
            return True
    for p, q in _PAIRED:
        if x.startswith(p) and y.startswith(q) and x[len(p) :] == y[len(q) :] and len(x) > 6:
            return True
    return False


@text_cache
def _degrees(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Adjectives raised ("healthier", "more healthy") and lowered ("less healthy")."""
    toks = [t for t in analyze(text).tokens if t.kind == "word"]
    up: set[str] = set()
    down: set[str] = set()
    for i, t in enumerate(toks):
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if t.low in ("less", "least", "fewer") and nxt:
            down.add(nxt)
        elif t.low in ("more", "most") and nxt:
            up.add(nxt)
        elif len(t.low) > 5 and t.low.endswith("ier"):
            up.add(t.low[:-3] + "y")  # "healthier": more healthy
        elif len(t.low) > 5 and t.low.endswith("er"):
            up.update((t.low[:-2], t.low[:-1]))  # "safer", "cleaner"
    return frozenset(up), frozenset(down)


def _less_than(a: str, b: str) -> tuple[str, str] | None:
    """``a`` lowers an adjective that ``b`` raises ("less healthy" / "healthier")."""
    if _LOWER.isdisjoint(analyze(a).words):
        return None
    up_a, down_a = _degrees(a)
    up_b, down_b = _degrees(b)
    for word in down_a & up_b:
        if word not in up_a and word not in down_b:
            return f"less {word}", f"more {word}"
    return None


def opposition(a: str, b: str) -> tuple[str, str] | None:
    """The first pair of opposite words across ``a`` and ``b`` (as written), or None."""
    found = oppositions(a, b)
    return found[0] if found else None


def oppositions(a: str, b: str) -> list[tuple[str, str]]:
    """Every pair of listed opposite words across ``a`` and ``b`` (as written), ordered by
    lexicon line so both directions list the same pairs, else the first prefixed,
    comparative or particle opposition; empty when there is none.

    A pair counts only when each text holds one pole alone: a text that names both
    ("hot objects to cold ones") compares them, and says nothing opposite."""
    sa, poles_a, pa = _profile(a)
    sb, poles_b, pb = _profile(b)
    listed = [
        (line, wx, poles_b[(line, 1 - side)])
        for (line, side), wx in poles_a.items()
        if (line, 1 - side) in poles_b
        and (line, 1 - side) not in poles_a
        and (line, side) not in poles_b
    ]
    if listed:
        return [(wx, wy) for _, wx, wy in sorted(listed)]
    traded = _pole_traded(a, b)
    if traded is not None:
        return [traded]
    for first, second, flip in ((sa, sb, False), (sb, sa, True)):
        for y, wy in second.items():  # y may be a prefixed form of a word x of the other
            if y in first or not y.startswith(_STARTS):
                continue
            for x, wx in first.items():
                if x not in second and _prefixed(x, y) and x not in _negated(b if flip else a):
                    return [(wy, wx) if flip else (wx, wy)]
    lesser = _less_than(a, b) or _less_than(b, a) or poles_swapped(a, b)
    if lesser is not None:
        return [lesser]
    for verb, p in pa - pb:
        if (verb, _PARTICLES[p]) in pb and (verb, _PARTICLES[p]) not in pa:
            return [(f"{verb} {p}", f"{verb} {_PARTICLES[p]}")]
    return []


def _pole_traded(a: str, b: str) -> tuple[str, str] | None:
    """Both texts name an opposition as often, but one names a pole once more where the
    other names its opposite ("does a left join keep the rows of the *right* table" /
    "... of the *left* table"): one mention turned into its opposite, in texts
    that differ by at most one word each. (:func:`.mentions.mention_turned` reads the
    same counts when each text names one pole only.)"""
    for line, a0, a1, b0, b1 in pole_rows(a, b):
        if a0 + a1 == b0 + b1 and a0 != b0 and ((a0 and a1) or (b0 and b1)):
            al = align(a, b)
            if len(al.only_a) > 1 or len(al.only_b) > 1:
                return None  # worded apart: a pole may stand in another phrase
            wa, wb = _profile(a)[1], _profile(b)[1]
            more_a = 0 if a0 > b0 else 1
            return wa[(line, more_a)], wb[(line, 1 - more_a)]
    return None


def guard_antonyms(a: str, b: str) -> GuardResult:
    """Reject when one text uses the opposite of a word in the other."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: opposites not read")
    found = oppositions(a, b)
    if found:
        # "Is Anna Ben's parent" / "Is Ben Anna's child": a listed converse with the other
        # terms turned round names one relation; in one order, its opposite. Every pair
        # is read, so the verdict does not depend on which text is asked.
        plain = [pair for pair in found if not _converse(a, b, pair)]
        if not plain:
            return GuardResult(
                NEUTRAL,
                f"converse: opposites {found[0][0]!r} / {found[0][1]!r} with roles exchanged",
            )
        if _reworded(a, b) and not _same_object(a, b, plain[0]):
            return _ends_turned(a, b) or GuardResult(
                NEUTRAL, f"opposites {plain[0][0]!r} / {plain[0][1]!r} in a reworded question"
            )
        return GuardResult(REJECT, f"opposites: {plain[0][0]!r} vs {plain[0][1]!r}")
    turned = _ends_turned(a, b)
    if turned is not None:
        return turned
    quantity = quantifier_change(a, b)
    if quantity is not None and not _reworded(a, b):
        return GuardResult(REJECT, f"quantifiers differ: {quantity[0]!r} vs {quantity[1]!r}")
    when = tense_changed(a, b)
    if when is not None:
        return GuardResult(REJECT, f"another time: asked in the {when[0]} vs the {when[1]}")
    return GuardResult(NEUTRAL, "no opposites")


def _ends_turned(a: str, b: str) -> GuardResult | None:
    """A rejection when the texts name opposite ends of one measure (:mod:`.scales`), in
    other words or not, else None."""
    ends = scale_turned(a, b)
    if ends is None:
        return None
    return GuardResult(REJECT, f"opposite ends of one measure: {ends[0]!r} vs {ends[1]!r}")


#: Fewer content words than this in either text: too few to call the pair reworded.
_FEW_TERMS = 3


def _reworded(a: str, b: str) -> bool:
    """Each text, with three content words or more, is reworded by the other
    (:func:`.rewording.rewords`), and both ask the same kind of question
    (:func:`.rewording.asked_otherwise`: "Is it cheaper to leave the heating on low all
    day?" / "What temperature should I set my thermostat to at night?" are two questions)."""
    ta, tb = analyze(a), analyze(b)
    if len(ta.terms) < _FEW_TERMS or len(tb.terms) < _FEW_TERMS or asked_otherwise(a, b):
        return False
    paired_a, paired_b = paired_terms(a, b)
    return rewords(ta, paired_a) and rewords(tb, paired_b)


def _object(text: str, words: str) -> str | None:
    """The stem of the first content word after ``words`` (as written: a word, a phrase
    such as "turn on", or a part of a hyphenated word, "*left*-hand" -> "hand") in
    ``text``, within three tokens."""
    want = words.split()
    toks = analyze(text).tokens
    for i, tok in enumerate(toks):
        parts = tok.low.split("-")
        if len(want) == 1 and len(parts) > 1 and want[0] in parts[:-1]:
            rest = parts[parts.index(want[0]) + 1]
            if rest:
                return stem(rest)
        if [t.low for t in toks[i : i + len(want)]] == want or (
            len(want) == 1 and parts[-1] == want[0]
        ):
            return next(
                (
                    stem(t.low)
                    for t in toks[i + len(want) : i + len(want) + 3]
                    if t.kind != "sym" and t.low not in STOPWORDS
                ),
                None,
            )
    return None


def _same_object(a: str, b: str, pair: tuple[str, str]) -> bool:
    """The opposite words stand before the same word ("*before* a tetanus shot" /
    "*after* a tetanus shot"), or are phrases about one word ("*turn on*" / "*turn off*",
    "*less* healthy" / "*more* healthy"): an opposition about one thing, however the rest
    is worded."""
    if pair != POLES_SWAPPED and set(pair[0].split()) & set(pair[1].split()):
        return True
    oa = _object(a, pair[0])
    return oa is not None and oa == _object(b, pair[1])


def _converse(a: str, b: str, pair: tuple[str, str]) -> bool:
    """The opposite words ``pair`` come with the terms turned round: a comparative around
    "than", or a listed converse with the other terms in another order (read both ways:
    :func:`.order.inversions` skips a term repeated in its second text only), unless the
    terms on either side of the opposite words kept theirs (:func:`.roles.flanks_kept`)."""
    found_ex = exchange(a, b)
    listed = lexicon().converse(*pair)
    if isinstance(found_ex, Exchange):
        if exchanged_poles(found_ex, pair):
            return False
        if listed or comparative_converse(found_ex, pair):
            return True
    turned = listed and (inversions(a, b) > 0 or inversions(b, a) > 0)
    return turned and not flanks_kept(a, b, pair)


def comparative_converse(found: Exchange, pair: tuple[str, str]) -> bool:
    """The terms of a comparison exchanged (:meth:`.roles.Exchange.compared`) with the
    opposite comparison words ``pair`` ("less hard" / "harder", "cheaper" / "more
    expensive"): the same comparison from its other end. Not when the opposites are the
    terms compared themselves ("more DNA from the father than from the mother" / "...
    the mother than from the father")."""
    if pair == POLES_SWAPPED or not found.compared():
        return False
    return not exchanged_poles(found, pair)


def exchanged_poles(found: Exchange, pair: tuple[str, str]) -> bool:
    """The opposite words ``pair`` are themselves the terms exchanged: "The tenant broke
    the boiler; can the landlord charge the tenant" / "The landlord broke ...; can the
    tenant charge the landlord" turns the roles round, it names no relation from its other
    end (that would keep the opposites in place: "Is Tom Mary's landlord" / "Is Mary
    Tom's tenant")."""
    return bool({stem(w) for w in pair} & {found.x.lstrip("~"), found.y.lstrip("~")})
