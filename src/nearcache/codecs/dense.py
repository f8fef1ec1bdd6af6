"""Vector records: one dense or sparse vector per record, and whole batches of them.

Dense body: ``u8 dtype, 3x pad, u32 dim, f32 scale, u64 fingerprint id, f64 created_at``
then the vector bytes. Sparse body: the same header with dtype ``sparse`` and ``dim``
holding the vocabulary size (0 = unknown), then ``u32 nnz``, ``nnz`` u32 indices and
``nnz`` f32 values.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from xxhash import xxh3_64_intdigest as _xxh3

from ..errors import CorruptEntryError
from ..keys import KeyBatch
from .envelope import (
    FORMAT_VERSION,
    HEAD,
    HEAD_SIZE,
    KIND_DENSE,
    KIND_SPARSE,
    MAGIC,
    ns_bytes,
    pack_record,
    unpack_record,
)
from .joined import JoinedValues
from .vectors import NP_DTYPES, SparseVector, quantize

__all__ = [
    "DecodedBatch",
    "DenseRecord",
    "decode_dense_batch",
    "decode_vector_record",
    "encode_dense",
    "encode_sparse",
]

_VEC_HEAD = struct.Struct("<B3xIfQd")  # dtype code, dim, scale, fingerprint id, created_at
_U32 = struct.Struct("<I")
_DTYPE_CODES: dict[str, int] = {"float32": 1, "float16": 2, "int8": 3, "sparse": 4}
_CODE_DTYPES = {v: k for k, v in _DTYPE_CODES.items()}


@dataclass(frozen=True)
class DenseRecord:
    vector: npt.NDArray[np.float32] | SparseVector
    dtype: str
    dim: int
    fingerprint_id: int
    created_at: float
    nbytes: int


def encode_dense(
    namespace: str,
    keys: Sequence[str],
    mat: npt.NDArray[np.float32],
    vector_dtype: str,
    fingerprint: int,
    created_at: float,
) -> list[bytes]:
    """Encode validated rows of ``mat`` as records (one ``bytes`` per row).

    All rows have one length, so the records are laid out as the rows of one byte
    matrix: the shared header bytes are broadcast, keys, scales and vectors are copied in
    as columns, and only the checksums (and cutting the rows into ``bytes``) are per row.
    """
    data, scales = quantize(mat, vector_dtype)
    n, dim = mat.shape
    nsb = ns_bytes(namespace)
    off_key = HEAD_SIZE + len(nsb)
    off_body = off_key + 32
    off_vec = off_body + _VEC_HEAD.size
    length = off_vec + dim * NP_DTYPES[vector_dtype].itemsize
    buf = np.empty((n, length), dtype=np.uint8)
    buf[:, :HEAD_SIZE] = _u8(HEAD.pack(MAGIC, FORMAT_VERSION, KIND_DENSE, 0, 0))
    buf[:, HEAD_SIZE:off_key] = _u8(nsb)
    raw_keys = keys.digests if isinstance(keys, KeyBatch) else bytes.fromhex("".join(keys))
    buf[:, off_key:off_body] = _u8(raw_keys).reshape(n, 32)
    code = _DTYPE_CODES[vector_dtype]
    buf[:, off_body:off_vec] = _u8(_VEC_HEAD.pack(code, dim, 1.0, fingerprint, created_at))
    buf[:, off_body + 8 : off_body + 12] = scales.astype("<f4").view(np.uint8).reshape(n, 4)
    buf[:, off_vec:] = np.ascontiguousarray(data).view(np.uint8).reshape(n, -1)
    bodies = map(memoryview(buf.data).cast("B").__getitem__, _slices(HEAD_SIZE, n * length, length))
    crcs = np.fromiter(map(_xxh3, bodies), np.dtype("<u8"), n)  # C loops, as in the decode
    buf[:, 8:HEAD_SIZE] = crcs.view(np.uint8).reshape(n, 8)
    return list(map(buf.tobytes().__getitem__, _slices(0, n * length, length)))


def _u8(raw: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(raw, dtype=np.uint8)


def encode_sparse(
    namespace: str,
    key: str,
    vec: SparseVector,
    fingerprint: int,
    created_at: float,
    dim: int = 0,
) -> bytes:
    body = (
        _VEC_HEAD.pack(_DTYPE_CODES["sparse"], dim, 1.0, fingerprint, created_at)
        + _U32.pack(vec.nnz)
        + vec.indices.astype("<u4").tobytes()
        + vec.values.astype("<f4").tobytes()
    )
    return pack_record(KIND_SPARSE, namespace, key, body)


def decode_vector_record(blob: bytes, namespace: str, key: str) -> DenseRecord:
    """Decode one dense or sparse record, verifying identity, checksum and lengths."""
    if len(blob) < HEAD_SIZE or blob[3] not in (KIND_DENSE, KIND_SPARSE):
        raise CorruptEntryError("not a vector record")
    body = unpack_record(blob, blob[3], namespace, key)
    if len(body) < _VEC_HEAD.size:
        raise CorruptEntryError("vector record is truncated")
    code, dim, scale, fp, created = _VEC_HEAD.unpack_from(body)
    dtype = _CODE_DTYPES.get(code)
    payload = body[_VEC_HEAD.size :]
    if dtype is None:
        raise CorruptEntryError(f"unknown vector dtype code {code}")
    if dtype == "sparse":
        if len(payload) < 4:
            raise CorruptEntryError("sparse record is truncated")
        (nnz,) = _U32.unpack_from(payload)
        if len(payload) != 4 + 8 * nnz:
            raise CorruptEntryError("sparse record length does not match its header")
        idx = np.frombuffer(payload, dtype="<u4", count=nnz, offset=4).astype(np.uint32)
        val = np.frombuffer(payload, dtype="<f4", count=nnz, offset=4 + 4 * nnz).astype(np.float32)
        return DenseRecord(SparseVector(idx, val), "sparse", dim, fp, created, 8 * nnz)
    npd = NP_DTYPES[dtype]
    if dim == 0 or len(payload) != dim * npd.itemsize:
        raise CorruptEntryError("vector length does not match its header")
    data = np.frombuffer(payload, dtype=npd)
    vec = (
        data.astype(np.float32) * np.float32(scale) if dtype == "int8" else data.astype(np.float32)
    )
    return DenseRecord(vec, dtype, dim, fp, created, len(payload))


class DecodedBatch:
    """Result of :func:`decode_dense_batch`, aligned with the input (unpacks as a
    4-tuple ``vectors, fps, corrupt, matrix``).

    ``vectors[i]`` is the float32 vector (or ``SparseVector``) of row ``i`` or None;
    ``fps[i]`` its fingerprint id; ``corrupt`` the indexes that failed verification;
    ``matrix`` is set when every row was found intact with one layout: it is then the
    ``(n, dim)`` float32 matrix of all rows, ready to hand out without stacking (and
    ``vectors`` is only made, as row views of it, when someone asks for it).
    """

    __slots__ = ("_vectors", "corrupt", "fps", "matrix")

    def __init__(
        self,
        vectors: list[Any] | None,
        fps: list[int],
        corrupt: list[int],
        matrix: npt.NDArray[np.float32] | None,
    ) -> None:
        self._vectors = vectors
        self.fps = fps
        self.corrupt = corrupt
        self.matrix = matrix

    @property
    def vectors(self) -> list[Any]:
        if self._vectors is None:
            assert self.matrix is not None
            self._vectors = list(self.matrix)
        return self._vectors

    def __iter__(self) -> Iterator[Any]:
        return iter((self.vectors, self.fps, self.corrupt, self.matrix))


def decode_dense_batch(
    blobs: Sequence[bytes | None], namespace: str, keys: Sequence[str]
) -> DecodedBatch:
    """Decode many records at once, verifying every header, identity and checksum.

    ``keys`` may be a :class:`~nearcache.keys.KeyBatch`: its raw digests are then
    compared as they are; ``blobs`` may be :class:`~nearcache.codecs.joined.JoinedValues`
    (a store's read as one buffer): the buffer is then checked as it is, not joined again.

    When the found records look alike (the first one's dtype and dim, one length — the
    common case) the checks and the dequantization run vectorized over one buffer, and
    only a record that fails them is decoded again on its own; otherwise each record is
    decoded on its own. Either way the result is what :func:`decode_vector_record` gives
    record by record. Corrupt entries come back as ``None`` and are listed in ``corrupt``.
    """
    n = len(blobs)
    found: Sequence[int] = range(n)
    joined = None
    if isinstance(blobs, JoinedValues):  # misses are told by the sizes (no value sliced)
        sizes = blobs.sizes
        if -1 in sizes:
            found = [i for i, s in enumerate(sizes) if s >= 0]
        joined = blobs.joined
    elif n > 8:
        try:  # every key found (the common case): joined at once, no scan for None first
            joined = b"".join(blobs)  # type: ignore[arg-type]
        except TypeError:
            found = [i for i, b in enumerate(blobs) if b is not None]
    elif None in blobs:
        found = [i for i, b in enumerate(blobs) if b is not None]
    if not found:
        return DecodedBatch([None] * n, [0] * n, [], None)
    first = blobs[found[0]]
    assert first is not None
    off_key = HEAD_SIZE + len(ns_bytes(namespace))
    off_vec = off_key + 32 + _VEC_HEAD.size
    if len(found) > 8 and len(first) > off_vec and first[3] == KIND_DENSE:
        code, dim, _s, _fp, _c = _VEC_HEAD.unpack_from(first, off_key + 32)
        dtype = _CODE_DTYPES.get(code)
        if dtype in NP_DTYPES and len(first) - off_vec == dim * NP_DTYPES[dtype].itemsize:
            batch = _decode_uniform(blobs, found, joined, namespace, keys, dtype, dim)
            if batch is not None:
                return batch
    return _decode_each(blobs, found, namespace, keys, DecodedBatch([None] * n, [0] * n, [], None))


def _decode_each(
    blobs: Sequence[bytes | None],
    which: Iterable[int],
    namespace: str,
    keys: Sequence[str],
    into: DecodedBatch,
) -> DecodedBatch:
    """Decode records ``which`` one by one into ``into`` (its vectors, fps and corrupt)."""
    vectors, fps, corrupt = into.vectors, into.fps, into.corrupt
    for i in which:
        blob = blobs[i]
        assert blob is not None
        try:
            rec = decode_vector_record(blob, namespace, keys[i])
        except CorruptEntryError:
            corrupt.append(i)
            continue
        vectors[i] = rec.vector
        fps[i] = rec.fingerprint_id
    corrupt.sort()
    return into


_HEAD_DT = np.dtype([("lead", "<u8"), ("crc", "<u8")])
#: The first 8 bytes of a valid dense record (magic, version, kind, reserved zeros).
_LEAD_DENSE = int.from_bytes(HEAD.pack(MAGIC, FORMAT_VERSION, KIND_DENSE, 0, 0)[:8], "little")
_VEC_DT = np.dtype(
    [
        ("code", "u1"),
        ("pad", "V3"),
        ("dim", "<u4"),
        ("scale", "<f4"),
        ("fp", "<u8"),
        ("created", "<f8"),
    ]
)


def _decode_uniform(
    blobs: Sequence[bytes | None],
    found: Sequence[int],
    joined: bytes | None,
    namespace: str,
    keys: Sequence[str],
    dtype: str,
    dim: int,
) -> DecodedBatch | None:
    """The vectorized path for records of one length; None if their lengths differ.
    ``joined``: the values found back to back, when the caller has them.

    Checksums are taken by C loops over slices of one joined buffer; identities are
    compared as whole byte strings first (one compare each for namespaces and keys),
    and row by row only when that fails."""
    n = len(blobs)
    everything = len(found) == n
    nsb = ns_bytes(namespace)
    off_key = HEAD_SIZE + len(nsb)
    off_body = off_key + 32
    off_vec = off_body + _VEC_HEAD.size
    length = off_vec + dim * NP_DTYPES[dtype].itemsize
    if joined is None:
        joined = b"".join([blobs[i] for i in found])  # type: ignore[misc]
    size = len(joined)
    rows = len(found)
    if size != rows * length:
        return None
    buf = np.frombuffer(joined, dtype=np.uint8).reshape(rows, length)
    head = buf[:, :HEAD_SIZE].copy().view(_HEAD_DT).reshape(-1)
    meta = buf[:, off_body:off_vec].copy().view(_VEC_DT).reshape(-1)
    # each record's body as a row of the buffer: cheaper to make than a slice and a view
    crcs = np.fromiter(map(_xxh3, buf[:, HEAD_SIZE:]), np.uint64, rows)
    if everything:
        digests = keys.digests if isinstance(keys, KeyBatch) else bytes.fromhex("".join(keys))
    else:
        digests = bytes.fromhex("".join([keys[i] for i in found]))
    ok = (
        (head["lead"] == _LEAD_DENSE)
        & (head["crc"] == crcs)
        & (meta["code"] == _DTYPE_CODES[dtype])
        & (meta["dim"] == dim)
    )
    if buf[:, HEAD_SIZE:off_key].tobytes() != nsb * rows:
        ok &= (buf[:, HEAD_SIZE:off_key] == np.frombuffer(nsb, dtype=np.uint8)).all(axis=1)
    if buf[:, off_key:off_body].tobytes() != digests:
        want = np.frombuffer(digests, np.uint8).reshape(rows, 32)
        ok &= (buf[:, off_key:off_body] == want).all(axis=1)
    data = buf[:, off_vec:].view(NP_DTYPES[dtype])
    if dtype == "int8":
        vecs = data.astype(np.float32) * meta["scale"].astype(np.float32)[:, None]
    else:
        vecs = data.astype(np.float32)
    fp_found = meta["fp"].tolist()
    if everything and bool(ok.all()):
        return DecodedBatch(None, fp_found, [], vecs)
    return _scatter(blobs, found, namespace, keys, ok.tolist(), fp_found, vecs)


def _slices(start: int, size: int, length: int) -> Iterator[slice]:
    """``slice(o, o + length - start)`` for each record's body in a joined buffer."""
    return map(slice, range(start, size, length), range(length, size + 1, length))


def _scatter(
    blobs: Sequence[bytes | None],
    found: Sequence[int],
    namespace: str,
    keys: Sequence[str],
    okl: list[bool],
    fp_found: list[int],
    vecs: Any,
) -> DecodedBatch:
    """Per-position results of a batch with absent records or records that failed the
    vectorized checks: rows that passed go back to their positions, the others are
    decoded on their own (a record of another layout is still read; a corrupt one is
    listed as corrupt)."""
    n = len(blobs)
    vectors: list[Any] = [None] * n
    fps = [0] * n
    row_views = list(vecs)
    again = []
    for j, i in enumerate(found):
        if okl[j]:
            vectors[i] = row_views[j]
            fps[i] = fp_found[j]
        else:
            again.append(i)
    return _decode_each(blobs, again, namespace, keys, DecodedBatch(vectors, fps, [], None))
