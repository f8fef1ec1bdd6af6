"""The ONNX embedder's tokenizer and its window: which texts it reads whole, and their ids.

A semantic lookup asks ``fits(text)`` before it embeds a query, so a long query would be
tokenized twice (once to count its word pieces, once to embed it). :class:`WordPieces`
tokenizes it once: the ids ``fits`` made are handed to the next ``ids`` call for the same
text, and ``ids`` remembers whether each long text it tokenized fits, so ``fits`` after an
embedding costs a dict read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .protocol import FitsMemo

__all__ = ["WordPieces", "count_tokens", "load_tokenizer"]

#: How many texts' ids ``fits`` keeps for the embedding that usually follows it (a lookup
#: embeds its query right after; a text found in a vector cache leaves its ids unused).
HANDOFF_SIZE = 32
_SHIPPED = Path(__file__).parent / "data" / "all-MiniLM-L6-v2" / "tokenizer.json"
_COUNTER: Any = None  # the shipped tokenizer, uncut (loaded on first use); False: none


def count_tokens(text: str) -> int | None:
    """An API model's tokens for ``text`` without its tokenizer: the larger of its word
    pieces in the bert-base-uncased vocabulary shipped with nearcache (the one
    nomic-embed-text, bge-*-en and all-minilm read, with the two special tokens: never
    under their count) and a quarter of its UTF-8 bytes (what a BPE tokenizer averages on English:
    a long word BERT reads as one unknown piece is counted too). None without the
    ``tokenizers`` package, or for a text it cannot read (a lone surrogate)."""
    global _COUNTER
    if _COUNTER is None:
        try:
            import tokenizers
        except ImportError:
            _COUNTER = False
        else:
            counter = tokenizers.Tokenizer.from_file(str(_SHIPPED))
            counter.no_truncation()
            counter.no_padding()
            _COUNTER = counter
    if _COUNTER is False:
        return None
    quarter = -(-len(text.encode("utf-8", "surrogatepass")) // 4)
    try:
        pieces = len(_COUNTER.encode(text).ids)
    except (TypeError, UnicodeError):  # no UTF-8 form: the caller takes it as too long
        return None
    return max(pieces, quarter)


def load_tokenizer(tokenizers: Any, path: Path, max_length: int) -> tuple[Any, int]:
    """The tokenizer and its padding id. The shipped file pads and truncates to a fixed
    128: truncate where sentence-transformers does instead, and pad per batch."""
    tokenizer = tokenizers.Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer, tokenizer.token_to_id("[PAD]") or 0


class WordPieces:
    """A tokenizer truncating at ``max_length`` word pieces, with one tokenization per
    long text shared by the window check and the embedding.

    Both memos are bounded and start over when full (no recency tracking); each step is
    one dict operation, so threads may share one instance.
    """

    def __init__(self, tokenizer: Any, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length
        self._fits = FitsMemo()
        self._ids: dict[str, list[int]] = {}

    def fits(self, text: str) -> bool:
        """Whether ``text`` is read whole (at most ``max_length`` word pieces with the two
        special tokens). A word piece covers at least one character, so a text that short
        fits without tokenizing."""
        if len(text) <= self.max_length - 2:
            return True
        known = self._fits.get(text)
        if known is None:
            encoding = self.tokenizer.encode(text)
            known = not encoding.overflowing
            self._fits.put(text, known)
            if known:  # a lookup embeds a query that fits next: keep its ids for that
                handoff = self._ids
                if len(handoff) >= HANDOFF_SIZE:
                    handoff.clear()
                handoff[text] = encoding.ids
        return known

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The word-piece ids of each text (cut at the window), in order: the ids ``fits``
        kept for a text, else one batch tokenization of the rest."""
        handoff = self._ids
        # Nothing handed off (short texts, batches: the common case): no per-text look-up.
        kept: list[list[int] | None] = (
            [handoff.pop(text, None) for text in texts] if handoff else [None] * len(texts)
        )
        rest = [i for i, k in enumerate(kept) if k is None]
        batch = list(texts) if len(rest) == len(texts) else [texts[i] for i in rest]
        encodings = self.tokenizer.encode_batch(batch) if batch else []
        short, memo = self.max_length - 2, self._fits
        for i, encoding in zip(rest, encodings):
            text = texts[i]
            if len(text) > short and memo.get(text) is None:
                memo.put(text, not encoding.overflowing)
            kept[i] = encoding.ids
        return kept  # type: ignore[return-value]  # every row is filled now
