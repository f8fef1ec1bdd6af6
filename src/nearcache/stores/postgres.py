"""``PostgresStore``: records in PostgreSQL — many machines, durable, transactional.

Schema (``P`` = ``prefix``; created on first use under an advisory lock, with a
``schema_version`` row in ``P_meta`` so later versions can migrate it)::

    P_meta (key text PK, value text)                       store-wide settings
    P_ns   (id bigserial PK, tbl text, name bytea, entries, bytes, version,
            evictions, expirations; UNIQUE (tbl, name))     one row per namespace
    P_rec  (ns bigint, key bytea, value bytea, expires_at float8, atime float8,
            size int; PK (ns, key))                         the records
           + index (ns, atime) for LRU, (atime) for table-wide LRU,
             partial index (expires_at) WHERE expires_at IS NOT NULL for the TTL sweep
    P_chg  (seq bigserial PK, ns, version, op, key)        change log (logged tables)

Why this shape:

* **One statement per operation.** Writes call PL/pgSQL functions (``P_put``,
  ``P_add``, ``P_remove``, ``P_purge``, ``P_evict``, ``P_clear``) with whole batches as
  arrays (``unnest``/``ANY``), so a batch, its counters and its change-log rows commit
  together in one transaction and one network round trip (I2). Reads are a single
  ``SELECT ... WHERE key = ANY(%s)`` in binary mode.
* **Writers of a namespace serialize on its ``P_ns`` row** (``SELECT ... FOR UPDATE``), so
  counters stay exact and version numbers are handed out in commit order, which is what
  shared-mode readers of the change log need. Different namespaces never wait for each
  other; table-wide operations lock namespace rows in id order (no deadlocks).
* **Namespace names are ``bytea``** (their UTF-8), so any name — NUL bytes, NFC vs NFD —
  maps to its own row; ``(tbl, name)`` is compared exactly.
* **Values are ``bytea`` with ``STORAGE EXTERNAL``**: vectors do not compress, so
  PostgreSQL is told not to try.
* **LRU touches** are buffered and written with the next write (``SKIP LOCKED``, so a
  touch never waits for or deadlocks with a writer).
* **Outages**: a circuit breaker fails calls fast while the server is down; its probe
  connects directly (not through the pool, whose own reconnect backoff grows to
  minutes) and, once the server answers, replaces the pool, so the same store object
  recovers within about half a second. Reads are retried once on a fresh connection
  (a connection killed by ``pg_terminate_backend`` or a restart), writes are not (the
  server may have committed them).

pgvector is not used: similarity search stays in the caches' in-memory index, which is
rebuilt from ``scan``/``changes``; a server-side search path is a possible extension.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ..errors import (
    CacheClosedError,
    CacheError,
    CorruptStoreError,
    MissingExtraError,
    StoreTimeoutError,
    StoreUnavailableError,
    StoreWriteError,
)
from .breaker import CircuitBreaker
from .protocol import TABLES, Changes, Item, NamespaceInfo, check_table

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None  # type: ignore[assignment]

__all__ = ["PostgresStore", "drop_schema"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_PREFIX_RE = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_TOUCH_FLUSH_AT = 20_000
_PRUNE_EVERY = 1000


def _ddl(p: str) -> list[str]:
    """Schema version 1 (tables, indexes and functions) for prefix ``p``."""
    return [
        f"CREATE TABLE IF NOT EXISTS {p}_meta (key text PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS {p}_ns (
            id bigserial PRIMARY KEY, tbl text NOT NULL, name bytea NOT NULL,
            entries bigint NOT NULL DEFAULT 0, bytes bigint NOT NULL DEFAULT 0,
            version bigint NOT NULL DEFAULT 0, evictions bigint NOT NULL DEFAULT 0,
            expirations bigint NOT NULL DEFAULT 0, UNIQUE (tbl, name))""",
        f"""CREATE TABLE IF NOT EXISTS {p}_rec (
            ns bigint NOT NULL, key bytea NOT NULL, value bytea NOT NULL,
            expires_at double precision, atime double precision NOT NULL,
            size integer NOT NULL, PRIMARY KEY (ns, key))""",
        f"ALTER TABLE {p}_rec ALTER COLUMN value SET STORAGE EXTERNAL",
        f"CREATE INDEX IF NOT EXISTS {p}_rec_lru ON {p}_rec (ns, atime)",
        f"CREATE INDEX IF NOT EXISTS {p}_rec_atime ON {p}_rec (atime)",
        f"CREATE INDEX IF NOT EXISTS {p}_rec_exp ON {p}_rec (expires_at) "
        "WHERE expires_at IS NOT NULL",
        f"""CREATE TABLE IF NOT EXISTS {p}_chg (
            seq bigserial PRIMARY KEY, ns bigint NOT NULL, version bigint NOT NULL,
            op text NOT NULL, key bytea NOT NULL)""",
        f"CREATE INDEX IF NOT EXISTS {p}_chg_ns ON {p}_chg (ns, version)",
        # The namespace row, created if missing and locked for the rest of the transaction.
        f"""CREATE OR REPLACE FUNCTION {p}_nsid(p_tbl text, p_name bytea) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE v bigint;
        BEGIN
          SELECT id INTO v FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
          IF NOT FOUND THEN
            INSERT INTO {p}_ns (tbl, name) VALUES (p_tbl, p_name)
              ON CONFLICT (tbl, name) DO NOTHING;
            SELECT id INTO v FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
          END IF;
          RETURN v;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_bump(p_ns bigint, p_logged boolean, p_op text,
            p_keys bytea[], d_entries bigint, d_bytes bigint, d_evict bigint, d_exp bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE v bigint;
        BEGIN
          UPDATE {p}_ns SET entries = entries + d_entries, bytes = bytes + d_bytes,
            version = version + 1, evictions = evictions + d_evict,
            expirations = expirations + d_exp
          WHERE id = p_ns RETURNING version INTO v;
          IF p_logged THEN
            INSERT INTO {p}_chg (ns, version, op, key)
              SELECT p_ns, v, p_op, t.k FROM unnest(p_keys) WITH ORDINALITY AS t(k, o)
              ORDER BY t.o;
          END IF;
          RETURN v;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_put(p_tbl text, p_name bytea, p_keys bytea[],
            p_vals bytea[], p_exps float8[], p_now float8, p_logged boolean)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE n bigint; added bigint; delta bigint;
        BEGIN
          n := {p}_nsid(p_tbl, p_name);
          SELECT count(*) FILTER (WHERE o.key IS NULL),
                 coalesce(sum(length(i.v)), 0) - coalesce(sum(o.size), 0)
            INTO added, delta
            FROM unnest(p_keys, p_vals) AS i(k, v)
            LEFT JOIN {p}_rec o ON o.ns = n AND o.key = i.k;
          INSERT INTO {p}_rec (ns, key, value, expires_at, atime, size)
            SELECT n, t.k, t.v, t.e, p_now, length(t.v)
            FROM unnest(p_keys, p_vals, p_exps) AS t(k, v, e)
            ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
              expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime, size = EXCLUDED.size;
          RETURN {p}_bump(n, p_logged, 'put', p_keys, added, delta, 0, 0);
        END $$""",
        # Insert each item whose key is absent or expired (a repeated key: the first
        # wins); one boolean per item, in order.
        f"""CREATE OR REPLACE FUNCTION {p}_add_many(p_tbl text, p_name bytea,
            p_keys bytea[], p_vals bytea[], p_exps float8[], p_now float8, p_logged boolean)
        RETURNS boolean[] LANGUAGE plpgsql AS $$
        DECLARE n bigint; wk bytea[]; wv bytea[]; we float8[]; wo bigint[];
                added bigint; delta bigint;
        BEGIN
          n := {p}_nsid(p_tbl, p_name);
          SELECT array_agg(f.k ORDER BY f.o), array_agg(f.v ORDER BY f.o),
                 array_agg(f.e ORDER BY f.o), array_agg(f.o ORDER BY f.o)
            INTO wk, wv, we, wo
            FROM (SELECT DISTINCT ON (t.k) t.k, t.v, t.e, t.o
                  FROM unnest(p_keys, p_vals, p_exps) WITH ORDINALITY AS t(k, v, e, o)
                  ORDER BY t.k, t.o) f
            WHERE NOT EXISTS (SELECT 1 FROM {p}_rec r WHERE r.ns = n AND r.key = f.k
                              AND (r.expires_at IS NULL OR r.expires_at > p_now));
          IF wk IS NOT NULL THEN
            SELECT count(*) FILTER (WHERE o.key IS NULL),
                   coalesce(sum(length(i.v)), 0) - coalesce(sum(o.size), 0)
              INTO added, delta
              FROM unnest(wk, wv) AS i(k, v)
              LEFT JOIN {p}_rec o ON o.ns = n AND o.key = i.k;
            INSERT INTO {p}_rec (ns, key, value, expires_at, atime, size)
              SELECT n, t.k, t.v, t.e, p_now, length(t.v)
              FROM unnest(wk, wv, we) AS t(k, v, e)
              ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value,
                expires_at = EXCLUDED.expires_at, atime = EXCLUDED.atime,
                size = EXCLUDED.size;
            PERFORM {p}_bump(n, p_logged, 'put', wk, added, delta, 0, 0);
          END IF;
          RETURN ARRAY(SELECT coalesce(g.o = ANY(wo), false)
                       FROM generate_series(1, cardinality(p_keys)) AS g(o) ORDER BY g.o);
        END $$""",
        # Remove (ns, key) pairs in the given order, book them, return them in that order.
        f"""CREATE OR REPLACE FUNCTION {p}_drop(v_ns bigint[], v_key bytea[], p_kind text,
            p_logged boolean)
        RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
        DECLARE nsid bigint; ks bytea[]; total bigint; cnt bigint;
        BEGIN
          FOR nsid IN SELECT DISTINCT x FROM unnest(v_ns) AS x ORDER BY 1 LOOP
            ks := ARRAY(SELECT t.k FROM unnest(v_ns, v_key) WITH ORDINALITY AS t(tn, k, o)
                        WHERE t.tn = nsid ORDER BY t.o);
            WITH d AS (DELETE FROM {p}_rec WHERE ns = nsid AND key = ANY(ks)
                       RETURNING size)
            SELECT count(*), coalesce(sum(size), 0) INTO cnt, total FROM d;
            IF cnt > 0 THEN
              PERFORM {p}_bump(nsid, p_logged, 'delete', ks, -cnt, -total,
                CASE WHEN p_kind = 'evict' THEN cnt ELSE 0 END,
                CASE WHEN p_kind = 'expire' THEN cnt ELSE 0 END);
            END IF;
          END LOOP;
          RETURN QUERY SELECT n.name, t.k
            FROM unnest(v_ns, v_key) WITH ORDINALITY AS t(tn, k, o)
            JOIN {p}_ns n ON n.id = t.tn ORDER BY t.o;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_remove(p_tbl text, p_name bytea, p_keys bytea[],
            p_logged boolean)
        RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
        DECLARE n bigint; v_ns bigint[]; v_key bytea[];
        BEGIN
          SELECT id INTO n FROM {p}_ns WHERE tbl = p_tbl AND name = p_name FOR UPDATE;
          IF NOT FOUND THEN RETURN; END IF;
          SELECT array_agg(n), array_agg(r.key ORDER BY t.o) INTO v_ns, v_key
            FROM unnest(p_keys) WITH ORDINALITY AS t(k, o)
            JOIN {p}_rec r ON r.ns = n AND r.key = t.k;
          IF v_key IS NULL THEN RETURN; END IF;
          RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'delete', p_logged);
        END $$""",
        # Lock the namespace rows of a table (or one namespace) in id order.
        f"""CREATE OR REPLACE FUNCTION {p}_lock(p_tbl text, p_name bytea)
        RETURNS bigint[] LANGUAGE plpgsql AS $$
        DECLARE ids bigint[];
        BEGIN
          SELECT array_agg(id ORDER BY id) INTO ids FROM (
            SELECT id FROM {p}_ns WHERE tbl = p_tbl AND (p_name IS NULL OR name = p_name)
            ORDER BY id FOR UPDATE) s;
          RETURN ids;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_purge(p_tbl text, p_name bytea, p_now float8,
            p_limit bigint, p_logged boolean)
        RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
        DECLARE ids bigint[]; v_ns bigint[]; v_key bytea[];
        BEGIN
          ids := {p}_lock(p_tbl, p_name);
          IF ids IS NULL THEN RETURN; END IF;
          SELECT array_agg(s.ns), array_agg(s.key) INTO v_ns, v_key FROM (
            SELECT ns, key FROM {p}_rec WHERE ns = ANY(ids) AND expires_at <= p_now
            ORDER BY expires_at, ns, key LIMIT p_limit) s;
          IF v_key IS NULL THEN RETURN; END IF;
          RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'expire', p_logged);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_evict(p_tbl text, p_name bytea, p_max_e bigint,
            p_max_b bigint, p_logged boolean)
        RETURNS TABLE(o_name bytea, o_key bytea) LANGUAGE plpgsql AS $$
        DECLARE ids bigint[]; e bigint; b bigint; r record;
                v_ns bigint[] := '{{}}'; v_key bytea[] := '{{}}';
        BEGIN
          ids := {p}_lock(p_tbl, p_name);
          IF ids IS NULL THEN RETURN; END IF;
          SELECT coalesce(sum(entries), 0), coalesce(sum(bytes), 0) INTO e, b
            FROM {p}_ns WHERE id = ANY(ids);
          IF NOT ((p_max_e IS NOT NULL AND e > p_max_e)
                  OR (p_max_b IS NOT NULL AND b > p_max_b)) THEN
            RETURN;
          END IF;
          FOR r IN SELECT ns, key, size FROM {p}_rec WHERE ns = ANY(ids)
                   ORDER BY atime, ns, key LOOP
            EXIT WHEN NOT ((p_max_e IS NOT NULL AND e > p_max_e)
                           OR (p_max_b IS NOT NULL AND b > p_max_b));
            v_ns := v_ns || r.ns;
            v_key := v_key || r.key;
            e := e - 1;
            b := b - r.size;
          END LOOP;
          IF cardinality(v_key) = 0 THEN RETURN; END IF;
          RETURN QUERY SELECT * FROM {p}_drop(v_ns, v_key, 'evict', p_logged);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {p}_clear(p_tbl text, p_name bytea, p_logged boolean)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE ids bigint[]; nsid bigint; total bigint := 0; cnt bigint;
        BEGIN
          ids := {p}_lock(p_tbl, p_name);
          IF ids IS NULL THEN RETURN 0; END IF;
          FOREACH nsid IN ARRAY ids LOOP
            SELECT entries INTO cnt FROM {p}_ns WHERE id = nsid;
            DELETE FROM {p}_rec WHERE ns = nsid;
            UPDATE {p}_ns SET entries = 0, bytes = 0 WHERE id = nsid;
            PERFORM {p}_bump(nsid, p_logged, 'clear', ARRAY[''::bytea], 0, 0, 0, 0);
            total := total + cnt;
          END LOOP;
          RETURN total;
        END $$""",
    ]


