"""``DynamoDBStore``: records in one DynamoDB table — serverless, pay per request.

Item layout (one table; string hash key ``pk``, string range key ``sk``;
``NS`` = ``encode_parts(table, namespace)``, length-prefixed and so injective; names whose
encoding is longer than 700 bytes are replaced by ``"#" + blake3(NS)`` to stay within the
key size limits)::

    pk = "r" + NS          sk = <64-hex key>       a record
        v  (B)  value          s (N) size of v     a (N) last access time (LRU)
        x  (N)  expires_at     ttl (N) epoch seconds for DynamoDB's own TTL sweeper
    pk = "n" + table       sk = "#" + namespace    counters of a namespace
        e, b, ver, ev, ex  (N) entries, bytes, version, evictions, expirations
    pk = "c" + NS          sk = "%020d" % version  change-log entry of one version
        op (S), k (S) the version's keys, concatenated hex
    pk = "m"               sk = "#" + key          store-wide settings (val (S))

Local secondary indexes ``lru`` (range key ``a``) and ``exp`` (range key ``x``, sparse)
let ``evict`` and ``purge_expired`` read the oldest / expired records of a namespace in
order without scanning the table. (An LSI limits one namespace to 10 GB.)

Atomicity, honestly:

* Every write is a ``TransactWriteItems`` holding the records, the namespace's counter
  item and its change-log item, conditioned on the counter's version (optimistic
  concurrency: a concurrent writer makes the transaction fail and it is retried with the
  fresh state). So counters stay exact, versions are unique and gapless, and a batch of
  up to ``max_transaction_items - 2`` records (98 by default) is all or nothing.
* **Larger batches are split into several transactions**: each chunk is atomic, the
  batch as a whole is not (a crash can leave the first chunks written). ``clear`` of a
  namespace larger than one transaction is likewise done in chunks.
* **Reads are not isolated from transactions**: ``BatchGetItem`` reads items one by one,
  so a reader racing a writer may see part of a batch. Readers that need more can
  re-read; caches verify each record's own checksum, so a mix is never a corrupt value.
* ``BatchGetItem`` takes 100 keys per request; larger reads are split into concurrent
  requests, with ``UnprocessedKeys`` retried with backoff (so "one round trip per batch"
  holds only up to 100 keys).
* DynamoDB's TTL sweeper deletes expired records without telling the counters; records
  get ``ttl = expires_at + expiry_grace`` so ``purge_expired`` normally sees them first,
  and ``check(fix=True)`` recounts otherwise.
* LRU touches cost one ``UpdateItem`` per key; they are buffered, deduplicated and sent
  only before ``evict`` or when many have piled up (``close`` drops them), so the LRU
  order across processes is approximate.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..errors import (
    CacheClosedError,
    CacheError,
    MissingExtraError,
    StoreTimeoutError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import digest_bytes, encode_parts
from .breaker import CircuitBreaker
from .protocol import TABLES, Changes, Item, NamespaceInfo, check_table

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        EndpointConnectionError,
        HTTPClientError,
    )
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )
except ImportError:  # pragma: no cover - exercised only without the extra
    boto3 = None

__all__ = ["DynamoDBStore"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_GET_CHUNK = 100
_MAX_RETRIES = 50
_TOUCH_FLUSH_AT = 5_000
_THROTTLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
}


class _Conflict(Exception):
    """A conditional write lost a race; re-read and try again."""


def _n(x: float | int) -> dict[str, str]:
    return {"N": repr(x) if isinstance(x, float) else str(x)}


def _num(attr: dict[str, Any] | None, default: float = 0) -> float:
    return float(attr["N"]) if attr else default


def _int(attr: dict[str, Any] | None) -> int:
    return int(attr["N"]) if attr else 0


class DynamoDBStore:
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
        breaker: ``CircuitBreaker`` keyword arguments.

    Raises:
        MissingExtraError: boto3 is missing (``pip install 'nearcache[dynamodb]'``).
    """

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
        breaker: dict[str, Any] | None = None,
        client: Any = None,
    ) -> None:
        if boto3 is None:
            raise MissingExtraError("dynamodb", "boto3", "DynamoDBStore")
        if not isinstance(table, str) or not table:
            raise ValueError("table must be a non-empty str")
        if max_transaction_items < 3:
            raise ValueError("max_transaction_items must be >= 3")
        self.table = table
        self.url = f"dynamodb://{table}" + (f"?endpoint_url={endpoint_url}" if endpoint_url else "")
        self.consistent = bool(consistent_reads)
        self.expiry_grace = float(expiry_grace)
        self.chunk = int(max_transaction_items) - 2  # + counter item + change-log item
        self.retention = int(changelog_retention)
        self._make_client: Callable[[], Any] = lambda: boto3.client(
            "dynamodb",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": 2, "mode": "standard"},
                max_pool_connections=32,
            ),
        )
        self._client: Any = client or self._make_client()
        self._pid = os.getpid()
        self._breaker = CircuitBreaker(f"DynamoDB store {self.url}", **(breaker or {}))
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="nearcache-ddb")
        self._lock = threading.Lock()
        self._touches: dict[tuple[str, str], dict[str, float]] = {}
        self._touch_count = 0
        self._closed = False
        if create_table:
            self._call(self._ensure_table)

    # -- plumbing ----------------------------------------------------------------------

    @staticmethod
    def _is_outage(exc: BaseException) -> bool:
        return isinstance(
            exc,
            (
                BotoConnectionError,
                EndpointConnectionError,
                ConnectionClosedError,
                HTTPClientError,
                OSError,
            ),
        )

    def _call(self, fn: Callable[[], _T]) -> _T:
        if self._closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if os.getpid() != self._pid:
            self._after_fork()
        try:
            return self._breaker.call(fn, is_outage=self._is_outage)
        except CacheError:
            raise
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _THROTTLE:
                raise StoreTimeoutError(f"{self.url} is throttling: {exc}") from None
            if code == "ResourceNotFoundException":
                raise StoreUnavailableError(f"{self.url}: table not found: {exc}") from None
            if code in ("ValidationException", "ItemCollectionSizeLimitExceededException"):
                raise StoreWriteError(f"{self.url} refused the write: {exc}") from None
            raise CacheError(f"{self.url}: {exc}") from None
        except (BotoCoreError, OSError) as exc:
            raise StoreUnavailableError(f"{self.url} is unreachable: {exc}") from None

    def _after_fork(self) -> None:
        """A forked child gets its own HTTP client and thread pool (the parent's pool
        threads do not exist in the child, so using it would hang)."""
        with self._lock:
            if os.getpid() == self._pid:
                return
            self._client = self._make_client()
            self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="nearcache-ddb")
            self._touches = {}
            self._pid = os.getpid()

    def _ensure_table(self) -> None:
        c = self._client
        try:
            c.describe_table(TableName=self.table)
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
        proj = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["s"]}
        try:
            c.create_table(
                TableName=self.table,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                    {"AttributeName": "a", "AttributeType": "N"},
                    {"AttributeName": "x", "AttributeType": "N"},
                ],
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                LocalSecondaryIndexes=[
                    {
                        "IndexName": "lru",
                        "KeySchema": [
                            {"AttributeName": "pk", "KeyType": "HASH"},
                            {"AttributeName": "a", "KeyType": "RANGE"},
                        ],
                        "Projection": proj,
                    },
                    {
                        "IndexName": "exp",
                        "KeySchema": [
                            {"AttributeName": "pk", "KeyType": "HASH"},
                            {"AttributeName": "x", "KeyType": "RANGE"},
                        ],
                        "Projection": proj,
                    },
                ],
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
        c.get_waiter("table_exists").wait(
            TableName=self.table, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        with contextlib.suppress(ClientError):
            c.update_time_to_live(
                TableName=self.table,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"},
            )

    @staticmethod
    def _ns_code(table: str, namespace: str) -> str:
        code = encode_parts(table, namespace)
        if len(code.encode()) > 700:
            code = "#" + digest_bytes(code.encode()).hex()
        return code

    def _rpk(self, table: str, namespace: str) -> str:
        return "r" + self._ns_code(table, namespace)

    def _counter_key(self, table: str, namespace: str) -> dict[str, Any]:
        sk = "#" + namespace
        if len(sk.encode()) > 1000:
            sk = "##" + digest_bytes(namespace.encode()).hex()
        return {"pk": {"S": "n" + table}, "sk": {"S": sk}}

    @staticmethod
    def _check_key(key: str) -> str:
        if not isinstance(key, str) or len(key) != 64:
            raise ValueError(f"record keys must be 64 hex characters, not {key!r:.80}")
        bytes.fromhex(key)
        return key

    def _batch_get(self, keys: list[dict[str, Any]], projection: str | None = None) -> list[Any]:
        """BatchGetItem with UnprocessedKeys retried (backoff); items in no order."""
        out: list[Any] = []
        request: dict[str, Any] = {"Keys": keys, "ConsistentRead": self.consistent}
        if projection:
            names = projection.split(",")
            request["ProjectionExpression"] = ",".join("#" + p for p in names)
            request["ExpressionAttributeNames"] = {"#" + p: p for p in names}
        delay = 0.02
        for _ in range(_MAX_RETRIES):
            resp = self._client.batch_get_item(RequestItems={self.table: request})
            out.extend(resp.get("Responses", {}).get(self.table, []))
            left = resp.get("UnprocessedKeys", {}).get(self.table)
            if not left:
                return out
            request = left
            time.sleep(delay * random.random())
            delay = min(delay * 2, 1.0)
        raise StoreTimeoutError(f"{self.url}: reads stayed throttled")

    def _transact(self, ops: list[dict[str, Any]]) -> None:
        try:
            self._client.transact_write_items(TransactItems=ops)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("TransactionCanceledException", "TransactionConflictException"):
                raise _Conflict(str(exc)) from None
            raise

    def _optimistic(self, attempt: Callable[[], _T]) -> _T:
        """Run a read-then-conditional-write ``attempt`` until it wins its race."""
        delay = 0.005
        for _ in range(_MAX_RETRIES):
            try:
                return self._call(attempt)
            except _Conflict:
                time.sleep(delay * random.random())
                delay = min(delay * 2, 0.2)
        raise StoreTimeoutError(f"{self.url}: a namespace stayed contended for too long")

    def _counter(self, table: str, namespace: str) -> dict[str, Any] | None:
        resp = self._client.get_item(
            TableName=self.table,
            Key=self._counter_key(table, namespace),
            ConsistentRead=True,
        )
        item: dict[str, Any] | None = resp.get("Item")
        return item

    def _bump_ops(
        self,
        table: str,
        namespace: str,
        counter: dict[str, Any] | None,
        op: str,
        keys: Sequence[str],
        *,
        entries: int = 0,
        size: int = 0,
        evictions: int = 0,
        expirations: int = 0,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(new version, transaction items) updating the counter item under its version."""
        version = _int(counter.get("ver")) if counter else 0
        new = version + 1
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": self._counter_key(table, namespace),
            "UpdateExpression": "SET ver = :new, e = if_not_exists(e, :z) + :e, "
            "b = if_not_exists(b, :z) + :b, ev = if_not_exists(ev, :z) + :ev, "
            "ex = if_not_exists(ex, :z) + :ex, nm = :nm",
            "ExpressionAttributeValues": {
                ":new": _n(new),
                ":z": _n(0),
                ":e": _n(entries),
                ":b": _n(size),
                ":ev": _n(evictions),
                ":ex": _n(expirations),
                ":nm": {"S": namespace},
            },
        }
        if counter is None:
            update["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            update["ConditionExpression"] = "ver = :old"
            update["ExpressionAttributeValues"][":old"] = _n(version)
        ops: list[dict[str, Any]] = [{"Update": update}]
        if TABLES[table].log:
            cpk = "c" + self._ns_code(table, namespace)
            ops.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            "pk": {"S": cpk},
                            "sk": {"S": f"{new:020d}"},
                            "op": {"S": op},
                            "k": {"S": "".join(keys) or "-"},
                        },
                    }
                }
            )
            if new > self.retention:
                ops.append(
                    {
                        "Delete": {
                            "TableName": self.table,
                            "Key": {
                                "pk": {"S": cpk},
                                "sk": {"S": f"{new - self.retention:020d}"},
                            },
                        }
                    }
                )
        return new, ops

    def _record_put(self, table: str, namespace: str, item: Item, now: float) -> dict[str, Any]:
        if not isinstance(item.value, (bytes, bytearray, memoryview)):
            raise TypeError(f"record values must be bytes, not {type(item.value).__name__}")
        attrs: dict[str, Any] = {
            "pk": {"S": self._rpk(table, namespace)},
            "sk": {"S": item.key},
            "v": {"B": bytes(item.value)},
            "s": _n(len(item.value)),
            "a": _n(float(now)),
        }
        if item.expires_at is not None:
            attrs["x"] = _n(float(item.expires_at))
            attrs["ttl"] = _n(math.ceil(item.expires_at + self.expiry_grace))
        return {"Put": {"TableName": self.table, "Item": attrs}}

    def _record_delete(self, table: str, namespace: str, key: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table,
                "Key": {"pk": {"S": self._rpk(table, namespace)}, "sk": {"S": key}},
            }
        }

    def _current(
        self, table: str, namespace: str, keys: Sequence[str]
    ) -> tuple[dict[str, Any] | None, dict[str, tuple[int, float | None]]]:
        """Counter item and (size, expires_at) of the existing ``keys`` (consistent)."""
        ckey = self._counter_key(table, namespace)
        rpk = self._rpk(table, namespace)
        wanted = [ckey] + [{"pk": {"S": rpk}, "sk": {"S": k}} for k in keys]
        found = self._batch_get(wanted, "pk,sk,s,x,ver,e,b")
        counter = None
        sizes: dict[str, tuple[int, float | None]] = {}
        for it in found:
            if it["pk"]["S"] == ckey["pk"]["S"]:
                counter = it
            else:
                sizes[it["sk"]["S"]] = (
                    _int(it.get("s")),
                    float(it["x"]["N"]) if "x" in it else None,
                )
        return counter, sizes

    # -- LRU touches -------------------------------------------------------------------

    def _flush_touches(self) -> None:
        with self._lock:
            pending, self._touches = self._touches, {}
            self._touch_count = 0
        if not pending:
            return

        def one(table: str, namespace: str, key: str, at: float) -> None:
            with contextlib.suppress(ClientError):
                self._client.update_item(
                    TableName=self.table,
                    Key={"pk": {"S": self._rpk(table, namespace)}, "sk": {"S": key}},
                    UpdateExpression="SET a = :a",
                    ConditionExpression="attribute_exists(pk) AND a < :a",
                    ExpressionAttributeValues={":a": _n(float(at))},
                )

        def run() -> None:
            futures = [
                self._pool.submit(one, t, ns, k, at)
                for (t, ns), touches in pending.items()
                for k, at in touches.items()
            ]
            for f in futures:
                f.result()

        try:
            self._call(run)
        except StoreUnavailableError:
            log.debug("dropped LRU touches during an outage")

    # -- Store protocol ----------------------------------------------------------------

    def get_many(
        self, table: str, namespace: str, keys: Sequence[str], *, now: float, touch: bool = True
    ) -> list[bytes | None]:
        check_table(table)
        if not keys:
            return []
        rpk = self._rpk(table, namespace)
        unique = list(dict.fromkeys(self._check_key(k) for k in keys))
        chunks = [unique[i : i + _GET_CHUNK] for i in range(0, len(unique), _GET_CHUNK)]

        def fetch(chunk: list[str]) -> list[Any]:
            return self._batch_get([{"pk": {"S": rpk}, "sk": {"S": k}} for k in chunk], "sk,v,x")

        def run() -> list[Any]:
            if len(chunks) == 1:
                return fetch(chunks[0])
            return [it for part in self._pool.map(fetch, chunks) for it in part]

        found: dict[str, bytes] = {}
        for it in self._call(run):
            exp = float(it["x"]["N"]) if "x" in it else None
            if exp is None or exp > now:
                found[it["sk"]["S"]] = bytes(it["v"]["B"])
        if touch and found:
            with self._lock:
                pending = self._touches.setdefault((table, namespace), {})
                for k in found:
                    pending[k] = now
                self._touch_count += len(found)
            if self._touch_count > _TOUCH_FLUSH_AT:
                self._flush_touches()
        return [found.get(k) for k in keys]

    def put_many(self, table: str, namespace: str, items: Sequence[Item], *, now: float) -> int:
        check_table(table)
        unique = list({self._check_key(it.key): it for it in items}.values())
        version = 0
        for start in range(0, max(1, len(unique)), self.chunk):
            chunk = unique[start : start + self.chunk]
            puts = [self._record_put(table, namespace, it, now) for it in chunk]

            def attempt(chunk: list[Item] = chunk, puts: list[Any] = puts) -> int:
                counter, old = self._current(table, namespace, [it.key for it in chunk])
                added = sum(1 for it in chunk if it.key not in old)
                delta = sum(len(it.value) - old.get(it.key, (0, None))[0] for it in chunk)
                v, ops = self._bump_ops(
                    table,
                    namespace,
                    counter,
                    "put",
                    [it.key for it in chunk],
                    entries=added,
                    size=delta,
                )
                self._transact(ops + puts)
                return v

            version = self._optimistic(attempt)
        return version

    def add(self, table: str, namespace: str, item: Item, *, now: float) -> bool:
        return self.add_many(table, namespace, [item], now=now)[0]

    def add_many(
        self, table: str, namespace: str, items: Sequence[Item], *, now: float
    ) -> list[bool]:
        """Insert each item whose key is absent or expired (a repeated key: the first
        wins); one transaction per ``max_transaction_items - 2`` items."""
        check_table(table)
        won: list[bool] = []
        seen: set[str] = set()
        for start in range(0, len(items), self.chunk):
            chunk = list(items[start : start + self.chunk])
            for it in chunk:
                self._check_key(it.key)

            def attempt(chunk: list[Item] = chunk) -> list[bool]:
                unique = list(dict.fromkeys(it.key for it in chunk if it.key not in seen))
                counter, old = self._current(table, namespace, unique)
                taken = set(seen)
                flags: list[bool] = []
                winners: list[Item] = []
                for it in chunk:
                    prev = old.get(it.key)
                    live = prev is not None and (prev[1] is None or prev[1] > now)
                    ok = not live and it.key not in taken
                    flags.append(ok)
                    if ok:
                        taken.add(it.key)
                        winners.append(it)
                if not winners:
                    return flags
                _, ops = self._bump_ops(
                    table,
                    namespace,
                    counter,
                    "put",
                    [it.key for it in winners],
                    entries=sum(1 for it in winners if it.key not in old),
                    size=sum(len(it.value) - old.get(it.key, (0, None))[0] for it in winners),
                )
                self._transact(
                    ops + [self._record_put(table, namespace, it, now) for it in winners]
                )
                return flags

            flags = self._optimistic(attempt)
            seen.update(it.key for it, ok in zip(chunk, flags) if ok)
            won.extend(flags)
        return won

    def _remove(
        self, table: str, namespace: str, keys: Sequence[str], kind: str, op: str = "delete"
    ) -> list[str]:
        """Remove existing ``keys`` in transactions of ``chunk``; returns the removed."""
        gone: list[str] = []
        for start in range(0, len(keys), self.chunk):
            chunk = list(keys[start : start + self.chunk])

            def attempt(chunk: list[str] = chunk) -> list[str]:
                counter, old = self._current(table, namespace, chunk)
                present = [k for k in chunk if k in old]
                if not present or counter is None:
                    return []
                n = len(present)
                _, ops = self._bump_ops(
                    table,
                    namespace,
                    counter,
                    op,
                    present,
                    entries=-n,
                    size=-sum(old[k][0] for k in present),
                    evictions=n if kind == "evict" else 0,
                    expirations=n if kind == "expire" else 0,
                )
                self._transact(ops + [self._record_delete(table, namespace, k) for k in present])
                return present

            gone.extend(self._optimistic(attempt))
        return gone

    def delete_many(self, table: str, namespace: str, keys: Sequence[str]) -> int:
        check_table(table)
        return len(self._remove(table, namespace, list(dict.fromkeys(keys)), "delete"))

    def _counters(self, table: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "n" + table}},
            "ConsistentRead": True,
        }
        while True:
            resp = self._call(functools.partial(self._client.query, **kwargs))
            out.extend(resp.get("Items", []))
            last = resp.get("LastEvaluatedKey")
            if not last:
                return out
            kwargs = {**kwargs, "ExclusiveStartKey": last}

    def _names(self, table: str) -> list[str]:
        return sorted(c["nm"]["S"] for c in self._counters(table) if "nm" in c)

    def _query_keys(
        self,
        table: str,
        namespace: str,
        *,
        index: str | None = None,
        upto: float | None = None,
        limit: int | None = None,
        projection: str = "sk,s",
    ) -> Iterator[list[dict[str, Any]]]:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": self._rpk(table, namespace)}},
            "ProjectionExpression": ",".join("#" + p for p in projection.split(",")),
            "ExpressionAttributeNames": {"#" + p: p for p in projection.split(",")},
            "ConsistentRead": True,
        }
        if index:
            kwargs["IndexName"] = index
        if upto is not None:
            kwargs["KeyConditionExpression"] += " AND x <= :upto"
            kwargs["ExpressionAttributeValues"][":upto"] = _n(float(upto))
        if limit is not None:
            kwargs["Limit"] = limit
        while True:
            resp = self._call(functools.partial(self._client.query, **kwargs))
            items = resp.get("Items", [])
            if items:
                yield items
            last = resp.get("LastEvaluatedKey")
            if not last:
                return
            kwargs = {**kwargs, "ExclusiveStartKey": last}

    def clear(self, table: str, namespace: str | None = None) -> int:
        check_table(table)
        names = [namespace] if namespace is not None else self._names(table)
        removed = 0
        for name in names:
            counter = self._call(functools.partial(self._counter, table, name))
            if counter is None:
                continue
            while True:
                page = next(
                    iter(self._query_keys(table, name, limit=self.chunk, projection="sk")), []
                )
                keys = [it["sk"]["S"] for it in page]
                last = len(keys) < self.chunk
                if not last:
                    removed += len(self._remove(table, name, keys, "delete"))
                    continue
                removed += len(self._clear_tail(table, name, keys))
                break
        return removed

    def _clear_tail(self, table: str, namespace: str, keys: list[str]) -> list[str]:
        """Delete the last records of a namespace and book the ``clear`` event."""

        def attempt() -> list[str]:
            counter, old = self._current(table, namespace, keys)
            present = [k for k in keys if k in old]
            _, ops = self._bump_ops(
                table,
                namespace,
                counter,
                "clear",
                [],
                entries=-len(present),
                size=-sum(old[k][0] for k in present),
            )
            self._transact(ops + [self._record_delete(table, namespace, k) for k in present])
            return present

        return self._optimistic(attempt)

    def purge_expired(
        self, table: str, namespace: str | None = None, *, now: float, limit: int | None = None
    ) -> list[tuple[str, str]]:
        check_table(table)
        names = [namespace] if namespace is not None else self._names(table)
        gone: list[tuple[str, str]] = []
        for name in names:
            keys: list[str] = []
            for page in self._query_keys(table, name, index="exp", upto=now):
                keys.extend(it["sk"]["S"] for it in page)
            if limit is not None:
                keys = keys[: max(0, limit - len(gone))]
            if keys:
                gone.extend((name, k) for k in self._remove(table, name, keys, "expire"))
        return gone

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
        names = [namespace] if namespace is not None else self._names(table)
        infos = {n: self.info(table, n) for n in names}
        entries = sum(i.entries for i in infos.values())
        size = sum(i.bytes for i in infos.values())

        def over() -> bool:
            return (max_entries is not None and entries > max_entries) or (
                max_bytes is not None and size > max_bytes
            )

        if not over():
            return []
        self._flush_touches()
        candidates: list[tuple[float, str, str, int]] = []
        for name in names:
            for page in self._query_keys(table, name, index="lru", projection="sk,s,a"):
                candidates.extend(
                    (_num(it.get("a")), name, it["sk"]["S"], _int(it.get("s"))) for it in page
                )
        candidates.sort()
        picked: dict[str, list[str]] = {}
        order: list[tuple[str, str]] = []
        for _, name, key, sz in candidates:
            if not over():
                break
            picked.setdefault(name, []).append(key)
            order.append((name, key))
            entries -= 1
            size -= sz
        done: set[tuple[str, str]] = set()
        for name, keys in picked.items():
            done.update((name, k) for k in self._remove(table, name, keys, "evict"))
        return [p for p in order if p in done]

    def namespaces(self, table: str) -> list[str]:
        check_table(table)
        return sorted(c["nm"]["S"] for c in self._counters(table) if _int(c.get("e")) > 0)

    def info(self, table: str, namespace: str | None = None) -> NamespaceInfo:
        check_table(table)
        if namespace is not None:
            c = self._call(lambda: self._counter(table, namespace))
            rows = [c] if c else []
        else:
            rows = self._counters(table)
        return NamespaceInfo(
            entries=sum(_int(c.get("e")) for c in rows),
            bytes=sum(_int(c.get("b")) for c in rows),
            version=sum(_int(c.get("ver")) for c in rows),
            evictions=sum(_int(c.get("ev")) for c in rows),
            expirations=sum(_int(c.get("ex")) for c in rows),
        )

    def scan(self, table: str, namespace: str, *, batch_size: int = 1000) -> Iterator[list[Item]]:
        check_table(table)
        for page in self._query_keys(table, namespace, limit=batch_size, projection="sk,v,x"):
            yield [
                Item(
                    it["sk"]["S"],
                    bytes(it["v"]["B"]),
                    float(it["x"]["N"]) if "x" in it else None,
                )
                for it in page
            ]

    def changes(self, table: str, namespace: str, since: int) -> Changes:
        check_table(table)
        if not TABLES[table].log:
            raise ValueError(f"table {table!r} keeps no change log")
        counter = self._call(lambda: self._counter(table, namespace))
        if counter is None:
            return Changes(since, [])
        version = _int(counter.get("ver"))
        if version <= since:
            return Changes(version, [])
        cpk = "c" + self._ns_code(table, namespace)
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {
                ":pk": {"S": cpk},
                ":lo": {"S": f"{since + 1:020d}"},
                ":hi": {"S": f"{version:020d}"},
            },
            "ConsistentRead": True,
        }
        found: list[dict[str, Any]] = []
        while True:
            resp = self._call(functools.partial(self._client.query, **kwargs))
            found.extend(resp.get("Items", []))
            last = resp.get("LastEvaluatedKey")
            if not last:
                break
            kwargs = {**kwargs, "ExclusiveStartKey": last}
        if not found or int(found[0]["sk"]["S"]) != since + 1:
            return Changes(version, None)  # the log no longer reaches back to ``since``
        events: list[tuple[str, str]] = []
        expect = since + 1
        for it in found:
            if int(it["sk"]["S"]) != expect:
                break  # a transaction not visible yet: report up to the gap, resume later
            expect += 1
            op, keys = it["op"]["S"], it["k"]["S"]
            if op == "clear":
                events.append(("clear", ""))
            elif keys != "-":
                events.extend((op, keys[j : j + 64]) for j in range(0, len(keys), 64))
        return Changes(expect - 1, events)

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

    def set_meta(self, key: str, value: str) -> None:
        self._call(
            lambda: self._client.put_item(
                TableName=self.table,
                Item={"pk": {"S": "m"}, "sk": {"S": "#" + key}, "val": {"S": value}},
            )
        )

    def check(self, fix: bool = False) -> list[str]:
        """Recount each namespace's records against its counter item."""
        problems: list[str] = []
        for table in TABLES:
            for c in self._counters(table):
                name = c["nm"]["S"]
                n = b = 0
                bad: list[tuple[str, int]] = []
                for page in self._query_keys(table, name, projection="sk,s,v"):
                    for it in page:
                        n += 1
                        size = len(it["v"]["B"])
                        b += size
                        if size != _int(it.get("s")):
                            bad.append((it["sk"]["S"], size))
                if bad:
                    problems.append(
                        f"{table}/{name}: {len(bad)} records with a wrong size attribute"
                    )
                    for k, size in bad if fix else []:
                        self._call(
                            functools.partial(
                                self._client.update_item,
                                TableName=self.table,
                                Key={"pk": {"S": self._rpk(table, name)}, "sk": {"S": k}},
                                UpdateExpression="SET s = :s",
                                ExpressionAttributeValues={":s": _n(size)},
                            )
                        )
                if (_int(c.get("e")), _int(c.get("b"))) != (n, b):
                    problems.append(
                        f"{table}/{name}: counters say {_int(c.get('e'))} entries/"
                        f"{_int(c.get('b'))} bytes, recount {n}/{b}"
                    )
                    if fix:
                        self._call(
                            functools.partial(
                                self._client.update_item,
                                TableName=self.table,
                                Key=self._counter_key(table, name),
                                UpdateExpression="SET e = :e, b = :b",
                                ExpressionAttributeValues={":e": _n(n), ":b": _n(b)},
                            )
                        )
        return problems

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def close(self) -> None:
        # Pending LRU touches are dropped, not flushed: each costs a request, and they
        # only refine the eviction order (see the module docstring).
        self._closed = True
        self._pool.shutdown(wait=False)

    def __repr__(self) -> str:
        return f"DynamoDBStore({self.table!r})"
