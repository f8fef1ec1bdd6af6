"""Two stretches of the same tokens trading places (:func:`segments_swapped`), read token
for token -- symbols and function words too -- so it also sees swaps inside code and
across clauses that the role terms alone miss ("2.4 *bar*, what's that in *psi*?" / "2.4
*psi*, what's that in *bar*?"; "does === coerce types but == does not" / "does == coerce
types but === does not").

A middle of symbols only or with a symmetric connective keeps the meaning ("X, Y" / "Y,
X"; "X or Y") -- unless the stretches are items of one bracketed example, whose order is
the code's ("an index on (b, a)" / "(a, b)") -- and except a contrastive one (but, yet,
whereas) after a word of its own clause: "X coerces types *but* Y does not" says different
things of X and Y. Stretches that open or close with the same tokens are also tried with
those tokens inside them ("a & ... a &mut": the shared "&" belongs to both stretches).

Two operands of an operator whose order counts trading places ("How do I compute x - y"
/ "y - x", "7 divided by 2", "solve x A = b" / "A x = b") are read from the raw text,
since the tokens drop the operator (:func:`operands_swapped`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .roles import RELATIONAL, SYMMETRIC, Exchange, Words, clause_start
from .tokens import Text, Token, analyze, text_cache

__all__ = ["operands_swapped", "segments_swapped", "side"]

_MAX_SWAP = 40
#: Connectives that set two clauses against each other: symmetric only between terms.
_CONTRAST = frozenset(["but", "yet", "whereas"])
#: How many shared tokens next to the changed span may belong to the stretches.
_SLACK = 2


def _connected(middle: list[str]) -> bool:
    """A symmetric connective joins the two stretches ("X and Y", "X or Y"); "while"
    before a preposition or an "-ing" verb opens a time clause instead ("merge main
    *while on* feature"), which keeps the stretches apart; so does a contrastive
    connective after a word of the first stretch's clause ("X coerces types *but* Y")."""
    for n, w in enumerate(middle):
        if w not in SYMMETRIC:
            continue
        nxt = middle[n + 1] if n + 1 < len(middle) else ""
        if w == "while" and (nxt in RELATIONAL or nxt.endswith("ing")):
            continue
        if w in _CONTRAST and n > 0:
            continue
        return True
    return False


def _bracketed(toks: Sequence[Token], lo: int, hi: int, middle: range) -> bool:
    """Tokens ``lo`` to ``hi`` are items of one bracketed or quoted example and the
    ``middle`` between them is one comma (arguments, columns, ranges "B2:B, A2:A": their
    order is meaning)."""
    words = [x for x in toks[lo:hi] if x.kind != "sym"]
    return bool(words) and all(x.literal for x in words) and [toks[k].low for k in middle] == [","]


def side(t: Text, lo: int, hi: int) -> tuple[Words, Words]:
    """The words strictly between tokens ``lo`` and ``hi``, and the words of the clause
    before ``lo``: of its sentence after the last comma, colon, semicolon or dash
    (:data:`.roles.CLAUSE`), so a clause that only sets the scene is no lead ("When two
    boats are not *overlapped*, does the boat ahead keep clear of the boat astern": see
    :class:`Exchange`)."""
    toks = t.tokens
    between = tuple(x.low for x in toks[lo + 1 : hi] if x.kind != "sym")
    lead = tuple(x.low for x in toks[clause_start(toks, lo) : lo] if x.kind != "sym")
    return between, lead


@text_cache
def _lows(text: str) -> tuple[str, ...]:
    """The lowercase tokens of ``text`` (compared token for token by :func:`segments_swapped`)."""
    return tuple(x.low for x in analyze(text).tokens)


def segments_swapped(a: str, b: str) -> Exchange | None:
    """The texts are the same token for token but for two stretches ``A`` and ``B`` that
    trade places around an unchanged middle ``M`` (``P A M B S`` / ``P B M A S``), even
    across a clause or inside code (see the module docstring)."""
    wa, wb = _lows(a), _lows(b)
    n = len(wa)
    if n != len(wb) or wa == wb:
        return None
    lo = 0
    while wa[lo] == wb[lo]:
        lo += 1
    hi = n
    while wa[hi - 1] == wb[hi - 1]:
        hi -= 1
    for start in range(lo, max(-1, lo - _SLACK - 1), -1):
        for end in range(hi, min(n, hi + _SLACK) + 1):
            found = _swapped(a, b, wa, wb, start, end)
            if found is not None:
                return found if isinstance(found, Exchange) else None
    return None


def _swapped(
    a: str, b: str, wa: tuple[str, ...], wb: tuple[str, ...], lo: int, hi: int
) -> Exchange | bool | None:
    """The swap of two stretches filling tokens ``lo`` to ``hi``: an :class:`Exchange`,
    False when the middle keeps the meaning, None when the span is no such swap."""
    size = hi - lo
    if size < 3 or size > _MAX_SWAP:
        return None
    xa = analyze(a).tokens
    ma, mb = list(wa[lo:hi]), list(wb[lo:hi])
    if sorted(ma) != sorted(mb):
        return None  # each swap below is an order of the same words
    for la in range(1, size - 1):
        for lb in range(1, size - la):
            if mb != ma[size - lb :] + ma[la : size - lb] + ma[:la]:
                continue
            middle = [x.low for x in xa[lo + la : hi - lb] if x.kind != "sym"]
            if not middle and _bracketed(xa, lo, hi, range(lo + la, hi - lb)):
                middle = ["(,)"]  # "an index on (b, a)" / "(a, b)": the order is the code's
            if not middle or _connected(middle):
                return False
            x, y = " ".join(ma[:la]), " ".join(ma[size - lb :])
            if x == y:
                continue
            sides = (
                side(analyze(a), lo + la - 1, hi - lb),
                side(analyze(b), lo + lb - 1, hi - la),
            )
            return Exchange(x, y, "stretches swapped", sides)
    return None


#: A name of up to 12 characters or a number.
_OPERAND = r"([A-Za-z]\w{0,11}|\d+(?:\.\d+)?)"
#: Two operands of an operator whose order counts ("x - y", "a / b", "2^10", "a mod b",
#: "7 divided by 2"), the "-" spaced or between numbers or letters alone ("peer-to-peer"
#: is a word), or two letters side by side before "=" ("x A = b": a product of matrices).
_NOT_COMMUTING = re.compile(
    r"(?<![\w.$-])"
    + _OPERAND
    + r"(?:\s*([/^\\%\u2212])\s*|\s+(-|mod|minus|divided by)\s+|(-))"
    + _OPERAND
    + r"(?![\w.-])"
    + r"|(?<![\w.])([A-Za-z]) ([A-Za-z])(?=\s*=[^=])"
)

#: What every match of :data:`_NOT_COMMUTING` holds (an operator or "="): a quick test.
_OPERATOR_CUES = re.compile(r"[-/^\\%\u2212=]|mod|minus|divided")


@text_cache
def _operations(text: str) -> frozenset[tuple[str, str, str]]:
    """(left, operator, right) of each operation :data:`_NOT_COMMUTING` finds."""
    if not _OPERATOR_CUES.search(text):
        return frozenset()  # the common case: no character or word any operation needs
    out = set()
    for m in _NOT_COMMUTING.finditer(text):
        if m.group(6):
            out.add((m.group(6), " ", m.group(7)))
            continue
        left, op, right = m.group(1), m.group(2) or m.group(3) or m.group(4), m.group(5)
        if op == "-" and m.group(4) and not (len(left) == len(right) == 1 or left.isdigit()):
            continue  # "client-server", "e-mail": a word, not a subtraction
        out.add((left, op, right))
    return frozenset(out)


def operands_swapped(a: str, b: str) -> tuple[str, str] | None:
    """Two operands of an operator whose order counts trade places ("How do I compute
    x - y" / "y - x"; "solve x A = b" / "A x = b"), the other order not also named in the
    first text: (left, right) of ``a``'s operation, or None."""
    oa, ob = _operations(a), _operations(b)
    for left, op, right in sorted(oa):
        turned, same = (right, op, left), (left, op, right)
        if left != right and turned in ob and same not in ob and turned not in oa:
            return left, right
    return None
