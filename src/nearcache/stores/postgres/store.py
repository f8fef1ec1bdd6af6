"""``PostgresStore``: the store itself; the schema and why it has this shape are in the
package docstring (:mod:`nearcache.stores.postgres`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ...errors import (
    CacheError,
    InvalidInputError,
    MissingExtraError,
)
from ..base import record_key_bytes
from ..breaker import CircuitBreaker
from ..protocol import TABLES, Changes, Item, Limit, NamespaceInfo
from ..server import ServerStore
from ..touches import TouchBuffer
from ..url import is_url, parse_store_url, redact_url
from .changelog import prune, read_changes
from .check import check_schema
from .connections import PostgresConnections
from .rules import postgres_errors
from .schema import check_prefix
from .vectors import PostgresVectors

try:
    import psycopg
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None  # type: ignore[assignment]

__all__ = ["PostgresStore"]

_T = TypeVar("_T")
_TOUCH_FLUSH_AT = 20_000
_PRUNE_EVERY = 1000
_Touches = dict[tuple[str, str], dict[bytes, float]]


class PostgresStore(PostgresConnections, ServerStore, PostgresVectors):
    """Records in a PostgreSQL database (11+), shared by any number of machines.

    Args:
        dsn: a libpq connection string or URL (``postgresql://user@host:5432/db``).
        prefix: table and function name prefix, so several stores can share a database.
        min_size / max_size: connection pool bounds.
        timeout: seconds to wait for a pooled connection (and to connect).
        statement_timeout: server-side limit per statement, in seconds (0 = none).
        changelog_retention: change-log rows kept for shared-mode readers (whole
            versions: a batch straddling the limit is kept whole).
        breaker: a ``CircuitBreaker``, or its keyword arguments.
        index_backend: ``"pgvector"`` makes semantic caches on this store (built with
            ``index_backend="auto"``) search in PostgreSQL (:mod:`.vectors`); also
            ``?index_backend=pgvector`` in a store URL, so the CLI and the proxy get it.

    Raises:
        MissingExtraError: psycopg is missing (``pip install 'nearcache[postgres]'``).
        StoreUnavailableError: the server answers but refuses the connection (credentials,
            database), or libpq cannot use ``dsn``. A server that cannot be reached is an
            outage: the store is made, and opens on its first call once the server is
            back (:mod:`.connections`).
        CorruptStoreError: the schema is newer than this version of nearcache.
    """

    def __init__(
        self,
        dsn: str,
        *,
        prefix: str = "nearcache",
        min_size: int = 1,
        max_size: int = 8,
        timeout: float = 5.0,
        statement_timeout: float = 30.0,
        changelog_retention: int = 100_000,
        breaker: CircuitBreaker | dict[str, Any] | None = None,
        index_backend: str | None = None,
    ) -> None:
        if psycopg is None:
            raise MissingExtraError("postgres", "psycopg", "PostgresStore")
        if index_backend not in (None, "auto", "pgvector"):
            raise InvalidInputError(
                f"index_backend of a PostgresStore is 'pgvector' or 'auto', not {index_backend!r}"
            )
        if own := (is_url(dsn) and "?" in dsn and parse_store_url(dsn)[2]):  # libpq: later
            raise InvalidInputError(
                f"{redact_url(dsn)!r}: ?{'&'.join(own)} is read by open_store(url); "
                f"PostgresStore takes it as a keyword: PostgresStore(dsn, {next(iter(own))}=...)"
            )
        self.index_backend = index_backend or "auto"
        self.prefix = check_prefix(prefix)
        self.dsn = dsn
        self.url = redact_url(dsn)
        self.timeout = float(timeout)
        self.retention = int(changelog_retention)
        self._min, self._max = int(min_size), int(max_size)
        self._statement_timeout = int(statement_timeout * 1000)
        self._writes = 0
        self._setup_server(
            f"PostgreSQL store {self.url}",
            breaker,
            errors=postgres_errors(),
            touches=TouchBuffer(_TOUCH_FLUSH_AT),
            probe=self._probe,
        )
        self._start()

    # -- connections ------------------------------------------------------------------

    def _sql(self, fn: Callable[[Any], _T], *, read: bool = False) -> _T:
        """``fn(con)`` on a pooled connection, through the breaker.

        Reads are retried once on a fresh connection (one killed by a restart or
        ``pg_terminate_backend``); writes are not (the server may have committed them).
        The retry connects directly: a server that went away refuses it at once, where
        the pool would wait out its ``timeout`` for a connection it cannot make.
        """

        def attempt() -> _T:
            pool = self._pool if self._pool is not None else self._open()
            try:
                with pool.connection() as con:
                    return fn(con)
            except psycopg.OperationalError as exc:
                if not read or isinstance(exc, PoolTimeout):
                    raise
                pool.check()  # drop the dead idle connections (the pool makes new ones)
                with psycopg.connect(self.dsn, **self._conn_kwargs()) as con:
                    return fn(con)

        return self._call(attempt)

    def _write(self, sql: str, args: Sequence[Any], *, rows: bool = False) -> Any:
        """One write statement, preceded by the buffered LRU touches on its connection."""
        pending = self._touches.take()

        def run(con: Any) -> Any:
            if pending:
                self._send_touches(con, pending)
            cur = con.execute(sql, args, binary=True)
            return cur.fetchall() if rows else cur.fetchone()[0]

        result = self._sql(run)
        self._writes += 1
        if self._writes % _PRUNE_EVERY == 0:
            self._prune()
        return result

    def _prune(self) -> None:
        """Keep about the last ``retention`` change-log rows (:func:`.changelog.prune`)."""
        with contextlib.suppress(CacheError):
            self._sql(lambda con: prune(con, self.prefix, self.retention))

    def _send_touches(self, con: Any, pending: _Touches) -> None:
        p = self.prefix
        for (table, namespace), touches in pending.items():
            keys = list(touches)
            con.execute(
                f"""UPDATE {p}_rec r SET atime = t.at
                FROM unnest(%s::bytea[], %s::float8[]) AS t(k, at)
                WHERE (r.ns, r.key) IN (
                    SELECT r2.ns, r2.key FROM {p}_rec r2 JOIN {p}_ns n ON n.id = r2.ns
                    WHERE n.tbl = %s AND n.name = %s AND r2.key = ANY(%s::bytea[])
                    FOR UPDATE OF r2 SKIP LOCKED)
                  AND r.key = t.k AND r.atime < t.at""",
                (keys, list(touches.values()), table, namespace.encode(), keys),
            )

    def _write_touches(self, pending: _Touches) -> None:
        self._sql(lambda con: self._send_touches(con, pending))

    def _scope(self, table: str, namespace: str | None) -> tuple[Any, ...]:
        """The leading function arguments: table, namespace (bytea or NULL)."""
        return table, None if namespace is None else namespace.encode()

    # -- reads -------------------------------------------------------------------------

    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]:
        raw = [record_key_bytes(k) for k in keys]
        p = self.prefix

        def run(con: Any) -> list[Any]:
            return list(
                con.execute(
                    f"SELECT r.key, r.value, r.expires_at FROM {p}_rec r "
                    f"JOIN {p}_ns n ON n.id = r.ns "
                    "WHERE n.tbl = %s AND n.name = %s AND r.key = ANY(%s::bytea[])",
                    (table, namespace.encode(), raw),
                    binary=True,
                ).fetchall()
            )

        found = {bytes(k): (v, e) for k, v, e in self._sql(run, read=True)}
        out: list[bytes | None] = []
        hits: list[bytes] = []
        for k in raw:
            row = found.get(k)
            if row is None or (row[1] is not None and row[1] <= now):
                out.append(None)
            else:
                out.append(bytes(row[0]))
                hits.append(k)
        if touch:
            self._note_touches((table, namespace), hits, now)
        return out

    def _namespaces(self, table: str) -> list[str]:
        rows = self._sql(
            lambda con: con.execute(
                f"SELECT name FROM {self.prefix}_ns WHERE tbl = %s AND entries > 0", (table,)
            ).fetchall(),
            read=True,
        )
        return sorted(bytes(r[0]).decode() for r in rows)

    def _info(self, table: str, namespace: str | None) -> NamespaceInfo:
        sql = (
            "SELECT coalesce(sum(entries),0), coalesce(sum(bytes),0), coalesce(sum(version),0),"
            " coalesce(sum(evictions),0), coalesce(sum(expirations),0) "
            f"FROM {self.prefix}_ns WHERE tbl = %s"
        )
        args: list[Any] = [table]
        if namespace is not None:
            sql += " AND name = %s"
            args.append(namespace.encode())
        row = self._sql(lambda con: con.execute(sql, args).fetchone(), read=True)
        return NamespaceInfo(*(int(x) for x in row))

    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]:
        columns = "r.key, r.value, r.expires_at"
        for rows in self._pages(columns, "rec", table, namespace, batch_size):
            yield [Item(bytes(k).hex(), bytes(v), e) for k, v, e in rows]

    def _pages(
        self, columns: str, source: str, table: str, namespace: str, batch_size: int
    ) -> Iterator[list[Any]]:
        """Rows of ``P_<source>`` (alias: its first letter) of one namespace in key order,
        one short read per page (keyset pagination: no long transaction)."""
        p, alias = self.prefix, source[0]
        last = b""
        while True:

            def page(con: Any, last: bytes = last) -> list[Any]:
                return list(
                    con.execute(
                        f"SELECT {columns} FROM {p}_{source} {alias} "
                        f"JOIN {p}_ns n ON n.id = {alias}.ns WHERE n.tbl = %s AND n.name = %s "
                        f"AND {alias}.key > %s ORDER BY {alias}.key LIMIT %s",
                        (table, namespace.encode(), last, batch_size),
                        binary=True,
                    ).fetchall()
                )

            rows = self._sql(page, read=True)
            if not rows:
                return
            last = bytes(rows[-1][0])
            yield rows

    def _changes(self, table: str, namespace: str, since: int) -> Changes:
        return self._sql(
            lambda con: read_changes(con, self.prefix, table, namespace, since), read=True
        )

    def get_meta(self, key: str) -> str | None:
        row = self._sql(
            lambda con: con.execute(
                f"SELECT value FROM {self.prefix}_meta WHERE key = %s", (key,)
            ).fetchone(),
            read=True,
        )
        return None if row is None else str(row[0])

    # -- writes: one PL/pgSQL function call each (see sql/001_schema.sql) ----------------

    def _item_args(self, table: str, namespace: str, items: Sequence[Item], now: float) -> Any:
        return (
            *self._scope(table, namespace),
            [bytes.fromhex(it.key) for it in items],
            [bytes(it.value) for it in items],
            [it.expires_at for it in items],
            now,
            TABLES[table].log,
        )

    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        return int(
            self._write(
                f"SELECT {self.prefix}_put(%s, %s, %s::bytea[], %s::bytea[], %s::float8[], %s, %s)",
                self._item_args(table, namespace, items, now),
            )
        )

    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]:
        won = self._write(
            f"SELECT {self.prefix}_add_many(%s, %s, %s::bytea[], %s::bytea[], "
            "%s::float8[], %s, %s)",
            self._item_args(table, namespace, items, now),
        )
        return [bool(w) for w in won]

    def _removed(self, sql: str, args: Sequence[Any]) -> list[tuple[str, str]]:
        """Run a function returning ``(name, key)`` rows of removed records."""
        rows = self._write(sql, args, rows=True)
        return [(bytes(n).decode(), bytes(k).hex()) for n, k in rows]

    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        raw = [bytes.fromhex(k) for k in keys]
        return len(
            self._removed(
                f"SELECT * FROM {self.prefix}_remove(%s, %s, %s::bytea[], %s)",
                (*self._scope(table, namespace), raw, TABLES[table].log),
            )
        )

    def _clear(self, table: str, namespace: str | None) -> int:
        return int(
            self._write(
                f"SELECT {self.prefix}_clear(%s, %s::bytea, %s)",
                (*self._scope(table, namespace), TABLES[table].log),
            )
        )

    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]:
        return self._removed(
            f"SELECT * FROM {self.prefix}_purge(%s, %s::bytea, %s, %s::bigint, %s)",
            (*self._scope(table, namespace), now, limit, TABLES[table].log),
        )

    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        return self._removed(
            f"SELECT * FROM {self.prefix}_evict(%s, %s::bytea, %s::bigint, %s::bigint, %s)",
            (
                *self._scope(table, limit.namespace),
                limit.max_entries,
                limit.max_bytes,
                TABLES[table].log,
            ),
        )

    def set_meta(self, key: str, value: str) -> None:
        self._sql(
            lambda con: con.execute(
                f"INSERT INTO {self.prefix}_meta VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )
        )

    # -- health and lifecycle ------------------------------------------------------------

    def check(self, fix: bool = False) -> list[str]:
        """Recount every namespace and look for orphan or mis-sized records."""
        self._flush_touches()
        return self._sql(lambda con: check_schema(con, self.prefix, fix))

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r}, prefix={self.prefix!r})"
