"""Who acts at a shared word: roles that change without two terms trading places.

:mod:`.order` rejects two shared terms exchanged around a frame; some role changes move
one term only, the other side being a word the texts do not share:

* **a person's case at a shared verb** -- "*I* sent a payment to the wrong person" /
  "Someone sent a payment *to me*": the same person is the one who acts at "sent" in one
  text and the one acted on in the other. A pronoun's case says which: "I", "we", "he",
  "she", "they" act at their verb, the first content word after them past auxiliaries
  and adverbs ("I sent", "I would still have to pay"), when the texts share it; "me",
  "us", "him", "them" -- right after a verb or after "to", not after another
  preposition ("for me") -- are acted on at every shared term before them in their
  clause (one of them is the verb); a subject opening a relative clause without "that"
  ("a paper *I* emailed") acts in another event and is not read. A person whose cases
  at a shared term are disjoint in the two texts changed roles; so did two persons when
  another one acts at the same shared term and both are named in both texts ("*He* hit
  my car" / "*I* hit his car").
* **the compared term** -- "3.11 vs 3.12: is *3.12* faster?" / "Is 3.11 faster *than
  3.12*?": the term right before a comparative ("faster", "more ...") is what is
  compared; when one text compares the term the other puts after "than", the comparison
  runs the other way.

Both are read by position (no parser) and compare shared terms only (:func:`.roles.role_keys`
pairs synonyms and typos), so they hold for any words. A passive turns cases round: a
text with one is read only from the first clause an opener ("if", "when", "because")
starts after its participle ("Will the mortgage be paid off *if I die*" / "... *if my
wife dies*"); "you" and "her" are ambiguous in case and are not read either. A noun's
state after "is" counts as what it does ("*my sponsor* is bankrupt" / "*I* am
bankrupt", "my mother is in hospital"), a participle after "is" does not (a passive).

Limits: English word order, no parser: a subject's verb is the nearest shared term after
it, so a verb the texts word differently ("I sent" / "it was paid to me") leaves the
person unread; "on him", "for me" and other prepositions are not read as the one acted
on; a comparison with no comparative word ("which costs less") or with opposite words
("faster" / "slower", a converse) is left to the other guards and the verifier.
"""

from __future__ import annotations

from .clauses import passive, reduced_relative
from .lexicon import lexicon
from .pronouns import PERSON_WORD, SPEAKER, clause_numbers, handed_over, persons, pronouns
from .roles import (
    DETERMINERS,
    PASSIVE_AUX,
    QUESTION_WORDS,
    TAKES_INFINITIVE,
    Role,
    clause_start,
    noun_phrase,
    participle,
    role_keys,
)
from .slots import FILLERS
from .tokens import STOPWORDS, Text, Token, analyze, text_cache, wordset
from .vocab import ASKING

__all__ = ["case_moved", "comparison_turned", "effect_turned"]

#: How far after a subject its verb is looked for ("I would still have to pay").
_VERB_REACH = 6
_MORE = frozenset(["more", "less", "fewer"])
_ADJECTIVE_ER = ("er",)
#: Words that may stand between the compared terms and their comparative ("is *much*
#: faster") or open the phrase after "than" ("than *the* iPhone 14").
_SKIP_BEFORE = DETERMINERS | _MORE | {"is", "are", "was", "were", "much", "any", "lot"}
_NOT_COMPARATIVE = frozenset(
    ["after", "never", "over", "under", "other", "whether", "either", "neither", "ever", "per"]
)


def _person_cases(
    text: str, keys: tuple[Role, ...], shared: frozenset[str]
) -> set[tuple[str, str, str]]:
    """(person, case, shared term it attaches to) for each pronoun of ``text``: a subject
    acts at its verb, an object is acted on at every shared term before it in its clause."""
    t = analyze(text)
    clause = clause_numbers(text)
    at = {idx: k for k, idx in keys if k in shared and not k.startswith("<")}
    out: set[tuple[str, str, str]] = set()
    for p in pronouns(text):
        if p.case == "s" and p.person != "2":
            if reduced_relative(text, p.at):
                continue  # "a course I paid for": another event than the main verb's
            verb = _verb_after(t, p.at, at)
            if verb is not None:
                out.add((p.person, "acts", verb))
        elif p.case == "o":
            anchors = [k for idx, k in at.items() if idx < p.at and clause[idx] == clause[p.at]]
            out.update((p.person, "acted on", k) for k in anchors)
    return out


@text_cache
def _has_pronoun(text: str) -> bool:
    return any(p.case in ("s", "o") and p.person != "2" for p in pronouns(text))


@text_cache
def _has_than(text: str) -> bool:
    return "than" in analyze(text).words


