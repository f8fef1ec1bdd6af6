"""How ``EmbeddingCache`` reads a batch: the store read, the decode, the counters, and
for a store that reads in parts (``get_many_parts``, the Redis store) the keys worked
out part by part while the server looks up the part sent before.

A read of 1,000 500-character chunks spends about as long keying the texts (normalize
and hash, ~2 ms) as the Redis server and the socket take to answer them; sent as one
``MGET`` the two add up. Sent in parts, the server reads part ``k`` while this process
keys part ``k + 1``, and the first reply is parsed while the server reads the next.
The records, their checks and the result are the same either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..codecs import DecodedBatch, SparseVector, decode_dense_batch, fingerprint_id
from ..errors import InvalidInputError, InvalidTypeError, StoreUnavailableError
from ..keys import KeyBatch, join_key_batches, key_batch
from ..stores.breaker import outage_level

if TYPE_CHECKING:
    from .cache import EmbeddingCache

__all__ = ["PART", "KeyParts", "get_keys", "key_parts", "lookup"]

log = logging.getLogger("nearcache.embedding.cache")

TABLE = "embedding"
#: Texts per part of a read in parts; a batch of fewer than two parts is read at once.
PART = 500
#: Texts per part when they are long (``LONG_TEXT`` characters or more on average):
#: keying such a part takes longer than the store takes to read it, so smaller parts
#: start the store sooner and leave less to read once the last part is keyed.
LONG_PART = 250
LONG_TEXT = 400


class KeyParts:
    """The keys of ``texts`` in parts of ``size``, each worked out when the store asks
    for it (iterating); :meth:`keys` gives every key once the read is over, working out
    the parts the store did not ask for (so a bad text raises as it would have before
    the read, even when the store was down)."""

    def __init__(self, texts: Sequence[str], size: int, normalize: bool) -> None:
        self.texts = texts
        self.size = size
        self.normalize = normalize
        self.done: list[KeyBatch] = []

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[KeyBatch]:
        texts, size = self.texts, self.size
        for start in range(len(self.done) * size, len(texts), size):
            try:
                part = key_batch(texts[start : start + size], normalize=self.normalize)
            except (InvalidTypeError, InvalidInputError):
                # raise naming the text by its place in the whole batch, as one batch would
                key_batch(texts[: start + size], normalize=self.normalize)
                raise
            self.done.append(part)
            yield part

    def keys(self) -> KeyBatch:
        for _ in self:  # the parts not asked for yet
            pass
        return join_key_batches(self.done)


def key_parts(cache: EmbeddingCache, texts: list[str] | tuple[str, ...]) -> KeyParts | None:
    """``texts`` as :class:`KeyParts` when the cache's store reads in parts and the batch
    makes at least two parts (of ``PART`` texts, ``LONG_PART`` when they are long); None
    otherwise (the keys are then made at once)."""
    if len(texts) < 2 * LONG_PART or getattr(cache.store, "get_many_parts", None) is None:
        return None
    try:
        chars = sum(map(len, texts))
    except TypeError:  # an item with no length: keying names it
        chars = 0
    size = LONG_PART if chars >= LONG_TEXT * len(texts) else PART
    if len(texts) < 2 * size:
        return None
    return KeyParts(texts, size, cache.normalize)


def _read(
    cache: EmbeddingCache, namespace: str, keys: Sequence[str] | KeyParts, now: float
) -> tuple[Sequence[bytes | None], Sequence[str]]:
    if isinstance(keys, KeyParts):
        read_parts: Callable[..., Sequence[bytes | None]] = cache.store.get_many_parts  # type: ignore[attr-defined]
        blobs = read_parts(TABLE, namespace, keys, now=now, touch=cache._touch)
        return blobs, keys.keys()
    return cache.store.get_many(TABLE, namespace, keys, now=now, touch=cache._touch), keys


def lookup(
    cache: EmbeddingCache,
    namespace: str,
    keys: Sequence[str] | KeyParts,
    fingerprint: str | None,
    count: bool,
) -> tuple[DecodedBatch, Sequence[str]]:
    """Decoded records for ``keys`` (``vectors[i]`` None = miss), and the keys (made
    here from :class:`KeyParts`).

    ``matrix`` is set only when every key hit with one layout (the fast path: no
    per-row work here). Store outages and corrupt rows are misses (counted as errors).
    """
    now = cache._clock()
    try:
        blobs, keys = _read(cache, namespace, keys, now)
    except StoreUnavailableError as exc:
        n = len(keys)
        level = outage_level(cache.store)
        log.log(level, "embedding store unavailable, %d reads become misses: %s", n, exc)
        cache._counters.add(namespace, errors=1, misses=n if count else 0)
        if isinstance(keys, KeyParts):
            keys = keys.keys()
        return DecodedBatch([None] * n, [0] * n, [], None), keys
    batch = decode_dense_batch(blobs, namespace, keys)
    want_fp = None if fingerprint is None else fingerprint_id(fingerprint)
    if batch.matrix is not None and (want_fp is None or batch.fps.count(want_fp) == len(keys)):
        if count:
            cache._count(namespace, len(keys), len(keys), batch.matrix.nbytes)
        return batch, keys
    out, fps, corrupt = batch.vectors, batch.fps, batch.corrupt
    if corrupt:
        log.warning("%d corrupt entries in %s treated as misses", len(corrupt), namespace)
        cache._counters.add(namespace, errors=len(corrupt))
    if want_fp is not None:
        for i, fp in enumerate(fps):
            if fp != want_fp:
                out[i] = None
    if cache.handed.store is not None:
        for i, vec in enumerate(out):
            if vec is None and i not in corrupt:
                found = cache.handed.recall(namespace, keys[i], want_fp, now)
                if found is not None:
                    out[i], fps[i] = found
    if count:
        hits: list[Any] = [v for v in out if v is not None]
        saved = sum(v.nbytes if isinstance(v, np.ndarray) else 8 * v.nnz for v in hits)
        cache._count(namespace, len(out), len(hits), saved)
    return DecodedBatch(out, fps, corrupt, None), keys


def get_keys(
    cache: EmbeddingCache, keys: Sequence[str] | KeyParts, namespace: str, fingerprint: str | None
) -> tuple[npt.NDArray[np.float32] | list[SparseVector | None], npt.NDArray[np.bool_]]:
    """``get_many`` for checked keys (or texts keyed part by part) and namespace."""
    if not len(keys):
        layout = cache.meta.layout(namespace)
        return np.zeros((0, layout[1] if layout else 0), np.float32), np.zeros(0, bool)
    batch, keys = lookup(cache, namespace, keys, fingerprint, True)
    if batch.matrix is not None:
        cache.handed.remember(namespace, keys, batch.matrix, batch.fps)
        return batch.matrix, np.ones(len(keys), dtype=bool)
    found, fps = batch.vectors, batch.fps
    mask = np.fromiter((v is not None for v in found), dtype=bool, count=len(found))
    layout = cache.meta.layout(namespace)
    if layout is not None and layout[0] == "sparse":
        return [v if isinstance(v, SparseVector) else None for v in found], mask
    first = next((v.shape[0] for v in found if isinstance(v, np.ndarray)), 0)
    dim = layout[1] if layout else first
    out = np.zeros((len(keys), dim), dtype=np.float32)
    rows = [i for i, v in enumerate(found) if isinstance(v, np.ndarray)]
    if rows:
        out[rows] = np.stack([found[i] for i in rows])  # type: ignore[misc]
        cache.handed.remember(namespace, [keys[i] for i in rows], out, [fps[i] for i in rows], rows)
    return out, mask
