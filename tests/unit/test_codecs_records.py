"""The record envelope (SPEC §0): damage caught one record at a time, and batch decodes that
equal record-by-record decodes, from a list or one joined buffer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcache import CorruptEntryError, content_hash
from nearcache.codecs import (
    KIND_DENSE,
    KIND_KV,
    decode_dense_batch,
    decode_vector_record,
    encode_dense,
    pack_record,
    record_identity,
    unpack_record,
)
from nearcache.codecs.joined import JoinedValues
from nearcache.keys import key_batch

KEY = content_hash("k")


@given(st.data())
def test_any_byte_flip_is_caught(data: st.DataObject) -> None:
    [blob] = encode_dense("ns", [KEY], np.ones((1, 16), dtype=np.float32), "float32", 3, 1.0)
    pos = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = bytearray(blob)
    bad[pos] ^= 1 << bit
    with pytest.raises(CorruptEntryError):
        decode_vector_record(bytes(bad), "ns", KEY)


def test_truncation_identity_and_kind_are_checked() -> None:
    [blob] = encode_dense("ns", [KEY], np.ones((1, 16), dtype=np.float32), "float32", 0, 1.0)
    for cut in (0, 5, 20, len(blob) - 1):
        with pytest.raises(CorruptEntryError):
            decode_vector_record(blob[:cut], "ns", KEY)
    with pytest.raises(CorruptEntryError, match="another namespace"):
        decode_vector_record(blob, "other", KEY)
    with pytest.raises(CorruptEntryError, match="another namespace"):
        decode_vector_record(blob, "ns", content_hash("other"))
    with pytest.raises(CorruptEntryError, match="kind"):
        unpack_record(blob, KIND_KV, "ns", KEY)
    assert record_identity(blob) == (KIND_DENSE, "ns", KEY)


def test_namespace_prefixes_cannot_alias() -> None:
    a = pack_record(KIND_KV, "a", KEY, b"bc")
    with pytest.raises(CorruptEntryError):
        unpack_record(a, KIND_KV, "ab", KEY)


def test_decode_batch_flags_only_the_corrupt_rows() -> None:
    keys = [content_hash(str(i)) for i in range(20)]
    m = np.random.default_rng(0).standard_normal((20, 8)).astype(np.float32)
    blobs: list[bytes | None] = list(encode_dense("ns", keys, m, "float32", 0, 1.0))
    blobs[3] = None
    bad = bytearray(blobs[7])  # type: ignore[arg-type]
    bad[-1] ^= 0xFF
    blobs[7] = bytes(bad)
    blobs[9], blobs[10] = blobs[10], blobs[9]  # mixed-up replies
    vectors, _fps, corrupt, matrix = decode_dense_batch(blobs, "ns", keys)
    assert sorted(corrupt) == [7, 9, 10] and matrix is None
    assert vectors[3] is None and vectors[7] is None
    for i in set(range(20)) - {3, 7, 9, 10}:
        assert np.array_equal(vectors[i], m[i])
    intact = decode_dense_batch(encode_dense("ns", keys, m, "float32", 5, 1.0), "ns", keys)
    assert intact.matrix is not None and np.array_equal(intact.matrix, m)
    assert intact.fps == [5] * 20


@pytest.mark.parametrize("as_batch", [True, False])
def test_decode_batch_with_every_row_found_checks_each_identity(as_batch: bool) -> None:
    """All rows present (the whole-string compares): a swapped pair and a record of
    another namespace are each caught, whether the keys come as a KeyBatch (raw digests
    compared as they are) or as a list of hex keys."""
    batch = key_batch([f"text {i}" for i in range(20)])
    keys = batch if as_batch else list(batch)
    m = np.random.default_rng(1).standard_normal((20, 8)).astype(np.float32)
    blobs: list[bytes | None] = list(encode_dense("ns", keys, m, "float32", 0, 1.0))
    whole = decode_dense_batch(blobs, "ns", keys)
    assert whole.matrix is not None and np.array_equal(whole.matrix, m)
    blobs[2], blobs[5] = blobs[5], blobs[2]
    blobs[11] = encode_dense("nt", keys[11:12], m[11:12], "float32", 0, 1.0)[0]
    vectors, _fps, corrupt, matrix = decode_dense_batch(blobs, "ns", keys)
    assert corrupt == [2, 5, 11] and matrix is None
    for i in set(range(20)) - {2, 5, 11}:
        assert np.array_equal(vectors[i], m[i])


def test_decode_batch_mixed_lengths_falls_back_per_row() -> None:
    keys = [content_hash(str(i)) for i in range(12)]
    m = np.ones((12, 8), dtype=np.float32)
    blobs = encode_dense("ns", keys[:6], m[:6], "float32", 0, 1.0) + encode_dense(
        "ns", keys[6:], m[6:], "int8", 0, 1.0
    )
    vectors, _fps, corrupt, matrix = decode_dense_batch(list(blobs), "ns", keys)
    assert corrupt == [] and matrix is None
    assert all(np.allclose(v, 1.0) for v in vectors)


def _one_by_one(blobs: list[bytes | None], ns: str, keys: list[str]) -> tuple[list, list, list]:
    """The plain definition of a batch decode: each record on its own."""
    vectors: list = [None] * len(blobs)
    fps = [0] * len(blobs)
    corrupt = []
    for i, blob in enumerate(blobs):
        if blob is None:
            continue
        try:
            rec = decode_vector_record(blob, ns, keys[i])
        except CorruptEntryError:
            corrupt.append(i)
            continue
        vectors[i], fps[i] = rec.vector, rec.fingerprint_id
    return vectors, fps, corrupt


# Each row: (dtype, dim, fingerprint, damage); mostly the common layout, so that the
# vectorized path is taken and the odd rows must be caught (or read) by it.
_row = st.tuples(
    st.sampled_from(["float32"] * 6 + ["float16", "int8"]),
    st.sampled_from([8] * 6 + [4, 12, 16]),
    st.integers(0, 3),
    st.sampled_from(["none"] * 8 + ["absent", "flip", "cut", "swap", "other-ns", "pad"]),
)


@given(st.lists(_row, min_size=9, max_size=30), st.integers(0, 2**32 - 1))
def test_decode_batch_equals_record_by_record(rows: list, seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = [content_hash(f"k{i}") for i in range(len(rows))]
    blobs: list[bytes | None] = []
    for i, (dtype, dim, fp, damage) in enumerate(rows):
        vec = rng.standard_normal((1, dim)).astype(np.float32)
        [blob] = encode_dense(
            "other" if damage == "other-ns" else "ns", [keys[i]], vec, dtype, fp, 1.0
        )
        if damage == "flip":
            blob = blob[:-1] + bytes([blob[-1] ^ 1])
        elif damage == "cut":
            blob = blob[:-4]
        elif damage == "pad":
            blob = blob + b"\x00" * 4
        blobs.append(None if damage == "absent" else blob)
    for i, (*_, damage) in enumerate(rows):
        if damage == "swap" and i + 1 < len(rows):
            blobs[i], blobs[i + 1] = blobs[i + 1], blobs[i]
    want_vectors, want_fps, want_corrupt = _one_by_one(blobs, "ns", keys)
    for given_as in (blobs, joined(blobs)):  # one bytes per record, or one buffer
        vectors, fps, corrupt, matrix = decode_dense_batch(given_as, "ns", keys)
        assert corrupt == want_corrupt
        assert fps == want_fps
        for got, want in zip(vectors, want_vectors):
            assert (got is None) == (want is None)
            if want is not None:
                assert got.dtype == np.float32 and np.array_equal(got, want)
        if matrix is not None:
            assert np.array_equal(matrix, np.stack(want_vectors))


def joined(blobs: list[bytes | None]) -> JoinedValues:
    """``blobs`` as a store reading in one buffer hands them back."""
    found = b"".join(b for b in blobs if b is not None)
    return JoinedValues(found, [-1 if b is None else len(b) for b in blobs])


def test_joined_values_read_like_the_list_they_hold() -> None:
    values: list[bytes | None] = [b"abc", None, b"", b"defg", None, b"h"]
    got = joined(values)
    assert len(got) == 6 and list(got) == values and got == values and values == got
    assert [got[i] for i in range(-6, 6)] == values + values
    assert got[1:5] == values[1:5] and got[::-2] == values[::-2]
    assert None in got and b"" in got and b"defg" in got and b"x" not in got
    assert None not in joined([b"a", b""]) and joined([]) == []
    with pytest.raises(IndexError):
        got[6]


def test_decode_batch_reads_rows_whose_lengths_only_add_up() -> None:
    """Lengths L, L-16 and L+16 sum to 3L: the batch cannot be cut into equal rows, yet
    every record is intact and must be read."""
    keys = [content_hash(str(i)) for i in range(12)]
    mats = [np.full((1, d), i, np.float32) for i, d in enumerate([8, 4, 12] * 4)]
    blobs = [encode_dense("ns", [k], m, "float32", 0, 1.0)[0] for k, m in zip(keys, mats)]
    for given_as in (list(blobs), joined(list(blobs))):
        vectors, _fps, corrupt, matrix = decode_dense_batch(given_as, "ns", keys)
        assert corrupt == [] and matrix is None
        assert all(np.array_equal(v, m[0]) for v, m in zip(vectors, mats))
    # Same length, other layout: 16 float16 take the bytes of 8 float32.
    half = np.full((1, 16), 0.5, np.float32)
    blobs[5] = encode_dense("ns", [keys[5]], half, "float16", 0, 1.0)[0]
    same = [
        encode_dense("ns", [k], np.ones((1, 8), np.float32), "float32", 0, 1.0)[0] for k in keys
    ]
    same[5] = blobs[5]
    vectors, _fps, corrupt, matrix = decode_dense_batch(same, "ns", keys)
    assert corrupt == [] and matrix is None
    assert np.array_equal(vectors[5], half[0]) and np.array_equal(vectors[4], np.ones(8))
