"""A record over a store's own size limit (a DynamoDB item holds 400 KB) is refused
before anything is written, with an error that says the limit and names the key; stores
without such a limit take it. DynamoDB's own refusal read "refused the write: ... Item
size has exceeded the maximum allowed size" (a ``StoreWriteError``, as for a full store),
naming neither the limit nor the record."""

from __future__ import annotations

from typing import Any

import pytest

from contract.kits import Kit
from nearcache.clock import ManualClock
from nearcache.errors import PayloadTooLargeError
from nearcache.kv import CacheManager
from servers import unique_name

#: Far from the edge on both sides: moto refuses items over 405,000 bytes, the real
#: DynamoDB over 409,600; the edge is checked against AWS's sizing rules, without a
#: server, in tests/unit/test_dynamodb_item_limit.py.
BIG = b"\x01" * (450 * 1024)
FITS = b"\x02" * (390 * 1024)


def test_a_value_over_the_item_limit(kit: Kit) -> None:
    with CacheManager(clock=ManualClock(10.0)) as manager:
        cache = manager.get_cache("files", store=kit.open())
        assert cache.set("fits", FITS) and cache.get("fits") == FITS
        if kit.kind != "dynamodb":
            assert cache.set("report.pdf", BIG) and cache.get("report.pdf") == BIG
            return
        for write in (
            lambda: cache.set("report.pdf", BIG),
            lambda: cache.set_many({"small": 1, "report.pdf": BIG}),
            lambda: cache.add("report.pdf", BIG),
        ):
            with pytest.raises(PayloadTooLargeError) as info:
                write()
            text = str(info.value)
            assert "'report.pdf'" in text and "409,600 bytes (400 KB)" in text, text
            assert info.value.size is not None and info.value.size > len(BIG)
            assert info.value.limit is not None and info.value.limit < 409_600
        assert cache.get("report.pdf") is None and cache.get("small") is None  # nothing
        assert cache.get("fits") == FITS
        assert cache.stats().entries == 1 and cache.check() == []


class _Spy:
    """The real boto3 client, noting the record bytes of each transaction it sends."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.sizes: list[int] = []

    def transact_write_items(self, **request: Any) -> Any:
        puts = [op["Put"]["Item"] for op in request["TransactItems"] if "Put" in op]
        self.sizes.append(sum(len(item["v"]["B"]) for item in puts if "v" in item))
        return self._client.transact_write_items(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.mark.dynamodb
def test_a_batch_of_large_records_stays_under_the_transaction_limit(dynamodb_server: Any) -> None:
    """DynamoDB takes at most 4 MB of items in one transaction: a batch of 98 records of
    60 KB (5.9 MB) was sent as one and refused whole. Chunks are cut by bytes too."""
    import boto3

    from nearcache.stores.dynamodb import DynamoDBStore

    endpoint = dynamodb_server.endpoint_url
    spy = _Spy(boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1"))
    table = unique_name("nc")
    store = DynamoDBStore(table, endpoint_url=endpoint, client=spy)
    try:
        with CacheManager(clock=ManualClock(10.0)) as manager:
            cache = manager.get_cache("pages", store=store)
            pages = {f"page-{i}": bytes([i]) * 60_000 for i in range(98)}
            assert cache.set_many(pages)
            assert cache.get_many(list(pages)) == list(pages.values())
            assert len(spy.sizes) >= 2 and max(spy.sizes) <= 4 * 1024 * 1024
            assert cache.stats().entries == 98 and cache.check() == []
    finally:
        store.close()
        spy.delete_table(TableName=table)
