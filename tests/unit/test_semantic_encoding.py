"""A batch's records (``encode_entries``, its float32 path) are the bytes ``encode_entry``
writes for each entry, whatever the fields hold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcache.semantic import encoding
from nearcache.semantic.encoding import encode_entries, encode_entry
from nearcache.semantic.record import cut_scope, decode_record, entry_keys

# A row's bytes under msgpack's bin8 (< 256), bin16 and bin32 (>= 65,536) heads.
DIMS = st.sampled_from([1, 3, 63, 64, 65, 384, 16_384])
FLOATS = st.one_of(st.floats(), st.integers(-(2**40), 2**40).map(float))
KEYS = st.one_of(  # mostly 64 hex digits; odd keys send the batch one by one
    st.binary(min_size=32, max_size=32).map(bytes.hex),
    st.binary(min_size=32, max_size=32).map(lambda b: b.hex().upper()),
    st.binary(max_size=40).map(bytes.hex),
    st.binary(min_size=32, max_size=32).map(lambda b: b[:16].hex() + " " + b[16:31].hex()),
)


def one_by_one(namespace: str, keys: list[str], **kw: Any) -> list[bytes]:
    scopes = kw.pop("scopes") or [kw["scope"]] * len(keys)
    vectors = kw.pop("vectors")
    return [
        encode_entry(
            namespace,
            key,
            query=kw["queries"][i],
            response=kw["responses"][i],
            metadata=kw["metadata"][i],
            created_at=kw["created_at"],
            expires_at=kw["expires_at"],
            scope=scopes[i],
            write_id=kw["write_ids"][i],
            vector=vectors[i],
            dtype=kw["dtype"],
        )
        for i, key in enumerate(keys)
    ]


@st.composite
def batches(draw: st.DrawFn) -> tuple[str, list[str], dict[str, Any]]:
    n = draw(st.integers(0, 5))
    dim = draw(DIMS)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    if n and draw(st.booleans()):  # bytes of any value are copied as they are
        vectors[0, 0] = draw(st.sampled_from([np.nan, np.inf, -0.0, 1e-45]))
    texts = st.text(max_size=300)
    scope = draw(st.sampled_from(["", "ab" * 32]))
    kw: dict[str, Any] = {
        "queries": draw(st.lists(texts, min_size=n, max_size=n)),
        "responses": draw(st.lists(st.binary(max_size=300), min_size=n, max_size=n)),
        "metadata": draw(st.lists(st.none() | st.binary(max_size=300), min_size=n, max_size=n)),
        "created_at": draw(FLOATS),
        "expires_at": draw(st.none() | FLOATS),
        "scope": scope,
        "write_ids": draw(st.lists(st.integers(0, 2**63 - 1), min_size=n, max_size=n)),
        "vectors": vectors,
        "dtype": "float32",
        "scopes": draw(
            st.none()
            | st.lists(st.sampled_from([scope, cut_scope(scope), "x"]), min_size=n, max_size=n)
        ),
    }
    keys = draw(st.lists(KEYS, min_size=n, max_size=n))
    return draw(st.text(max_size=300)), keys, kw


@given(batches())
def test_a_float32_batch_writes_the_bytes_of_one_entry_each(
    batch: tuple[str, list[str], dict[str, Any]],
) -> None:
    namespace, keys, kw = batch
    assert encode_entries(namespace, keys, **kw) == one_by_one(namespace, keys, **kw)


def test_a_float32_batch_of_store_keys_takes_its_own_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the property above checks is the batch path, not ``encode_entry`` again; and
    what it writes reads back."""
    queries = ["q0", "ünï", "x" * 300]
    keys = entry_keys("", queries)
    vectors = np.random.default_rng(5).standard_normal((3, 384)).astype(np.float32)
    kw: dict[str, Any] = {
        "queries": queries,
        "responses": [b"\xa1a", b"\xc0", b"\x93\x01\x02\x03"],
        "metadata": [None, b'{"a":1}', None],
        "created_at": 10.5,
        "expires_at": None,
        "scope": "",
        "write_ids": [1, 2**62, 3],
        "vectors": vectors,
        "dtype": "float32",
        "scopes": None,
    }
    want = one_by_one("ns", keys, **kw)
    calls = []
    monkeypatch.setattr(encoding, "encode_entry", lambda *a, **k: calls.append(a))
    assert encode_entries("ns", keys, **kw) == want
    assert not calls
    for blob, key, query, vector in zip(want, keys, queries, vectors):
        entry = decode_record(blob, "ns", key, 384)[0]
        assert entry.query == query
        assert entry.vector.tobytes() == vector.tobytes()
