"""Progress of a ``CachedEmbedder`` call: a ``callback(done, total)`` or a tqdm bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import MissingExtraError

__all__ = ["Progress", "Tally", "make_progress"]

#: ``callback(done, total)``, called as texts are embedded.
Progress = Callable[[int, int], None]


class Tally:
    """Texts embedded so far in one call, told to the callback as they grow."""

    def __init__(self, total: int, callback: Progress | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def add(self, n: int) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total)


def make_progress(progress: bool | Progress) -> Progress | None:
    """The callback for ``progress=``: the caller's own, a tqdm bar for True (tqdm is
    in the ``cli`` extra), None for False."""
    if callable(progress):
        return progress
    if not progress:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar: Any = None

        def update_tqdm(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="text", desc="embedding")
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
                bar = None

        return update_tqdm
    raise MissingExtraError("cli", "tqdm", "progress=True")
