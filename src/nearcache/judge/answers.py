"""Another kind of answer: "Where was Mozart born?" against "When was Mozart born?".

Two questions about the same thing that open with question words asking for different
kinds of answer -- a person (who, whom, whose), a place (where, "which country"), a time
(when, "what year", "what time") or an amount (how many, how much, how long, how old,
how often ...), a cause (why, how come) or a way (how + a verb) -- share every content
word and embed at 0.9+, yet an answer to one ("in Salzburg") does not answer the other
("in 1756"). The entities guard rejects such a pair.

The question word is the first one opening a sentence or a clause after a symbol
("Java: where is ..."), as in :mod:`.asks`, or a bare "what"/"which" before a word that
names the kind ("what year", "which city"). Not read:

* a time against an amount: "When will the refund land?" / "How long does a refund
  take?" ask the same thing;
* a cause against a way (:mod:`.asks` reads those, with its exceptions for remedies);
* "what" and "which" before any other word, and "how" before an adjective that is not an
  amount ("how safe", "how hard": a degree);
* a question word written in capitals ("WHERE name LIKE ...", SQL) or inside quotes;
* a pair where one text has the other's question word anywhere ("who won, and when?").

Limits: a question word misspelled beyond one letter is not read ("whn"); "how" then a
misspelled amount word counts as the amount when it is one edit away ("how ofen").
English only.
"""

from __future__ import annotations

from .align import similar_spelling
from .tokens import analyze, pair_cache, text_cache, wordset

__all__ = ["answer_kind", "kind_changed"]

_WORDS = {
    "who": "person",
    "whom": "person",
    "whose": "person",
    "where": "place",
    "when": "time",
    "why": "cause",
}
_AMOUNTS = wordset(
    "many much long far old often big tall large fast high deep heavy wide soon late early "
    "frequently"
)
_KIND_NOUNS = {
    **{w: "time" for w in ("year", "time", "date", "day", "month", "century", "decade", "hour")},
    **{
        w: "place"
        for w in ("country", "city", "state", "place", "town", "continent", "county", "province")
    },
    **{w: "person" for w in ("person", "people")},
}
#: Compatible kinds (a time asked as a duration) and pairs another module reads.
_NOT_READ = frozenset({frozenset({"time", "amount"}), frozenset({"cause", "way"})})
_WH = wordset("who whom whose where when why how what which")


def _kind_at(words: list[str], i: int) -> str | None:
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if w in _WORDS:
        return _WORDS[w]
    if w in ("what", "which"):
        return _KIND_NOUNS.get(nxt.removesuffix("s"))
    if nxt == "come":
        return "cause"
    nxt = nxt.removesuffix("'s")
    if nxt in _AMOUNTS or any(similar_spelling(nxt, a) for a in _AMOUNTS if len(a) >= 4):
        return "amount"
    # a verb or an auxiliary follows a "how" that asks for a way ("how do I", "how to");
    # an adjective, a degree ("how safe", "how hard"): not read
    return "way" if nxt in _AUX else None


_AUX = wordset(
    "do does did can could should would will to is are was were i you we they he she it "
    "must may might shall have has"
)


@text_cache
def answer_kind(text: str) -> tuple[str, str] | None:
    """(kind, question word) of the question ``text`` opens, or None."""
    t = analyze(text)
    if not t.latin or _WH.isdisjoint(t.words):
        return None
    toks = t.tokens
    words = [tok.low for tok in toks]
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.low not in _WH:
            continue
        opens = i == 0 or toks[i - 1].kind == "sym" or toks[i - 1].sent != tok.sent
        if not opens or tok.literal or (len(tok.text) > 1 and tok.text.isupper()):
            continue
        kind = _kind_at(words, i)
        return None if kind is None else (kind, tok.low)
    return None


@pair_cache
def kind_changed(a: str, b: str) -> tuple[str, str] | None:
    """The two question words when the texts ask for different kinds of answer."""
    x, y = answer_kind(a), answer_kind(b)
    if x is None or y is None or x[0] == y[0] or frozenset({x[0], y[0]}) in _NOT_READ:
        return None
    if x[1] in analyze(b).words or y[1] in analyze(a).words:
        return None  # "who won, and when?"
    return x[1], y[1]
