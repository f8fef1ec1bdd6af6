"""The Redis store's command packer and record framing: what goes on the wire and what a
read hands back must be exactly what redis-py's own packer and the per-record
definition give (no server needed)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

redis = pytest.importorskip("redis")
pytest.importorskip("hiredis")

from redis.exceptions import DataError  # noqa: E402

from nearcache.stores.protocol import Item  # noqa: E402
from nearcache.stores.redis.packing import (  # noqa: E402
    BULK_ARGS,
    BulkKeys,
    BulkPacker,
    bulk_packer_kwargs,
)
from nearcache.stores.redis.records import FOREVER, live, pack, values_at  # noqa: E402


def _stock() -> object:
    """The serializer redis-py builds for a default connection (never connected)."""
    return redis.Connection()._command_packer


def _wire(packer: object, *args: object) -> bytes:
    return b"".join(packer.pack(*args))  # type: ignore[attr-defined]


args = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=20),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.binary(max_size=10).map(bytearray),
    st.binary(max_size=10).map(memoryview),
)


@given(
    st.sampled_from(["MGET", "DEL", "EVALSHA", "CONFIG GET", b"MGET"]),
    st.one_of(
        st.lists(st.binary(max_size=70), min_size=BULK_ARGS - 2, max_size=3 * BULK_ARGS),
        st.lists(args, max_size=3 * BULK_ARGS),
    ),
)
def test_packed_bytes_equal_redis_pys_own(name: str | bytes, rest: list[object]) -> None:
    assert _wire(BulkPacker(_stock()), name, *rest) == _wire(_stock(), name, *rest)


def test_the_shortcut_is_taken_for_a_long_all_bytes_command_only() -> None:
    packer = BulkPacker(_stock())
    keys = [b"k%d" % i for i in range(BULK_ARGS)]
    assert len(packer.pack("MGET", *keys)) == 1
    assert _wire(packer, "MGET", *keys) == _wire(_stock(), "MGET", *keys)

    class Sub(bytes):
        pass

    odd = [*keys[:-1], Sub(b"x")]  # a bytes subclass goes the usual way
    assert _wire(packer, "MGET", *odd) == _wire(_stock(), "MGET", *odd)


hex_keys = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
key_lists = st.one_of(
    st.lists(hex_keys, min_size=1, max_size=40),
    st.integers(0, 6).flatmap(
        lambda n: st.lists(st.text(min_size=n, max_size=n), min_size=1, max_size=8)
    ),  # equal lengths, any characters (non-ASCII ones take the usual path)
    st.lists(st.text(max_size=6), min_size=1, max_size=8),  # unequal lengths
)
prefixes = st.one_of(
    st.just(b"nearcache:9:embedding16:bench.fake.dense:r0:"),
    st.binary(max_size=12),
    st.text(max_size=8).map(str.encode),
)


@given(st.sampled_from(["MGET", "DEL", "M\u00e9GET"]), prefixes, key_lists)
def test_bulk_keys_pack_as_their_expanded_arguments(
    name: str, prefix: bytes, keys: list[str]
) -> None:
    bulk = BulkKeys(prefix, keys)
    assert bulk.expand() == [prefix + k.encode() for k in keys]
    assert _wire(BulkPacker(_stock()), name, bulk) == _wire(_stock(), name, *bulk.expand())


def test_bulk_keys_take_one_join_for_content_hashes() -> None:
    keys = [f"{i:064x}" for i in range(1000)]
    bulk = BulkKeys(b"p:ns:r0:", keys)
    assert bulk.command("MGET") is not None
    assert bulk.command("CONFIG GET") is None  # a name with a space: the usual path
    assert BulkKeys(b"\xff:", keys).command("MGET") is None  # a non-ASCII prefix
    assert BulkKeys(b"p:", ["a", "bc"]).command("MGET") is None  # unequal lengths


@given(prefixes, key_lists, st.lists(st.binary(max_size=9), max_size=2 * BULK_ARGS))
def test_over_the_pure_python_serializer_too(
    prefix: bytes, keys: list[str], rest: list[bytes]
) -> None:
    encode = redis.connection.Encoder("utf-8", "strict", False).encode
    plain = redis.connection.PythonRespSerializer(6000, encode)
    packer = BulkPacker(plain)
    bulk = BulkKeys(prefix, keys)
    assert _wire(packer, "MGET", bulk) == _wire(plain, "MGET", *bulk.expand())
    assert _wire(packer, "MGET", *rest) == _wire(plain, "MGET", *rest)


def test_bad_arguments_fail_as_redis_py_fails() -> None:
    packer, stock = BulkPacker(_stock()), _stock()
    for bad in ([b"k"] * BULK_ARGS + [True], [b"k"] * BULK_ARGS + [object()]):
        with pytest.raises(DataError) as ours:
            packer.pack("MGET", *bad)
        with pytest.raises(DataError) as theirs:
            stock.pack("MGET", *bad)  # type: ignore[attr-defined]
        assert str(ours.value) == str(theirs.value)


def test_the_store_client_gets_the_packer() -> None:
    kwargs = bulk_packer_kwargs()
    assert isinstance(kwargs["command_packer"], BulkPacker)
    client = redis.Redis.from_url("redis://127.0.0.1:1/0", **kwargs)
    conn = client.connection_pool.make_connection()
    assert conn._command_packer is kwargs["command_packer"]


stored = st.one_of(
    st.none(),
    st.binary(max_size=30).map(lambda v: pack(Item("k", v, None))),
    st.tuples(st.binary(max_size=30), st.floats(0, 100)).map(lambda t: pack(Item("k", t[0], t[1]))),
    st.binary(max_size=12),  # foreign bytes, returned whole
)


@given(st.lists(stored, max_size=20), st.floats(0, 100))
def test_values_at_equals_live_record_by_record(raws: list[bytes | None], now: float) -> None:
    expect = [None if b is None else live(b, now) for b in raws]
    assert values_at(raws, now) == expect


def test_values_at_cuts_the_shared_header() -> None:
    raws: list[bytes | None] = [FOREVER + b"v%d" % i for i in range(50)]
    assert values_at(raws, math.inf) == [b"v%d" % i for i in range(50)]
