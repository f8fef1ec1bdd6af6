"""``ExactIndex``: brute-force search over one contiguous NumPy matrix.

Always available and exact. The matrix holds the vectors in the configured dtype, so
memory per entry is the raw vector size: ``dim * 4`` bytes for float32, ``dim * 2`` for
float16 and ``dim + 4`` for int8 (a per-row scale beside the codes), plus one byte of
liveness. A float32 search is a single matrix-vector product (``einsum``, one thread); float16
and int8 matrices are converted block by block into a small reusable float32 buffer so
a search never materializes a float32 copy of the whole matrix.

New rows go to *blocks* made with ``np.empty`` (untouched pages of a reserve are not
resident, so the process pays in RSS only for the rows in use). The first block doubles
while it is small; past ``BLOCK_BYTES`` further rows go to new blocks of that size, so a
large index never copies its rows to grow (the doubling copy at 65,536 384-d rows cost
150-220 ms CPU of one put_many batch on a machine with dear page faults). Those blocks
start on a 2 MiB boundary, so transparent huge pages back them whole.

An index reopened from disk keeps the saved rows as a read-only *base* (a memory map of
the saved file: nothing is read until a search touches it, and the pages are shared with
the OS cache) and adds new rows to a growing *tail*; a search scans both. Nothing ever
copies the base, so the first write after a reopen costs what any write costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codecs import check_dtype_name, quantize
from ..errors import CorruptStoreError, InvalidInputError
from .matrix import aligned_block, half_to_float
from .protocol import Rows, SearchResult

__all__ = ["ExactIndex"]

_NP: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}
#: Rows converted at a time for float16/int8 searches (a 3 MB float32 buffer at 384-d).
BLOCK_ROWS = 2048
#: Bytes of codes per storage block once the first one has grown to it (see module docs).
BLOCK_BYTES = 32 << 20


class ExactIndex:
    """Exact inner-product search over growing blocks of rows (see module docs)."""

    backend = "exact"

    def __init__(self, dim: int, dtype: str = "float32", *, capacity: int = 0) -> None:
        if not isinstance(dim, int) or dim <= 0:
            raise InvalidInputError("dim must be a positive int")
        self.dim = dim
        self.dtype = check_dtype_name(dtype)
        cap = max(int(capacity), 16)
        self._base: npt.NDArray[Any] | None = None  # rows [0, _n0), read-only
        self._n0 = 0
        # rows _n0.. in blocks of _block_rows rows each (the first smaller while alone)
        self._block_rows = max(cap, BLOCK_BYTES // (dim * _NP[dtype].itemsize))
        self._blocks: list[npt.NDArray[Any]] = [np.empty((cap, dim), dtype=_NP[dtype])]
        self._room = cap  # rows that fit without growing
        self._scale: npt.NDArray[np.float32] | None = (
            np.empty(cap, dtype=np.float32) if dtype == "int8" else None
        )
        self._live = np.zeros(cap, dtype=bool)
        self._n = 0
        self._dead = 0
        self._dead_rows: Rows | None = None  # cached tombstone positions for masking
        self._buf: npt.NDArray[np.float32] | None = None
        self._bits: npt.NDArray[np.uint32] | None = None

    # -- protocol ------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n - self._dead

    @property
    def rows_used(self) -> int:
        """Rows occupied, tombstones included (the next row to be added)."""
        return self._n

    @property
    def tombstones(self) -> int:
        return self._dead

    @property
    def nbytes(self) -> int:
        itemsize = int(_NP[self.dtype].itemsize)
        per_row = self.dim * itemsize + 1 + (4 if self._scale is not None else 0)
        return int(self._n * per_row)

    def _grow(self, need: int) -> None:
        """Room for rows up to ``need``: stored codes are copied only while the first
        block is smaller than a block (the small per-row arrays double as before)."""
        if need <= self._room:
            return
        if need > self._live.shape[0]:
            new_cap = max(need, 2 * self._live.shape[0])
            live = np.zeros(new_cap, dtype=bool)
            live[: self._n] = self._live[: self._n]
            self._live = live
            if self._scale is not None:
                scale = np.empty(new_cap, dtype=np.float32)
                scale[: self._n] = self._scale[: self._n]
                self._scale = scale
        blocks, size, tail = self._blocks, self._block_rows, need - self._n0
        first = blocks[0]
        if len(blocks) == 1 and tail > first.shape[0] and first.shape[0] < size:
            data = np.empty((min(size, max(tail, 2 * first.shape[0])), self.dim), first.dtype)
            used = self._n - self._n0
            data[:used] = first[:used]
            blocks[0] = first = data
        while tail > (first.shape[0] if len(blocks) == 1 else len(blocks) * size):
            blocks.append(aligned_block(size, self.dim, first.dtype))
        room = first.shape[0] if len(blocks) == 1 else len(blocks) * size
        self._room = min(self._live.shape[0], self._n0 + room)

    def _put(self, at: int, codes: npt.NDArray[Any]) -> None:
        """Store ``codes`` as tail rows ``at``.. (room made by ``_grow``)."""
        size, done, m = self._block_rows, 0, codes.shape[0]
        while done < m:
            b, off = divmod(at + done, size)
            block = self._blocks[b]
            k = min(m - done, block.shape[0] - off)
            block[off : off + k] = codes[done : done + k]
            done += k

    def _segments(self) -> list[tuple[int, npt.NDArray[Any]]]:
        """(first row, codes) of the base and the tail, in row order."""
        parts: list[tuple[int, npt.NDArray[Any]]] = []
        if self._base is not None and self._n0:
            parts.append((0, self._base))
        first, left = self._n0, self._n - self._n0
        for block in self._blocks:
            if left <= 0:
                break
            k = min(left, block.shape[0])
            parts.append((first, block[:k]))
            first += k
            left -= k
        return parts

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        m = len(rows)
        if m == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        if int(rows[0]) != self._n or (m > 1 and not bool(np.all(np.diff(rows) == 1))):
            raise InvalidInputError(f"ExactIndex rows must be appended in order from {self._n}")
        if vectors.shape != (m, self.dim):
            raise InvalidInputError(
                f"expected vectors of shape ({m}, {self.dim}), got {vectors.shape}"
            )
        self._grow(self._n + m)
        at = self._n - self._n0
        if self.dtype == "float32":  # stored as given: no quantize (and no scales array)
            self._put(at, vectors)
        else:
            data, scales = quantize(np.ascontiguousarray(vectors, dtype=np.float32), self.dtype)
            self._put(at, data)
            if self._scale is not None:
                self._scale[self._n : self._n + m] = scales
        self._live[self._n : self._n + m] = True
        self._n += m

    def add_one(self, row: int, vector: npt.NDArray[np.float32]) -> None:
        """``add`` of one row (``vector``: shape (1, dim)): no rows array, scalar writes."""
        if self.dtype != "float32":
            self.add(np.array([row], dtype=np.int64), vector)
            return
        n = self._n
        if row != n:
            raise InvalidInputError(f"ExactIndex rows must be appended in order from {n}")
        if vector.shape != (1, self.dim):
            raise InvalidInputError(
                f"expected vectors of shape (1, {self.dim}), got {vector.shape}"
            )
        if n >= self._room:
            self._grow(n + 1)
        b, off = divmod(n - self._n0, self._block_rows)
        self._blocks[b][off] = vector  # the (1, dim) row into its place
        self._live[n] = True
        self._n = n + 1

    def remove(self, rows: Rows) -> int:
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self._n)]
        if rows.size == 0:
            return 0
        rows = np.unique(rows)
        was = int(np.count_nonzero(self._live[rows]))
        self._live[rows] = False
        if was:
            self._dead += was
            self._dead_rows = None
        return was

    def live_rows(self) -> Rows:
        return np.flatnonzero(self._live[: self._n]).astype(np.int64)

    def is_live(self, rows: Rows) -> npt.NDArray[np.bool_]:
        rows = np.asarray(rows, dtype=np.int64)
        ok = (rows >= 0) & (rows < self._n)
        out = np.zeros(rows.shape, dtype=bool)
        out[ok] = self._live[rows[ok]]
        return out

    def scores(self, query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Inner product of ``query`` with every occupied row (tombstones included)."""
        n = self._n
        q = np.ascontiguousarray(query, dtype=np.float32)
        segments = self._segments()
        if self.dtype == "float32" and len(segments) == 1:
            # einsum rather than BLAS sgemv: single-threaded, so its speed does not collapse
            # when OpenBLAS' spinning worker threads compete with other busy processes (2-5x
            # slower than einsum on a loaded two-core machine, for any size we measured).
            only: npt.NDArray[np.float32] = np.einsum("ij,j->i", segments[0][1], q)
            return only
        out = np.empty(n, dtype=np.float32)
        for first, codes in segments:
            if self.dtype == "float32":
                np.einsum("ij,j->i", codes, q, out=out[first : first + codes.shape[0]])
            else:
                self._scores_blocked(codes, q, out[first : first + codes.shape[0]])
        if self._scale is not None:
            out *= self._scale[:n]
        return out

    def _scores_blocked(
        self, codes: npt.NDArray[Any], q: npt.NDArray[np.float32], out: npt.NDArray[np.float32]
    ) -> None:
        """float16/int8 scores, converting ``BLOCK_ROWS`` rows at a time to float32."""
        buf = self._buf
        if buf is None:
            buf = self._buf = np.empty((BLOCK_ROWS, self.dim), dtype=np.float32)
        half = codes.view(np.uint16) if self.dtype == "float16" else None
        tmp = self._bits
        if half is not None and tmp is None:
            tmp = self._bits = np.empty((BLOCK_ROWS, self.dim), dtype=np.uint32)
        for start in range(0, codes.shape[0], BLOCK_ROWS):
            stop = min(codes.shape[0], start + BLOCK_ROWS)
            block = buf[: stop - start]
            if half is not None and tmp is not None:
                half_to_float(half[start:stop], block, tmp[: stop - start])
            else:
                np.copyto(block, codes[start:stop], casting="unsafe")
            # einsum, not BLAS: see above (and many small calls make it worse).
            np.einsum("ij,j->i", block, q, out=out[start:stop])

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        live = len(self)
        if live == 0 or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        sims = self.scores(query)
        if self._dead:
            if self._dead_rows is None:
                self._dead_rows = np.flatnonzero(~self._live[: self._n]).astype(np.int64)
            sims[self._dead_rows] = -np.inf
        k = min(k, live)
        top = np.argpartition(sims, -k)[-k:] if k < sims.shape[0] else np.arange(sims.shape[0])
        order = top[np.argsort(-sims[top], kind="stable")]
        order = order[np.isfinite(sims[order])]
        return order.astype(np.int64), sims[order].astype(np.float32)

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((rows.shape[0], self.dim), dtype=np.float32)
        in_base = rows < self._n0
        if self._base is not None and in_base.any():
            out[in_base] = self._base[rows[in_base]]
        if not in_base.all():
            tail = rows[~in_base] - self._n0
            if len(self._blocks) == 1:
                out[~in_base] = self._blocks[0][tail]
            else:
                b, off = np.divmod(tail, self._block_rows)
                part = np.empty((tail.shape[0], self.dim), dtype=np.float32)
                for i in np.unique(b).tolist():
                    part[b == i] = self._blocks[i][off[b == i]]
                out[~in_base] = part
        if self._scale is not None:
            out *= self._scale[rows][:, None]
        return out

    # -- persistence -----------------------------------------------------------------

    def chunks(self) -> list[npt.NDArray[Any]]:
        """The codes of the occupied rows in row order, as one or two arrays (no copy)."""
        return [codes for _, codes in self._segments()]

    def arrays(
        self,
    ) -> tuple[list[npt.NDArray[Any]], npt.NDArray[np.bool_], npt.NDArray[np.float32] | None]:
        """Views of the occupied rows: (codes as :meth:`chunks`, live mask, int8 scales)."""
        n = self._n
        return self.chunks(), self._live[:n], None if self._scale is None else self._scale[:n]

    @classmethod
    def from_arrays(
        cls,
        dim: int,
        dtype: str,
        data: npt.NDArray[Any],
        live: npt.NDArray[np.bool_],
        scale: npt.NDArray[np.float32] | None,
    ) -> ExactIndex:
        """An index whose first rows are ``data`` (kept as the read-only base, never
        copied: a memory map of a saved file stays one); ``live`` and ``scale`` are copied."""
        n = int(data.shape[0])
        if data.shape != (n, dim) or data.dtype != _NP[dtype] or live.shape != (n,):
            raise CorruptStoreError("exact index arrays do not match their description")
        if (dtype == "int8") != (scale is not None) or (scale is not None and scale.shape != (n,)):
            raise CorruptStoreError("exact index scales do not match their description")
        index = cls(dim, dtype)
        index._base = data
        index._n0 = index._n = n
        index._live = np.zeros(n + 16, dtype=bool)
        index._room = n + 16
        index._live[:n] = live
        if scale is not None:
            index._scale = np.empty(n + 16, dtype=np.float32)
            index._scale[:n] = scale
        index._dead = n - int(np.count_nonzero(live))
        return index

    def info(self) -> dict[str, Any]:
        return {"backend": "exact", "dim": self.dim, "dtype": self.dtype, "rows": self._n}

    def save(self, directory: Path, stem: str) -> list[str]:
        """Raw little-endian arrays: ``.vec`` (codes), ``.scale`` (int8 only), ``.live``."""
        names = [f"{stem}.vec", f"{stem}.live"]
        with open(directory / names[0], "wb") as fh:
            for codes in self.chunks():
                codes.tofile(fh)
        self._live[: self._n].astype(np.uint8).tofile(directory / names[1])
        if self._scale is not None:
            names.append(f"{stem}.scale")
            self._scale[: self._n].astype("<f4").tofile(directory / names[2])
        return names

    @classmethod
    def load(cls, directory: Path, stem: str, info: dict[str, Any]) -> ExactIndex:
        dim, dtype, n = int(info["dim"]), str(info["dtype"]), int(info["rows"])
        index = cls(dim, dtype, capacity=n)  # one block of n rows
        read_into(directory / f"{stem}.vec", index._blocks[0][:n])
        live = np.empty(n, dtype=np.uint8)
        read_into(directory / f"{stem}.live", live)
        if live.size and int(live.max()) > 1:
            raise CorruptStoreError(f"{stem}.live holds values other than 0/1")
        index._live[:n] = live.astype(bool)
        if index._scale is not None:
            read_into(directory / f"{stem}.scale", index._scale[:n])
        index._n = n
        index._dead = n - int(np.count_nonzero(index._live[:n]))
        return index


def read_into(path: Path, out: npt.NDArray[Any]) -> memoryview:
    """Fill ``out`` from a raw file of exactly the right size (one copy, no temporaries).

    Returns ``out``'s bytes, for a checksum without another copy.
    """
    want = out.nbytes
    view = out.data.cast("B") if want else memoryview(b"")
    got = 0
    with open(path, "rb", buffering=0) as fh:
        while got < want:
            n = fh.readinto(view[got:])
            if not n:
                break
            got += n
        extra = fh.read(1)
    if got != want or extra:
        raise CorruptStoreError(f"{path.name} has the wrong size (expected {want} bytes)")
    return view
