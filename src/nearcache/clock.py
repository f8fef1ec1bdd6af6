"""Injectable time.

Every cache and store reads time through a ``Clock`` (a zero-argument callable returning
seconds since the epoch, like :func:`time.time`), so TTL, ages and eviction can be tested
deterministically and clock jumps can be simulated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Clock", "ManualClock", "system_clock"]

Clock = Callable[[], float]

system_clock: Clock = time.time


class ManualClock:
    """A clock that only moves when told to; handy in tests.

    >>> clock = ManualClock(1000.0)
    >>> clock.advance(5)
    >>> clock()
    1005.0
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += float(seconds)

    def set(self, now: float) -> None:
        with self._lock:
            self._now = float(now)
