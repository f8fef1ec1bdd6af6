"""Guard: both texts must have the same polarity.

"Can I take ibuprofen with alcohol?" and "... without alcohol?" embed at 0.96 and have
opposite answers. The guard counts negation cues in each text and rejects when the counts
differ: ``not``, every ``n't`` contraction (also typed without the apostrophe: "dont",
"cant"), ``cannot``, ``no``, ``never``, ``none``, ``nobody``, ``nothing``, ``nowhere``,
``neither``, ``nor``, ``without``, ``unless``, ``except``, ``excluding``, ``non-`` and
``not-`` words, "at no time" and "anything but" / "everything but" (read as ``except``; the
cues of one text are read by :mod:`.negcues`). Two cues of the same polarity in other words
("doesn't work" / "is not working") pass.

Three cues do not count: a negated auxiliary opening a yes/no question ("Doesn't aspirin
thin the blood?" asks what "Does aspirin thin the blood?" asks); "not" before an un- word
the other text does not have ("Is it not unusual" / "Is it normal": a double negative);
a cue inside code or a quoted example when the other text quotes nothing ("will `except
OSError:` catch it") unless it writes the quoted words out, a "non-" word the other text
writes joined ("non-stop" / "nonstop"), "or not" or "or no" closing a yes/no question
("recessive or not?", "urgent care or no?") and "no" as an answer ("if they say no"). A cue
closing its clause after its auxiliary against a text comparing two things is their
difference ("what does git fetch do that git pull doesn't" / "how is git fetch different
from git pull", :func:`_contrasted`).

Double negatives the other text says positively cancel: a negated stop against "keep"
("won't stop barking" / "keeps barking"), "without" a loss against "keep" ("without losing
my photos"), "never ... more than" against "only", "without" the whole or the other ones
against "only", "not ... yet" against "before" with the same verb ("an order that hasn't
shipped yet" / "before it ships") (:mod:`.negcues`); two yes/no questions asking "without
X" and "need X" agree, so do "without X" and "before X" asking an extent ("how much cash
... without declaring it" / "cash limit before you declare"), and an un- word or "false"
says a negation in words -- not when the text states, away from its negative word, the
word the other negates ("*stop* a wall cracking in *frost*" / "crack though there was *no
frost*", :func:`_not_stated`) or the other negates a negative word ("*never missed*" /
"*stops* paying"). A reworded question whose other side keeps fewer than half of its words
and names nothing it negates is left to the verifier ("freeze bread without it going
stale" / "does putting a loaf in the freezer stop it getting stale", :func:`_reworded`), so
is a "without X" whose X the other text never names while it says something of its own
("cook a turkey without thawing it" / "roasting a turkey straight from frozen",
:func:`_without_unnamed`). "refuse to" an act the other text asks with no negation is a
negation in words ("Can the landlord refuse to evict me" / "can they start eviction",
:func:`_refused_to`).
"non resident" is "non-resident"; a "no-" flag both texts name ("`--no-cache-dir`" /
"--no-cache-dir") is a name, quoted or not; a negation did not move when the texts only
list the same one-word items in another order ("Which of Rust, Go and Java have no GC" /
"Which of Go, Java and Rust ...").

Two texts negated as often still differ when the negation moved: to another clause ("X but
not Y" / "not X but Y"), or to another word, each text stating away from its own cue the
word the other negates ("The judge did not order my ex to pay" / "The judge ordered my ex
to pay ... if he doesn't pay?"), or to the other side of a comparison (:mod:`.negmoved`).

Limits: counting, not parsing, so other double negations ("not without") count as two and
"hardly"/"barely", lexical negatives other than those above ("fail to") and sarcasm are not read;
antonyms ("enable"/"disable") are the antonym guard's job. English only.
"""

from __future__ import annotations

