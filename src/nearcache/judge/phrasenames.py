"""Listed names written over several lower-case words: "field player", "point guard".

:func:`.entities.entities` reads names word by word (only a capitalized run joins words),
so a name of ``data/names.txt`` spelled over two to four lower-case words ("a water polo
field player" / "the goalkeeper") was no name to the entity guard: found here and named
beside the others.

Limits: the words must be written in lower case and side by side, as listed; the longest
listed run wins.
"""

from __future__ import annotations

from .lexicon import lexicon
from .tokens import analyze, text_cache

__all__ = ["phrase_names"]


@text_cache
def phrase_names(text: str) -> tuple[tuple[str, str], ...]:
    """(canonical name, kind) of each listed name of several lower-case words in ``text``."""
    lex = lexicon()
    toks = [tok for tok in analyze(text).tokens if tok.kind == "word"]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(toks):
        step = 1
        if toks[i].low in lex.phrase_starts:
            for n in (4, 3, 2):
                run = toks[i : i + n]
                phrase = " ".join(tok.low for tok in run)
                if len(run) == n and phrase in lex.phrases and all(t.text.islower() for t in run):
                    canon = lex.canonical_name(phrase)
                    out.append((canon, lex.names.get(canon, "name")))
                    step = n
                    break
        i += step
    return tuple(out)
