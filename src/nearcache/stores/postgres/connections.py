"""How ``PostgresStore`` gets its connections: the pool, made with the schema on the first
call that reaches the server; the breaker's probe; a forked child's own pool.

A store made while PostgreSQL is down (a restart, a rollout, a database that comes up
after the application) is an outage, not a mistake: the constructor opens the store's
circuit (the breaker's WARNING says the server is unreachable) and returns; calls raise
``StoreUnavailableError`` (the caches turn that into misses) and the first call after
the breaker's probe finds the server back sets up the schema and serves. A server that
answers and refuses (credentials, database) or a DSN libpq cannot use (an invalid
option, a host name that does not resolve) is a mistake, still raised by the
constructor in one line (:func:`server_down` tells the two apart with libpq's own ping,
``pg_isready``'s test, which reads the server's error code).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

from ...errors import CacheError, StoreUnavailableError
from ..breaker import CircuitBreaker
from .schema import init_schema

try:
    import psycopg
    from psycopg import pq
    from psycopg.conninfo import make_conninfo
    from psycopg_pool import ConnectionPool
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None  # type: ignore[assignment]

__all__ = ["PostgresConnections", "server_down"]

log = logging.getLogger(__name__)


def server_down(dsn: str, timeout: float) -> bool:
    """Whether the server of ``dsn`` cannot be reached now: libpq can start a connection
    (the options are valid, the host name resolves, the socket file exists) but its ping
    (``pg_isready``'s) gets no answer, or hears that the server is starting up or shutting
    down. False when the server answers (and so refused these credentials or this
    database) or the DSN names nothing libpq can connect to: mistakes, not outages."""
    conninfo = make_conninfo(dsn, connect_timeout=max(1, int(timeout))).encode()
    if pq.PGconn.ping(conninfo) not in (pq.Ping.NO_RESPONSE, pq.Ping.REJECT):
        return False
    started = pq.PGconn.connect_start(conninfo)
    try:
        return bool(started.status != pq.ConnStatus.BAD)
    finally:
        started.finish()


class PostgresConnections:
    """The connection half of ``PostgresStore`` (a mixin; see the module docstring)."""

    dsn: str
    url: str
    prefix: str
    timeout: float
    _min: int
    _max: int
    _statement_timeout: int
    _pool: Any = None  # made by _open, by the first call that reaches the server

    if TYPE_CHECKING:  # provided by ServerStore
        _breaker: CircuitBreaker

        def _translate(self, exc: BaseException) -> CacheError | None: ...
        def _is_outage(self, exc: BaseException) -> bool: ...

    def _start(self) -> None:
        """Open now if the server answers; if it cannot be reached, leave it to the first
        call after it is back. Called once, by the constructor."""
        self._opening = threading.Lock()
        try:  # a direct connection fails fast, where the pool would wait out its timeout
            self._open()
        except psycopg.OperationalError as exc:
            if not server_down(self.dsn, self.timeout):  # a mistake: credentials, database, DSN
                raise StoreUnavailableError(f"cannot connect to {self.url}: {exc}") from exc
            self._known_down(exc)
        except psycopg.Error as exc:  # not a connection failure: no right to create tables
            err = self._translate(exc)
            if err is None:
                raise
            raise err from exc

    def _known_down(self, exc: BaseException) -> None:
        """Open the circuit with the constructor's failure (its WARNING says so): until the
        breaker's probe finds the server, calls fail at once instead of each connecting."""

        def fail() -> None:
            raise exc

        with contextlib.suppress(psycopg.OperationalError):
            self._breaker.call(fail, is_outage=self._is_outage)
        log.info("%s: the store opens on its first call once the server is back", self.url)

    def _open(self) -> Any:
        """The pool; the first call makes it, after bringing the schema up to date on a
        direct connection (so a server that is down fails fast, not after the pool's
        timeout)."""
        with self._opening:
            if self._pool is None:
                with psycopg.connect(self.dsn, **self._conn_kwargs()) as con:
                    init_schema(con, self.prefix, self.url)
                self._pool = self._new_pool()
            return self._pool

    def _conn_kwargs(self) -> dict[str, Any]:
        return {
            "autocommit": True,
            "connect_timeout": max(1, int(self.timeout)),
            "options": f"-c statement_timeout={self._statement_timeout}",
        }

    def _new_pool(self) -> Any:
        return ConnectionPool(
            self.dsn,
            min_size=self._min,
            max_size=self._max,
            kwargs=self._conn_kwargs(),
            timeout=self.timeout,
            open=True,
            name=f"nearcache-{self.prefix}",
        )

    def _probe(self) -> None:
        """Half-open probe: connect directly (the pool's own reconnect backoff grows to
        minutes), then swap in a fresh pool (a store not open yet opens on the call)."""
        with psycopg.connect(self.dsn, **{**self._conn_kwargs(), "connect_timeout": 2}) as con:
            con.execute("SELECT 1")
        with self._opening:
            old = self._pool
            if old is not None:
                self._pool = self._new_pool()
        if old is not None:
            threading.Thread(target=old.close, kwargs={"timeout": 1.0}, daemon=True).start()

    def _after_fork(self) -> None:
        # The child must not share the parent's sockets or pool threads (which do not
        # exist in the child), nor a lock another parent thread held: its own of each.
        self._opening = threading.Lock()
        if self._pool is not None:
            self._pool = self._new_pool()

    def _disconnect(self) -> None:
        if self._pool is not None:
            self._pool.close(timeout=2.0)