def _verb_after(t: Text, i: int, shared_at: dict[int, str]) -> str | None:
    """The shared term that is the verb of the subject at token ``i``: the first content
    word after it, past auxiliaries, negations and "-ly" adverbs ("I *sent*", "I would
    still have to *pay*", "I accidentally *sent*"); None when that word is not shared."""
    for tok in t.tokens[i + 1 : i + 1 + _VERB_REACH]:
        if tok.kind == "sym" or tok.sent != t.tokens[i].sent:
            return None
        if tok.index in shared_at:
            return shared_at[tok.index]
        if tok.low in STOPWORDS or tok.low.endswith("ly"):
            continue
        return None  # the verb is a word the other text does not share
    return None


def case_moved(a: str, b: str) -> tuple[str, str] | None:
    """(person, shared term) when a person acts at the term in one text and is acted on
    at it in the other, and never in the same case in both (see the module docstring)."""
    if not (_has_pronoun(a) or _has_pronoun(b)):
        return None  # the common case, read from each text's cached analysis
    ka, kb = role_keys(a, b)
    shared = frozenset(k for k, _ in ka) & frozenset(k for k, _ in kb)
    if not shared:
        return None
    ca, cb = _person_cases(a, ka, shared), _person_cases(b, kb, shared)
    starts = _past_passive(a), _past_passive(b)
    if starts != (0, 0):
        # a passive turns cases round: only a clause opened after it is read
        ca, cb = _from(ka, ca, starts[0]), _from(kb, cb, starts[1])
        return _subject_changed(a, b, ca, cb, shared, starts)
    if not (ca and cb):
        return _subject_changed(a, b, ca, cb, shared)
    for person, _, anchor in sorted(ca):
        other = {c for p, c, k in cb if p == person and k == anchor}
        mine = {c for p, c, k in ca if p == person and k == anchor}
        if other and not (other & mine):
            return PERSON_WORD[person], anchor.lstrip("~")
    return _actor_changed(a, b, ca, cb) or _subject_changed(a, b, ca, cb, shared)


def _past_passive(text: str) -> int:
    """Where the cases of ``text`` can be read from: 0 without a passive; with one, the
    opener ("if", "when", "because") of the first clause after its participle ("Will the
    mortgage be paid off *if I die*"), or the text's end."""
    found = passive(text)
    if found is None:
        return 0
    toks = analyze(text).tokens
    return next((k for k in range(found[1] + 1, len(toks)) if toks[k].low in _OPENERS), len(toks))


def _from(
    keys: tuple[Role, ...], cases: set[tuple[str, str, str]], start: int
) -> set[tuple[str, str, str]]:
    """The ``cases`` at terms that occur from token ``start`` on only."""
    early = {k for k, idx in keys if idx < start}
    return {c for c in cases if c[2] not in early}


def _actor_changed(
    a: str, b: str, ca: set[tuple[str, str, str]], cb: set[tuple[str, str, str]]
) -> tuple[str, str] | None:
    """Another person acts at the same shared term, and both persons are named in both
    texts ("*He* hit my car" / "*I* hit his car"), or the speaker acts in one text only
    and another person in the other only (:func:`.pronouns.handed_over`)."""
    named = persons(a)[0] & persons(b)[0]
    for anchor in sorted({k for _, c, k in ca | cb if c == "acts"}):
        in_a = {p for p, c, k in ca if c == "acts" and k == anchor}
        in_b = {p for p, c, k in cb if c == "acts" and k == anchor}
        if in_a - in_b and in_b - in_a and (in_a | in_b <= named or handed_over(a, b, in_a, in_b)):
            return PERSON_WORD[min(in_a - in_b)], anchor.lstrip("~")
    return None


def _comparative(tok_low: str) -> bool:
    return tok_low.endswith(_ADJECTIVE_ER) and len(tok_low) > 4 and tok_low not in _NOT_COMPARATIVE


def _run(toks: tuple[Token, ...], keys: dict[int, str], ks: range) -> frozenset[str]:
    """The role terms of the noun phrase met walking ``ks`` (articles and possessives
    skipped, stops at any other word): "the iPhone 15" -> {iphone, #15}."""
    return frozenset(keys[k] for k in noun_phrase(toks, ks, keys, _SKIP_BEFORE))


