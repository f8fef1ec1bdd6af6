"""Listed names the entity guard reads beyond their shape: names written over several
lower-case words ("field player", "point guard"), and two listed names of one kind swapped
in a keyword query ("cat rectal temp 39C normal?" / "... normal for a dog?").

:func:`.entities.entities` reads names word by word (only a capitalized run joins words),
so a name of ``data/names.txt`` spelled over two to four lower-case words ("a water polo
field player" / "the goalkeeper") was no name to the entity guard: found here and named
beside the others.

A keyword query or a snippet against a full question is not refused for names its code
words read as (:func:`.weighed.snippet_asked`), but two names of one listed kind (animals,
languages, libraries), each written as listed in prose (not an alias: "ORDER BY ts" is no
TypeScript; not in code or quotes), one on each side, still name two things
(:func:`listed_swap`).

Limits: the words must be written in lower case and side by side, as listed; the longest
listed run wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from .lexicon import lexicon
from .tokens import analyze, text_cache

__all__ = ["listed_swap", "phrase_names"]

#: Kinds of names known by their shape; the others are names.txt's kinds (animals, ...).
_SHAPES = frozenset({"name", "proper", "code", "file", "id"})


@text_cache
def phrase_names(text: str) -> tuple[tuple[str, str], ...]:
    """(canonical name, kind) of each listed name of several lower-case words in ``text``."""
    lex = lexicon()
    t = analyze(text)
    if lex.phrase_starts.isdisjoint(t.words):
        return ()  # no word opens a listed name
    toks = [tok for tok in t.tokens if tok.kind == "word"]
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


def listed_swap(
    only_a: Sequence[tuple[str, str]], only_b: Sequence[tuple[str, str]], a: str, b: str
) -> bool:
    """Each side has a name of one listed kind the other lacks, written as listed and
    outside code and quotes (a quoted value, `tags: "rust"`, is an example)."""
    toks = (*analyze(a).tokens, *analyze(b).tokens)
    written = {tok.low for tok in toks if tok.kind == "word" and not tok.literal}
    kinds = [{k for n, k in side if k not in _SHAPES and n in written} for side in (only_a, only_b)]
    return bool(kinds[0] & kinds[1])