from .align import align, similar_spelling
from .negcues import CLAUSE_BREAKS, cue_phrases, double_cancelled, is_cue, negations
from .negmoved import clause_moved, compared_sides, head_moved, negated_head, said_apart
from .negwords import NEGATIVE_STEMS, doubled, negated_in_words, negative_words, without_said
from .remedy import remedy_refused
from .rewording import asked_otherwise, paired_terms, rewords
from .tokens import STOPWORDS, Text, analyze, stem, wordset
from .types import NEUTRAL, PASS, REJECT, GuardResult
from .vocab import AUXILIARIES, hyphen_forms

__all__ = ["guard_negation", "negations"]

#: Words that ask whether a thing is needed: "Does X require Y?" asks "Can I X without Y?".
_NEEDS = wordset("need needs needed require requires required necessary mandatory compulsory")


def _quoted(cues: tuple[str, ...]) -> bool:
    return any(c[:1] == "`" for c in cues)


def _written_out(own: str, other: str) -> frozenset[str]:
    """Cues ``own`` quotes that ``other`` writes without quotes, with the same next word
    (the quoted error message written out: 'git says "not a git repository"' / "git
    status -> fatal: not a git repository")."""
    quoted = cue_phrases(own)[0]
    return frozenset(w for w, n in quoted & cue_phrases(other)[1]) if quoted else frozenset()