_MIGRATIONS: dict[int, Callable[[str], list[str]]] = {1: _ddl}


def _check_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(
            f"prefix must match {_PREFIX_RE.pattern} (it names tables), not {prefix!r}"
        )
    return prefix


def _is_outage(exc: BaseException) -> bool:
    return psycopg is not None and isinstance(exc, (psycopg.OperationalError, OSError))


def _redact(dsn: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", re.sub(r"password=\S+", "password=***", dsn))


class PostgresStore:
    """Records in a PostgreSQL database (11+), shared by any number of machines.

    Args:
        dsn: a libpq connection string or URL (``postgresql://user@host:5432/db``).
        prefix: table and function name prefix, so several stores can share a database.
        min_size / max_size: connection pool bounds.
        timeout: seconds to wait for a pooled connection (and to connect).
        statement_timeout: server-side limit per statement, in seconds (0 = none).
        changelog_retention: change-log rows kept for shared-mode readers.
        breaker: ``CircuitBreaker`` keyword arguments.

    Raises:
        MissingExtraError: psycopg is missing (``pip install 'nearcache[postgres]'``).
        StoreUnavailableError: the server cannot be reached while creating the schema.
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
        breaker: dict[str, Any] | None = None,
    ) -> None:
        if psycopg is None:
            raise MissingExtraError("postgres", "psycopg", "PostgresStore")
        self.prefix = _check_prefix(prefix)
        self.dsn = dsn
        self.url = _redact(dsn)
        self.timeout = float(timeout)
        self.retention = int(changelog_retention)
        self._min, self._max = int(min_size), int(max_size)
        self._statement_timeout = int(statement_timeout * 1000)
        self._lock = threading.Lock()
        self._closed = False
        self._touches: dict[tuple[str, str], dict[bytes, float]] = {}
        self._touch_count = 0
        self._writes = 0
        self._breaker = CircuitBreaker(
            f"PostgreSQL store {self.url}", probe=self._probe, **(breaker or {})
        )
        try:  # fail fast with a clear error instead of waiting out the pool's timeout
            with psycopg.connect(dsn, **self._conn_kwargs()) as con:
                con.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            raise StoreUnavailableError(f"{self.url} is unreachable: {exc}") from None
        self._pid = os.getpid()
        self._pool = self._new_pool()
        try:
            self._call(self._init_schema)
        except BaseException:
            self._pool.close(timeout=0)
            raise

    # -- connections ------------------------------------------------------------------

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
        """Half-open probe: connect directly, then swap in a fresh pool."""
        with psycopg.connect(self.dsn, **{**self._conn_kwargs(), "connect_timeout": 2}) as con:
            con.execute("SELECT 1")
        old, self._pool = self._pool, self._new_pool()
        threading.Thread(target=old.close, kwargs={"timeout": 1.0}, daemon=True).start()

    def _translate(self, exc: BaseException) -> CacheError:
        if isinstance(exc, PoolTimeout):
            return StoreUnavailableError(f"{self.url}: no connection: {exc}")
        if isinstance(exc, pg_errors.QueryCanceled):
            return StoreTimeoutError(f"{self.url}: statement timed out: {exc}")
        if isinstance(exc, (pg_errors.DiskFull, pg_errors.ReadOnlySqlTransaction)):
            return StoreWriteError(f"{self.url}: cannot write: {exc}")
        if isinstance(exc, (psycopg.OperationalError, OSError)):
            return StoreUnavailableError(f"{self.url} is unavailable: {exc}")
        if isinstance(exc, pg_errors.UndefinedTable):
            return CorruptStoreError(f"{self.url}: nearcache tables are missing: {exc}")
        return CacheError(f"{self.url}: {exc}")

    def _call(self, fn: Callable[[Any], _T], *, read: bool = False) -> _T:
        if self._closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if os.getpid() != self._pid:
            # After fork the child must not share the parent's sockets or pool threads
            # (which do not exist in the child): start a pool of its own.
            with self._lock:
                if os.getpid() != self._pid:
                    self._pool = self._new_pool()
                    self._touches = {}
                    self._pid = os.getpid()

        def attempt() -> _T:
            try:
                with self._pool.connection() as con:
                    return fn(con)
            except psycopg.OperationalError as exc:
                if not read or isinstance(exc, PoolTimeout):
                    raise
                # A pooled connection killed by a restart or pg_terminate_backend: drop
                # the dead idle ones and try once more on a fresh connection.
                self._pool.check()
                with self._pool.connection() as con:
                    return fn(con)

        try:
            return self._breaker.call(attempt, is_outage=_is_outage)
        except CacheError:
            raise
        except (psycopg.Error, OSError) as exc:
            raise self._translate(exc) from None

    # -- schema ----------------------------------------------------------------------

    def _init_schema(self, con: Any) -> None:
        p = self.prefix
        found = con.execute("SELECT to_regclass(%s)", (f"{p}_meta",)).fetchone()[0]
        if found is not None:
            row = con.execute(f"SELECT value FROM {p}_meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise CorruptStoreError(
                    f"{self.url}: schema {p} has version {version}, newer than this "
                    f"nearcache understands ({SCHEMA_VERSION}); upgrade nearcache"
                )
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"nearcache:{p}",))
            con.execute(f"CREATE TABLE IF NOT EXISTS {p}_meta (key text PRIMARY KEY, value text)")
            row = con.execute(f"SELECT value FROM {p}_meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for stmt in _MIGRATIONS[step](p):
                    con.execute(stmt)
                log.info("migrated %s schema %s to version %d", self.url, p, step)
            con.execute(
                f"INSERT INTO {p}_meta VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(SCHEMA_VERSION),),
            )

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _key(key: str) -> bytes:
        if not isinstance(key, str) or len(key) != 64:
            raise ValueError(f"record keys must be 64 hex characters, not {key!r:.80}")
        return bytes.fromhex(key)

    def _write(self, sql: str, args: Sequence[Any], *, rows: bool = False) -> Any:
        pending = self._take_touches()

        def run(con: Any) -> Any:
            if pending:
                self._send_touches(con, pending)
            cur = con.execute(sql, args, binary=True)
            return cur.fetchall() if rows else cur.fetchone()[0]

        result = self._call(run)
        self._writes += 1
        if self._writes % _PRUNE_EVERY == 0:
            self._prune()
        return result

    def _prune(self) -> None:
        p = self.prefix
        with contextlib.suppress(CacheError):
            self._call(
                lambda con: con.execute(
                    f"DELETE FROM {p}_chg WHERE seq <= (SELECT max(seq) FROM {p}_chg) - %s",
                    (self.retention,),
                )
            )

    def _take_touches(self) -> dict[tuple[str, str], dict[bytes, float]]:
        with self._lock:
            pending, self._touches = self._touches, {}
            self._touch_count = 0
        return pending

    def _send_touches(self, con: Any, pending: dict[tuple[str, str], dict[bytes, float]]) -> None:
        p = self.prefix
        for (table, namespace), touches in pending.items():
            con.execute(
                f"""UPDATE {p}_rec r SET atime = t.at
                FROM unnest(%s::bytea[], %s::float8[]) AS t(k, at)
                WHERE (r.ns, r.key) IN (
                    SELECT r2.ns, r2.key FROM {p}_rec r2 JOIN {p}_ns n ON n.id = r2.ns
                    WHERE n.tbl = %s AND n.name = %s AND r2.key = ANY(%s::bytea[])
                    FOR UPDATE OF r2 SKIP LOCKED)
                  AND r.key = t.k AND r.atime < t.at""",
                (
                    list(touches),
                    list(touches.values()),
                    table,
                    namespace.encode(),
                    list(touches),
                ),
            )

    def _flush_touches(self) -> None:
        pending = self._take_touches()
        if pending:
            try:
                self._call(lambda con: self._send_touches(con, pending))
            except StoreUnavailableError:
                log.debug("dropped LRU touches during an outage")

    def _logged(self, table: str) -> bool:
        return TABLES[table].log

    # -- Store protocol --------------------------------------------------------------

    def get_many(
        self, table: str, namespace: str, keys: Sequence[str], *, now: float, touch: bool = True
    ) -> list[bytes | None]:
        check_table(table)
        if not keys:
            return []
        raw = [self._key(k) for k in keys]
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

        found = {bytes(k): (v, e) for k, v, e in self._call(run, read=True)}
        out: list[bytes | None] = []
        hits: list[bytes] = []
        for k in raw:
            row = found.get(k)
            if row is None or (row[1] is not None and row[1] <= now):
                out.append(None)
            else:
                out.append(bytes(row[0]))
                hits.append(k)
        if touch and hits:
            with self._lock:
                pending = self._touches.setdefault((table, namespace), {})
                for k in hits:
                    pending[k] = now
                self._touch_count += len(hits)
            if self._touch_count > _TOUCH_FLUSH_AT:
                self._flush_touches()
        return out

    def put_many(self, table: str, namespace: str, items: Sequence[Item], *, now: float) -> int:
        check_table(table)
        unique = list({it.key: it for it in items}.values())
        for it in unique:
            if not isinstance(it.value, (bytes, bytearray, memoryview)):
                raise TypeError(f"record values must be bytes, not {type(it.value).__name__}")
        args = (
            table,
            namespace.encode(),
            [self._key(it.key) for it in unique],
            [bytes(it.value) for it in unique],
            [it.expires_at for it in unique],
            now,
            self._logged(table),
        )
        return int(
            self._write(
                f"SELECT {self.prefix}_put(%s, %s, %s::bytea[], %s::bytea[], %s::float8[], %s, %s)",
                args,
            )
        )

    def add(self, table: str, namespace: str, item: Item, *, now: float) -> bool:
        return self.add_many(table, namespace, [item], now=now)[0]

    def add_many(
        self, table: str, namespace: str, items: Sequence[Item], *, now: float
    ) -> list[bool]:
        """Insert each item whose key is absent or expired, in one transaction."""
        check_table(table)
        if not items:
            return []
        args = (
            table,
            namespace.encode(),
            [self._key(it.key) for it in items],
            [bytes(it.value) for it in items],
            [it.expires_at for it in items],
            now,
            self._logged(table),
        )
        won = self._write(
            f"SELECT {self.prefix}_add_many(%s, %s, %s::bytea[], %s::bytea[], "
            "%s::float8[], %s, %s)",
            args,
        )
        return [bool(w) for w in won]

    def _pairs(self, rows: Sequence[Any]) -> list[tuple[str, str]]:
        return [(bytes(n).decode(), bytes(k).hex()) for n, k in rows]

    def delete_many(self, table: str, namespace: str, keys: Sequence[str]) -> int:
        check_table(table)
        if not keys:
            return 0
        raw = [self._key(k) for k in dict.fromkeys(keys)]
        rows = self._write(
            f"SELECT * FROM {self.prefix}_remove(%s, %s, %s::bytea[], %s)",
            (table, namespace.encode(), raw, self._logged(table)),
            rows=True,
        )
        return len(rows)

    def clear(self, table: str, namespace: str | None = None) -> int:
        check_table(table)
        return int(
            self._write(
                f"SELECT {self.prefix}_clear(%s, %s::bytea, %s)",
                (table, None if namespace is None else namespace.encode(), self._logged(table)),
            )
        )

    def purge_expired(
        self, table: str, namespace: str | None = None, *, now: float, limit: int | None = None
    ) -> list[tuple[str, str]]:
        check_table(table)
        rows = self._write(
            f"SELECT * FROM {self.prefix}_purge(%s, %s::bytea, %s, %s::bigint, %s)",
            (
                table,
                None if namespace is None else namespace.encode(),
                now,
                limit,
                self._logged(table),
            ),
            rows=True,
        )
        return self._pairs(rows)

    def evict(
        self,
        table: str,
        namespace: str | None = None,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
    ) -> list[tuple[str, str]]:
        check_table(table)
        if max_entries is None and max_bytes is None:
            return []
        rows = self._write(
            f"SELECT * FROM {self.prefix}_evict(%s, %s::bytea, %s::bigint, %s::bigint, %s)",
            (
                table,
                None if namespace is None else namespace.encode(),
                max_entries,
                max_bytes,
                self._logged(table),
            ),
            rows=True,
        )
        return self._pairs(rows)

    def namespaces(self, table: str) -> list[str]:
        check_table(table)
        rows = self._call(
            lambda con: con.execute(
                f"SELECT name FROM {self.prefix}_ns WHERE tbl = %s AND entries > 0",
                (table,),
            ).fetchall(),
            read=True,
        )
        return sorted(bytes(r[0]).decode() for r in rows)

    def info(self, table: str, namespace: str | None = None) -> NamespaceInfo:
        check_table(table)
        sql = (
            "SELECT coalesce(sum(entries),0), coalesce(sum(bytes),0), coalesce(sum(version),0),"
            " coalesce(sum(evictions),0), coalesce(sum(expirations),0) "
            f"FROM {self.prefix}_ns WHERE tbl = %s"
        )
        args: list[Any] = [table]
        if namespace is not None:
            sql += " AND name = %s"
            args.append(namespace.encode())
        row = self._call(lambda con: con.execute(sql, args).fetchone(), read=True)
        return NamespaceInfo(*(int(x) for x in row))

    def scan(self, table: str, namespace: str, *, batch_size: int = 1000) -> Iterator[list[Item]]:
        check_table(table)
        p = self.prefix
        last = b""
        while True:

            def page(con: Any, last: bytes = last) -> list[Any]:
                return list(
                    con.execute(
                        f"SELECT r.key, r.value, r.expires_at FROM {p}_rec r "
                        f"JOIN {p}_ns n ON n.id = r.ns WHERE n.tbl = %s AND n.name = %s "
                        "AND r.key > %s ORDER BY r.key LIMIT %s",
                        (table, namespace.encode(), last, batch_size),
                        binary=True,
                    ).fetchall()
                )

            rows = self._call(page, read=True)
            if not rows:
                return
            last = bytes(rows[-1][0])
            yield [Item(bytes(k).hex(), bytes(v), e) for k, v, e in rows]

    def changes(self, table: str, namespace: str, since: int) -> Changes:
        check_table(table)
        if not TABLES[table].log:
            raise ValueError(f"table {table!r} keeps no change log")
        p = self.prefix

        def run(con: Any) -> list[Any]:
            return list(
                con.execute(
                    f"""WITH n AS (SELECT id, version FROM {p}_ns WHERE tbl = %s AND name = %s)
                    SELECT n.version, c.version, c.op, c.key FROM n
                    LEFT JOIN {p}_chg c ON c.ns = n.id AND c.version > %s
                        AND c.version <= n.version
                    ORDER BY c.seq""",
                    (table, namespace.encode(), since),
                ).fetchall()
            )

        rows = self._call(run, read=True)
        if not rows:
            return Changes(since, [])
        version = int(rows[0][0])
        if version <= since:
            return Changes(version, [])
        if rows[0][1] is None or int(rows[0][1]) != since + 1:
            return Changes(version, None)
        return Changes(
            version, [(op, "" if op == "clear" else bytes(k).hex()) for _, _, op, k in rows]
        )

    def get_meta(self, key: str) -> str | None:
        row = self._call(
            lambda con: con.execute(
                f"SELECT value FROM {self.prefix}_meta WHERE key = %s", (key,)
            ).fetchone(),
            read=True,
        )
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._call(
            lambda con: con.execute(
                f"INSERT INTO {self.prefix}_meta VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )
        )

    def check(self, fix: bool = False) -> list[str]:
        """Recount every namespace and look for orphan or mis-sized records."""
        self._flush_touches()
        p = self.prefix

        def run(con: Any) -> list[str]:
            problems: list[str] = []
            with con.transaction():
                if fix:
                    con.execute(f"LOCK TABLE {p}_ns IN EXCLUSIVE MODE")
                rows = con.execute(
                    f"""SELECT n.id, n.tbl, n.name, n.entries, n.bytes, count(r.key),
                        coalesce(sum(r.size), 0),
                        count(r.key) FILTER (WHERE r.size <> length(r.value))
                    FROM {p}_ns n LEFT JOIN {p}_rec r ON r.ns = n.id
                    GROUP BY n.id ORDER BY n.id"""
                ).fetchall()
                for nsid, tbl, name, entries, size, n, b, bad in rows:
                    where = f"{tbl}/{bytes(name).decode(errors='replace')}"
                    if bad:
                        problems.append(f"{where}: {bad} records with a wrong size column")
                        if fix:
                            con.execute(
                                f"UPDATE {p}_rec SET size = length(value) WHERE ns = %s",
                                (nsid,),
                            )
                            b = con.execute(
                                f"SELECT coalesce(sum(size), 0) FROM {p}_rec WHERE ns = %s",
                                (nsid,),
                            ).fetchone()[0]
                    if (int(entries), int(size)) != (int(n), int(b)):
                        problems.append(
                            f"{where}: counters say {entries} entries/{size} bytes, recount {n}/{b}"
                        )
                        if fix:
                            con.execute(
                                f"UPDATE {p}_ns SET entries = %s, bytes = %s WHERE id = %s",
                                (n, b, nsid),
                            )
                orphans = con.execute(
                    f"SELECT count(*) FROM {p}_rec r WHERE NOT EXISTS "
                    f"(SELECT 1 FROM {p}_ns n WHERE n.id = r.ns)"
                ).fetchone()[0]
                if orphans:
                    problems.append(f"{orphans} records of unknown namespaces")
                    if fix:
                        con.execute(
                            f"DELETE FROM {p}_rec r WHERE NOT EXISTS "
                            f"(SELECT 1 FROM {p}_ns n WHERE n.id = r.ns)"
                        )
            return problems

        return self._call(run)

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def close(self) -> None:
        if self._closed:
            return
        with contextlib.suppress(CacheError):
            self._flush_touches()
        self._closed = True
        self._pool.close(timeout=2.0)

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r}, prefix={self.prefix!r})"


def drop_schema(dsn: str, prefix: str = "nearcache") -> None:
    """Drop every table and function of a store (tests and ``nearcache`` maintenance)."""
    if psycopg is None:
        raise MissingExtraError("postgres", "psycopg", "drop_schema")
    p = _check_prefix(prefix)
    with psycopg.connect(dsn, autocommit=True) as con:
        for t in ("rec", "chg", "ns", "meta"):
            con.execute(f"DROP TABLE IF EXISTS {p}_{t} CASCADE")
        for fn in (
            "nsid",
            "bump",
            "put",
            "add_many",
            "drop",
            "remove",
            "lock",
            "purge",
            "evict",
            "clear",
        ):
            for (oid,) in con.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.proname = %s",
                (f"{p}_{fn}",),
            ).fetchall():
                con.execute(f"DROP FUNCTION IF EXISTS {oid}")
