"""``RedisStore``: the store itself; the key layout and why it has this shape are in
the package docstring (:mod:`nearcache.stores.redis`)."""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ...errors import InvalidInputError, MissingExtraError, StoreWriteError
from ..breaker import CircuitBreaker
from ..protocol import TABLES, Changes, Item, NamespaceInfo, check_table
from ..server import ServerStore
from ..touches import TouchBuffer
from ..url import parse_store_url, redact_url
from .changelog import read_changes
from .check import check_namespace
from .layout import INFO_FIELDS, Layout, sum_infos
from .packing import bulk_packer_kwargs
from .reads import Touches, queue_touches, read_batch, read_parts, read_plain
from .records import split_record, values_at
from .removals import RedisRemovals
from .rules import redis_errors
from .scripts import SCRIPTS, script_source

log = logging.getLogger(__name__)

try:
    import redis as _redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError:  # pragma: no cover - exercised only without the extra
    _redis = None  # type: ignore[assignment]

__all__ = ["RedisStore"]

_TOUCH_FLUSH_EVERY = 1.0  # seconds between piggy-backed LRU flushes on reads
_TOUCH_FLUSH_AT = 20_000
_PLAIN_FOR = 5.0  # seconds reads skip MULTI after the server refused one (past maxmemory)


class RedisStore(RedisRemovals, ServerStore):
    """Records in a Redis server (7.0+: its scripts open with a ``#!lua`` shebang, which
    6.2 cannot compile), shared by processes and machines.

    Args:
        url: ``redis://[user:password@]host:port/db`` or ``rediss://`` (TLS) or
            ``unix:///path/to/socket``.
        prefix: first part of every key, so several stores can share one database.
        socket_timeout: seconds a command may take before ``StoreTimeoutError``.
        connect_timeout: seconds a TCP connect may take.
        expiry_grace: seconds added to the Redis-side expiry of records with a TTL, so a
            small clock difference between the cache and the server never drops a record
            early; the logical expiry is always checked on read.
        changelog_retention: change-log entries (one per version) kept per namespace.
        breaker: a ``CircuitBreaker``, or its keyword arguments.

    Raises:
        MissingExtraError: ``redis`` is not installed (``pip install 'nearcache[redis]'``).

    >>> store = RedisStore("redis://127.0.0.1:6379/0")  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "nearcache",
        socket_timeout: float = 5.0,
        connect_timeout: float = 2.0,
        expiry_grace: float = 1.0,
        changelog_retention: int = 10_000,
        breaker: CircuitBreaker | dict[str, Any] | None = None,
        client: Any = None,
    ) -> None:
        if _redis is None:
            raise MissingExtraError("redis", "redis", "RedisStore")
        if not isinstance(prefix, str) or not prefix:
            raise InvalidInputError("prefix must be a non-empty str")
        if expiry_grace < 0:
            raise InvalidInputError("expiry_grace must be >= 0")
        if own := ("?" in url and parse_store_url(url)[2]):  # redis-py: TypeError later
            raise InvalidInputError(
                f"{redact_url(url)!r}: ?{'&'.join(own)} is read by open_store(url); "
                f"RedisStore takes it as a keyword: RedisStore(url, {next(iter(own))}=...)"
            )
        self.url = redact_url(url)
        self.prefix = prefix
        self.expiry_grace = float(expiry_grace)
        self.retention = int(changelog_retention)
        self._layout = Layout(prefix, self.retention, self.expiry_grace)
        packer = {} if client is not None else bulk_packer_kwargs()
        self._bulk = bool(packer)  # this client's connections pack ``BulkKeys``
        self._client: Any = client or _redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
            **packer,
        )
        self._setup_server(
            f"Redis store {self.url}",
            breaker,
            errors=redis_errors(),
            touches=TouchBuffer(_TOUCH_FLUSH_AT, flush_every=_TOUCH_FLUSH_EVERY),
        )
        self._scripts = {n: self._client.register_script(script_source(n)) for n in SCRIPTS}
        self._gens: dict[bytes, bytes] = {}
        self._plain_until = 0.0  # reads skip MULTI until then (monotonic; 0: they do not)

    def _is_outage(self, exc: BaseException) -> bool:
        """A server that answers and refuses the credentials is a mistake, not an outage
        (as for PostgreSQL): the circuit stays closed, so every call says what is wrong."""
        refused = isinstance(exc, _redis.exceptions.AuthenticationError)
        return not refused and super()._is_outage(exc)

    def record_key(self, table: str, namespace: str, key: str, gen: int = 0) -> bytes:
        """The Redis key holding a record (for debugging and for tests that plant data)."""
        return self._layout.record_key(table, namespace, key, gen)

    # -- plumbing -------------------------------------------------------------------

    def _run(self, name: str, table: str, namespace: str, args: Sequence[Any]) -> Any:
        script = self._scripts[name]
        keys = self._layout.keys(table, namespace)
        return self._call(lambda: script(keys=keys, args=args))

    def _plain(self) -> bool:
        """True while reads go without ``MULTI``: a server past its ``maxmemory`` refused
        one less than ``_PLAIN_FOR`` seconds ago, and no write has landed since. Without
        it every read of a full server was two round trips: the refused ``MULTI``, then
        the read again."""
        if self._plain_until and self._plain_until <= time.monotonic():
            self._plain_until = 0.0  # try a transaction again
        return bool(self._plain_until)

    def _refused_multi(self) -> None:
        log.debug("%s refuses transactions: reads go without one", self.url)
        self._plain_until = time.monotonic() + _PLAIN_FOR

    # -- LRU touches ----------------------------------------------------------------

    def _write_touches(self, pending: Touches) -> None:
        def run() -> None:
            pipe = self._client.pipeline(transaction=False)
            queue_touches(pipe, self._layout, pending)
            pipe.execute()

        self._call(run)

    def _read_records(
        self, base: bytes, keys: Sequence[str], touches: Touches | None = None
    ) -> list[bytes | None]:
        """Raw stored strings for ``keys`` of the namespace's current generation.

        One round trip (:func:`~.reads.read_batch`, with the buffered touches). The
        generation is cached; if a ``clear`` elsewhere moved it on, the read is repeated
        under the generation the server named until that generation holds (a read under
        a generation that has moved on since may hold records already cleared).
        """
        queue = (
            None
            if not touches
            else functools.partial(queue_touches, layout=self._layout, pending=touches)
        )
        gen = self._gens.get(base, b"0")
        read: Callable[..., tuple[bytes, list[bytes | None]]]
        if self._plain():  # over maxmemory: the touches are dropped
            read = functools.partial(read_plain, self._client, self._bulk, base)
            cur, raw = self._call(lambda: read(gen, keys))
        else:
            read = functools.partial(read_batch, self._client, self._bulk, base)
            try:
                cur, raw = self._call(lambda: read(gen, keys, queue))
            except StoreWriteError:  # over maxmemory: no MULTI, and the touches are dropped
                self._refused_multi()
                read = functools.partial(read_plain, self._client, self._bulk, base)
                cur, raw = self._call(lambda: read(gen, keys))
        while cur != gen:  # the namespace was cleared since this process last looked
            gen = cur
            cur, raw = self._call(functools.partial(read, gen, keys))
            self._gens[base] = gen
        return raw

    # -- reads ----------------------------------------------------------------------

    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]:
        touches = self._touches.take() if self._touches.due() else None
        out = values_at(self._read_records(self._layout.base(table, namespace), keys, touches), now)
        if touch:
            self._note_hits(table, namespace, keys, out, now)
        return out

    def _note_hits(
        self, table: str, namespace: str, keys: Sequence[str], out: list[bytes | None], now: float
    ) -> None:
        """Buffer an LRU touch for every key of a read that found a value."""
        hits = [k for k, v in zip(keys, out) if v is not None]
        if hits:
            self._touches.note((table, namespace), hits, now)

    def get_many_parts(
        self,
        table: str,
        namespace: str,
        parts: Iterable[Sequence[str]],
        *,
        now: float,
        touch: bool = True,
    ) -> list[bytes | None]:
        """``get_many`` of the keys of every part, in order, sent part by part as
        ``parts`` yields them: the caller can work out the next part's keys while the
        server reads the last one (see :mod:`~nearcache.stores.redis.reads`)."""
        check_table(table)
        if not self._bulk:  # a client of the caller's: one read the usual way
            every = [key for keys in parts for key in keys]
            return self.get_many(table, namespace, every, now=now, touch=touch)
        if self._touches.due():
            self._flush_touches()
        base = self._layout.base(table, namespace)
        gen = self._gens.get(base, b"0")
        sent: list[Sequence[str]] = []
        pool = self._client.connection_pool
        seen: bytes | None = None
        if self._plain():  # over maxmemory: read without MULTI
            sent.append([key for keys in parts for key in keys])
        else:
            try:
                raw, seen = self._call(lambda: read_parts(pool, base, gen, parts, sent))
            except StoreWriteError:  # over maxmemory: every key, read again without MULTI
                self._refused_multi()
                sent.append([key for keys in parts for key in keys])
                seen = None
        keys = [key for keys in sent for key in keys]
        if seen != gen:  # the namespace was cleared since this process last looked:
            if seen is not None:  # read again under the generation the parts saw
                self._gens[base] = seen
            raw = self._read_records(base, keys)
        out = values_at(raw, now)
        if touch:
            self._note_hits(table, namespace, keys, out, now)
        return out

    def _names(self, table: str) -> list[str]:
        reg = self._layout.registry(table)
        return sorted(n.decode() for n in self._call(lambda: self._client.smembers(reg)))

    def _namespaces(self, table: str) -> list[str]:
        names = self._names(table)
        infos = self._infos(table, names)
        return [n for n in names if infos[n].entries > 0]

    def _infos(self, table: str, names: Sequence[str]) -> dict[str, NamespaceInfo]:
        if not names:
            return {}

        def run() -> list[Any]:
            pipe = self._client.pipeline(transaction=False)
            for name in names:
                pipe.hmget(self._layout.base(table, name) + b":m", INFO_FIELDS)
            return list(pipe.execute())

        return {
            name: NamespaceInfo(*(int(v or 0) for v in row))
            for name, row in zip(names, self._call(run))
        }

    def _info(self, table: str, namespace: str | None) -> NamespaceInfo:
        names = [namespace] if namespace is not None else self._names(table)
        return sum_infos(list(self._infos(table, names).values()))

    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]:
        base = self._layout.base(table, namespace)
        cursor = 0
        seen: set[bytes] = set()
        while True:
            cursor, fields = self._call(
                functools.partial(self._client.hscan, base + b":s", cursor, count=batch_size)
            )
            members = [f for f in fields if f not in seen]
            seen.update(members)
            if members:
                blobs = self._read_records(base, [m.decode() for m in members])
                batch = [
                    Item(member.decode(), *split_record(blob))
                    for member, blob in zip(members, blobs)
                    if blob is not None
                ]
                if batch:
                    yield batch
            if int(cursor) == 0:
                return

    def _changes(self, table: str, namespace: str, since: int) -> Changes:
        base = self._layout.base(table, namespace)
        if not self._plain():
            try:
                return read_changes(self._call, self._client, base, since)
            except StoreWriteError:  # over maxmemory: read again without MULTI
                self._refused_multi()
        return read_changes(self._call, self._client, base, since, transaction=False)

    def get_meta(self, key: str) -> str | None:
        raw = self._call(lambda: self._client.hget(self._layout.meta_key, key))
        return None if raw is None else bytes(raw).decode()

    # -- writes ---------------------------------------------------------------------

    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        args = self._layout.item_args(table, namespace, items, now)
        self._flush_touches()
        written = int(self._run("put", table, namespace, args))
        self._plain_until = 0.0  # a write landed: the server is not full (any more)
        return written

    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]:
        args = self._layout.item_args(table, namespace, items, now)
        return [bool(w) for w in self._run("add", table, namespace, args)]

    def set_meta(self, key: str, value: str) -> None:
        self._call(lambda: self._client.hset(self._layout.meta_key, key, value))

    # -- health and lifecycle ---------------------------------------------------------

    def check(self, fix: bool = False) -> list[str]:
        """Recount every namespace: counters vs the size index, LRU/expiry indexes vs the
        size index, records present and well-formed, no records of old generations."""
        self._flush_touches()
        problems: list[str] = []
        for table in TABLES:
            for name in self._names(table):
                problems += check_namespace(
                    self._call,
                    self._client,
                    self._layout.base(table, name),
                    f"{table}/{name}",
                    fix=fix,
                    remove=functools.partial(self._remove, table, name, kind="delete"),
                )
        return problems

    def ping(self) -> bool:
        """True if the server answers now (ignores the circuit breaker)."""
        try:
            return bool(self._client.ping())
        except Exception:
            return False

    def _disconnect(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r}, prefix={self.prefix!r})"
