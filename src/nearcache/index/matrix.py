"""Raw array helpers of the exact index: storage blocks that transparent huge pages back
whole, and float16 -> float32 conversion by integer operations."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["aligned_block", "half_to_float"]

_HUGE = 2 << 20  # a transparent huge page


def aligned_block(rows: int, dim: int, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    """An empty (rows, dim) block starting on a 2 MiB boundary, so transparent huge pages
    back all of it (a plain allocation's first and last 2 MiB are 4 KiB pages)."""
    nbytes = rows * dim * dtype.itemsize
    raw = np.empty(nbytes + _HUGE, dtype=np.uint8)
    at = -raw.ctypes.data % _HUGE
    return raw[at : at + nbytes].view(dtype).reshape(rows, dim)


def half_to_float(
    half: npt.NDArray[np.uint16], out: npt.NDArray[np.float32], tmp: npt.NDArray[np.uint32]
) -> None:
    """float16 bit patterns to float32, by integer ops (NumPy's own cast is ~2x slower).

    Moves the sign, shifts exponent and mantissa into place and rebiases the exponent
    (15 -> 127). Zero and subnormal halves (|x| < 6.1e-5) come out as numbers below
    1.2e-4 instead of exactly, which is harmless for the unit vectors stored here;
    infinities and NaN never occur in them.
    """
    bits = out.view(np.uint32)
    np.copyto(bits, half, casting="unsafe")
    np.bitwise_and(bits, 0x8000, out=tmp)
    np.left_shift(tmp, 16, out=tmp)
    np.bitwise_and(bits, 0x7FFF, out=bits)
    np.left_shift(bits, 13, out=bits)
    np.add(bits, 112 << 23, out=bits)
    np.bitwise_or(bits, tmp, out=bits)
