"""Why against how: a question about a cause and one about a method ask different things.

"Java: why does my HashMap return null for a key I just put?" and "Java: how do I sort a
HashMap by value?" share their topic, and the verifier sees a shared name and a high
cosine; "Why can I still see read receipts after turning them off?" and "How do I turn
off read receipts?" even share their verb. One asks for a cause, the other for a way to
do something: the answer to one does not answer the other. The entities guard rejects a
pair whose texts open their question with "why" in one and "how" in the other -- the
first question word of each text, at its start or after a symbol ("Java: why ...").

"How come" asks why, and counts as "why". A "how" that asks for a remedy (fix, stop,
prevent, avoid, solve, resolve, troubleshoot, debug, repair, cure, treat) is not read:
"Why won't my car start?" / "How do I fix a car that won't start?" may share an answer.

Limits: other troubleshooting questions asked both ways ("Why is my wifi slow?" / "How
do I speed up my wifi?") are rejected though one answer may serve both; a question
word inside a sentence ("I wonder why ...") is not read; other pairs of question words
("what" / "how") are left to the verifier. English only.
"""

from __future__ import annotations

from .tokens import analyze, text_cache, wordset

__all__ = ["asks", "cause_or_method"]

#: Verbs of a remedy: "how do I fix / stop / prevent ..." may be answered by the cause.
_REMEDIES = wordset(
    "fix fixed fixing stop stopping prevent preventing avoid avoiding solve solving resolve "
    "resolving troubleshoot troubleshooting debug debugging repair repairing cure treat "
    "unstick unfreeze"
)


@text_cache
def asks(text: str) -> str | None:
    """ "why" or "how": the question word that opens ``text``'s question, or None."""
    t = analyze(text)
    if "why" not in t.words and "how" not in t.words:
        return None  # most texts: two scans in C
    toks = t.tokens
    for i, tok in enumerate(toks):
        opens = i == 0 or toks[i - 1].kind == "sym" or toks[i - 1].sent != tok.sent
        if not opens or tok.kind != "word":
            continue
        if tok.low == "why":
            return "why"
        if tok.low == "how":
            nxt = toks[i + 1].low if i + 1 < len(toks) else ""
            return "why" if nxt == "come" else "how"
    return None


@text_cache
def _remedy(text: str) -> bool:
    """The text asks how to fix or stop something: its answer may well start with why."""
    return not _REMEDIES.isdisjoint(analyze(text).words)


def cause_or_method(a: str, b: str) -> tuple[str, str] | None:
    """("why", "how") or ("how", "why") when the texts ask one each and the "how" is not
    a remedy; else None."""
    x, y = asks(a), asks(b)
    if x is None or y is None or x == y:
        return None
    if _remedy(a if x == "how" else b):
        return None  # "Why won't my car start?" / "How do I fix a car that won't start?"
    return x, y