def _counted(
    cues: tuple[str, ...], other: Text, theirs: int, written: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The cues that count against ``other`` (which has ``theirs`` cues): a negated
    auxiliary opening a question only when ``other`` is negated as often ("Isn't it" / "Is
    it not"), a double negative ("not unusual") only when ``other`` has the un- word, a cue
    in code or a quote only when ``other`` quotes too or writes it out (``written``), a
    "non-" word only when ``other`` does not write it joined ("non-stop" / "nonstop",
    "non-citizen" / "noncitizens")."""
    if not cues:
        return cues
    words = set(other.words)
    stems = {stem(p) for w in words for p in hyphen_forms(w)[0]}
    quotes = any(tok.literal for tok in other.tokens)
    out = []
    for c in cues:
        if c.startswith("^"):
            if theirs < len(cues):
                continue
            c = c[1:]
        if c.startswith("not ") and c[4:] not in words and stem(c[4:]) not in stems:
            continue
        if double_cancelled(c, words, stems):
            continue
        if c.startswith("`") and not quotes and c.strip("`") not in written:
            continue
        if c.startswith("non-") and stem(hyphen_forms(c)[1]) in stems:
            continue
        if c.strip("`").startswith(("no-", "--no-")) and c.strip("`") in words:
            continue  # "`--no-cache-dir`" / "--no-cache-dir": the same flag, quoted or not
        out.append(c)
    return tuple(out)


def _misspelled_cues(t: Text, cues: tuple[str, ...], missing: int) -> int:
    """How many of ``missing`` cues of the other text (``cues``) ``t`` has as
    misspellings ("withuot", "nevr") or split in two words ("with out", "no body"): a typo
    does not flip the polarity."""
    found = 0
    long_cues = [c for c in cues if len(c) >= 4]
    toks = t.tokens
    for i, tok in enumerate(toks):
        if found >= missing:
            break
        if tok.kind != "word" or is_cue(tok.low):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        split = nxt is not None and nxt.kind == "word" and tok.low + nxt.low in long_cues
        if split or any(tok.low != c and similar_spelling(tok.low, c) for c in long_cues):
            found += 1
    return found


#: Pronouns that point back to a thing named before them.
_POINTING = wordset("it this that them these those")


def _not_stated(plain: Text, negated: Text, said: list[str]) -> list[str]:
    """The negative words ``said`` of ``plain``, none when ``plain`` states, away from
    every one of them, the word the one cue of ``negated`` negates ("how do I *stop* a
    brick wall cracking in *frost*" / "why did it crack though there was *no frost*": the
    negative word negates another thing). Only for the words of
    :data:`.negwords.NEGATIVE_WORDS` ("gearless" names what it lacks); not when one is
    followed by a pronoun, which may stand for that word ("`s := string(b)` copies the
    bytes -- how do I *avoid that*" / "turn a []byte into a string without copying"). None
    when the cue negates a negative word and no negative word of ``plain`` is doubled
    ("*never missed*" / "*stops* paying"; "*never forget*" / "*stop forgetting*" agree)."""
    if not said or not all(stem(w) in NEGATIVE_STEMS for w in said):
        return said  # a "-less", "-free" or un- word names its own object ("gearless")
    head = negated_head(negated)
    if head is None:
        return said
    toks = plain.tokens
    at = [tok.index for tok in toks if tok.low in said]
    if head[1] in NEGATIVE_STEMS and not any(doubled(plain, k) for k in at):
        return []  # a double negative against a single one: "never *missed*" / "*stops* paying"
    if any(t.low in _POINTING for k in at for t in toks[k + 1 : k + 3]):
        return said
    if at and all(said_apart(plain, k, head[1]) for k in at):
        return []
    return said


def _needed(t: Text, other: Text, cues: tuple[str, ...]) -> list[str]:
    """The words of ``t`` that ask whether something is needed, when ``other`` asks
    whether one can do without it, both as yes/no questions ("Does HTTP/2 require TLS?" /
    "Can I use HTTP/2 without TLS?": one answer serves both)."""
    if "without" not in cues or not (t.words and other.words):
        return []
    if t.words[0] not in AUXILIARIES or other.words[0] not in AUXILIARIES:
        return []
    return [w for w in t.words if w in _NEEDS]


#: Words read past after a cue to reach what it negates ("without *the* old Switch",
#: "hasn't *been* cooked").
_LEAD = wordset(
    "a an the my your his her its their our any it them me him anything "
    "be been being is are was were have has having had getting do does did"
)
#: Words of the plain text that say whether a thing is there or used ("with a crystal",
#: "free on the bus" / "without an adult": "free" names its own absent thing).
_WITH = wordset("with after using use by free")


def _reworded(plain: Text, negated: Text, cues: tuple[str, ...]) -> list[str]:
    """The cues of ``negated`` (with what each negates) when ``plain`` rewords the
    question: fewer than half of ``plain``'s content words have a counterpart in
    ``negated`` (:func:`.align.align`: stems, synonyms, typos) and none of the words the
    cues negate has one in ``plain`` ("Can you freeze bread without it going stale?" /
    "does putting a loaf in the freezer stop it getting stale", "Which vaccines are not core
    for dogs?" / "which dog jabs are optional?", "quit nano without saving" / "exit and
    throw away my edits"). A paraphrase says the negation in other words or leaves it
    implied; counting cues cannot tell, so the pair is left to the verifier. Not when the
    other text keeps the wording (the cue is added: "How do I exit vim?" / "... without
    saving?") or names what is negated ("toxic to cats" / "not toxic"), nor for "without"
    when ``plain`` says "with", "after", "use", "using", "by" or "free", nor when the two
    ask different kinds of question (:func:`.rewording.asked_otherwise`: "Did the United
    States buy Alaska from Russia?" / "Why is Alaska not connected to the rest of the
    US?")."""
    if "without" in cues and set(plain.words) & _WITH:
        return []
    if asked_otherwise(plain.raw, negated.raw):
        return []  # "Did the US buy Alaska ...?" / "Why is Alaska not connected ...?"
    paired_plain, paired_negated = paired_terms(plain.raw, negated.raw)
    if not rewords(plain, paired_plain):
        return []
    paired = {negated.terms[j][1] for j in paired_negated}
    toks, out = negated.tokens, []
    for k, tok in enumerate(toks):
        if not is_cue(tok.low):
            continue
        named = [t for t in toks[k + 1 : k + 4] if t.kind != "sym" and t.low not in _LEAD][:1]
        if not named or named[0].index in paired or named[0].low in plain.words:
            return []
        out.append(f"{tok.low} {named[0].low}")
    return out


#: Words of the plain text that name a thing as there ("with a crystal", "after mixing"), or
#: "free", which names its own absent thing ("free on the bus" / "without an adult").
_PRESENT = wordset("with after free")
#: How many content words after "without" are read as what it leaves out.
_LEFT_OUT = 3
#: How many content words without a counterpart the plain text must have: its own wording.
_OWN = 2


def _left_out(t: Text, at: int) -> list[int]:
    """The token indices of the first :data:`_LEFT_OUT` content words after the cue at
    ``at``, in its clause ("without *baking* it into the *image*")."""
    out: list[int] = []
    for tok in t.tokens[at + 1 :]:
        if tok.low in CLAUSE_BREAKS or len(out) == _LEFT_OUT:
            break
        if tok.kind == "word" and tok.low not in _LEAD and tok.low not in STOPWORDS:
            out.append(tok.index)
    return out


def _without_unnamed(plain: Text, negated: Text, cues: tuple[str, ...]) -> list[str]:
    """The "without" cues of ``negated`` (every extra cue is one) when ``plain`` names
    none of what they leave out -- not one of the first content words after each, by stem
    or counterpart (:func:`.align.align`) -- says nothing "with", "after" or "free", and
    has two content words or more of its own: it says the condition otherwise or leaves it implied
    ("cook a frozen turkey without thawing it" / "roasting a turkey straight from frozen",
    "leave a group chat without saying anything" / "leaving ... silently"), left to the
    verifier. A look-alike keeps the thing ("with a receipt" / "without a receipt", "by
    replacing the inverter"), and a question that adds the condition keeps the rest
    ("exit vim" / "exit vim without saving")."""
    if set(cues) != {"without"} or set(plain.words) & _PRESENT:
        return []
    al = align(plain.raw, negated.raw)
    if len(al.only_a) < _OWN:
        return []  # one word swapped is a change ("freeze leftover risotto" / "eat ... without")
    paired = {negated.terms[j][1] for _, j, _ in al.pairs}
    stems = {stem(w) for w in plain.words}
    toks, out = negated.tokens, []
    for tok in toks:
        if tok.low != "without":
            continue
        named = _left_out(negated, tok.index)
        if any(i in paired or stem(toks[i].low) in stems for i in named):
            return []
        out.append(" ".join(["without", *(toks[i].low for i in named[:1])]))
    return out


#: Words that compare two things: "how is X different from Y", "X vs Y", "unlike Y".
_CONTRAST = wordset("vs versus different difference differences differ unlike compare compared")


def _contrasted(plain: Text, negated: Text) -> list[str]:
    """The cues of ``negated`` that close a clause right after their auxiliary ("what does
    git fetch do that git pull *doesn't*", "... that select *does not*?") when ``plain``
    compares two things ("how is git fetch different from git pull", "X vs Y", "unlike
    Y"): the elided verb asks what one does and the other not -- their difference."""
    if not set(plain.words) & _CONTRAST:
        return []
    toks, out = negated.tokens, []
    for k, tok in enumerate(toks):
        if not is_cue(tok.low):
            continue
        closing = k + 1 == len(toks) or toks[k + 1].low in CLAUSE_BREAKS
        if closing and (tok.low.endswith("n't") or (k > 0 and toks[k - 1].low in AUXILIARIES)):
            out.append(tok.low)
    return out


def _negated_by_a_word(a: str, b: str) -> str | None:
    """One text is the other plus a word that negates it and nothing else ("Which fruits
    have vitamin C?" / "Which fruits lack vitamin C?", "... compile" / "... fail to
    compile")."""
    al = align(a, b)
    for mine, theirs in ((al.only_a, al.only_b), (al.only_b, al.only_a)):
        if mine and not theirs and set(mine) <= NEGATIVE_STEMS:
            return ", ".join(mine)
    return None


#: Verbs that say an act is withheld, before "to" ("*refuse to* evict"). Not "fail to": a
#: complaint ("my Pi fails to boot from USB") asks how to do the act.
_FAIL_TO = wordset("refuse refuses refused refusing decline declines declined")
#: Words that say something went wrong: the other text's way to say "fails to".
_WRONG = wordset(
    "error errors crash crashes crashed broken issue issues problem problems wrong stuck "
    "hangs hang fault faulty"
)


def _refused_to(ta: Text, tb: Text) -> str | None:
    """ "refuse to" / "decline to" before a verb in one text, the other naming that act
    (by stem or counterpart) with no negation, no negative word and nothing gone wrong
    ("Can the landlord *refuse to evict* me" / "can they start *eviction*")."""
    for mine, other in ((ta, tb), (tb, ta)):
        toks = mine.tokens
        at = [
            i
            for i, tok in enumerate(toks[:-2])
            if tok.low in _FAIL_TO and toks[i + 1].low == "to" and toks[i + 2].kind == "word"
        ]
        if not at or negations(other.raw) or negative_words(other, mine):
            continue
        if set(other.words) & (_WRONG | _FAIL_TO):
            continue
        al = align(mine.raw, other.raw)
        paired = {mine.terms[i][1] for i, _, _ in al.pairs}
        if any(i + 2 in paired for i in at):
            return toks[at[0]].low + " to"
    return None


def guard_negation(a: str, b: str) -> GuardResult:
    """Reject when one text is negated more often than the other, or negates another
    clause, another word or the other side of a comparison."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: negation not read")
    ra, rb = negations(a), negations(b)
    na = _counted(ra, tb, len(rb), _written_out(a, b) if _quoted(ra) else frozenset())
    nb = _counted(rb, ta, len(ra), _written_out(b, a) if _quoted(rb) else frozenset())
    if len(na) > len(nb):
        extra = len(na) - len(nb) - _misspelled_cues(tb, na, len(na) - len(nb))
    else:
        extra = len(nb) - len(na) - _misspelled_cues(ta, nb, len(nb) - len(na))
    if extra > 0:
        more, side = (na, "first") if len(na) > len(nb) else (nb, "second")
        plain, negated = (tb, ta) if len(na) > len(nb) else (ta, tb)
        said = (
            _not_stated(plain, negated, negative_words(plain, negated))
            + _needed(plain, negated, more)
            + without_said(plain, negated)
            + _reworded(plain, negated, more)
            + _contrasted(plain, negated)
        )
        if len(said) < extra:  # read last, so the readers above keep their details
            said += _without_unnamed(plain, negated, more)
        if len(said) >= extra and (why := remedy_refused(plain, negated)) is not None:
            return GuardResult(REJECT, why)  # a failure asked a remedy for (:mod:`.remedy`)
        if len(said) >= extra:
            return GuardResult(
                NEUTRAL,
                f"negation in the {side} text ({', '.join(more)}) said in words in the other: "
                + ", ".join(said),
            )
        return GuardResult(REJECT, f"negation only in the {side} text: {', '.join(more)}")
    if na and nb and clause_moved(a, b):
        return GuardResult(REJECT, "the negation moved to another clause")
    if na and nb and head_moved(ta, tb):
        return GuardResult(REJECT, "the negation moved to another word")
    sides = compared_sides(ta), compared_sides(tb)
    if na and nb and None not in sides and sides[0] != sides[1]:
        return GuardResult(REJECT, "the negation moved to the other side of a comparison")
    added = _negated_by_a_word(a, b) or negated_in_words(a, b)
    if not (added or na or nb):
        added = _refused_to(ta, tb)
    if added:
        return GuardResult(REJECT, f"negated by a word on one side only: {added}")
    if na or nb:
        return GuardResult(PASS, f"both negated: {', '.join(na)} / {', '.join(nb)}")
    return GuardResult(NEUTRAL, "no negation")
