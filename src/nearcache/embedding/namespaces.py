"""What an embedding namespace is known to hold: its layout and the embedders that wrote it
(and whether new vectors fit that layout).

Two store-wide settings per namespace (``Store.get_meta``/``set_meta``), cached in this
process: the layout (``dense`` with a dimension, or ``sparse`` with a vocabulary size),
fixed by the first write, and the set of embedder fingerprints that wrote into it (more
than one means the namespace mixes models; ``validate_models`` refuses that).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from ..codecs import SparseVector, as_matrix
from ..errors import (
    CacheError,
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidVectorError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import encode_parts
from ..stores.protocol import Store

__all__ = ["NamespaceMeta", "meta_key"]

log = logging.getLogger(__name__)


def meta_key(*parts: str) -> str:
    """The store setting holding ``parts`` (injective: length-prefixed)."""
    return encode_parts("embedding", *parts)


class NamespaceMeta:
    """Layouts and fingerprints of the namespaces of ``store`` (thread-safe)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._dims: dict[str, tuple[str, int]] = {}
        self._fps: dict[str, set[str]] = {}

    def layout(self, namespace: str) -> tuple[str, int] | None:
        """(kind, dim) recorded for a namespace, or None if it has none yet (or the store
        cannot be reached: reads degrade, writes fail later)."""
        found = self._dims.get(namespace)
        if found is not None:
            return found
        try:
            raw = self.store.get_meta(meta_key("layout", namespace))
        except StoreUnavailableError:
            return None
        if not raw:
            return None
        data = json.loads(raw)
        found = (str(data["kind"]), int(data["dim"]))
        with self._lock:
            self._dims[namespace] = found
        return found

    def set_layout(self, namespace: str, kind: str, dim: int) -> None:
        self.store.set_meta(meta_key("layout", namespace), json.dumps({"kind": kind, "dim": dim}))
        with self._lock:
            self._dims[namespace] = (kind, dim)

    def note_fingerprint(self, namespace: str, fingerprint: str) -> bool:
        """Record that ``fingerprint`` writes into ``namespace``; True if that is new."""
        if not fingerprint:
            return False
        known = self._fps.get(namespace)
        if known is not None and fingerprint in known:
            return False
        fps = set(self.fingerprints(namespace))
        added = fingerprint not in fps
        if added:
            fps.add(fingerprint)
            self.store.set_meta(meta_key("fingerprints", namespace), json.dumps(sorted(fps)))
        with self._lock:
            self._fps[namespace] = fps
        return added

    def fingerprints(self, namespace: str) -> list[str]:
        """The fingerprints recorded for ``namespace``, sorted (read from the store)."""
        raw = self.store.get_meta(meta_key("fingerprints", namespace))
        return sorted(json.loads(raw)) if raw else []

    def validate_models(self, namespace: str) -> None:
        """Raise ``FingerprintMismatchError`` if ``namespace`` mixes embedders."""
        fps = self.fingerprints(namespace)
        if len(fps) > 1:
            raise FingerprintMismatchError(
                f"namespace {namespace!r} holds vectors from {len(fps)} embedders: "
                + ", ".join(fps)
            )

    def forget(self, namespace: str) -> None:
        """Drop both settings (the namespace was cleared). A full store that refuses to
        keeps them: the namespace's vectors are gone all the same, and its next writes
        come from the model the namespace is named after."""
        try:
            for part in ("layout", "fingerprints"):
                self.store.set_meta(meta_key(part, namespace), "")
        except StoreWriteError as exc:  # a Redis past maxmemory: clearing must still work
            log.info("the store keeps the cleared namespace's settings: %s", exc)
        with self._lock:
            self._dims.pop(namespace, None)
            self._fps.pop(namespace, None)

    def undo(self, namespace: str, fingerprint: str | None, layout: bool) -> None:
        """Take back what a failed write added: its new ``fingerprint``, its ``layout``
        (best effort: a failure is logged)."""
        try:
            if fingerprint is not None:
                fps = set(self.fingerprints(namespace)) - {fingerprint}
                self.store.set_meta(
                    meta_key("fingerprints", namespace), json.dumps(sorted(fps)) if fps else ""
                )
                with self._lock:
                    self._fps.pop(namespace, None)
            if layout:
                self.store.set_meta(meta_key("layout", namespace), "")
                with self._lock:
                    self._dims.pop(namespace, None)
        except CacheError as exc:
            log.warning("could not take back namespace metadata of a failed write: %s", exc)

    def check_rows(self, namespace: str, n: int, vectors: Any) -> Any:
        """``vectors`` as ``n`` rows that fit the namespace's layout: a float32 matrix or
        a list of ``SparseVector`` (``InvalidVectorError``/``DimensionMismatchError``)."""
        layout = self.layout(namespace)
        if isinstance(vectors, (list, tuple)) and vectors and isinstance(vectors[0], SparseVector):
            if len(vectors) != n:
                raise DimensionMismatchError(
                    f"{len(vectors)} sparse vectors for {n} texts", expected=n, got=len(vectors)
                )
            if not all(isinstance(v, SparseVector) for v in vectors):
                raise InvalidVectorError("mixed sparse and dense vectors in one batch")
            if layout is not None and layout[0] != "sparse":
                raise InvalidVectorError(f"namespace {namespace!r} holds dense vectors")
            if layout is not None and layout[1]:
                for i, v in enumerate(vectors):
                    if v.nnz and int(v.indices[-1]) >= layout[1]:
                        raise DimensionMismatchError(
                            f"sparse vector {i} has index {int(v.indices[-1])} >= vocabulary "
                            f"size {layout[1]}",
                            expected=layout[1],
                            got=int(v.indices[-1]) + 1,
                        )
            return list(vectors)
        if layout is not None and layout[0] == "sparse":
            raise InvalidVectorError(f"namespace {namespace!r} holds sparse vectors")
        return as_matrix(vectors, rows=n, dim=layout[1] if layout else None)
