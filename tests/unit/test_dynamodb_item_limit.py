"""The DynamoDB store's record size check against the real item limit: 400 KB = 409,600
bytes, attribute names and values included, sized by AWS's published rules. The contract
tests run against moto, which refuses items over 405,000 bytes (its own figure, between
the official 400,000 and the measured ~409.6 KB), so they keep their records far from the
edge (390 KB fits, 450 KB is refused); the edge itself is checked here, without a server:
the largest record the check lets through makes an item of at most 409,600 bytes, with
little room given away, and one byte more is refused before anything is sent."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from nearcache.errors import PayloadTooLargeError
from nearcache.stores.dynamodb.layout import ITEM_LIMIT, Layout
from nearcache.stores.protocol import Item

REAL_LIMIT = 409_600  # 400 KB, as the AWS limits page gives it


def _number_size(text: str) -> int:
    """AWS: about one byte per two significant digits, plus one (plus one if negative)."""
    digits = format(abs(Decimal(text)), "f").replace(".", "").strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1 + (1 if text.startswith("-") else 0)


def _item_size(item: dict[str, Any]) -> int:
    """An item's size by AWS's rules: each attribute name's UTF-8 length plus its value's
    (S: UTF-8 length, B: raw length, N: as ``_number_size``)."""
    total = 0
    for name, value in item.items():
        ((kind, raw),) = value.items()
        if kind == "S":
            size = len(raw.encode())
        elif kind == "B":
            size = len(raw)
        else:
            size = _number_size(raw)
        total += len(name.encode()) + size
    return total


@pytest.mark.parametrize("namespace", ["default", "n" * 300, "é" * 400])
@pytest.mark.parametrize("expires_at", [None, 1_765_000_000.123_456_7, 99_999_999_999.999_99])
def test_the_largest_record_let_through_fits_the_real_item_limit(
    namespace: str, expires_at: float | None
) -> None:
    assert ITEM_LIMIT == REAL_LIMIT
    layout = Layout("nearcache", retention=10_000, expiry_grace=3600.0)
    key = "ab" * 32
    room = layout.record_room("kv", namespace, key)
    fits = Item(key, b"\x01" * room, expires_at)
    layout.check_sizes("dynamodb://nearcache", "kv", namespace, [fits])
    put = layout.record_put("kv", namespace, fits, now=1_765_000_000.987_654_3)
    size = _item_size(put["Put"]["Item"])
    assert size <= REAL_LIMIT
    assert REAL_LIMIT - size < 128, f"{REAL_LIMIT - size} bytes of the item limit unused"
    over = Item(key, b"\x01" * (room + 1), expires_at)
    with pytest.raises(PayloadTooLargeError, match=r"at most 409,600 bytes \(400 KB\)") as info:
        layout.check_sizes("dynamodb://nearcache", "kv", namespace, [fits, over])
    assert info.value.limit == room and info.value.size == room + 1
