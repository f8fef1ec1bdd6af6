"""``DynamoDBStore``: the store itself; the item layout is in :mod:`.layout` and what is
atomic (and what is not) in the package docstring (:mod:`nearcache.stores.dynamodb`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ...errors import CacheError, InvalidInputError, MissingExtraError
from ...retry import Retry
from ..bookkeeping import Delta
from ..breaker import CircuitBreaker
from ..lru import Budget, batch_times, group_by_namespace
from ..protocol import Changes, Item, Limit, NamespaceInfo
from ..server import ServerStore
from ..touches import TouchBuffer
from ..translate import translate
from .changelog import read_changes
from .check import check_table_items
from .layout import Layout, attr_int, attr_num, chunks, ensure_table, num
from .requests import THROTTLED, Requests, expiry_of
from .rules import dynamodb_errors, error_code

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover - exercised only without the extra
    boto3 = None

__all__ = ["DynamoDBStore"]

_T = TypeVar("_T")
_GET_CHUNK = 100
_TOUCH_FLUSH_AT = 5_000


class DynamoDBStore(ServerStore):
    """Records in a DynamoDB table (created with its indexes when ``create_table``).

    Args:
        table: the table name.
        endpoint_url: a DynamoDB-compatible endpoint (DynamoDB Local, moto, LocalStack).
        region: AWS region.
        create_table: create the table (on-demand billing) and enable TTL if missing.
        consistent_reads: strongly consistent reads (acknowledged writes are visible at
            once); False halves the read cost.
        expiry_grace: seconds added to the ``ttl`` attribute for DynamoDB's own sweeper.
        max_transaction_items: DynamoDB's transaction limit (100).
        changelog_retention: change-log versions kept per namespace.
        breaker: a ``CircuitBreaker``, or its keyword arguments.
        retry: how reads DynamoDB leaves unprocessed (throttling) are retried, a
            :class:`~nearcache.retry.Retry` (default: 50 tries, 20 ms doubling to 1 s).

    Raises:
        MissingExtraError: boto3 is missing (``pip install 'nearcache[dynamodb]'``).
    """

    FLUSH_ON_CLOSE = False  # each touch costs a request; they only refine the LRU order

    def __init__(
        self,
        table: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        create_table: bool = True,
        consistent_reads: bool = True,
        expiry_grace: float = 3600.0,
        max_transaction_items: int = 100,
        changelog_retention: int = 10_000,
        connect_timeout: float = 2.0,
        read_timeout: float = 10.0,
        breaker: CircuitBreaker | dict[str, Any] | None = None,
        client: Any = None,
        retry: Retry | None = None,
    ) -> None:
        if boto3 is None:
            raise MissingExtraError("dynamodb", "boto3", "DynamoDBStore")
        if not isinstance(table, str) or not table:
            raise InvalidInputError("table must be a non-empty str")
        if max_transaction_items < 3:
            raise InvalidInputError("max_transaction_items must be >= 3")
        self.table = table
        self.url = f"dynamodb://{table}" + (f"?endpoint_url={endpoint_url}" if endpoint_url else "")
        self.consistent = bool(consistent_reads)
        self.expiry_grace = float(expiry_grace)
        self.chunk = int(max_transaction_items) - 2  # + counter item + change-log item
        self.retention = int(changelog_retention)
        self._layout = Layout(table, self.retention, self.expiry_grace)
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": 2, "mode": "standard"},
            max_pool_connections=32,
        )
        self._make_client: Callable[[], Any] = functools.partial(
            boto3.client, "dynamodb", endpoint_url=endpoint_url, region_name=region, config=config
        )
        self._client: Any = client or self._make_client()
        self._setup_server(
            f"DynamoDB store {self.url}",
            breaker,
            errors=dynamodb_errors(),
            touches=TouchBuffer(_TOUCH_FLUSH_AT),
        )
        self._req = Requests(
            self._layout,
            self._call,
            lambda: self._client,
            url=self.url,
            consistent=self.consistent,
            retry=retry or THROTTLED,
        )
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="nearcache-ddb")
        if create_table:
            self._call(lambda: ensure_table(self._client, self.table))

    def record_key(self, table: str, namespace: str, key: str) -> dict[str, Any]:
        """The DynamoDB key of a record (for debugging and for tests that plant data)."""
        return self._layout.record_key(table, namespace, key)

    # -- plumbing ----------------------------------------------------------------------

    def _translate(self, exc: BaseException) -> CacheError | None:
        return translate(exc, self._rules, text=error_code, url=self.url)

    def _after_fork(self) -> None:
        """A forked child gets its own HTTP client and thread pool (the parent's pool
        threads do not exist in the child, so using it would hang)."""
        self._client = self._make_client()
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="nearcache-ddb")

    # -- LRU touches -------------------------------------------------------------------

    def _write_touches(self, pending: dict[tuple[str, str], dict[str, float]]) -> None:
        def one(table: str, namespace: str, key: str, at: float) -> None:
            try:
                self._client.update_item(
                    TableName=self.table,
                    Key=self._layout.record_key(table, namespace, key),
                    UpdateExpression="SET a = :a",
                    ConditionExpression="attribute_exists(pk) AND a < :a",
                    ExpressionAttributeValues={":a": num(float(at))},
                )
            except ClientError:
                pass

        def run() -> None:
            futures = [
                self._pool.submit(one, t, ns, k, at)
                for (t, ns), touches in pending.items()
                for k, at in touches.items()
            ]
            for f in futures:
                f.result()

        self._call(run)

    # -- reads -------------------------------------------------------------------------

    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]:
        unique = list(dict.fromkeys(keys))
        chunks = [unique[i : i + _GET_CHUNK] for i in range(0, len(unique), _GET_CHUNK)]

        def fetch(chunk: list[str]) -> list[Any]:
            wanted = [self._layout.record_key(table, namespace, k) for k in chunk]
            return self._req.batch_get(wanted, "sk,v,x")

        def run() -> list[Any]:
            if len(chunks) == 1:
                return fetch(chunks[0])
            return [it for part in self._pool.map(fetch, chunks) for it in part]

        found: dict[str, bytes] = {}
        for it in self._call(run):
            exp = expiry_of(it)
            if exp is None or exp > now:
                found[it["sk"]["S"]] = bytes(it["v"]["B"])
        if touch:
            self._note_touches((table, namespace), list(found), now)
        return [found.get(k) for k in keys]

    def _namespaces(self, table: str) -> list[str]:
        return sorted(c["nm"]["S"] for c in self._req.counters(table) if attr_int(c.get("e")) > 0)

    def _info(self, table: str, namespace: str | None) -> NamespaceInfo:
        if namespace is not None:
            c = self._req.counter(table, namespace)
            rows = [c] if c else []
        else:
            rows = self._req.counters(table)
        return NamespaceInfo(
            *(sum(attr_int(c.get(f)) for c in rows) for f in ("e", "b", "ver", "ev", "ex"))
        )

    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]:
        for page in self._req.query_keys(table, namespace, limit=batch_size, projection="sk,v,x"):
            yield [Item(it["sk"]["S"], bytes(it["v"]["B"]), expiry_of(it)) for it in page]

    def _changes(self, table: str, namespace: str, since: int) -> Changes:
        return read_changes(self._req, self._layout, table, namespace, since)

    def get_meta(self, key: str) -> str | None:
        resp = self._call(
            lambda: self._client.get_item(
                TableName=self.table,
                Key={"pk": {"S": "m"}, "sk": {"S": "#" + key}},
                ConsistentRead=True,
            )
        )
        item = resp.get("Item")
        return None if item is None else str(item["val"]["S"])

    # -- writes: one conditional transaction per chunk ----------------------------------

    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        self._layout.check_sizes(self.url, table, namespace, items)
        version = 0
        times = iter(batch_times(now, len(items)))  # later places more recent (lru.py)
        for chunk in chunks(items, self.chunk):
            puts = [self._layout.record_put(table, namespace, it, next(times)) for it in chunk]

            def attempt(chunk: list[Item] = chunk, puts: list[Any] = puts) -> int:
                counter, old = self._req.current(table, namespace, [it.key for it in chunk])
                v, ops = self._put_ops(table, namespace, counter, old, chunk)
                self._req.transact(ops + puts)
                return v

            version = self._req.optimistic(attempt)
        return version

    def _put_ops(
        self,
        table: str,
        namespace: str,
        counter: dict[str, Any] | None,
        old: dict[str, tuple[int, float | None]],
        items: Sequence[Item],
    ) -> tuple[int, list[dict[str, Any]]]:
        """The counter and change-log items of writing ``items`` over ``old`` records."""
        added = sum(1 for it in items if it.key not in old)
        size = sum(len(it.value) - old.get(it.key, (0, None))[0] for it in items)
        keys = [it.key for it in items]
        return self._layout.bump_ops(table, namespace, counter, "put", keys, Delta(added, size))

    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]:
        self._layout.check_sizes(self.url, table, namespace, items)
        won: list[bool] = []
        seen: set[str] = set()
        times = iter(batch_times(now, len(items)))  # later places more recent (lru.py)
        for chunk in chunks(items, self.chunk):
            at = [next(times) for _ in chunk]
            flags = self._req.optimistic(
                functools.partial(self._add_chunk, table, namespace, chunk, now, at, seen)
            )
            seen.update(it.key for it, ok in zip(chunk, flags) if ok)
            won.extend(flags)
        return won

    def _add_chunk(
        self,
        table: str,
        namespace: str,
        chunk: list[Item],
        now: float,
        times: list[float],
        seen: set[str],
    ) -> list[bool]:
        """One transaction of ``add_many``: insert the items whose key is absent or
        expired and not ``seen`` in an earlier chunk (the first of a repeated key wins),
        each with its LRU time from ``times``."""
        unique = list(dict.fromkeys(it.key for it in chunk if it.key not in seen))
        counter, old = self._req.current(table, namespace, unique)
        taken = set(seen)
        flags: list[bool] = []
        winners: list[Item] = []
        puts: list[dict[str, Any]] = []
        for it, at in zip(chunk, times, strict=True):
            prev = old.get(it.key)
            live = prev is not None and (prev[1] is None or prev[1] > now)
            ok = not live and it.key not in taken
            flags.append(ok)
            if ok:
                taken.add(it.key)
                winners.append(it)
                puts.append(self._layout.record_put(table, namespace, it, at))
        if not winners:
            return flags
        _, ops = self._put_ops(table, namespace, counter, old, winners)
        self._req.transact(ops + puts)
        return flags

    def _remove(
        self, table: str, namespace: str, keys: Sequence[str], kind: str, op: str = "delete"
    ) -> list[str]:
        """Remove existing ``keys`` in transactions of ``chunk``; returns the removed.

        ``op`` is the change-log event (``"clear"`` for the last chunk of a clear)."""
        gone: list[str] = []
        for start in range(0, max(len(keys), 1 if op == "clear" else 0), self.chunk):
            chunk = list(keys[start : start + self.chunk])

            def attempt(chunk: list[str] = chunk) -> list[str]:
                counter, old = self._req.current(table, namespace, chunk)
                present = [k for k in chunk if k in old]
                if counter is None or (not present and op != "clear"):
                    return []
                delta = Delta.removed(len(present), sum(old[k][0] for k in present), kind)
                logged = present if op != "clear" else []
                _, ops = self._layout.bump_ops(table, namespace, counter, op, logged, delta)
                deletes = [self._layout.record_delete(table, namespace, k) for k in present]
                self._req.transact(ops + deletes)
                return present

            gone.extend(self._req.optimistic(attempt))
        return gone

    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        return len(self._remove(table, namespace, keys, "delete"))

    def _clear(self, table: str, namespace: str | None) -> int:
        names = [namespace] if namespace is not None else self._req.names(table)
        removed = 0
        for name in names:
            if self._req.counter(table, name) is None:
                continue
            while True:
                pages = self._req.query_keys(table, name, limit=self.chunk, projection="sk")
                keys = [it["sk"]["S"] for it in next(iter(pages), [])]
                if len(keys) == self.chunk:
                    removed += len(self._remove(table, name, keys, "delete"))
                    continue
                # the last records and the "clear" event in one transaction
                removed += len(self._remove(table, name, keys, "delete", op="clear"))
                break
        return removed

    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]:
        names = [namespace] if namespace is not None else self._req.names(table)
        gone: list[tuple[str, str]] = []
        for name in names:
            keys = [
                it["sk"]["S"]
                for page in self._req.query_keys(table, name, index="exp", upto=now)
                for it in page
            ]
            if limit is not None:
                keys = keys[: max(0, limit - len(gone))]
            if keys:
                gone.extend((name, k) for k in self._remove(table, name, keys, "expire"))
        return gone

    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        names = [limit.namespace] if limit.namespace is not None else self._req.names(table)
        infos = [self._info(table, n) for n in names]
        budget = Budget(sum(i.entries for i in infos), sum(i.bytes for i in infos), limit)
        if not budget.over:
            return []
        self._flush_touches()
        candidates = sorted(
            (attr_num(it.get("a")), name, it["sk"]["S"], attr_int(it.get("s")))
            for name in names
            for page in self._req.query_keys(table, name, index="lru", projection="sk,s,a")
            for it in page
        )
        order = budget.pick(candidates)
        done: set[tuple[str, str]] = set()
        for name, keys in group_by_namespace(order).items():
            done.update((name, k) for k in self._remove(table, name, keys, "evict"))
        return [p for p in order if p in done]

    def set_meta(self, key: str, value: str) -> None:
        self._call(
            lambda: self._client.put_item(
                TableName=self.table,
                Item={"pk": {"S": "m"}, "sk": {"S": "#" + key}, "val": {"S": value}},
            )
        )

    # -- health and lifecycle ------------------------------------------------------------

    def check(self, fix: bool = False) -> list[str]:
        """Recount each namespace's records against its counter item."""
        return check_table_items(self, fix)

    def _disconnect(self) -> None:
        self._pool.shutdown(wait=False)

    def __repr__(self) -> str:
        return f"DynamoDBStore({self.table!r})"
