"""Normalizing a large batch of texts at once (``keys.key_batch``'s fast path).

``normalize_text`` of an ASCII text only changes its whitespace (ASCII is its own NFKC).
Over a batch, the texts joined into one buffer are checked and normalized with a few
vector passes (numpy) and C string passes (``bytes.translate``, ``split``) instead of
one Python call per text: each text is touched in Python once, to hash. The results are
exactly ``normalize_text(t).encode()`` per text (tests/unit/test_keys.py checks them
against it with generated batches).

The same passes collapse the whitespace of the UTF-8 of an NFKC text whose only
whitespace is ASCII, given as a str of one character a byte (decoded as Latin-1): bytes
of 0x80 and up are never ASCII whitespace in UTF-8, so such a text needs what an ASCII
one needs, and joins the batch without widening it (``keys`` sends its non-ASCII texts
this way).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["normalize_ascii"]

_TAIL_STEPS = 8  # whitespace runs ending a text longer than this are measured one by one
#: str.split's ASCII whitespace other than ' ' (each looked for with one memchr pass),
#: newline first: a batch that is not normal is most often found so by its first pass
_OTHER_WS = tuple(bytes([b]) for b in (10, 9, 13, 11, 12, *range(28, 32)))
#: str.split's ASCII whitespace (``rstrip``: the default would take NEL and NBSP too,
#: bytes of a character in UTF-8 read as Latin-1)
_WS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def normalize_ascii(texts: Sequence[str]) -> list[bytes]:
    """UTF-8 of ``normalize_text(t)`` for ASCII texts, worked out over the whole batch
    (for a text given as UTF-8 decoded as Latin-1, see above: that UTF-8 with its
    whitespace collapsed and stripped).

    The texts joined with NUL are their UTF-8 with a NUL after each. Texts already
    normal are recognized at once; the others are normalized as one batch
    (:func:`_normalize_ascii_batch`). NUL is no whitespace, so a text holding NUL itself
    is normalized right all the same, only cut into more parts at the end: then the batch
    is done again joined with byte 0xFE, which no ASCII text and no UTF-8 holds
    (counting the NULs up front would cost a pass over the batch every time).
    """
    raw = "\0".join(texts).encode("latin-1")
    out = _already_normal(raw) or _normalize_ascii_batch(texts, raw, b"\0")
    if len(out) != len(texts):
        out = _normalize_ascii_batch(texts, "\xfe".join(texts).encode("latin-1"), b"\xfe")
    return out


def _already_normal(raw: bytes) -> list[bytes] | None:
    """``raw`` (texts joined with NUL) cut into the texts if every one is already
    normal -- no whitespace but single spaces inside -- else None. Checked over the
    whole batch: one ``memchr`` pass per other whitespace byte, then with numpy no space
    next to a space or a separator, none at either end (a two-byte substring search is
    ~40x slower than these vector passes when spaces are frequent). A text holding NUL
    itself can make this say "not normal" wrongly (a space next to its NUL), never
    "normal" wrongly: the batch path then does the work."""
    if any(c in raw for c in _OTHER_WS):
        return None
    arr = np.frombuffer(raw, np.uint8)
    space = arr == 32
    if space[0] or space[-1]:
        return None
    edge = arr == 0
    edge |= space  # a space or a separator
    if (space[:-1] & edge[1:]).any() or (edge[:-1] & space[1:]).any():
        return None
    return raw.split(b"\0")


#: str.split's ASCII whitespace (9-13, 28-31) made a space, every other byte kept
_TO_SPACE = bytes(32 if 9 <= b <= 13 or 28 <= b <= 31 else b for b in range(256))
#: what a byte to delete is marked with: 0xFF, which no ASCII text and no UTF-8 holds
_MARK = b"\xff"


def _normalize_ascii_batch(texts: Sequence[str], raw: bytes, sep: bytes) -> list[bytes]:
    """``normalize_text(t).encode()`` for ASCII texts (and UTF-8 given as Latin-1, see
    the module), worked out over the whole batch.

    ``raw`` is the texts joined with the byte ``sep`` (one no text holds: NUL or 0xFE).
    ASCII is its own NFKC, so only whitespace changes. Whitespace (``str.split``'s:
    9-13, 28-31 and 32) is found with a few vector comparisons. A whitespace byte that
    follows whitespace or starts a text is deleted; so is the first byte of a run that
    ends a text; the others become one space. The deleted bytes are marked 0xFF, then one
    C pass makes the spaces and deletes (``bytes.translate``) and one splits; Python
    touches each text once, to hash. Temporaries are reused.
    """
    arr = np.frombuffer(raw, np.uint8)
    tmp = arr - np.uint8(9)
    ws = tmp <= 4  # 9-13
    tmp -= np.uint8(19)
    ws |= np.less_equal(tmp, 4, out=tmp.view(np.bool_))  # 28-32
    lens = np.fromiter(map(len, texts), np.intp, len(texts))
    ends = np.cumsum(lens + 1) - 1  # the index just past each text (its separator)
    drop = np.empty_like(ws)
    drop[0] = ws[0]
    np.logical_and(ws[1:], ws[:-1], out=drop[1:])  # whitespace after whitespace
    starts = (ends - lens)[lens > 0]
    drop[starts] = ws[starts]  # whitespace starting a text
    _drop_tails(texts, lens, ends, ws, drop)
    if not drop.any():
        if int(np.count_nonzero(ws)) == raw.count(b" "):
            return raw.split(sep)  # already normal: single spaces inside the texts only
        return raw.translate(_TO_SPACE).split(sep)
    marked: npt.NDArray[np.uint8] = np.multiply(drop.view(np.uint8), np.uint8(_MARK[0]), out=tmp)
    marked |= arr  # a deleted byte is 0xFF now, the others as they were
    # one C pass: whitespace -> ' ' and the marked bytes deleted
    return marked.tobytes().translate(_TO_SPACE, _MARK).split(sep)


def _drop_tails(
    texts: Sequence[str],
    lens: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    ws: npt.NDArray[np.bool_],
    drop: npt.NDArray[np.bool_],
) -> None:
    """Mark the first byte of each whitespace run that ends a text (the rest of the run
    is marked already): walk back from the text's end a few steps at once, then measure
    the few longer runs with ``rstrip``."""
    which = np.flatnonzero(lens > 0)
    which = which[ws[ends[which] - 1]]
    if not len(which):
        return
    pos, lo = ends[which] - 1, ends[which] - lens[which]
    for _ in range(_TAIL_STEPS):
        more = ws[pos - 1] & (pos > lo)
        if not more.any():
            break
        pos -= more
    else:
        for j in np.flatnonzero(ws[pos - 1] & (pos > lo)).tolist():
            text = texts[int(which[j])]
            pos[j] = ends[which[j]] - (len(text) - len(text.rstrip(_WS)))
    drop[pos] = True
