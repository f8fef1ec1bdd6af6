"""Vector codecs, the record envelope and payload serialization (SPEC §0)."""

from __future__ import annotations

import pickle
import threading

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nearcache import (
    CacheError,
    CorruptEntryError,
    DimensionMismatchError,
    DTypeError,
    InvalidInputError,
    InvalidVectorError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    SparseVector,
    ZeroNormError,
    content_hash,
)
from nearcache.codecs import (
    KIND_DENSE,
    KIND_KV,
    MAX_DIM,
    as_matrix,
    as_vector,
    check_json,
    decode_dense_batch,
    decode_vector_record,
    dequantize,
    encode_dense,
    encode_sparse,
    fingerprint_id,
    pack_payload,
    pack_record,
    packb,
    quantize,
    record_identity,
    unpack_payload,
    unpack_record,
)
from nearcache.codecs.joined import JoinedValues
from nearcache.keys import key_batch

finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=32)
vectors = hnp.arrays(np.float32, st.integers(1, 64), elements=finite).filter(lambda v: v.any())
KEY = content_hash("k")


@given(vectors)
def test_float32_round_trip_is_exact(v: np.ndarray) -> None:
    [blob] = encode_dense("ns", [KEY], v[None, :], "float32", 0, 1.0)
    rec = decode_vector_record(blob, "ns", KEY)
    assert np.array_equal(rec.vector, v)
    assert rec.dtype == "float32" and rec.dim == v.shape[0]


@given(
    hnp.arrays(np.float32, st.integers(1, 64), elements=st.floats(-6e4, 6e4, width=32)).filter(
        lambda v: v.any()
    )
)
def test_float16_round_trip_within_tolerance(v: np.ndarray) -> None:
    [blob] = encode_dense("ns", [KEY], v[None, :], "float16", 0, 1.0)
    out = decode_vector_record(blob, "ns", KEY).vector
    assert np.allclose(out, v, rtol=1e-3, atol=1e-4)


@given(vectors)
def test_int8_round_trip_error_bounded_by_half_a_step(v: np.ndarray) -> None:
    if float(np.abs(v).max()) < 127 * float(np.finfo(np.float32).tiny):
        with pytest.raises(DTypeError, match="too small for int8"):
            encode_dense("ns", [KEY], v[None, :], "int8", 0, 1.0)
        return
    [blob] = encode_dense("ns", [KEY], v[None, :], "int8", 0, 1.0)
    out = decode_vector_record(blob, "ns", KEY).vector
    step = float(np.abs(v).max()) / 127.0
    assert np.all(np.abs(out - v) <= step / 2 + step * 1e-3)


@given(
    hnp.arrays(np.float32, st.integers(16, 512), elements=st.floats(-1, 1, width=32)).filter(
        lambda v: float(np.linalg.norm(v)) > 0.1
    )
)
def test_int8_cosine_error_bound(v: np.ndarray) -> None:
    """cos(v, deq(q(v))) >= sqrt(1 - r^2) with r = sqrt(d) * step / 2 / |v|."""
    data, scales = quantize(v[None, :], "int8")
    out = dequantize(data, scales)[0]
    step = float(np.abs(v).max()) / 127.0
    r = np.sqrt(v.shape[0]) * step / 2 / float(np.linalg.norm(v))
    if r < 1:
        cos = float(out @ v / (np.linalg.norm(out) * np.linalg.norm(v)))
        assert cos >= np.sqrt(1 - r * r) - 1e-5


def test_int8_on_realistic_embeddings_keeps_cosine_above_0_999() -> None:
    rng = np.random.default_rng(1)
    m = rng.standard_normal((200, 384)).astype(np.float32)
    data, scales = quantize(m, "int8")
    out = dequantize(data, scales)
    cos = (out * m).sum(1) / (np.linalg.norm(out, axis=1) * np.linalg.norm(m, axis=1))
    assert cos.min() > 0.999


@given(
    st.lists(st.tuples(st.integers(0, 2**32 - 1), finite), unique_by=lambda t: t[0], max_size=50)
)
def test_sparse_round_trip(pairs: list[tuple[int, float]]) -> None:
    v = SparseVector([p[0] for p in pairs], [p[1] for p in pairs])
    assert list(v.indices) == sorted(p[0] for p in pairs)
    blob = encode_sparse("ns.sparse", KEY, v, 7, 2.0)
    rec = decode_vector_record(blob, "ns.sparse", KEY)
    assert rec.vector == v and rec.fingerprint_id == 7 and rec.created_at == 2.0


