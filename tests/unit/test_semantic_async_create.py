"""``await AsyncSemanticCache.create(...)``: the constructor's store reads off the loop.

The constructor reads the store (the embedder's record, the saved index, or every entry
to rebuild it); made inside ``async def main()`` it runs on the event loop's thread and
blocks every other task meanwhile. ``create`` makes it in a worker thread. The embedder
below notes the thread each look at its fingerprint comes from (the constructor checks
it against the store's record), which tells where the constructor ran; no timing.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import AsyncFunctionEmbedder, AsyncSemanticCache


class WatchedEmbedder(AsyncFunctionEmbedder):
    """An async toy embedder that records which threads read its fingerprint."""

    def __init__(self) -> None:
        async def embed(texts: list[str]) -> np.ndarray:
            return np.array([[1.0, len(t) % 7, 1.0] for t in texts], np.float32)

        super().__init__(embed, 3, "watched")
        self.readers: set[int] = set()

    @property  # type: ignore[override]
    def fingerprint(self) -> str:
        self.readers.add(threading.get_ident())
        return self._watched_fingerprint

    @fingerprint.setter
    def fingerprint(self, value: str) -> None:
        self._watched_fingerprint = value


def test_create_makes_the_cache_off_the_event_loop(tmp_path: Path) -> None:
    async def main() -> tuple[int, set[int], set[int], Any]:
        loop_thread = threading.get_ident()
        inline_embedder, created_embedder = WatchedEmbedder(), WatchedEmbedder()
        inline = AsyncSemanticCache(tmp_path / "inline.db", inline_embedder)
        await inline.close()
        cache = await AsyncSemanticCache.create(tmp_path / "made.db", created_embedder)
        made_by = set(created_embedder.readers)
        async with cache:
            await cache.put("What is a cache?", "a store of answers")
            hit = await cache.get("What is a cache?")
        return loop_thread, inline_embedder.readers, made_by, hit

    loop_thread, inline_readers, made_by, hit = asyncio.run(main())
    assert loop_thread in inline_readers  # the plain constructor runs on the loop
    assert made_by and loop_thread not in made_by  # create's constructor does not
    assert hit is not None and hit.response == "a store of answers"
