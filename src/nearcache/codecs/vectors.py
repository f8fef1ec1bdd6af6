"""Dense and sparse vectors: validation, storage dtypes and quantization.

Input vectors are checked once at the public boundary (float dtype, 1-D or 2-D, finite,
not all zeros, within ``MAX_DIM``) and converted to contiguous float32; storage dtypes are
float32, float16 and int8 with a symmetric per-vector scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..errors import (
    DimensionMismatchError,
    DTypeError,
    InvalidInputError,
    InvalidVectorError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    ZeroNormError,
)
from ..keys import digest_bytes

__all__ = [
    "MAX_DIM",
    "NP_DTYPES",
    "VECTOR_DTYPES",
    "SparseVector",
    "VectorDType",
    "as_matrix",
    "as_vector",
    "check_dtype_name",
    "dequantize",
    "fingerprint_id",
    "quantize",
]

VectorDType = Literal["float32", "float16", "int8"]
VECTOR_DTYPES: tuple[str, ...] = ("float32", "float16", "int8")
NP_DTYPES: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}
_F32 = np.dtype(np.float32)
_F16_MAX = float(np.finfo(np.float16).max)
#: A vector's smallest largest value for int8: below it the scale (peak / 127) would be a
#: subnormal float32 (or zero), and the stored values would round wrongly or to zeros.
_I8_MIN_PEAK = np.float32(127 * np.finfo(np.float32).tiny)

#: Dense vectors longer than this are refused (a 10-million-dimension vector is an attack).
MAX_DIM = 65_536


def check_dtype_name(vector_dtype: str) -> str:
    if vector_dtype not in VECTOR_DTYPES:
        raise InvalidInputError(
            f"unknown vector_dtype {vector_dtype!r}; allowed: {', '.join(VECTOR_DTYPES)}"
        )
    return vector_dtype


@dataclass(frozen=True, eq=False)
class SparseVector:
    """A sparse vector: sorted unique ``uint32`` indices and matching ``float32`` values.

    >>> v = SparseVector([3, 1], [0.5, 2.0])
    >>> v.indices.tolist(), v.values.tolist()
    ([1, 3], [2.0, 0.5])
    """

    indices: npt.NDArray[np.uint32]
    values: npt.NDArray[np.float32]

    def __init__(self, indices: Any, values: Any) -> None:
        idx = np.asarray(indices)
        val = np.asarray(values)
        if idx.ndim != 1 or val.ndim != 1:
            raise InvalidVectorError("SparseVector indices and values must be 1-D")
        if idx.shape != val.shape:
            raise DimensionMismatchError(
                f"SparseVector has {idx.shape[0]} indices but {val.shape[0]} values",
                expected=int(idx.shape[0]),
                got=int(val.shape[0]),
            )
        if idx.size and (idx.dtype.kind not in "iu" or int(idx.min()) < 0):
            raise DTypeError("SparseVector indices must be non-negative integers")
        if idx.size and int(idx.max()) > 0xFFFFFFFF:
            raise InvalidVectorError("SparseVector indices must fit in uint32")
        if val.dtype.kind not in "fiu":
            raise DTypeError(f"SparseVector values must be real numbers, not {val.dtype}")
        val32 = val.astype("<f4")
        bad = ~np.isfinite(val32)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise NonFiniteVectorError(f"SparseVector value {i} is not finite", index=i)
        order = np.argsort(idx, kind="stable")
        idx32 = idx.astype("<u4")[order]
        if idx32.size > 1 and bool((np.diff(idx32.astype(np.int64)) == 0).any()):
            raise InvalidVectorError("SparseVector indices must be unique")
        object.__setattr__(self, "indices", np.ascontiguousarray(idx32))
        object.__setattr__(self, "values", np.ascontiguousarray(val32[order]))

    @property
    def nnz(self) -> int:
        return int(self.indices.shape[0])

    def to_dense(self, dim: int) -> npt.NDArray[np.float32]:
        out = np.zeros(dim, dtype=np.float32)
        out[self.indices] = self.values
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SparseVector):
            return NotImplemented
        return bool(
            np.array_equal(self.indices, other.indices)
            and np.array_equal(self.values, other.values)
        )

    def __repr__(self) -> str:
        return f"SparseVector(nnz={self.nnz})"

    __hash__ = None  # type: ignore[assignment]


def _check_float_dtype(arr: npt.NDArray[Any]) -> None:
    if arr.dtype.kind != "f":
        raise DTypeError(
            f"vectors must have a floating dtype, not {arr.dtype}; cast explicitly "
            "(e.g. arr.astype(np.float32)) if that is what you mean"
        )


def _finite_and_nonzero(mat: npt.NDArray[Any], what: str) -> None:
    # Fast path, one pass: a row's float32 sum of squares is finite and positive only
    # if every value is finite and one is non-zero. Overflow or underflow of the sum can
    # only send a valid row to the exact checks below, never let a bad one through.
    if mat.ndim == 1 or mat.shape[0] == 1:  # one row: np.dot is ~8x cheaper than einsum
        row = mat if mat.ndim == 1 else mat[0]
        square = float(np.dot(row, row))
        if 0.0 < square < math.inf:
            return
    else:
        squares = np.einsum("ij,ij->i", mat, mat)
        if bool((squares > 0.0).all()) and bool(np.isfinite(squares).all()):
            return
    finite = np.isfinite(mat)
    if not finite.all():
        flat = int(np.flatnonzero(~finite.reshape(-1))[0])
        if mat.ndim == 2:
            row, col = divmod(flat, mat.shape[1])
            raise NonFiniteVectorError(
                f"{what} row {row} has a non-finite value at position {col}", index=row
            )
        raise NonFiniteVectorError(f"{what} has a non-finite value at position {flat}", index=flat)
    if mat.ndim == 2:
        zero = ~mat.any(axis=1)
        if zero.any():
            row = int(np.flatnonzero(zero)[0])
            raise ZeroNormError(f"{what} row {row} is all zeros (no direction)", index=row)
    elif not mat.any():
        raise ZeroNormError(f"{what} is all zeros (no direction)")


def as_vector(
    value: Any, dim: int | None = None, *, what: str = "vector"
) -> npt.NDArray[np.float32]:
    """Validate one dense vector and return it as a contiguous native float32 array.

    Lists and tuples are converted; NumPy arrays must already have a float dtype.
    Raises ``InvalidVectorError`` (or a subclass) and never returns a partial result.
    """
    if isinstance(value, SparseVector):
        raise InvalidVectorError(f"{what} is a SparseVector where a dense vector is expected")
    arr = _float_array(value, what, "numbers")
    if arr.ndim != 1:
        raise InvalidVectorError(f"{what} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise InvalidVectorError(f"{what} is empty")
    _check_width(int(arr.shape[0]), dim, what, "has")
    out = np.ascontiguousarray(arr, dtype=np.float32)
    _finite_and_nonzero(out, what)
    return out


def _float_array(value: Any, what: str, as_what: str) -> npt.NDArray[Any]:
    """``value`` as an array of floats: a NumPy array must already hold floats; anything
    else is read as float64."""
    if isinstance(value, np.ndarray):
        _check_float_dtype(value)
        return value
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DTypeError(f"{what} cannot be read as {as_what}: {exc}") from exc


def _check_width(width: int, dim: int | None, what: str, has: str) -> None:
    """A vector's dimension is at most ``MAX_DIM`` and, when known, the expected one."""
    if width > MAX_DIM:
        raise PayloadTooLargeError(
            f"{what} {has} {width} dimensions; the limit is {MAX_DIM}", limit=MAX_DIM, size=width
        )
    if dim is not None and width != dim:
        raise DimensionMismatchError(
            f"{what} {has} dimension {width}, expected {dim}", expected=dim, got=width
        )