@pytest.mark.parametrize(
    ("indices", "values", "error"),
    [
        ([1, 1], [0.1, 0.2], InvalidVectorError),
        ([1, 2], [0.1], DimensionMismatchError),
        ([-1], [0.1], DTypeError),
        ([1], [float("nan")], NonFiniteVectorError),
        ([[1]], [[0.1]], InvalidVectorError),
        ([1.5], [0.1], DTypeError),
    ],
)
def test_sparse_vector_rejects_bad_input(indices, values, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        SparseVector(indices, values)


def test_sparse_to_dense() -> None:
    v = SparseVector([3, 0], [1.0, 2.0])
    assert v.to_dense(4).tolist() == [2.0, 0.0, 0.0, 1.0]
    assert v.nnz == 2 and "nnz=2" in repr(v)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("pos", [0, 5, 383])
def test_non_finite_values_name_their_position(bad: float, pos: int) -> None:
    v = np.ones(384, dtype=np.float32)
    v[pos] = bad
    with pytest.raises(NonFiniteVectorError) as info:
        as_vector(v)
    assert info.value.index == pos
    m = np.ones((3, 384), dtype=np.float32)
    m[2, pos] = bad
    with pytest.raises(NonFiniteVectorError) as info2:
        as_matrix(m)
    assert info2.value.index == 2


def test_zero_vector_is_rejected() -> None:
    with pytest.raises(ZeroNormError):
        as_vector(np.zeros(8, dtype=np.float32))
    with pytest.raises(ZeroNormError) as info:
        as_matrix(np.vstack([np.ones(8), np.zeros(8)]).astype(np.float32))
    assert info.value.index == 1
    assert issubclass(ZeroNormError, ValueError)


@pytest.mark.parametrize(
    "value",
    [
        np.ones(4, dtype=np.int64),
        np.ones(4, dtype=np.complex64),
        np.array([1, "a", None, 2], dtype=object),
        np.ones(4, dtype=bool),
    ],
)
def test_non_float_arrays_are_refused(value: np.ndarray) -> None:
    with pytest.raises(DTypeError):
        as_vector(value)


def test_shapes_and_dimensions() -> None:
    with pytest.raises(InvalidVectorError, match="1-D"):
        as_vector(np.ones((2, 4), dtype=np.float32))
    with pytest.raises(InvalidVectorError, match="empty"):
        as_vector(np.ones(0, dtype=np.float32))
    with pytest.raises(DimensionMismatchError) as info:
        as_vector(np.ones(383, dtype=np.float32), 384)
    assert (info.value.expected, info.value.got) == (384, 383)
    with pytest.raises(DimensionMismatchError):
        as_matrix(np.ones((2, 385), dtype=np.float32), dim=384)
    with pytest.raises(DimensionMismatchError):
        as_matrix(np.ones((2, 4), dtype=np.float32), rows=3)
    with pytest.raises(InvalidVectorError, match="2-D"):
        as_matrix(np.ones(4, dtype=np.float32))
    with pytest.raises(PayloadTooLargeError):
        as_vector(np.ones(MAX_DIM + 1, dtype=np.float32))
    with pytest.raises(DTypeError):
        as_vector(["a", "b"])


def test_big_endian_non_contiguous_and_lists_are_converted() -> None:
    be = np.arange(1, 9, dtype=">f4")
    assert as_vector(be).tolist() == list(range(1, 9))
    strided = np.arange(1, 17, dtype=np.float64)[::2]
    out = as_vector(strided)
    assert out.flags.c_contiguous and out.dtype == np.float32
    assert as_vector([1, 2, 3]).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("peak", [1e-45, 1e-40, 1.4e-36])
def test_int8_refuses_a_vector_too_small_for_a_normal_scale(peak: float) -> None:
    """Its scale would be subnormal or zero: stored as zeros or rounded wrongly."""
    tiny = np.array([[peak, -peak / 2, 0.0]], dtype=np.float32)
    with pytest.raises(DTypeError, match="too small for int8"):
        quantize(tiny, "int8")
    with pytest.raises(DTypeError):  # one such row refuses the whole batch
        quantize(np.vstack([np.ones((1, 3), dtype=np.float32), tiny]), "int8")


def test_int8_keeps_the_smallest_vector_with_a_normal_scale() -> None:
    peak = np.float32(127 * np.finfo(np.float32).tiny)
    v = np.array([[peak, -peak / 2, 0.0]], dtype=np.float32)
    data, scales = quantize(v, "int8")
    assert data.tolist() == [[127, -64, 0]] or data.tolist() == [[127, -63, 0]]
    assert scales[0] >= np.finfo(np.float32).tiny
    assert np.all(np.abs(dequantize(data, scales)[0] - v[0]) <= scales[0] / 2 * (1 + 1e-3))


def test_float16_overflow_is_refused() -> None:
    with pytest.raises(DTypeError):
        quantize(np.array([[1e6, 1.0]], dtype=np.float32), "float16")
    with pytest.raises(ValueError, match=r"float32, float16, int8"):
        quantize(np.ones((1, 2), dtype=np.float32), "int4")


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
