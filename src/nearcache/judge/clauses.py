"""Clauses with a gap: who does what in passives, wh-questions and relative clauses.

English moves a participant out of its place in three common constructions, so word
order alone no longer says who does what:

* **Passive** -- "Germany *was beaten by* Brazil", "*Was* Germany *beaten by* Brazil?":
  the subject is the one acted on, the agent follows "by" (or is left out: "Can I be
  fired?"). A passive is "be" (or "get") before a past participle, also across the
  subject of a question ("Was Germany beaten").
* **Wh-question** -- the question word stands first and its place in the clause is left
  empty: "Who beat Brazil?" asks for the one who acted (the gap is the subject), "Who
  did Brazil beat?" for the one acted on (an auxiliary and a subject follow the question
  word), "Who was beaten by Brazil?" for the one acted on (a passive), "Who was Brazil
  beaten by?" for the one who acted (a stranded "by"). "Which team", "what company" are
  question words with a noun.
* **Relative clause** -- a noun with a clause about it: "the company *that acquired*
  Google" (the noun acts: a verb follows "that"), "the company *(that) Google acquired*"
  (the noun is acted on: a subject follows "that", or directly follows the noun when
  "that" is left out), "the company *that was acquired by* Google" (a passive).

:func:`gaps` reads each such clause as ``(head, verb, other, head acts)`` (token
indices); :func:`gap_flipped` compares two texts: the same head, verb and other
participant with the head acting in one text and acted on in the other is a role change.

Limits: patterns of function words, not a parser: a bare plural after a modal ("What can
dogs eat?") is not read (a verb or a subject?), nor are clauses with two objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import align
from .roles import (
    CLAUSE,
    DETERMINERS,
    PASSIVE_AUX,
    Exchange,
    Role,
    participle,
    role_terms,
)
from .slots import (
    FILLERS,
    Gap,
    add_reading,
    asked_other,
    clause_moved,
    next_term,
    noun_head,
    verb_after_relative,
)
from .tokens import Token, analyze, text_cache, wordset
from .vocab import IRREGULAR

__all__ = ["BE", "Gap", "be_before", "gap_flipped", "gaps", "passive", "reduced_relative"]

BE = PASSIVE_AUX
_WH = {"who": "who", "whom": "who", "what": "what", "which": "what"}
_RELATIVE = wordset("that which who whom")
_DO = wordset("do does did")
_FILLERS_OR_BEEN = FILLERS | {"being", "been"}
_MODAL = wordset("will would can could should shall must might may has have had")
_SUBJECTS = wordset("i we you he she they it")
_QUESTION = wordset("who whom what which how why when where")
_BY = "by"
_OWNERS = wordset("my your his her our their")


def be_before(toks: Sequence[Token], k: int) -> bool:
    """A form of "be" before token ``k``: right before it (adverbs and "not" aside: "can
    I *be* fired", "was *not* paid") or opening a question whose subject stands between
    ("*Was* Germany beaten", "*Why is* the file deleted")."""
    for j in range(k - 1, max(-1, k - 4), -1):
        low = toks[j].low
        if low in BE:
            return True
        if not (low in FILLERS or low.endswith("ly")):
            break
    if toks[k].capitalized:
        return False  # "Is Scotland part of the *United* Kingdom": a name, not a verb
    sent = toks[k].sent
    for j in range(k - 1, max(-1, k - 8), -1):
        tok = toks[j]
        if tok.sent != sent or tok.low in CLAUSE or tok.low in _MODAL or tok.low in _DO:
            return False
        if tok.kind == "sym":
            continue  # inside a name: "Was Procter *&* Gamble bought"
        if tok.low in BE:
            return _opens_question(toks, j)
    return False


def _opens_question(toks: Sequence[Token], j: int) -> bool:
    """Token ``j`` (a form of "be") opens its question, alone or after a question word,
    at the start of its sentence or after a colon or a comma ("US army: *is* a major
    outranked by a captain?")."""
    sent = toks[j].sent
    asked = False
    for i in range(j - 1, max(-1, j - 16), -1):
        tok = toks[i]
        if tok.sent != sent or tok.low in CLAUSE:
            return True
        if tok.kind == "sym":
            continue
        if asked or tok.low not in _QUESTION:
            return False
        asked = True
    return j < 16


def passive(text: str) -> tuple[int, int, int | None] | None:
    """(subject, participle, agent or None) token indices of the first "X was <verb>ed
    (by Y)" of ``text``."""
    found = passives(text)
    return found[0] if found else None


@text_cache
def passives(text: str) -> tuple[tuple[int, int, int | None], ...]:
    """(subject, participle, agent or None) token indices of every "X was <verb>ed (by
    Y)" of ``text``, in order."""
    toks = analyze(text).tokens
    at = [idx for _, idx in role_terms(text)]
    out = []
    for k in at:
        if not participle(toks[k]) or not be_before(toks, k):
            continue  # "rows ordered by date", "is that how I run": no passive
        by = next((j for j in range(k + 1, min(len(toks), k + 3)) if toks[j].low == _BY), None)
        agent = next((i for i in at if by is not None and by < i <= by + 3), None)
        subject = next((i for i in reversed(at) if i < k), None)
        if subject is not None:
            out.append((subject, k, agent))
    return tuple(out)


def _np_start(tok: Token) -> bool:
    """A token that opens a noun phrase: a determiner, a subject pronoun, a name, a number."""
    return (
        tok.low in DETERMINERS
        or tok.low in _SUBJECTS
        or tok.capitalized
        or tok.kind == "num"
        or (tok.text.isupper() and len(tok.text) > 1)
    )


def _subject_then_verb(terms: set[int], toks: Sequence[Token], j: int) -> tuple[int, int]:
    """(subject, verb) of a clause starting at token ``j`` with its subject: "Google
    acquired", "the search giant has acquired", "I replaced"; in a run of content words,
    the first verb in the past after the subject ("our kids shattered" in "Is the mirror
    our kids shattered covered"), else the last word; (-1, -1) if not found."""
    while j < len(toks) and toks[j].low in DETERMINERS and toks[j].low not in _SUBJECTS:
        j += 1
    if j >= len(toks) or (j not in terms):
        return -1, -1
    run = [j]
    while run[-1] + 1 in terms:
        if toks[run[-1]].low.endswith("'s"):
            run[-1] += 1  # "did Newton's theory replace": the owned noun is the subject
        else:
            run.append(run[-1] + 1)
    k = run[-1] + 1
    while k < len(toks) and (toks[k].low in _MODAL or toks[k].low in FILLERS):
        k += 1
    if k in terms:
        return run[-1], k
    named = 0  # the name opening the run: "does Tesla supply batteries", "did Spain trade Florida"
    while named < len(run) and (
        toks[run[named]].capitalized
        or toks[run[named]].text.isupper()
        or (named and toks[run[named]].kind == "num")  # "did Landsat 7 replace"
    ):
        named += 1
    if 0 < named < len(run):
        return run[named - 1], run[named]  # the name acts, the word after it is the verb
    if len(run) >= 2:
        past = next((m for m in range(1, len(run) - 1) if _past(toks[run[m]])), len(run) - 1)
        return run[past - 1], run[past]  # "the mirror our kids *shattered* covered"
    late = verb_after_relative(terms, toks, k)  # "did the line that failed QA produce"
    return (run[-1], late) if late >= 0 and len(run) == 1 else (-1, -1)


def _past(tok: Token) -> bool:
    """A verb in the past ("shattered", "broke"): a clause's verb, not the noun after it."""
    low = tok.low
    return (low.endswith("ed") and len(low) >= 5 and not low.endswith("eed")) or low in IRREGULAR


def _after_be(terms: set[int], toks: Sequence[Token], j: int) -> tuple[int, int, bool] | None:
    """The clause after "be" at token ``j``: a passive ("was beaten by Brazil": the gap
    is acted on) or a stranded "by" ("was Brazil beaten by": the gap acts)."""
    k = j + 1
    while k < len(toks) and toks[k].low in _FILLERS_OR_BEEN:
        k += 1
    if k in terms and participle(toks[k]):
        by = next((n for n in range(k + 1, min(len(toks), k + 3)) if toks[n].low == _BY), -1)
        return k, (next_term(terms, toks, by) if by >= 0 else -1), False
    subject, verb = _subject_then_verb(terms, toks, k)
    if verb >= 0 and participle(toks[verb]) and verb + 1 < len(toks):
        after = toks[verb + 1]
        end = verb + 2 >= len(toks) or toks[verb + 2].kind == "sym"
        if after.low == _BY and end:
            return verb, subject, True
    return None


def _clause(terms: set[int], toks: Sequence[Token], j: int) -> tuple[int, int, bool] | None:
    """(verb, other, the gap acts) of the clause that starts at token ``j`` right after a
    question word or a relative pronoun (see the module docstring)."""
    if j >= len(toks) or toks[j].kind == "sym":
        return None
    tok = toks[j]
    if tok.low in BE:
        return _after_be(terms, toks, j)
    if tok.low in _DO:
        subject, verb = _subject_then_verb(terms, toks, j + 1)
        return None if verb < 0 else (verb, subject, False)
    if tok.low in _MODAL:
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is None or nxt.kind == "sym":
            return None
        if nxt.low in BE:
            return _after_be(terms, toks, j + 1)
        if _np_start(nxt):
            subject, verb = _subject_then_verb(terms, toks, j + 1)
            return None if verb < 0 else (verb, subject, False)
        j += 1
        while j < len(toks) and toks[j].low in FILLERS:
            j += 1
        if j not in terms:
            return None
        return j, next_term(terms, toks, j), True
    if _np_start(tok):
        subject, verb = _subject_then_verb(terms, toks, j)
        return None if verb < 0 else (verb, subject, False)
    if j in terms:
        return j, next_term(terms, toks, j), True
    return None


@text_cache
def gaps(text: str) -> tuple[Gap, ...]:
    """Every wh-question and relative clause of ``text`` as ``(head, verb, other, head
    acts)`` (see the module docstring)."""
    toks = analyze(text).tokens
    terms = {idx for _, idx in role_terms(text)}
    out: list[Gap] = []
    for i, tok in enumerate(toks):
        first = i == 0 or toks[i - 1].sent != tok.sent or toks[i - 1].kind == "sym"
        if first and tok.low in _WH:
            head, j = _wh_phrase(toks, terms, i)
            found = _clause(terms, toks, j)
            if head != i + 1 and tok.low != "who" and noun_head(toks, terms, i):
                # "which companies supply parts to Bosch": the plural noun is the head
                # and the word after it its verb; kept beside the first reading.
                add_reading(out, toks, terms, i + 1, _clause(terms, toks, i + 2))
        elif tok.low in _RELATIVE and i - 1 in terms:
            head, found = i - 1, _clause(terms, toks, i + 1)
        elif i in terms and i + 1 < len(toks) and _reduced(toks, terms, i):
            head, found = i, _reduced_clause(toks, terms, i)
        else:
            continue
        add_reading(out, toks, terms, head, found)
    return tuple(out)


def _wh_phrase(toks: Sequence[Token], terms: set[int], i: int) -> tuple[int, int]:
    """(head, start of its clause) for the question word at token ``i``. "Which" and
    "what" may take a noun ("which team did", "which team beat", "what company acquired
    Google"); "what" followed by a verb has none ("what causes acne"). The head of a bare
    question word is -1 ("who") or -2 ("what", "which")."""
    bare = -1 if _WH[toks[i].low] == "who" else -2
    run: list[int] = []
    j = i + 1
    while bare == -2 and j in terms and not toks[j].capitalized and len(run) < 3:
        run.append(j)
        j += 1
    if not run:
        return bare, i + 1
    nxt = toks[j] if j < len(toks) else None
    if nxt is not None and (nxt.low in BE or nxt.low in _DO or nxt.low in _MODAL):
        return run[-1], j  # "which team did Brazil beat": the noun, then the clause
    if len(run) >= 2 and (toks[i].low == "which" or (nxt is not None and _np_start(nxt))):
        return run[-2], run[-1]  # "which team beat Brazil": the last word is the verb
    return bare, i + 1  # "what causes acne"


def _reduced(toks: Sequence[Token], terms: set[int], i: int) -> bool:
    """A relative clause without "that": a common noun followed by a subject and its verb
    ("the startup Facebook bought", "the guy I replaced"; a possessive and a noun before a
    verb in the past: "the car my son crashed") or by a participle with "by" ("the company
    acquired by Google")."""
    head, nxt = toks[i], toks[i + 1]
    if head.capitalized or head.kind != "word" or head.literal:
        return False
    if nxt.low in ("i", "we", "you", "he", "she", "they") or nxt.capitalized:
        k = i + 2
        while k in terms and toks[k].capitalized:
            k += 1  # a name of several words: "the startup Meta Platforms bought"
        return k in terms and not toks[k].capitalized and toks[k].kind == "word"
    if nxt.low in _OWNERS and i + 3 < len(toks) and i + 2 in terms and i + 3 in terms:
        noun, verb = toks[i + 2], toks[i + 3]
        return not noun.capitalized and (participle(verb) or verb.low in IRREGULAR)
    return i + 2 < len(toks) and i + 1 in terms and participle(nxt) and toks[i + 2].low == _BY


def _reduced_clause(toks: Sequence[Token], terms: set[int], i: int) -> tuple[int, int, bool] | None:
    """The clause of a relative without "that" after the noun at token ``i``: a participle
    with "by" is a passive, the noun acted on and the agent after "by" ("the employees
    *managed by* Alice" / "the employees who manage Alice"); else read as after "that"."""
    nxt = i + 1
    if nxt in terms and participle(toks[nxt]) and nxt + 1 < len(toks) and toks[nxt + 1].low == _BY:
        return nxt, next_term(terms, toks, nxt + 1), False
    return _clause(terms, toks, nxt)


def reduced_relative(text: str, i: int) -> bool:
    """The token at ``i`` opens a relative clause without "that" after the noun before
    it ("a course *I* paid for", "the car *my* son crashed")."""
    toks = analyze(text).tokens
    terms = _term_at(text)
    return 0 < i < len(toks) and i - 1 in terms and _reduced(toks, terms, i - 1)


@text_cache
def _term_at(text: str) -> set[int]:
    """Token indices of ``text``'s role terms (cached: read once per subject pronoun)."""
    return {idx for _, idx in role_terms(text)}


def _keyed(text: str, keys: Sequence[Role]) -> set[tuple[str, str, str, bool]]:
    key_of = dict((i, k) for k, i in keys)
    out = set()
    for head, verb, other, acts in gaps(text):
        # A bare question word asks for the same participant, whichever it is: "Who owns
        # LinkedIn?" / "What does LinkedIn own?".
        h = key_of.get(head, "?") if head >= 0 else "?"
        v, o = key_of.get(verb), key_of.get(other, "-") if other >= 0 else "-"
        if v is not None:
            out.add((h, v, o, acts))
    return out


def gap_flipped(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> Exchange | None:
    """The same head, verb and other participant, the head acting in one text and acted
    on in the other: "Who beat Brazil?" / "Who did Brazil beat?"; "the company that
    acquired Google" / "the company Google acquired"; or the head doing it alone in one
    text and someone doing it to the head in the other (:func:`_agent_added`)."""
    if not gaps(a) or not gaps(b):
        return None
    ga, gb = _keyed(a, ka), _keyed(b, kb)
    for h, v, o, acts in sorted(ga):
        turned = (h, v, o, not acts) in gb and (h, v, o, acts) not in gb
        if not turned and not _agent_added(h, v, ga, gb):
            continue
        return _turned(a, b, h, v, o, turned)
    other = asked_other(ga, gb)
    if other is not None:
        return _turned(a, b, other, "?", "?", True, "asked for in one text only")
    moved = clause_moved(ga, gb, {k for k, _ in ka} & {k for k, _ in kb})
    if moved is not None:
        return _turned(a, b, moved, "?", "?", True, "is told of in one text only")
    return None


def _turned(
    a: str, b: str, h: str, v: str, o: str, turned: bool, how: str = "acts in one text only"
) -> Exchange | None:
    """The finding of :func:`gap_flipped`, or None when the texts are worded too
    differently to read one clause against the other."""
    al = align(a, b)
    if len(al.only_a) > 1 or len(al.only_b) > 1:
        return None
    words = (tuple(analyze(a).words), ()), (tuple(analyze(b).words), ())
    who = h.lstrip("~?") or "the one asked for"
    if not turned:
        return Exchange(who, "?", f"{who} {v.lstrip('~')} by itself in one text only", words)
    return Exchange(who, o.lstrip("~"), f"{who} {how}", words)


def _agent_added(
    h: str, v: str, ga: set[tuple[str, str, str, bool]], gb: set[tuple[str, str, str, bool]]
) -> bool:
    """The head does the verb in one text and someone does it to the head in the other:
    "the water heater *that broke*" / "the water heater *I broke*" (who caused it
    changed), read both ways; the other participants may differ ("that broke in my
    rental")."""
    for x, y in ((ga, gb), (gb, ga)):
        acts_x = any(g[:2] == (h, v) and g[3] for g in x)
        done_to_x = any(g[:2] == (h, v) and not g[3] for g in x)
        acts_y = any(g[:2] == (h, v) and g[3] for g in y)
        done_to_y = any(g[:2] == (h, v) and g[2] != "-" and not g[3] for g in y)
        if acts_x and not done_to_x and done_to_y and not acts_y:
            return True
    return False