def _compared(text: str, keys: tuple[Role, ...]) -> tuple[str, frozenset[str], frozenset[str]]:
    """(the comparative, the terms compared, the terms after "than") of the first
    comparison in ``text`` ("" and empty sets when there is none)."""
    t = analyze(text)
    toks = t.tokens
    clause = clause_numbers(text)
    key_at = {idx: k for k, idx in keys}
    for i, tok in enumerate(toks):
        if not (_comparative(tok.low) or tok.low in _MORE) or i + 1 >= len(toks):
            continue
        start = next((k for k in range(i - 1, -1, -1) if clause[k] != clause[i]), -1)
        subject = _run(toks, key_at, range(i - 1, start, -1))
        than = next((k for k in range(i + 1, min(len(toks), i + 6)) if toks[k].low == "than"), None)
        after = _run(toks, key_at, range(than + 1, len(toks))) if than is not None else frozenset()
        if subject or after:
            word = tok.low if tok.low not in _MORE else " ".join(x.low for x in toks[i : i + 2])
            return word, subject, after
    return "", frozenset(), frozenset()


def comparison_turned(a: str, b: str) -> str | None:
    """A term compared in one text that the other puts after "than"."""
    if not (_has_than(a) or _has_than(b)):
        return None  # the common case: nothing is put after "than"
    ka, kb = role_keys(a, b)
    wa, sa, ta = _compared(a, ka)
    wb, sb, tb = _compared(b, kb)
    if wa != wb:
        return None  # "faster" / "slower": a converse, or another comparison
    for subject, other_subject, than in ((sa, sb, tb), (sb, sa, ta)):
        turned = (subject & than) - other_subject
        if turned:
            return min(turned).lstrip("~#")
    return None


_AUX = wordset("do does did can could will would should shall may might must")
#: Words that open a clause inside a sentence ("what if *my roommate stops* paying").
_OPENERS = wordset("if when whether because once unless while after before")
#: Prepositions of a place or state after "is" ("is *in* hospital", "is *on* holiday").
_STATE_PLACE = wordset("in on at")


def _noun_actor(text: str, keys: tuple[Role, ...], verb: str, start: int = 0) -> str | None:
    """The noun that is the subject of the shared term ``verb`` at the start of a clause
    ("*The police* search ...", "Can *the police* search ...", "My *roommate* moved
    out", "what if my *roommate* stops ..."): the term right before the verb, with only an
    auxiliary, articles, possessives and terms of its noun phrase before it in the clause
    (which a punctuation mark, a sentence start or "if", "when", "because" ... opens),
    at a verb from token ``start`` on."""
    toks = analyze(text).tokens
    key_at = {idx: k for k, idx in keys}
    for idx, k in key_at.items():
        if k != verb or idx < start:
            continue
        subject = j = _before_state(toks, idx)
        if j not in key_at or key_at[j].startswith("<"):
            continue
        while j - 1 in key_at and not key_at[j - 1].startswith("<"):
            j -= 1
        while j > 0 and toks[j - 1].low in DETERMINERS:
            j -= 1
        aux = j > 0 and toks[j - 1].low in _AUX
        if aux:
            j -= 1
        elif _labels_a_question(toks, key_at, idx):
            continue  # "Uber Eats refund - how do I get one?": a topic, not a clause
        if aux and j > 0 and toks[j - 1].low in QUESTION_WORDS:
            j -= 1  # "How does *the contractor* recover ...": the wh-word opens the clause
        if clause_start(toks, j) == j or (j > 0 and toks[j - 1].low in _OPENERS):
            return key_at[subject]
    return None


def _before_state(toks: tuple[Token, ...], idx: int) -> int:
    """The token before the term at ``idx``, past a form of "be" with its fillers and a
    place preposition after it, which say the subject is in a state ("my sponsor *is*
    bankrupt", "my mother *is in* hospital", "my son *is not* driving"); a participle
    after "be" is a passive, whose subject is acted on, and is not read so."""
    j = idx - 1
    if participle(toks[idx]):
        return j
    if j > 1 and toks[j].low == "to" and toks[j - 1].low in TAKES_INFINITIVE:
        return j - 2  # "my employer *has to* pay": the noun before the modal acts
    if j > 0 and toks[j].low in _STATE_PLACE and toks[j - 1].low in PASSIVE_AUX:
        j -= 1
    while j > 0 and (toks[j].low in FILLERS or toks[j].low.endswith("ly")):
        j -= 1
    return j - 1 if j > 0 and toks[j].low in PASSIVE_AUX else idx - 1


def _labels_a_question(toks: tuple[Token, ...], key_at: dict[int, str], idx: int) -> bool:
    """The terms up to and after ``idx`` run straight into a question ("react useEffect
    hook - how do I use it?", "Uber Eats refund: how do I get one?"): a topic label
    before its question, whose words are names and nouns, not a subject and its verb.
    A comma keeps the clause ("My landlord refuses repairs, can I ...")."""
    k = idx + 1
    while k < len(toks) and k in key_at and not key_at[k].startswith("<"):
        k += 1
    if k < len(toks) and toks[k].low == ":":
        k += 1
    return k < len(toks) and toks[k].low in ASKING


