"""How the DynamoDB store lays out its one table, and the items every write builds.

Item layout (string hash key ``pk``, string range key ``sk``; ``NS`` =
``encode_parts(table, namespace)``, length-prefixed and so injective; names whose
encoding is longer than 700 bytes are replaced by ``"#" + blake3(NS)`` to stay within
the key size limits)::

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
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import PayloadTooLargeError
from ...keys import digest_bytes, encode_parts
from ..bookkeeping import Delta
from ..protocol import TABLES, Item

__all__ = ["ITEM_LIMIT", "Layout", "attr_int", "attr_num", "chunks", "ensure_table", "num"]

#: DynamoDB's item size limit (400 KB), attribute names and values included.
ITEM_LIMIT = 400 * 1024
#: DynamoDB's limit on the items of one transaction together (4 MB), less room for the
#: counter and change-log items that join each chunk of records.
TRANSACTION_BYTES = 4 * 1024 * 1024 - 128 * 1024
#: A record item's attributes beside its key and value, at their largest: the names
#: ``v s a x ttl`` and four numbers of at most 21 bytes each.
_RECORD_EXTRA = 1 + 1 + 1 + 1 + 3 + 4 * 21


def num(x: float | int) -> dict[str, str]:
    """A DynamoDB number attribute."""
    return {"N": repr(x) if isinstance(x, float) else str(x)}


def attr_num(attr: dict[str, Any] | None, default: float = 0) -> float:
    return float(attr["N"]) if attr else default


def attr_int(attr: dict[str, Any] | None) -> int:
    return int(attr["N"]) if attr else 0


@dataclass(frozen=True)
class Layout:
    """Keys and transaction items of the store's table ``name``."""

    name: str
    retention: int
    expiry_grace: float

    @staticmethod
    def ns_code(table: str, namespace: str) -> str:
        code = encode_parts(table, namespace)
        if len(code.encode()) > 700:
            code = "#" + digest_bytes(code.encode()).hex()
        return code

    def record_pk(self, table: str, namespace: str) -> str:
        return "r" + self.ns_code(table, namespace)

    def record_key(self, table: str, namespace: str, key: str) -> dict[str, Any]:
        return {"pk": {"S": self.record_pk(table, namespace)}, "sk": {"S": key}}

    @staticmethod
    def counter_key(table: str, namespace: str) -> dict[str, Any]:
        sk = "#" + namespace
        if len(sk.encode()) > 1000:
            sk = "##" + digest_bytes(namespace.encode()).hex()
        return {"pk": {"S": "n" + table}, "sk": {"S": sk}}

    def bump_ops(
        self,
        table: str,
        namespace: str,
        counter: dict[str, Any] | None,
        op: str,
        keys: Sequence[str],
        delta: Delta,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(new version, transaction items) updating the counter item under its version
        (optimistic concurrency) and, for logged tables, writing the change-log item."""
        version = attr_int(counter.get("ver")) if counter else 0
        new = version + 1
        update: dict[str, Any] = {
            "TableName": self.name,
            "Key": self.counter_key(table, namespace),
            "UpdateExpression": "SET ver = :new, e = if_not_exists(e, :z) + :e, "
            "b = if_not_exists(b, :z) + :b, ev = if_not_exists(ev, :z) + :ev, "
            "ex = if_not_exists(ex, :z) + :ex, nm = :nm",
            "ExpressionAttributeValues": {
                ":new": num(new),
                ":z": num(0),
                ":e": num(delta.entries),
                ":b": num(delta.size),
                ":ev": num(delta.evictions),
                ":ex": num(delta.expirations),
                ":nm": {"S": namespace},
            },
        }
        if counter is None:
            update["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            update["ConditionExpression"] = "ver = :old"
            update["ExpressionAttributeValues"][":old"] = num(version)
        ops: list[dict[str, Any]] = [{"Update": update}]
        if TABLES[table].log:
            ops += self._log_ops(table, namespace, new, op, keys)
        return new, ops

    def _log_ops(
        self, table: str, namespace: str, version: int, op: str, keys: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Put the change-log item of ``version``; delete the one ``retention`` older."""
        cpk = {"S": "c" + self.ns_code(table, namespace)}
        entry = {"pk": cpk, "sk": {"S": f"{version:020d}"}, "op": {"S": op}}
        entry["k"] = {"S": "".join(keys) or "-"}
        ops: list[dict[str, Any]] = [{"Put": {"TableName": self.name, "Item": entry}}]
        if version > self.retention:
            old = {"pk": cpk, "sk": {"S": f"{version - self.retention:020d}"}}
            ops.append({"Delete": {"TableName": self.name, "Key": old}})
        return ops

    def record_room(self, table: str, namespace: str, key: str) -> int:
        """The largest record value an item of ``key`` in ``namespace`` holds."""
        keys = len("pk") + len(self.record_pk(table, namespace).encode()) + len("sk")
        return ITEM_LIMIT - keys - len(key.encode()) - _RECORD_EXTRA

    def check_sizes(self, url: str, table: str, namespace: str, items: Sequence[Item]) -> None:
        """Refuse a batch holding a record too large for one item, before any of it is
        written (DynamoDB's own refusal, "Item size has exceeded the maximum allowed
        size", names neither the limit nor the record)."""
        for it in items:
            room = self.record_room(table, namespace, it.key)
            if len(it.value) > room:
                raise PayloadTooLargeError(
                    f"{url}: the record {it.key[:16]}... of {table}/{namespace} is "
                    f"{len(it.value):,} bytes; a DynamoDB item holds at most {ITEM_LIMIT:,} "
                    f"bytes (400 KB) with its keys and attributes, so {room:,} bytes of "
                    "record here: store smaller values, or use a store without an item "
                    "limit (Redis, PostgreSQL, SQLite)",
                    limit=room,
                    size=len(it.value),
                )

    def record_put(self, table: str, namespace: str, item: Item, now: float) -> dict[str, Any]:
        """The put of a record whose LRU time (``a``) is ``now``: its place's time in the
        batch (:func:`~nearcache.stores.lru.batch_times`), so later places rank newer."""
        attrs: dict[str, Any] = {
            **self.record_key(table, namespace, item.key),
            "v": {"B": bytes(item.value)},
            "s": num(len(item.value)),
            "a": num(float(now)),
        }
        if item.expires_at is not None:
            attrs["x"] = num(float(item.expires_at))
            attrs["ttl"] = num(math.ceil(item.expires_at + self.expiry_grace))
        return {"Put": {"TableName": self.name, "Item": attrs}}

    def record_delete(self, table: str, namespace: str, key: str) -> dict[str, Any]:
        return {"Delete": {"TableName": self.name, "Key": self.record_key(table, namespace, key)}}


def chunks(items: Sequence[Item], count: int) -> list[list[Item]]:
    """``items`` in runs of at most ``count`` whose values add up to at most
    ``TRANSACTION_BYTES``, one transaction each (a chunk of 98 records of 50 KB was one
    request over DynamoDB's 4 MB, refused whole)."""
    out: list[list[Item]] = []
    run: list[Item] = []
    size = 0
    for it in items:
        n = len(it.value) + 1024  # its keys and attributes, generously
        if run and (len(run) == count or size + n > TRANSACTION_BYTES):
            out.append(run)
            run, size = [], 0
        run.append(it)
        size += n
    if run:
        out.append(run)
    return out


def ensure_table(client: Any, name: str) -> None:
    """Create the table with its two LSIs (on-demand billing) and enable TTL, unless it
    exists; safe when several processes race to create it."""
    try:
        client.describe_table(TableName=name)
        return
    except client.exceptions.ResourceNotFoundException:
        pass
    proj = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["s"]}

    def index(name: str, attr: str) -> dict[str, Any]:
        keys = [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": attr, "KeyType": "RANGE"},
        ]
        return {"IndexName": name, "KeySchema": keys, "Projection": proj}

    with contextlib.suppress(client.exceptions.ResourceInUseException):
        client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": t}
                for a, t in (("pk", "S"), ("sk", "S"), ("a", "N"), ("x", "N"))
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            LocalSecondaryIndexes=[index("lru", "a"), index("exp", "x")],
        )
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    with contextlib.suppress(client.exceptions.ClientError):
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        )
