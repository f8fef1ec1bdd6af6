"""``calibrate`` and the embedder's window: a pair with a text longer than the embedder
reads is left out and counted (``truncated``), as the cache never serves a hit decided on
a cut vector; long look-alikes that differ past the window would otherwise score 1.0 and
pull the chosen threshold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nearcache import SemanticCache, calibrate
from semantic_support import PREFIX, WINDOW, WindowEmbedder

SHORT_HITS = [(f"question number {i}", f" question  number {i}", True) for i in range(12)]
SHORT_TRAPS = [(f"question number {i}", f"another ask {i}", False) for i in range(12)]
LONG_TRAPS = [(PREFIX + f"reset {i}", PREFIX + f"delete {i}", False) for i in range(12)]


class Counting(WindowEmbedder):
    """``WindowEmbedder`` that remembers every text it was asked to embed."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.seen.extend(texts)
        return super().embed(texts)


def test_pairs_past_the_window_are_left_out_and_counted() -> None:
    emb = Counting()
    short = calibrate(emb, SHORT_HITS + SHORT_TRAPS, max_false_hit_rate=0.3)
    both = calibrate(emb, SHORT_HITS + SHORT_TRAPS + LONG_TRAPS, max_false_hit_rate=0.3)
    assert short.threshold is not None and (short.truncated, short.pairs) == (0, 24)
    assert (both.threshold, both.curve) == (short.threshold, short.curve)
    assert (both.truncated, both.pairs) == (12, 24)
    assert all(len(t) <= WINDOW for t in emb.seen)  # a cut text is not even embedded


def test_an_embedder_that_does_not_say_keeps_every_pair() -> None:
    result = calibrate(
        WindowEmbedder(says_fits=False), SHORT_HITS + LONG_TRAPS, max_false_hit_rate=0.3
    )
    assert (result.truncated, result.pairs) == (0, 24)


def test_a_cache_and_its_namespaces_count_what_they_left_out() -> None:
    cache = SemanticCache(embedder=WindowEmbedder(), judge=None)
    pairs = [(*p, "a") for p in SHORT_HITS + SHORT_TRAPS] + [(*p, "b") for p in LONG_TRAPS]
    result = calibrate(cache, pairs, max_false_hit_rate=0.3)
    assert (result.truncated, result.pairs) == (12, 24)
    assert (result.namespaces["a"].truncated, result.namespaces["a"].pairs) == (0, 24)
    only_cut = result.namespaces["b"]
    assert (only_cut.truncated, only_cut.pairs, only_cut.threshold) == (12, 0, None)
    everything_cut = calibrate(cache, LONG_TRAPS, max_false_hit_rate=0.3)
    assert (everything_cut.truncated, everything_cut.threshold) == (12, None)
