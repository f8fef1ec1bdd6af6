"""The negation cues of one text, as the negation guard counts them.

A cue is ``not``, every ``n't`` contraction (also typed without the apostrophe: "dont",
"cant"), ``cannot``, ``no``, ``never``, ``none``, ``nobody``, ``nothing``, ``nowhere``,
``neither``, ``nor``, ``without``, ``unless``, ``except``, ``excluding``, ``non-`` and
``not-`` words, "at no time" and "anything but" / "everything but" (read as ``except``)
(:func:`is_cue`, :func:`negations`). Some are marked for the guard to weigh against the
other text: a negated auxiliary opening a yes/no question ("^doesn't"), "not" before an
un- word ("not unusual"), a cue inside code or a quote ("`not`"), and double negatives
with what they say ("won't stop" is "keeps on", "without losing" is "keeps", "no/never
... more than" is "at most" and "... less than" "at least", "not ... yet" is "before",
"without" the rest of a thing is "without the rest"), cancelled when the other text says
that (:func:`double_cancelled`).

A logical-not operator in code ("FILTER(!(?age > 18))", "if (!done)") is a cue too.

Not cues: "not only", "No. 5", "or not" closing a yes/no question, "no" as an answer
("if they say no").
"""

from __future__ import annotations

import re

from .negwords import un_word
from .tokens import Text, Token, analyze, stem, text_cache, wordset

__all__ = ["CLAUSE_BREAKS", "cue_phrases", "double_cancelled", "is_cue", "negations"]

_CUES = frozenset(
    (  # noqa: SIM905
        "not no never none nobody nothing nowhere neither nor without unless cannot except "
        "excluding dont cant wont isnt arent wasnt werent doesnt didnt hasnt havent hadnt "
        "shouldnt wouldnt couldnt mustnt neednt aint"
    ).split()
)
#: "anything but X" is "not X", "everything but X" is "except X".
_ALL_BUT = wordset("anything everything")
_PERSONAL = wordset("i you he she it we they there")
CLAUSE_BREAKS = wordset("but yet whereas while although though however ; , . ? ! \u2014")
_NOT_AFTER = frozenset({"only", "just"})  # "not only ... but also" is not a negation
#: Double negatives and the word the other text must say for one to cancel: "without
#: losing my changes" / "keep my changes", "can't stop thinking" / "keep thinking".
_LOSS = wordset("lose losing lost delete deleting erase erasing wipe wiping discard discarding")
_ANY_LOSS = _LOSS | wordset(
    "loses deletes deleted erased wiped discarded remove removes removing removed drop "
    "drops dropping dropped purge purging"
)
_KEEP = wordset("keep keeps keeping kept preserve preserving retain retaining save saving")
_BEEN = wordset("been be being got gotten even")
_HALT = wordset("stop stops stopping quit quits cease ceases")
_GO_ON = wordset("keep keeps keeping continue continues continuing nonstop constantly")
#: Words after "without" that leave one thing alone ("without starting the other services"),
#: and words that say "only that thing" in the other text.
_REST = wordset("other others rest whole entire everything")
_ONLY = wordset("only just single solely alone")
#: "no/not/never more than" is "at most", "... less/fewer than" is "at least"; words that
#: say the bound in the other text ("most" and "least" stand for "at most", "at least").
_BOUNDS = {"more": "at most", "less": "at least", "fewer": "at least"}
_BOUND_SAID = {"at most": wordset("most maximum max"), "at least": wordset("least minimum min")}
#: Negated auxiliaries that open a yes/no question ("Doesn't aspirin thin the blood?").
_NEGATED_AUX = wordset(
    "don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't "
    "shouldn't hasn't haven't hadn't"
)
_SENT_ENDS = frozenset("?.!;")
_SAY = wordset("say says said saying answer answers answered tell told")
_SUBJECTS = wordset("i you he she it we they there this that these those the a an my your")


#: A logical-not operator in code: "!" right before a name, a bracket or a variable
#: ("FILTER(!(?age > 18))", "if (!done)"), not after a word ("fix!"), before "=" nor in
#: CSS's "!important".
_NOT_OPERATOR = re.compile(r"(?<![\w)\]!])!(?!important\b)(?=[\w(?$@])")


#: The prefixes that make a word a cue of its own ("non-resident", "--no-verify").
_PREFIXES = ("non-", "not-", "no-", "--no-")
#: The other words :func:`_cues` may read as a cue ("non resident", "anything but").
_OPENERS = frozenset({"non", "but"})


def is_cue(low: str) -> bool:
    """``low`` (a lowercase word) is a negation cue: a word of the list or any "n't"."""
    return low in _CUES or low.endswith("n't")


@text_cache
def negations(text: str) -> tuple[str, ...]:
    """The negation cues of ``text`` in order (lowercased), then one "!" for each
    logical-not operator in code."""
    return (*_cues(analyze(text)), *("!" for _ in _NOT_OPERATOR.finditer(text)))


def _polar_opening(t: Text, i: int) -> bool:
    """``t.tokens[i]`` is a negated auxiliary opening a yes/no question: the text's first
    word, followed by a subject, in a question ("Doesn't aspirin thin the blood?",
    "Isn't it too late?"): it asks the same as without the negation."""
    toks = t.tokens
    if toks[i].low not in _NEGATED_AUX or any(tok.kind == "word" for tok in toks[:i]):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or nxt.kind == "sym":
        return False
    return nxt.low in _SUBJECTS or (nxt.kind == "word" and t.tokens[-1].low == "?")


