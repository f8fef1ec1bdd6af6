"""The stage of one act: asked about, planned, going on or done.

"Can I paint a radiator while the heating is on?" / "I painted the radiators yesterday
afternoon; how soon can I turn the heating back on?" share the act and its object and
embed close, but one asks whether to do it and the other tells it done and asks what
comes after; "Can the gym keep charging me after I cancelled?" / "I said I would cancel
in September, can they keep charging me until then?" put the cancelling after and before
the charges; "a cow being treated with antibiotics" / "a cow that has finished
antibiotics" put the treatment on either side of its end. Each text places an act (a
verb's stem, or an event word after a phase word) at one stage:

* **asked** -- the act a question asks about doing: "can/should/do I *paint*", "how do
  we *paint*", "how to *paint*", "is it ok/safe to *paint*";
* **planned** -- "I will / would / 'll *cancel*", "we are going to / plan to *cancel*",
  "before I *cancel*";
* **going on** -- "*being* treated with X", "*still* taking X", "*while* / *during* X";
* **done** -- "I / we *painted* ..." in a sentence that says when ("yesterday", "ago",
  "last week", "this morning", "already"); **after** -- "after I *cancelled*" (not
  "before or after I ...": an alternative); **ended** -- the words after "*finished*",
  "*completed*", "*stopped*" ("finished antibiotics", "stopped taking X").

:func:`stage_changed` finds an act one text asks about and the other tells done, or one
plans and the other tells done, after or ended, or one puts going on and the other done,
after or ended, each text placing it at that one stage only (the time guard rejects).
Asked against after is not read: "wax the car after I washed it" / "wash the car before I
wax it" is one question told from its two acts; nor asked against ended: a word after
"stopped" may be a noun sharing a stem with the act asked ("how do I read a meter" / "a
meter that stopped sending readings"). "While X" against "after X" is :mod:`.phases`'.

Limits: the past is read after a pronoun or "have" only ("I painted", "we've painted";
not "the radiators were painted"), and only in a sentence with a time word; an act is
matched by its stem ("cancelled" / "cancel"), not by synonyms; a told act in a context
sentence the judge drops when it reads the question alone (:mod:`.context`) is not seen.
"""

from __future__ import annotations

from .tokens import STOPWORDS, Token, analyze, stem, text_cache, wordset
from .vocab import IRREGULAR

__all__ = ["stage_changed", "stages"]

ASKED, PLANNED, GOING_ON, DONE = "asked", "planned", "going on", "done"
#: Done, said as the event another act follows ("after I cancelled"): a question may ask
#: that act and the other text tell it as what comes first ("wax it after I washed it" /
#: "wash it before I wax it"), so this stage does not conflict with asked.
AFTER = "after"
#: Done, said of the words after "finished" / "stopped" (an event, often a noun: "finished
#: antibiotics", "stopped sending readings"): against going on and planned only, since a
#: noun there may share its stem with another act a question asks ("how do I read").
ENDED = "ended"

#: Stages of one act that two texts cannot both hold of it and ask the same question.
_CONFLICTS = frozenset(
    {
        frozenset({ASKED, DONE}),
        frozenset({PLANNED, DONE}),
        frozenset({PLANNED, AFTER}),
        frozenset({GOING_ON, DONE}),
        frozenset({GOING_ON, AFTER}),
        frozenset({PLANNED, ENDED}),
        frozenset({GOING_ON, ENDED}),
    }
)

_SUBJECTS = wordset("i we you")
_AUXILIARIES = wordset("can could should may must do shall")
#: Words between an auxiliary's subject and the act it asks about ("do I *need to* file").
_LEAD_INS = wordset("still safely really actually just also ever need needs have has to")
#: "is it ok *to* paint": the words before "to" that ask whether to do the act.
_WHETHER = wordset("ok okay safe fine possible alright allowed legal wise better normal")
_PLAN_AUX = wordset("will would shall")
_PLAN_VERBS = wordset("plan planning intend intending")
#: A subject with its planning auxiliary in one token.
_PLANNERS = wordset("i'll we'll i'd we'd")
_PROGRESSIVE = wordset("i'm we're am are")
#: A sentence with one of these tells when its past happened.
_WHEN_TOLD = wordset("yesterday ago already")
_LAST = wordset("night week month year weekend summer winter spring autumn term semester")
_BEFORE_AFTER = wordset("before after")
_TOLD_ADVERBS = wordset("already just recently only also finally")
_HAVE = wordset("have has had i've we've you've they've")
_PAST_SUBJECTS = wordset("i we you they he she")
_ENDED = wordset("finished completed stopped")
_GOING = wordset("while during whilst")
#: "being treated", "still taking": what goes on now.
_ONGOING = wordset("being still")
#: A clause's own auxiliaries end a phase word's reach ("after eating *can* I swim").
_CLAUSE_AUX = wordset("can could should may must will would do does did is are am shall")
_REACH = 4
#: Every conflict has one side done, after or ended: a text that says none of these
#: words can be that side ("yesterday", "last week", "after I", "finished").
_DONE_CUES = _WHEN_TOLD | _ENDED | wordset("after last morning")
#: The words that open a stage: a token that is none of them (nor a told past) is skipped.
_OPENERS = (
    _AUXILIARIES
    | _PLAN_AUX
    | _PLAN_VERBS
    | _PLANNERS
    | _ENDED
    | _GOING
    | _ONGOING
    | _BEFORE_AFTER
    | wordset("how to going")
)


def _act(word: str) -> str:
    """A verb's key: its stem, a doubled final "l" of a past form kept single
    ("cancelled" / "cancel", "travelled" / "travel")."""
    s = stem(word)
    return s[:-1] if len(s) > 5 and s.endswith("ll") else s


