"""The requests the DynamoDB store makes against its table, with DynamoDB's retries.

* ``batch_get``: ``BatchGetItem`` with ``UnprocessedKeys`` retried with backoff (the
  store's ``retry`` policy, :data:`THROTTLED` by default).
* ``query`` / ``query_keys``: consistent ``Query`` pages, following
  ``LastEvaluatedKey``.
* ``transact`` + ``optimistic``: a conditional ``TransactWriteItems`` that lost a race
  (another writer moved the namespace's counter on) is re-read and tried again
  (:data:`CONTENDED`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ...errors import StoreTimeoutError
from ...retry import ExponentialBackoff, Retry
from .layout import Layout, attr_int, num
from .rules import error_code

__all__ = ["Conflict", "Requests", "expiry_of"]

_T = TypeVar("_T")

#: runs a function through the store's breaker and error translation
Call = Callable[[Callable[[], Any]], Any]


class Conflict(Exception):
    """A conditional write lost a race; re-read and try again."""


#: Reads DynamoDB left unprocessed (throttling): up to 50 tries, 20 ms doubling to 1 s.
THROTTLED = Retry(ExponentialBackoff(0.02, 1.0), 50)
#: Writes that lost a race for a namespace's counter: up to 50 tries, 5 ms to 200 ms.
CONTENDED = Retry(ExponentialBackoff(0.005, 0.2), 50, retry_on=(Conflict,))


def expiry_of(item: dict[str, Any]) -> float | None:
    """A record item's logical expiry (None = never)."""
    return float(item["x"]["N"]) if "x" in item else None


class Requests:
    """Requests against table ``layout.name`` through ``call`` (breaker + errors).

    ``client`` returns the current boto3 client (a forked child gets its own).
    """

    def __init__(
        self,
        layout: Layout,
        call: Call,
        client: Callable[[], Any],
        *,
        url: str,
        consistent: bool,
        retry: Retry = THROTTLED,
    ) -> None:
        self.url = url
        self.retry = retry
        self.layout = layout
        self.name = layout.name
        self._call = call
        self._client = client
        self.consistent = consistent

    def batch_get(self, keys: list[dict[str, Any]], projection: str | None = None) -> list[Any]:
        """BatchGetItem with UnprocessedKeys retried (backoff); items in no order.

        Call it inside ``call`` (it is one step of a larger read)."""
        out: list[Any] = []
        request: dict[str, Any] = {"Keys": keys, "ConsistentRead": self.consistent}
        if projection:
            names = projection.split(",")
            request["ProjectionExpression"] = ",".join("#" + p for p in names)
            request["ExpressionAttributeNames"] = {"#" + p: p for p in names}
        waits = self.retry.delays()
        while True:
            resp = self._client().batch_get_item(RequestItems={self.name: request})
            out.extend(resp.get("Responses", {}).get(self.name, []))
            left = resp.get("UnprocessedKeys", {}).get(self.name)
            if not left:
                return out
            wait = next(waits, None)
            if wait is None:
                raise StoreTimeoutError(f"{self.url}: reads stayed throttled")
            request = left
            time.sleep(wait)

    def transact(self, ops: list[dict[str, Any]]) -> None:
        """``TransactWriteItems``; a lost condition race raises ``Conflict``."""
        try:
            self._client().transact_write_items(TransactItems=ops)
        except Exception as exc:
            if error_code(exc) in ("TransactionCanceledException", "TransactionConflictException"):
                raise Conflict(str(exc)) from exc
            raise

    def optimistic(self, attempt: Callable[[], _T]) -> _T:
        """Run a read-then-conditional-write ``attempt`` until it wins its race."""
        try:
            result: _T = CONTENDED.call(lambda: self._call(attempt))
        except Conflict as exc:
            raise StoreTimeoutError(
                f"{self.url}: a namespace stayed contended for too long"
            ) from exc
        return result

    def counter(self, table: str, namespace: str) -> dict[str, Any] | None:
        """The namespace's counter item (None if it has none)."""
        key = self.layout.counter_key(table, namespace)
        resp = self._call(
            lambda: self._client().get_item(TableName=self.name, Key=key, ConsistentRead=True)
        )
        item: dict[str, Any] | None = resp.get("Item")
        return item

    def current(
        self, table: str, namespace: str, keys: Sequence[str]
    ) -> tuple[dict[str, Any] | None, dict[str, tuple[int, float | None]]]:
        """Counter item and (size, expires_at) of the existing ``keys`` (consistent);
        call it inside ``call``."""
        ckey = self.layout.counter_key(table, namespace)
        wanted = [ckey] + [self.layout.record_key(table, namespace, k) for k in keys]
        counter = None
        sizes: dict[str, tuple[int, float | None]] = {}
        for it in self.batch_get(wanted, "pk,sk,s,x,ver,e,b"):
            if it["pk"]["S"] == ckey["pk"]["S"]:
                counter = it
            else:
                sizes[it["sk"]["S"]] = (attr_int(it.get("s")), expiry_of(it))
        return counter, sizes

    def query(self, **kwargs: Any) -> Iterator[list[dict[str, Any]]]:
        """Pages of a consistent ``Query`` (``LastEvaluatedKey`` followed)."""
        kwargs = {"TableName": self.name, "ConsistentRead": True, **kwargs}
        while True:
            resp = self._call(functools.partial(self._query_page, kwargs))
            yield resp.get("Items", [])
            last = resp.get("LastEvaluatedKey")
            if not last:
                return
            kwargs = {**kwargs, "ExclusiveStartKey": last}

    def _query_page(self, kwargs: dict[str, Any]) -> Any:
        return self._client().query(**kwargs)

    def query_keys(
        self,
        table: str,
        namespace: str,
        *,
        index: str | None = None,
        upto: float | None = None,
        limit: int | None = None,
        projection: str = "sk,s",
    ) -> Iterator[list[dict[str, Any]]]:
        """Non-empty pages of a namespace's records (by key, or through the ``lru`` /
        ``exp`` index; ``upto`` bounds the expiry)."""
        names = projection.split(",")
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": self.layout.record_pk(table, namespace)}},
            "ProjectionExpression": ",".join("#" + p for p in names),
            "ExpressionAttributeNames": {"#" + p: p for p in names},
        }
        if index:
            kwargs["IndexName"] = index
        if upto is not None:
            kwargs["KeyConditionExpression"] += " AND x <= :upto"
            kwargs["ExpressionAttributeValues"][":upto"] = num(float(upto))
        if limit is not None:
            kwargs["Limit"] = limit
        for page in self.query(**kwargs):
            if page:
                yield page

    def counters(self, table: str) -> list[dict[str, Any]]:
        """Every namespace counter item of ``table``."""
        values = {":pk": {"S": "n" + table}}
        pages = self.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues=values)
        return [c for page in pages for c in page]

    def names(self, table: str) -> list[str]:
        """Names of the namespaces of ``table`` that have a counter item."""
        return sorted(c["nm"]["S"] for c in self.counters(table) if "nm" in c)
