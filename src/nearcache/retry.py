"""Retry policies as objects: how long to wait before trying again, and how often.

Five places in nearcache wait and try again — the OpenAI-compatible embedder (failed
requests), DynamoDB (throttled reads, lost write races), the circuit breaker (probes of
a server that is down) and the cached embedder (waiting for another process's lease).
Each takes a policy object instead of hard-coding its constants, so callers can tune or
replace it (``retry=`` / ``backoff=`` arguments):

* a :class:`Backoff` says how long to wait after ``failures`` failed tries —
  :class:`NoBackoff`, :class:`ConstantBackoff`, :class:`ExponentialBackoff` (with full
  jitter, or none);
* a :class:`Retry` pairs a backoff with a number of attempts and the exceptions worth
  retrying. ``delays()`` lists the waits (for sans-I/O flows that yield a sleep);
  ``call(fn)`` runs a blocking function with them.

>>> retry = Retry(ExponentialBackoff(0.1, 1.0, jitter="none"), attempts=4)
>>> list(retry.delays())
[0.1, 0.2, 0.4]
"""

from __future__ import annotations

import math
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Literal, TypeVar

from .errors import InvalidInputError

__all__ = ["Backoff", "ConstantBackoff", "ExponentialBackoff", "NoBackoff", "Retry"]

_T = TypeVar("_T")


class Backoff(ABC):
    """How long to wait before the next try, given how many tries failed so far."""

    @abstractmethod
    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed tries (``failures >= 0``)."""


class ConstantBackoff(Backoff):
    """The same wait after every failure."""

    def __init__(self, seconds: float) -> None:
        if not seconds >= 0:
            raise InvalidInputError(f"backoff seconds must be >= 0, not {seconds!r}")
        self.seconds = float(seconds)

    def delay(self, failures: int) -> float:
        return self.seconds

    def __repr__(self) -> str:
        return f"ConstantBackoff({self.seconds!r})"


class NoBackoff(ConstantBackoff):
    """Try again at once."""

    def __init__(self) -> None:
        super().__init__(0.0)

    def __repr__(self) -> str:
        return "NoBackoff()"


class ExponentialBackoff(Backoff):
    """``min(cap, base * 2**failures)``; with ``jitter="full"`` a uniform draw below it.

    Full jitter spreads the retries of many clients that failed together (a restarted
    server, a throttled table) instead of sending them back in waves.

    Args:
        base: the first wait (seconds).
        cap: the longest wait.
        jitter: ``"full"`` (random in ``[0, wait]``) or ``"none"``.
        seed: seeds the jitter (reproducible tests); None draws from the OS.
    """

    def __init__(
        self,
        base: float,
        cap: float,
        *,
        jitter: Literal["full", "none"] = "full",
        seed: int | None = None,
    ) -> None:
        if not 0 <= base <= cap:
            raise InvalidInputError(f"need 0 <= base <= cap, not base={base!r}, cap={cap!r}")
        if jitter not in ("full", "none"):
            raise InvalidInputError(f"jitter must be 'full' or 'none', not {jitter!r}")
        self.base = float(base)
        self.cap = float(cap)
        self.jitter = jitter
        self._random = random.Random(seed)

    def ceiling(self, failures: int) -> float:
        """The wait before jitter: ``min(cap, base * 2**failures)``."""
        try:
            grown = math.ldexp(self.base, max(0, failures))
        except OverflowError:
            grown = math.inf
        return min(self.cap, grown)

    def delay(self, failures: int) -> float:
        top = self.ceiling(failures)
        return self._random.uniform(0.0, top) if self.jitter == "full" else top

    def __repr__(self) -> str:
        return f"ExponentialBackoff({self.base!r}, {self.cap!r}, jitter={self.jitter!r})"


class Retry:
    """Up to ``attempts`` tries in all, waiting ``backoff.delay(n)`` after the n-th failure.

    Args:
        backoff: the waits between tries.
        attempts: tries in all (1 = no retry).
        retry_on: exception types worth another try (``call`` re-raises others at once).
    """

    def __init__(
        self,
        backoff: Backoff,
        attempts: int,
        *,
        retry_on: tuple[type[BaseException], ...] = (),
    ) -> None:
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise InvalidInputError(f"attempts must be an int >= 1, not {attempts!r}")
        if not isinstance(backoff, Backoff):
            raise InvalidInputError(f"backoff must be a Backoff, not {type(backoff).__name__}")
        self.backoff = backoff
        self.attempts = attempts
        self.retry_on = tuple(retry_on)

    @property
    def retries(self) -> int:
        """Tries after the first one."""
        return self.attempts - 1

    def delays(self) -> Iterator[float]:
        """The wait before each retry (``attempts - 1`` of them)."""
        for failures in range(self.attempts - 1):
            yield self.backoff.delay(failures)

    def call(self, fn: Callable[[], _T], *, sleep: Callable[[float], object] = time.sleep) -> _T:
        """``fn()``, tried again after a ``retry_on`` exception until ``attempts`` ran out
        (then that exception propagates)."""
        waits = self.delays()
        while True:
            try:
                return fn()
            except self.retry_on:
                wait = next(waits, None)
                if wait is None:
                    raise
            sleep(wait)

    def __repr__(self) -> str:
        names = ", ".join(t.__name__ for t in self.retry_on)
        return f"Retry({self.backoff!r}, attempts={self.attempts}, retry_on=({names}))"