def _cues(t: Text) -> list[str]:
    """The cues in order; a cue inside code or a quote is marked "`cue`", "not" before an
    un- word "not unusual" (see the module's docstring)."""
    out: list[str] = []
    toks = t.tokens
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        w = tok.low
        if not (is_cue(w) or w in _OPENERS or w.startswith(_PREFIXES)):
            continue  # most words: none of the branches below can add it
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if is_cue(w):
            if w == "not" and nxt in _NOT_AFTER:
                continue
            if w == "no" and (nxt == "." or nxt.isdigit()):
                continue  # "No. 5"
            prev = toks[i - 1].low if i > 0 else ""
            whether = i > 1 and toks[i - 2].low == "whether"
            closing = nxt in _SENT_ENDS or nxt in (",", "")
            if w in ("not", "no") and prev == "or" and (closing or whether):
                continue  # "recessive or not?", "urgent care or no?": a yes/no question
            if w == "no" and prev in _SAY and (nxt in _SENT_ENDS or nxt in (",", "")):
                continue  # "if the parents say no": the answer no, not a negation
            if w == "no" and i > 0 and toks[i - 1].low == "at" and nxt == "time":
                w = "at no time"
            if _polar_opening(t, i):
                w = f"^{w}"  # counted only against a text negated as often
            if w == "not" and un_word(nxt):
                w = f"not {nxt}"  # "not unusual": cancelled unless the other says "unusual"
            w = _double(toks, i, w, nxt)
        elif w == "non" and toks[i + 1 : i + 2] and toks[i + 1].kind == "word":
            w = f"non-{nxt}"  # "non resident" is "non-resident"
        elif w == "but" and i > 0 and toks[i - 1].low in _ALL_BUT and _object_next(nxt):
            w = "except"  # "mark as anything but cloud" / "everything but the logs"
        elif not w.startswith(_PREFIXES):
            continue
        out.append(f"`{w}`" if tok.literal else w)
    return out


def _object_next(nxt: str) -> bool:
    """The word after "anything but" opens its object, not a clause ("I tried everything
    but nothing works", "... but it fails")."""
    return bool(nxt) and nxt not in _PERSONAL and nxt not in _CUES and nxt not in _SENT_ENDS


def _double(toks: tuple[Token, ...], i: int, w: str, nxt: str) -> str:
    """A cue that a word after it turns round, marked with what it then says (cancelled
    when the other text says that, :func:`double_cancelled`): a negated stop is "keeps
    on" ("won't stop running" / "keeps running"), "without" a loss "keeps" ("without
    losing my changes" / "keep my changes"), "never/not ... more than" and "no more
    than" are "at most" ("never runs more than once" / "runs only once"), "... less than"
    "at least", "without" the rest of something "without the rest" ("without starting the
    other services" / "start only the database")."""
    if w.startswith(("not ", "^", "at no")):
        return w
    after = [t.low for t in toks[i + 1 : i + 6]]
    halt = next((a for a in after[:3] if a in _HALT), None)  # "won't my dog stop"
    if (
        halt is not None
        and w not in ("without", "no", "none", "nothing")
        and not any(a in CLAUSE_BREAKS for a in after[: after.index(halt)])
    ):
        return f"keeps on:{halt}"
    if w == "without" and nxt in _LOSS:
        return f"keeps:{nxt}"
    if (w == "not" or w.endswith("n't")) and "yet" in after[:4]:  # "hasn't shipped yet"
        verb = next((a for a in after[:3] if a not in _BEEN), "")
        return f"before:{verb}" if verb and verb != "yet" else w
    if w in ("not", "never", "no") or w.endswith("n't"):
        k = next((n for n, a in enumerate(after[:4]) if a in _BOUNDS), None)
        if k is not None and after[k + 1 : k + 2] == ["than"] and (w != "no" or k == 0):
            return _BOUNDS[after[k]]
    if w == "without":
        for a in after:
            if a in CLAUSE_BREAKS:
                break
            if a in _REST:
                return "without the rest"
    return w


def double_cancelled(cue: str, words: set[str], stems: set[str]) -> bool:
    """A double negative (marked by :func:`_double`) that the other text, with ``words``
    and their ``stems``, says positively: "never more than once" / "only once", "an order
    that hasn't shipped yet" / "before it ships", "without losing X" / "keep X", "won't
    stop" / "keeps going"."""
    if cue in ("without the rest", "at most") and words & _ONLY:
        return True
    if cue in ("at most", "at least") and words & _BOUND_SAID[cue]:
        return True
    kept, _, turned = cue.partition(":")
    if kept == "before" and "before" in words and stem(turned) in stems:
        return True
    said, against = (_KEEP, _ANY_LOSS) if kept == "keeps" else (_GO_ON, _HALT)
    return bool(turned and words & said) and not words & against and stem(turned) not in stems


@text_cache
def cue_phrases(text: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    """Each cue with the word after it, inside quotes or code and outside them."""
    toks = analyze(text).tokens
    quoted: set[tuple[str, str]] = set()
    plain: set[tuple[str, str]] = set()
    for i, tok in enumerate(toks):
        if tok.kind == "word" and is_cue(tok.low):
            nxt = toks[i + 1].low if i + 1 < len(toks) else ""
            (quoted if tok.literal else plain).add((tok.low, nxt))
    return frozenset(quoted), frozenset(plain)