def _subject_changed(
    a: str,
    b: str,
    ca: set[tuple[str, str, str]],
    cb: set[tuple[str, str, str]],
    shared: frozenset[str],
    starts: tuple[int, int] = (0, 0),
) -> tuple[str, str] | None:
    """A noun acts at a shared verb in one text, a person ("I", "we") at it in the other,
    and both texts name the noun and the person: "Can *the police* search my car" / "Can
    *I* search a police car"; "*My roommate* moved out, does he owe me" / "*I* moved out,
    does my roommate owe me"; the verbs read from token ``starts`` (a, b) on."""
    ka, kb = role_keys(a, b)
    named = persons(a)[0] & persons(b)[0]
    for text, keys, mine, theirs, start in ((a, ka, ca, cb, starts[0]), (b, kb, cb, ca, starts[1])):
        for person, case, verb in sorted(theirs):
            if case != "acts" or person not in named or person not in SPEAKER:
                continue
            if (person, "acts", verb) in mine:
                continue
            noun = _noun_actor(text, keys, verb, start)
            other, other_keys = (b, kb) if text is a else (a, ka)
            if noun is not None and noun in shared and not _measured(other, other_keys, noun):
                return noun.lstrip("~"), verb.lstrip("~")
    return None


def _measured(text: str, keys: tuple[Role, ...], term: str) -> bool:
    """Every mention of ``term`` follows "of" ("cups *of coffee*", "a glass of wine"): a
    measure of the same thing, which may well be the subject elsewhere ("Does coffee
    count ..." / "Can I count cups of coffee ...")."""
    toks = analyze(text).tokens
    at = [idx for k, idx in keys if k == term]
    for idx in at:
        j = idx - 1
        while j >= 0 and toks[j].low in DETERMINERS:
            j -= 1
        if j < 0 or toks[j].low != "of":
            return False
    return bool(at)


def _subject_object(
    text: str, keys: tuple[Role, ...], shared: frozenset[str]
) -> tuple[frozenset[str], str, frozenset[str]] | None:
    """(subject terms, verb, object terms) of a yes/no question "Does X <verb> Y" with
    shared terms X and Y and a verb the other text does not share: "Does *caffeine* raise
    *blood pressure*", "Can *high blood pressure* make *caffeine* ..." (one adjective
    before the subject is skipped, articles and possessives anywhere)."""
    toks = analyze(text).tokens
    if not toks or toks[0].low not in _AUX:
        return None
    key_at = {idx: k for k, idx in keys}
    j = 1
    while j < len(toks) and toks[j].low in DETERMINERS:
        j += 1
    if j in key_at and key_at[j] not in shared and j + 1 in key_at:
        j += 1  # "Does *high* blood pressure ..."
    subject, j = _shared_run(key_at, shared, j)
    if not subject or j >= len(toks) or j not in key_at or key_at[j] in shared:
        return None
    verb = toks[j].low
    j += 1
    while j < len(toks) and toks[j].low in DETERMINERS:
        j += 1
    obj, _ = _shared_run(key_at, shared, j)
    return (subject, verb, obj) if obj else None


def _shared_run(
    key_at: dict[int, str], shared: frozenset[str], j: int
) -> tuple[frozenset[str], int]:
    """The shared terms from token ``j`` on, until the first token that is not one."""
    out: set[str] = set()
    while key_at.get(j, "<") in shared and not key_at[j].startswith("<"):
        out.add(key_at[j])
        j += 1
    return frozenset(out), j


def effect_turned(a: str, b: str) -> tuple[str, str] | None:
    """The two terms when two yes/no questions put the same two terms as subject and
    object the other way round with different verbs ("Does caffeine raise blood
    pressure" / "Does high blood pressure make caffeine less safe"): cause and effect
    turned into another question. A passive or a converse verb is left to the others."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.words and tb.words and ta.words[0] in _AUX and tb.words[0] in _AUX):
        return None
    if passive(a) is not None or passive(b) is not None:
        return None
    ka, kb = role_keys(a, b)
    shared = frozenset(k for k, _ in ka) & frozenset(k for k, _ in kb)
    sa, sb = _subject_object(a, ka, shared), _subject_object(b, kb, shared)
    if sa is None or sb is None or lexicon().converse(sa[1], sb[1]):
        return None
    if sa[0] == sb[2] and sa[2] == sb[0] and not sa[0] & sa[2]:
        x, y = sorted((min(sa[0]), min(sa[2])))  # the same words whichever text is asked
        return x.lstrip("~"), y.lstrip("~")
    return None
