"""A small circuit breaker shared by the server stores (Redis, PostgreSQL, DynamoDB).

Why: when a server is down, every call would otherwise wait for a TCP connect (or a pool
checkout) to time out, so a cache that is meant to *save* time would add seconds to each
request. The breaker remembers that the server is unreachable and fails the following
calls at once with :class:`~nearcache.errors.StoreUnavailableError` (microseconds, not a
timeout), which the caches turn into misses.

States (the classic pattern):

* **closed** — calls go through; ``failure_threshold`` consecutive connection failures
  open the circuit.
* **open** — calls fail fast until ``retry_at``.
* **half-open** — after the delay exactly one caller probes the server (with ``probe`` if
  given, else with its own call); success closes the circuit, failure reopens it with the
  delay doubled up to ``max_delay``. Other callers keep failing fast meanwhile.

``max_delay`` bounds how long a recovered server stays unused: with the default 0.5 s the
same store object works again within about half a second of the server returning.

>>> breaker = CircuitBreaker("demo")
>>> breaker.call(lambda: 42, is_outage=lambda exc: isinstance(exc, OSError))
42
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import InvalidInputError, StoreUnavailableError
from ..retry import Backoff, ExponentialBackoff

__all__ = ["CircuitBreaker", "outage_level"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class CircuitBreaker:
    """Fail fast while a server is unreachable; probe it with backoff; close on success.

    Args:
        name: shown in errors and logs (usually the store URL without credentials).
        failure_threshold: consecutive outage errors that open the circuit.
        base_delay: first wait before a probe, in seconds.
        max_delay: longest wait between probes (doubling from ``base_delay``).
        backoff: the waits between probes as a policy object (:mod:`nearcache.retry`);
            default ``ExponentialBackoff(base_delay, max_delay, jitter="none")``.
        probe: optional callable that checks the server (and may rebuild a connection
            pool); raising means "still down". Without it, the first call after the
            delay is the probe.
        clock: monotonic time source (injectable for tests).
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 1,
        base_delay: float = 0.05,
        max_delay: float = 0.5,
        probe: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise InvalidInputError("failure_threshold must be >= 1")
        if base_delay <= 0 or max_delay < base_delay:
            raise InvalidInputError("need 0 < base_delay <= max_delay")
        self.name = name
        self.failure_threshold = failure_threshold
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.backoff = backoff or ExponentialBackoff(base_delay, max_delay, jitter="none")
        self.probe = probe
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._probes_failed = 0
        self._retry_at: float | None = None  # None = closed
        self._probing = False
        self._last_error = ""
        #: How often the circuit opened and how many calls it refused (for stats/tests).
        self.opened = 0
        self.rejected = 0

    @property
    def state(self) -> str:
        """``"closed"``, ``"open"`` or ``"half-open"`` (a probe is running)."""
        with self._lock:
            if self._retry_at is None:
                return "closed"
            return "half-open" if self._probing else "open"

    def _admit(self) -> bool:
        """Whether this caller may go on; True means it is the half-open probe."""
        with self._lock:
            if self._retry_at is None:
                return False
            if self._probing or self._clock() < self._retry_at:
                self.rejected += 1
                raise StoreUnavailableError(
                    f"{self.name} is unavailable (circuit open): {self._last_error}"
                )
            self._probing = True
            return True

    def _success(self) -> None:
        with self._lock:
            if self._retry_at is not None:
                log.info("%s is reachable again; circuit closed", self.name)
            self._failures = 0
            self._probes_failed = 0
            self._retry_at = None
            self._probing = False

    def _failure(self, exc: BaseException, probing: bool) -> None:
        with self._lock:
            self._last_error = f"{type(exc).__name__}: {exc}"
            self._failures += 1
            if probing:
                self._probing = False
                self._probes_failed += 1
                self._retry_at = self._clock() + self.backoff.delay(self._probes_failed)
            elif self._retry_at is None and self._failures >= self.failure_threshold:
                self.opened += 1
                self._probes_failed = 0
                self._retry_at = self._clock() + self.backoff.delay(0)
                log.warning(
                    "%s is unreachable, circuit opened (calls fail fast, caches miss, until "
                    "it answers again): %s",
                    self.name,
                    self._last_error,
                )

    def _release_probe(self) -> None:
        with self._lock:
            self._probing = False

    def call(self, fn: Callable[[], _T], *, is_outage: Callable[[BaseException], bool]) -> _T:
        """Run ``fn`` through the breaker.

        ``is_outage(exc)`` tells connection-level failures (which count against the
        server) from ordinary errors such as a bad command (which do not). Exceptions
        from ``fn`` propagate unchanged; the caller translates them.

        Raises:
            StoreUnavailableError: the circuit is open (no call was made).
        """
        probing = self._admit()
        if probing and self.probe is not None:
            try:
                self.probe()
            except BaseException as exc:
                self._failure(exc, True)
                raise StoreUnavailableError(f"{self.name} is still unavailable: {exc}") from exc
            self._success()
            probing = False
        try:
            result = fn()
        except BaseException as exc:
            if is_outage(exc):
                self._failure(exc, probing)
            elif probing:
                self._success()  # the server answered, even if with an error
            raise
        if probing or self._failures:
            self._success()
        return result

    def reset(self) -> None:
        """Close the circuit (e.g. after the caller rebuilt its connections)."""
        self._success()

    def __repr__(self) -> str:
        return f"CircuitBreaker({self.name!r}, state={self.state!r})"


def outage_level(store: object) -> int:
    """The level of a cache's own line about an outage of ``store``: ``WARNING``, or
    ``DEBUG`` while the store's breaker is open (it warned once when the outage began and
    says when it ends), so an outage is one warning, not several per call."""
    breaker = getattr(store, "_breaker", None)
    if isinstance(breaker, CircuitBreaker) and breaker.state != "closed":
        return logging.DEBUG
    return logging.WARNING