def _verb_at(toks: tuple[Token, ...], k: int, sent: int) -> int | None:
    """The first word from ``k`` on, in sentence ``sent``, past lead-in words ("do I *need
    to* file"), when it is a word of the question's own (no stop word, no example)."""
    while k < len(toks) and toks[k].sent == sent and toks[k].low in _LEAD_INS:
        k += 1
    if k >= len(toks) or toks[k].sent != sent:
        return None
    tok = toks[k]
    if tok.kind != "word" or tok.literal or tok.low in STOPWORDS:
        return None
    return k


def _past(low: str) -> bool:
    """A past form: a regular "-ed" or a listed irregular one ("bought", "took")."""
    if low in STOPWORDS:
        return False  # "I had", "we got": light verbs, no act of their own
    return (len(low) > 4 and low.endswith("ed")) or low in IRREGULAR


def _told_by_subject(toks: tuple[Token, ...], i: int) -> bool:
    """The past form at ``i`` follows a pronoun or "have", an adverb between at most ("I
    painted", "we've *already* paid")."""
    k = i - 1
    if k > 0 and toks[k].low in _TOLD_ADVERBS:
        k -= 1
    return k >= 0 and (toks[k].low in _PAST_SUBJECTS or toks[k].low in _HAVE)


def _told_sentences(toks: tuple[Token, ...]) -> set[int]:
    """The sentences that say when their past happened ("yesterday", "a week ago",
    "last month", "this morning", "already")."""
    out = set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if (
            tok.low in _WHEN_TOLD
            or (tok.low == "last" and nxt in _LAST)
            or (tok.low == "this" and nxt == "morning")
        ):
            out.add(tok.sent)
    return out


def _window(toks: tuple[Token, ...], k: int) -> list[str]:
    """The event words a phase word at ``k`` governs: the content words of the next few,
    up to a symbol or the clause's own auxiliary ("while on prednisone, *can* I")."""
    out = []
    for j in range(k + 1, min(len(toks), k + 1 + _REACH)):
        tok = toks[j]
        if tok.kind == "sym" or (j > k + 1 and tok.low in _CLAUSE_AUX):
            break
        if tok.kind == "word" and tok.low not in STOPWORDS:
            out.append(_act(tok.low))
    return out


def _verb_stage(toks: tuple[Token, ...], i: int) -> tuple[str, int] | None:
    """The stage a word at ``i`` opens for the verb it leads to, and where to look for
    that verb: "can I" (asked), "how to", "ok to", "I will" (planned), "going to"."""
    low = toks[i].low
    prev = toks[i - 1].low if i else ""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    if (low in _AUXILIARIES and nxt in _SUBJECTS) or (low == "how" and nxt == "to"):
        return ASKED, i + 2
    if low == "to" and prev in _WHETHER:
        return ASKED, i + 1
    if (low in _PLAN_AUX and prev in _SUBJECTS) or low in _PLANNERS:
        return PLANNED, i + 1
    planning = low in _PLAN_VERBS and (prev in _SUBJECTS or prev in _PROGRESSIVE)
    if nxt == "to" and (planning or (low == "going" and prev in _PROGRESSIVE)):
        return PLANNED, i + 2
    if low in _BEFORE_AFTER and nxt in _PAST_SUBJECTS and prev != "or":
        return (AFTER if low == "after" else PLANNED), i + 2
    return None


def _event_stage(toks: tuple[Token, ...], i: int) -> str | None:
    """The stage a phase word at ``i`` puts the words after it at: "finished X" (ended),
    "while X", "being treated", "still taking" (going on)."""
    low = toks[i].low
    if low in _ENDED:
        return ENDED
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    if low in _GOING or (low in _ONGOING and nxt.endswith(("ed", "en", "ing"))):
        return GOING_ON
    return None


@text_cache
def stages(text: str) -> dict[str, frozenset[str]]:
    """Each act's key -> the stages ``text`` puts it at."""
    toks = analyze(text).tokens
    out: dict[str, set[str]] = {}
    told = _told_sentences(toks) if not _DONE_CUES.isdisjoint(analyze(text).words) else ()
    for i, tok in enumerate(toks):
        if tok.sent in told and _past(tok.low) and _told_by_subject(toks, i):
            out.setdefault(_act(tok.low), set()).add(DONE)
            continue
        if tok.low not in _OPENERS:
            continue
        opened = _verb_stage(toks, i)
        if opened is not None:
            k = _verb_at(toks, opened[1], tok.sent)
            if k is not None:
                out.setdefault(_act(toks[k].low), set()).add(opened[0])
            continue
        stage = _event_stage(toks, i)
        if stage is not None:
            for act in _window(toks, i):
                out.setdefault(act, set()).add(stage)
    return {k: frozenset(v) for k, v in out.items()}


def stage_changed(a: str, b: str) -> tuple[str, str, str] | None:
    """An act ``a`` puts at one stage and ``b`` at a conflicting one (asked / done,
    planned or going on / done, after or ended), each text at that stage only:
    ``(act, stage in a, stage in b)``; else None."""
    if _DONE_CUES.isdisjoint(analyze(a).words) and _DONE_CUES.isdisjoint(analyze(b).words):
        return None  # nothing done, after or ended on either side
    sa, sb = stages(a), stages(b)
    for act in sorted(set(sa) & set(sb)):
        x, y = sa[act], sb[act]
        if len(x) == 1 and len(y) == 1 and x | y in _CONFLICTS:
            return act, next(iter(x)), next(iter(y))
    return None
