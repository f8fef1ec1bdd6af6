"""Field labels in pasted output: "Last State: Terminated  Reason: OOMKilled".

Text pasted from a terminal, a log or a form lists fields as ``Label: value``. The labels
are capitalized because the tool prints them so, not because they name something, so a
label is read like a word opening a sentence (:attr:`.tokens.Token.initial`): the
entities guard does not take "Last State" for a proper name the other text lacks.

A text counts as pasted output when at least two runs of one to three capitalized words
stand right before a colon and a value; each such run is a label.

Limits: a single ``Label: value`` is left as written ("Django: how do I ..."), and so is a
capitalized label of four words or more; a name inside a label of two or more fields
(``Image: nginx``) is still seen where it is listed in ``data/names.txt`` (listed names
need no capital).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tokens import Token

__all__ = ["labels"]

_LONGEST = 3  # words in a label


def labels(tokens: Sequence[Token]) -> frozenset[int]:
    """The indices of the tokens that are field labels (empty unless two or more)."""
    found: list[int] = []
    count = 0
    for i, tok in enumerate(tokens):
        if tok.text != ":" or i + 1 >= len(tokens) or tokens[i + 1].kind == "sym":
            continue
        run: list[int] = []
        k = i - 1
        while k >= 0 and len(run) <= _LONGEST and _capital_word(tokens[k]):
            run.append(k)
            k -= 1
        if 1 <= len(run) <= _LONGEST:
            found.extend(run)
            count += 1
    return frozenset(found) if count >= 2 else frozenset()


def _capital_word(tok: Token) -> bool:
    """A capitalized word, not written all in capitals (those are acronyms or code)."""
    return tok.kind == "word" and tok.text[:1].isupper() and not tok.text.isupper()