def as_matrix(
    value: Any, rows: int | None = None, dim: int | None = None, *, what: str = "vectors"
) -> npt.NDArray[np.float32]:
    """Validate a batch of dense vectors (2-D) and return a contiguous float32 matrix."""
    if (  # what embedders mostly return: checked as below, in fewer calls
        type(value) is np.ndarray
        and value.dtype == _F32
        and value.ndim == 2
        and value.flags.c_contiguous
        and (rows is None or value.shape[0] == rows)
        and 0 < value.shape[1] <= MAX_DIM
        and (dim is None or value.shape[1] == dim)
    ):
        _finite_and_nonzero(value, what)
        return value
    arr = _float_array(value, what, "a numeric matrix")
    if arr.ndim != 2:
        raise InvalidVectorError(f"{what} must be 2-D (rows, dim), got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        got = int(arr.shape[0])
        raise DimensionMismatchError(
            f"{what} has {got} {'row' if got == 1 else 'rows'}, expected {rows}",
            expected=rows,
            got=got,
        )
    if arr.shape[1] == 0:
        raise InvalidVectorError(f"{what}: each vector has dimension 0")
    _check_width(int(arr.shape[1]), dim, f"{what}:", "each vector has")
    out = np.ascontiguousarray(arr, dtype=np.float32)
    _finite_and_nonzero(out, what)
    return out


def quantize(
    mat: npt.NDArray[np.float32], vector_dtype: str
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float32]]:
    """Convert a validated float32 matrix to the storage dtype; returns (data, scales).

    int8 is symmetric per-vector: ``q = round(v / s)`` with ``s = max|v| / 127``. A
    nonzero vector whose largest value is below ~1.5e-36 is refused: its scale would not be
    a normal float32, and it would be stored as zeros or with errors above half a step.
    """
    n = mat.shape[0]
    if vector_dtype == "float32":
        return mat.astype("<f4", copy=False), np.ones(n, dtype=np.float32)
    if vector_dtype == "float16":
        if n and float(np.abs(mat).max()) > _F16_MAX:
            raise DTypeError(f"a value exceeds the float16 range (±{_F16_MAX:g})")
        return mat.astype("<f2"), np.ones(n, dtype=np.float32)
    if vector_dtype == "int8":
        peaks = np.abs(mat).max(axis=1)
        if n and bool(((peaks > 0) & (peaks < _I8_MIN_PEAK)).any()):
            raise DTypeError(
                f"a vector's largest value is below {_I8_MIN_PEAK:.1e}, too small for int8; "
                "scale it up or store float32"
            )
        scales = (peaks / 127.0).astype(np.float32)
        safe = np.where(scales > 0, scales, np.float32(1.0))
        q = np.clip(np.rint(mat / safe[:, None]), -127, 127).astype(np.int8)
        return q, scales
    raise InvalidInputError(
        f"unknown vector_dtype {vector_dtype!r}; allowed: {', '.join(VECTOR_DTYPES)}"
    )


def dequantize(
    data: npt.NDArray[Any], scales: npt.NDArray[np.float32] | None = None
) -> npt.NDArray[np.float32]:
    if data.dtype == np.int8:
        assert scales is not None
        return (
            data.astype(np.float32) * scales.reshape(-1, 1)
            if data.ndim == 2
            else (data.astype(np.float32) * np.float32(scales))
        )
    return data.astype(np.float32)


def fingerprint_id(fingerprint: str) -> int:
    """A stable 64-bit id for an embedder fingerprint ("" means unknown → 0)."""
    if not fingerprint:
        return 0
    return int.from_bytes(digest_bytes(fingerprint.encode("utf-8"))[:8], "little")
