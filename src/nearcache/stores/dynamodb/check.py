"""``check()`` of the DynamoDB store: each namespace's records against its counter item.

DynamoDB's own TTL sweeper deletes expired records without telling the counters, so a
recount that differs is expected after long idle periods; ``fix`` sets the counters to
the recount and repairs size attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..bookkeeping import Recount
from ..protocol import TABLES
from .layout import attr_int, num

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__ = ["check_table_items"]


def check_table_items(store: DynamoDBStore, fix: bool) -> list[str]:
    """Problems of every namespace of every table (repaired when ``fix``)."""
    problems: list[str] = []
    for table in TABLES:
        for counter in store._req.counters(table):
            problems += _check_namespace(store, table, counter, fix)
    return problems


def _update(store: DynamoDBStore, key: dict[str, Any], expr: str, values: dict[str, Any]) -> None:
    client = store._client
    store._call(
        lambda: client.update_item(
            TableName=store.table,
            Key=key,
            UpdateExpression=expr,
            ExpressionAttributeValues=values,
        )
    )


def _check_namespace(
    store: DynamoDBStore, table: str, counter: dict[str, Any], fix: bool
) -> list[str]:
    name = counter["nm"]["S"]
    n = b = 0
    bad: list[tuple[str, int]] = []
    for page in store._req.query_keys(table, name, projection="sk,s,v"):
        for it in page:
            n += 1
            size = len(it["v"]["B"])
            b += size
            if size != attr_int(it.get("s")):
                bad.append((it["sk"]["S"], size))

    def fix_sizes() -> int:
        for k, size in bad:
            key = store._layout.record_key(table, name, k)
            _update(store, key, "SET s = :s", {":s": num(size)})
        return b

    def fix_counters(entries: int, size: int) -> None:
        key = store._layout.counter_key(table, name)
        _update(store, key, "SET e = :e, b = :b", {":e": num(entries), ":b": num(size)})

    counted = (attr_int(counter.get("e")), attr_int(counter.get("b")))
    recount = Recount(f"{table}/{name}", counted, n, b, len(bad))
    return recount.problems(fix, fix_sizes=fix_sizes, fix_counters=fix_counters)
