"""``CachedEmbedder`` in a multi-process indexing job, as an agent developer writes one.

* Per-process stats add up: a text another process was embedding (its lease in the
  store) was counted nowhere, so ``hits + embedded + waited`` fell short of ``unique``.
  Two caches over one SQLite file stand for two processes here (leases live in the
  store; each ``EmbeddingCache`` has its own in-process single-flight table). The
  order is forced, not timed: A's embedder returns only once B has started polling for
  A's lease (B's ``poll`` policy says so).
* ``pool.map(embedder.embed, batches)`` pickles the embedder; the refusal says what to
  do instead of "cannot pickle '_thread.RLock' object".
"""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import numpy as np
import pytest

from nearcache import CachedEmbedder, EmbeddingCache, FunctionEmbedder, open_store
from nearcache.retry import Backoff


class Signalling(Backoff):
    """A poll policy that tells the test when its embedder waits on another's lease."""

    def __init__(self) -> None:
        self.waiting = threading.Event()

    def delay(self, failures: int) -> float:
        self.waiting.set()
        return 0.01


def ones(texts: list[str]) -> np.ndarray:
    return np.ones((len(texts), 4), np.float32)


def test_a_text_another_process_was_embedding_counts_as_waited(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    poll = Signalling()
    b_calls: list[list[str]] = []
    b = CachedEmbedder(
        FunctionEmbedder(lambda t: b_calls.append(list(t)) or ones(t), dim=4, name="ones"),
        EmbeddingCache(open_store(url)),
        poll=poll,
    )
    outcome: list[object] = []

    def run_b() -> None:
        outcome.append(b.embed(["shared text"]))

    b_thread = threading.Thread(target=run_b, daemon=True)

    def a_embed(texts: list[str]) -> np.ndarray:
        b_thread.start()  # A holds the lease now: B finds it and polls
        assert poll.waiting.wait(60), "B never waited for A's lease"
        return ones(texts)

    a = CachedEmbedder(
        FunctionEmbedder(a_embed, dim=4, name="ones"), EmbeddingCache(open_store(url))
    )
    a.embed(["shared text"])
    b_thread.join(60)
    assert not b_thread.is_alive() and len(outcome) == 1
    assert b_calls == []  # embedded once, by A
    stats = b.stats()
    assert (stats.unique, stats.hits, stats.embedded, stats.waited) == (1, 0, 0, 1)


def test_pickling_a_cached_embedder_says_what_to_do_instead(tmp_path: Path) -> None:
    embedder = CachedEmbedder(
        FunctionEmbedder(ones, dim=4, name="ones"),
        EmbeddingCache(open_store(f"sqlite:///{tmp_path / 'e.db'}")),
    )
    with pytest.raises(TypeError, match="Make one in each worker"):
        pickle.dumps(embedder)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(embedder.embed)  # what pool.map(embedder.embed, ...) sends
