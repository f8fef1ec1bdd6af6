"""Payload serialization (SPEC §0): msgpack payloads, JSON checks, fingerprint ids, and packb
equal to msgpack's own."""

from __future__ import annotations

import pickle
import threading

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache import CacheError, CorruptEntryError, InvalidInputError, PayloadTooLargeError
from nearcache.codecs import check_json, fingerprint_id, pack_payload, packb, unpack_payload


def test_fingerprint_ids() -> None:
    assert fingerprint_id("") == 0
    assert fingerprint_id("a") == fingerprint_id("a") != fingerprint_id("b")


def test_payload_round_trip_and_refusals() -> None:
    value = {"b": b"\x00\xff", "n": None, "l": [1, 2.5, "x"], "t": True}
    assert unpack_payload(pack_payload(value)) == value
    with pytest.raises(CacheError, match=r"builtins\.set"):
        pack_payload({1, 2})
    with pytest.raises(CacheError, match="object"):
        pack_payload(object())
    deep: list = []
    cur = deep
    for _ in range(200):
        cur.append([])
        cur = cur[0]
    with pytest.raises(InvalidInputError, match="nested"):
        pack_payload(deep)


def test_payload_decoding_never_runs_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sentinel = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(sentinel), "w"))

    planted = pickle.dumps(Evil())
    with pytest.raises(CorruptEntryError):
        unpack_payload(planted)
    with pytest.raises(CorruptEntryError):
        unpack_payload(msgpack.packb(msgpack.ExtType(5, b"x")))
    with pytest.raises(CorruptEntryError):
        unpack_payload(b"\xc1")
    assert not sentinel.exists()


def test_check_json() -> None:
    assert check_json({"a": [1, "é"]}) == '{"a":[1,"é"]}'.encode()
    with pytest.raises(InvalidInputError):
        check_json({"a": object()})
    with pytest.raises(InvalidInputError):
        check_json({"a": float("nan")})
    with pytest.raises(PayloadTooLargeError):
        check_json({"a": "x" * 100}, max_bytes=50)
    assert len(check_json("é" * 10, max_bytes=22)) == 22  # at the cap is fine
    with pytest.raises(PayloadTooLargeError):
        check_json("é" * 10, max_bytes=21)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**63), 2**64 - 1)
        | st.floats()
        | st.text()
        | st.binary(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_packb_gives_msgpack_packb_bytes(value: object) -> None:
    assert packb(value) == msgpack.packb(value, use_bin_type=True)


def test_packb_after_a_failed_pack_and_across_threads() -> None:
    with pytest.raises(UnicodeEncodeError):
        packb({"q": "a lone surrogate \ud800", "x": b"y" * 100})
    assert packb({"q": "ok"}) == msgpack.packb({"q": "ok"}, use_bin_type=True)  # buffer reset
    values = [{"i": i, "x": bytes([i % 256]) * (i % 3000)} for i in range(2000)]
    want = [msgpack.packb(v, use_bin_type=True) for v in values]
    got: dict[int, list[bytes]] = {}

    def work(t: int) -> None:
        got[t] = [packb(v) for v in values]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(got[t] == want for t in range(4))
