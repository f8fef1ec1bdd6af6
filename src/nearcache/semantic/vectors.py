"""Query vectors: where the semantic cache gets the embedding of a text.

In order: a small in-process memory of recent query vectors (so a ``put`` right after a
missed ``get`` of the same text does not embed again), then the optional
``EmbeddingCache`` (shared across processes and namespaces), then one embedder call for
the rest, each distinct text once. The embedder call is a yielded ``Embed`` request, so
the sync and async caches drive the same code.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .._flow import Embed, run_sync
from ..codecs import MAX_DIM, as_matrix
from ..embedders.protocol import default_namespace
from ..embedding.cache import EmbeddingCache
from ..errors import CacheError, InvalidInputError

__all__ = ["RECENT_VECTORS", "QueryVectors", "RecentVectors"]

log = logging.getLogger("nearcache.semantic")

_F32 = np.dtype(np.float32)
#: Query vectors kept in process so a ``put`` right after a missed ``get`` does not embed.
RECENT_VECTORS = 256

Vector = npt.NDArray[np.float32]


class RecentVectors:
    """A small thread-safe LRU of query vectors keyed by (fingerprint, text)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str], Vector] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Vector | None:
        with self._lock:
            vec = self._data.get(key)
            if vec is not None:
                self._data.move_to_end(key)
            return vec

    def put(self, key: tuple[str, str], vec: Vector) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Vector | None]:
        """``get`` of each key under one lock (a batch would otherwise take it per text)."""
        with self._lock:
            data = self._data
            out = [data.get(key) for key in keys]
            for key, vec in zip(keys, out):
                if vec is not None:
                    data.move_to_end(key)
            return out

    def put_many(self, keys: Sequence[tuple[str, str]], vecs: Sequence[Vector] | Vector) -> None:
        """``put`` of each (key, vector) in order under one lock; only the last ``size``
        can stay, so the rest are not inserted just to be evicted."""
        if self.size <= 0:
            return
        start, last = len(keys), set[tuple[str, str]]()
        while start > 0 and len(last) < self.size:  # from the last ``size`` distinct keys
            start -= 1
            last.add(keys[start])
        with self._lock:
            data = self._data
            for i in range(start, len(keys)):
                data[keys[i]] = vecs[i]
                data.move_to_end(keys[i])
            while len(data) > self.size:
                data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class QueryVectors:
    """Vectors of query texts: recent memory, embedding cache, then the embedder."""

    def __init__(self, embedding_cache: EmbeddingCache | None, size: int = RECENT_VECTORS):
        self.recent = RecentVectors(size)
        self.embedding_cache = embedding_cache

    def peek(self, embedder: Any, text: str) -> Vector | None:
        """The vector of ``text`` if this process embedded it recently (no other work)."""
        if embedder is None:
            return None
        return self.recent.get((str(embedder.fingerprint), text))

    def flow(
        self, embedder: Any, texts: Sequence[str], dim: int | None
    ) -> Generator[Embed, Any, Vector]:
        """An ``(len(texts), dim)`` float32 matrix of the texts' vectors."""
        fp = str(embedder.fingerprint)
        dim = dim or (int(embedder.dim) or None)
        found: dict[str, Vector] = {}
        for text, vec in zip(texts, self.recent.get_many([(fp, t) for t in texts])):
            if vec is not None:
                found[text] = vec
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        ec = self.embedding_cache
        ens = default_namespace(embedder) if ec is not None else ""
        if ec is not None and missing:
            missing = self._from_cache(ec, ens, fp, dim, missing, found)
        if missing:
            raw = yield Embed(missing)
            mat = as_matrix(raw, rows=len(missing), dim=dim, what="embedder output")
            if ec is not None:
                try:
                    ec.put_many_by_hash(ec.keys_for(missing), mat, ens, fingerprint=fp)
                except (CacheError, InvalidInputError) as exc:
                    log.warning("could not store query embeddings in the embedding cache: %s", exc)
            self.recent.put_many([(fp, t) for t in missing], mat)
            if len(missing) == len(texts):  # every text embedded just now, in order
                return mat.copy() if mat is raw else mat  # never hand out the embedder's array
            found.update(zip(missing, mat))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def flow_one(self, embedder: Any, text: str, dim: int | None) -> Generator[Embed, Any, Vector]:
        """``flow`` of one text, as a vector: a single put's, without the batch's lists."""
        fp = str(embedder.fingerprint)
        known = self.recent.get((fp, text))
        if known is not None:
            return known
        if self.embedding_cache is not None:  # the shared cache first: the general path
            mat = yield from self.flow(embedder, [text], dim)
            first: Vector = mat[0]
            return first
        raw = yield Embed([text])
        return self._embedded_one(embedder, fp, text, raw, dim)

    def one(
        self, embedder: Any, text: str, dim: int | None, embed: Callable[[list[str]], Any]
    ) -> tuple[Vector, Vector | None]:
        """``flow_one`` with ``embed`` called directly (the sync cache's single put: no
        generator to drive), and the vector's unit row when it was just embedded (its
        check's sum of squares gives the norm: see ``_embedded_one``), else None."""
        if self.embedding_cache is not None:
            return run_sync(self.flow_one(embedder, text, dim), embed), None
        fp = str(embedder.fingerprint)
        known = self.recent.get((fp, text))
        if known is not None:
            return known, None
        raw = embed([text])
        width = dim or (int(embedder.dim) or None)
        if (
            type(raw) is np.ndarray
            and raw.dtype == _F32
            and raw.shape == (1, width)
            and raw.shape[1] <= MAX_DIM
        ):
            vec: Vector = raw[0].copy()  # never keep the embedder's array
            wide = vec.astype(np.float64)
            square = float(wide.dot(wide))  # finite and > 0 iff every value is finite and
            if 0.0 < square < math.inf:  # one is not zero: as_matrix's check, in float64
                self.recent.put((fp, text), vec)
                unit: Vector = vec.reshape(1, -1) / np.float32(math.sqrt(square))
                return vec, unit  # unit_rows' steps for one row: the very same bits
        return self._embedded_one(embedder, fp, text, raw, dim), None

    def _embedded_one(self, embedder: Any, fp: str, text: str, raw: Any, dim: int | None) -> Vector:
        """The embedder's output for one text, checked, copied and remembered."""
        mat = as_matrix(raw, rows=1, dim=dim or (int(embedder.dim) or None), what="embedder output")
        vec: Vector = mat[0].copy() if mat is raw else mat[0]  # never keep the embedder's array
        self.recent.put((fp, text), vec)
        return vec

    def _from_cache(
        self,
        ec: EmbeddingCache,
        ens: str,
        fp: str,
        dim: int | None,
        missing: list[str],
        found: dict[str, Vector],
    ) -> list[str]:
        """Fill ``found`` from the embedding cache; return the texts still missing."""
        try:
            mat, mask = ec.get_many_by_hash(ec.keys_for(missing), ens, fingerprint=fp)
        except (CacheError, InvalidInputError) as exc:
            log.warning("embedding cache lookup failed, embedding instead: %s", exc)
            return missing
        if not mask.any() or not isinstance(mat, np.ndarray):
            return missing
        if dim is not None and mat.shape[1] != dim:
            return missing
        for i in np.flatnonzero(mask).tolist():
            self.recent.put((fp, missing[i]), mat[i])
            found[missing[i]] = mat[i]
        return [t for t in missing if t not in found]
