"""Two texts that differ in one small word the other guards do not read as a name.

"count rows where column A is "red" *or* column B is "large"" / "... *and* column B ...":
the condition changed, and "and" / "or" are function words no other guard compares.
"Does `a.extend(b)` change *a*?" / "... change *b*?": one letter naming a variable is no
name to the entities guard (names have two characters or more), yet the question is
about the other variable; two such words exchanged ("copy a's properties onto b" / "copy
b's properties onto a") are read the same way. Read only when every other word is the
same, in the same order: "one meaning-bearing change, the wording otherwise kept".

One word of two set side by side ("In Kotlin, what is the difference between *let* and
apply?" / "... between *also* and apply?") names another thing whatever the word: scope
functions, keywords and commands are often English words no other guard reads as names.

An identifier or a hyphenated word against its last part written as a word ("what
replaced the *validator* decorator" / "the *root_validator* decorator", "my sister's
*husband*" / "*ex-husband*", "*pasteurized* milk" / "*ultra-pasteurized* milk";
"`useEffect`" / "`useLayoutEffect`" is the entities guard's) names another thing too: the
qualifying part makes another name, unless it is a placeholder ("my_list" / "list": a
variable renamed; "re-run" / "run").

Limits: "a" is a letter only where no word follows it ("change a?"); "i" is never one.
"""

from __future__ import annotations

from .shortenings import identifier_words
from .spellings import edit_distance
from .tokens import Text, analyze, wordset

__all__ = ["one_word_changed"]

_CONNECTIVES = frozenset({"and", "or"})
#: Leading parts of an identifier that only name a placeholder ("my_list", "tmp_df").
_PLACEHOLDERS = wordset("my your our the a an tmp temp some new old foo bar test sample example re")
#: The words between the two things compared ("between let and apply", "let vs apply").
_SIDE = frozenset({"and", "vs", "versus"})
_CONTRAST = wordset("difference differences differ distinguish choose choosing pick")


def _qualified(t: Text, ident: str, word: str) -> bool:
    """``ident`` (a word of ``t``) is an identifier whose parts end with ``word`` and open
    with a qualifier other than a placeholder ("root_validator" / "validator")."""
    if not word.isalpha() or len(word) < 3:
        return False
    raw = next((tok.text for tok in t.tokens if tok.low == ident), ident)
    parts = identifier_words(raw)
    return len(parts) >= 2 and parts[-1] == word and parts[0] not in _PLACEHOLDERS


def _letter(t: Text, word: str) -> bool:
    """``word`` is one letter naming a thing in ``t``, not the article or the pronoun."""
    if len(word) != 1 or not word.isalpha() or word == "i":
        return False
    if word != "a":
        return True
    toks = t.tokens
    return any(
        tok.low == "a" and (k + 1 == len(toks) or toks[k + 1].kind != "word")
        for k, tok in enumerate(toks)
    )


def one_word_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the word of ``a``, of ``b``) when the texts have the same words in the same order
    but one (or two exchanged), and the two are "and" / "or" or two letters naming things
    ("'s" aside); else None."""
    ta, tb = analyze(a), analyze(b)
    wa, wb = ta.words, tb.words
    if len(wa) != len(wb):
        return None
    diff = [(x.removesuffix("'s"), y.removesuffix("'s")) for x, y in zip(wa, wb) if x != y]
    swapped = len(diff) == 2 and diff[0] == diff[1][::-1]  # "copy a's ... onto b" / "b's ... a"
    if len(diff) != 1 and not swapped:
        return None
    x, y = diff[0]
    if {x, y} == _CONNECTIVES or (_letter(ta, x) and _letter(tb, y)):
        return x, y
    if not swapped and (_qualified(ta, x, y) or _qualified(tb, y, x)):
        return x, y
    if not swapped and x not in _PLACEHOLDERS and y not in _PLACEHOLDERS:
        at = next(i for i, (u, v) in enumerate(zip(wa, wb)) if u != v)
        if _compared(wa, at) and not _misspelled(x, y):
            return x, y
    return None


def _misspelled(x: str, y: str) -> bool:
    """One word a typo of the other ("const" / "cosnt"; from four letters: "let" / "set"
    are two words)."""
    return min(len(x), len(y)) >= 4 and (sorted(x) == sorted(y) or edit_distance(x, y, 1) <= 1)


def _compared(words: tuple[str, ...], at: int) -> bool:
    """``words[at]`` is one of the two things "the difference between X and Y" (or "X vs
    Y" in it) sets side by side: right after "between", or right before or after the
    "and" / "vs" that follows it ("wait between coats and ..." sets nothing side by side)."""
    start = max((i for i, w in enumerate(words[:at]) if w == "between"), default=-1)
    if start < 0 or at - start > 4 or not _CONTRAST & set(words[max(start - 3, 0) : start]):
        return False
    before = words[at - 1]
    after = words[at + 1] if at + 1 < len(words) else ""
    return before == "between" or before in _SIDE or after in _SIDE
