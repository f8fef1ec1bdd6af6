"""Vector codecs (SPEC §0): dense and sparse round trips, quantization error bounds, and
the vectors refused (non-finite, zero, wrong dtype, shape or size)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nearcache import (
    DimensionMismatchError,
    DTypeError,
    InvalidVectorError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    SparseVector,
    ZeroNormError,
    content_hash,
)
from nearcache.codecs import (
    MAX_DIM,
    as_matrix,
    as_vector,
    decode_vector_record,
    dequantize,
    encode_dense,
    encode_sparse,
    quantize,
)

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


def test_a_matrix_of_the_wrong_width_is_named_in_plain_english() -> None:
    """A batch's width was reported as "embedder output have dimension 5, expected 8"."""
    with pytest.raises(DimensionMismatchError) as info:
        as_matrix(np.ones((2, 5)), dim=8, what="embedder output")
    assert str(info.value) == "embedder output: each vector has dimension 5, expected 8"
    with pytest.raises(InvalidVectorError) as empty:
        as_matrix(np.ones((2, 0)), what="embeddings")
    assert str(empty.value) == "embeddings: each vector has dimension 0"
    with pytest.raises(DimensionMismatchError) as rows:
        as_matrix(np.ones((1, 8)), rows=2, what="embedder output")
    assert str(rows.value) == "embedder output has 1 row, expected 2"
    with pytest.raises(PayloadTooLargeError) as wide:
        as_matrix(np.ones((1, MAX_DIM + 1)), what="vectors")
    assert str(wide.value).startswith(f"vectors: each vector has {MAX_DIM + 1} dimensions;")
