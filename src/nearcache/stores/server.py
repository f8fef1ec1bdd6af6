"""``ServerStore``: the plumbing of stores that talk to a server (Redis, PostgreSQL,
DynamoDB), so each of them holds only its own protocol.

* **A circuit breaker** (:mod:`~nearcache.stores.breaker`): while the server is down,
  calls fail at once with ``StoreUnavailableError`` instead of each waiting for a
  timeout; the breaker probes and closes again when the server answers.
* **Error translation as data**: each engine lists its rules (``rules.py``)
  (:mod:`~nearcache.stores.translate`); the driver's exception stays attached as
  ``__cause__``.
* **Fork safety**: a child process never uses its parent's connections or pool threads;
  ``_after_fork`` rebuilds what the engine needs, once, on the child's first call.
* **Buffered LRU touches** (:class:`~nearcache.stores.touches.TouchBuffer`), dropped
  during an outage (they only refine the eviction order).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from abc import abstractmethod
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, TypeVar

from ..errors import CacheClosedError, CacheError, StoreUnavailableError, StoreWriteError
from .base import BaseStore
from .breaker import CircuitBreaker
from .touches import TouchBuffer
from .translate import DriverErrors, translate

__all__ = ["ServerStore"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class ServerStore(BaseStore):
    """A ``BaseStore`` behind a circuit breaker; see the module docstring.

    Subclasses implement ``_write_touches`` (and ``_disconnect``, ``_after_fork`` where
    needed) and call ``_setup_server`` from ``__init__`` with their driver's errors: the
    exceptions that mean an outage and the translation rules.
    """

    #: Flush pending LRU touches before closing (DynamoDB drops them: each costs a request).
    FLUSH_ON_CLOSE: ClassVar[bool] = True

    _touches: TouchBuffer[Any, Any]

    def _setup_server(
        self,
        name: str,
        breaker: CircuitBreaker | dict[str, Any] | None,
        *,
        errors: DriverErrors,
        touches: TouchBuffer[Any, Any],
        probe: Callable[[], None] | None = None,
    ) -> None:
        """Breaker, error handling, touch buffer, lock and fork detection; call once from
        ``__init__``. ``errors`` is (outage exceptions, translation rules)."""
        self._outages, self._rules = errors
        if isinstance(breaker, CircuitBreaker):
            self._breaker = breaker
        else:
            self._breaker = CircuitBreaker(name, probe=probe, **(breaker or {}))
        self._touches = touches
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False

    # -- what the engine provides ---------------------------------------------------------

    def _is_outage(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the server is unreachable (counts against the breaker)."""
        return isinstance(exc, self._outages)

    @abstractmethod
    def _write_touches(self, pending: dict[Any, dict[Any, float]]) -> None:
        """Send buffered LRU access times to the server."""

    def _after_fork(self) -> None:
        """Rebuild per-process resources in a forked child (default: nothing)."""

    def _disconnect(self) -> None:
        """Release connections on ``close`` (default: nothing)."""

    # -- plumbing ------------------------------------------------------------------------

    def _call(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` through the breaker, translating the driver's errors."""
        if self._closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._touches.clear()
                    self._after_fork()
                    self._pid = os.getpid()
        try:
            return self._breaker.call(fn, is_outage=self._is_outage)
        except CacheError:
            raise
        except Exception as exc:
            err = self._translate(exc)
            if err is None:
                raise
            raise err from exc

    def _translate(self, exc: BaseException) -> CacheError | None:
        return translate(exc, self._rules, url=self.url)

    def _note_touches(self, group: Hashable, keys: Sequence[Any], now: float) -> None:
        """Remember reads for LRU; write them out once the buffer is full."""
        if keys:
            self._touches.note(group, keys, now)
            if self._touches.full:
                self._flush_touches()

    def _flush_touches(self) -> None:
        pending = self._touches.take()
        if not pending:
            return
        try:
            self._write_touches(pending)
        except (StoreUnavailableError, StoreWriteError):  # down, or full: hints only
            log.debug("dropped LRU touches of %d groups during an outage", len(pending))

    @property
    def breaker(self) -> CircuitBreaker:
        """The store's circuit breaker (state, counters; ``reset()`` after repairs)."""
        return self._breaker

    def close(self) -> None:
        if self._closed:
            return
        if self.FLUSH_ON_CLOSE:
            with contextlib.suppress(CacheError):
                self._flush_touches()
        self._closed = True
        self._disconnect()
