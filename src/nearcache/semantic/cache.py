"""``SemanticCache``: exact match first, then the nearest stored query.

>>> import numpy as np
>>> from nearcache import FunctionEmbedder, SemanticCache
>>> def embed(texts):  # any function texts -> (n, dim) vectors
...     return np.array([[1.0, len(t) % 7, 1.0] for t in texts])
>>> cache = SemanticCache(embedder=FunctionEmbedder(embed, dim=3, name="toy"))
>>> cache.put("What is the capital of France?", "Paris")
>>> cache.get("what is the capital of France?").response
'Paris'
>>> cache.close()
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._flow import run_sync
from ..errors import CheckpointError
from ..stores.protocol import Item
from .checkpoint import Limits, read_checkpoint
from .core import TABLE, SemanticCore
from .record import Entry
from .types import Hit, Miss

__all__ = ["SemanticCache", "import_entries", "restore"]


class SemanticCache(SemanticCore):
    """A layered semantic response cache (thread-safe).

    Args:
        path: SQLite file for a persistent cache (a ``SQLiteStore``); the index is saved
            beside it in ``<path>.index/``.
        embedder: an ``Embedder`` (``embed(texts)``, ``dim``, ``fingerprint``); default:
            the offline default model, loaded on first use.
        store: any ``Store`` (instead of ``path``); neither means in memory.
        similarity_threshold: lowest confidence in [-1, 1] accepted as a semantic hit.
        default_ttl: seconds an entry lives unless ``put`` says otherwise.
        max_entries: LRU limit over all namespaces.
        namespace_quotas: ``{"ns": n}`` LRU limit per namespace (0 refuses writes).
        confidence_fn: ``fn(query, candidate_hit) -> float`` compared with the threshold
            instead of the cosine similarity.
        validator: ``fn(query, hit) -> bool``; False rejects a candidate (both layers).
        metrics_hook: called with a ``MetricEvent`` per hit, miss, put, evict, expire and
            error; its exceptions are logged and ignored.
        normalize: key and embed queries by ``normalize_text`` (NFKC, collapsed spaces).
        index_backend: ``"auto"``, ``"exact"``, ``"hnsw"`` (usearch) or ``"faiss"``.
        index_options: ``M``, ``ef_construction``, ``ef_search``, ``threads``,
            ``auto_threshold``, ``background_build``, ``path`` (where to save the index).
        vector_dtype: ``"float32"``, ``"float16"`` or ``"int8"`` for stored and indexed
            vectors.
        multi_process_mode: ``"single"`` (this process owns the store) or ``"shared"``
            (other processes write too; their changes are replayed from the store's
            change log at most every ``stale_check_interval`` seconds).
        max_query_bytes / max_response_bytes / max_metadata_bytes: byte caps (UTF-8 for
            strings, compact JSON for metadata, msgpack for other responses).
        embedding_cache: an ``EmbeddingCache`` to look query vectors up in and store
            them to, so a repeated query is never embedded twice.
        top_k: semantic candidates considered per lookup.
        clock: time source for TTL (default ``time.time``).
        fail_open: on a store outage ``put`` drops the write instead of raising.

    Raises:
        ValueError: an unknown backend, dtype or mode, or an out-of-range setting.
        FingerprintMismatchError / DimensionMismatchError: the store was filled by a
            different embedder.
    """

    def get(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Hit | None:
        """The cached answer for ``query``, or None.

        Layer 1 is an exact match of the normalized query; layer 2 the most similar stored
        query of the same namespace and ``context``. ``embedding`` skips the embedder.
        Never raises for a miss: an embedder failure or store outage is a miss.
        """
        result = self.lookup(
            query, embedding=embedding, namespace=namespace, bypass=bypass, context=context
        )
        return result if isinstance(result, Hit) else None

    def lookup(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Hit | Miss:
        """Like ``get`` but a miss says why (``Miss.reason``) and carries the query vector."""
        return run_sync(  # type: ignore[no-any-return]
            self._lookup_flow(query, embedding, namespace, bypass, context), self._embed_texts
        )

    def put(
        self,
        query: str,
        response: Any,
        *,
        embedding: Any = None,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """Store ``response`` for ``query`` (replacing an entry for the same query).

        Raises:
            PayloadTooLargeError: query, response or metadata over its byte cap (checked
                before anything is embedded, serialized or locked).
            InvalidInputError: metadata that is not JSON, a bad ``embedding``, a bad ttl.
            NamespaceQuotaError: the namespace's quota is 0.
        """
        run_sync(
            self._put_flow(query, response, embedding, namespace, metadata, ttl, context),
            self._embed_texts,
        )

    def _embed_texts(self, texts: list[str]) -> Any:
        return self.embedder.embed(texts)

    def __enter__(self) -> SemanticCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- checkpoints ---------------------------------------------------------------

    @classmethod
    def loads(
        cls,
        source: str | os.PathLike[str],
        path: str | os.PathLike[str] | None = None,
        embedder: Any = None,
        *,
        limits: Limits | None = None,
        **kwargs: Any,
    ) -> SemanticCache:
        """Restore a checkpoint into a fresh cache at ``path`` (or ``store=``/memory).

        Raises ``FingerprintMismatchError``/``DimensionMismatchError`` for a checkpoint of
        another embedder and ``CheckpointError``/``UnsafeArchiveError`` for a damaged or
        hostile archive; in every such case nothing is written.
        """
        cache: SemanticCache = restore(cls, source, path, embedder, limits, kwargs)
        return cache


def import_entries(
    core: SemanticCore,
    rows: list[tuple[str, str, float | None, bytes, Entry]],
    header: dict[str, Any],
) -> None:
    """Write verified checkpoint rows into an empty cache and index them."""
    now = core._clock()
    with core._wlock:
        if core.store.info(TABLE).entries:
            raise CheckpointError(
                "a checkpoint restores into a fresh cache; the target holds entries"
            )
        if not core._fingerprint and header.get("fingerprint"):
            core._fingerprint = str(header["fingerprint"])
            core._config_saved = False
        if header.get("dim") is not None:
            core._ensure_config(int(header["dim"]))
        by_ns: dict[str, list[tuple[str, float | None, bytes, Entry]]] = {}
        for ns, key, expires, record, entry in rows:
            if entry.expired(now):
                continue
            by_ns.setdefault(ns, []).append((key, expires, record, entry))
        written: list[str] = []
        try:
            for ns, items in by_ns.items():
                written.append(ns)
                for start in range(0, len(items), 5000):
                    part = items[start : start + 5000]
                    version = core.store.put_many(
                        TABLE, ns, [Item(k, r, e) for k, e, r, _ in part], now=now
                    )
                    groups: dict[str, list[tuple[str, Entry]]] = {}
                    for key, _e, _r, entry in part:
                        groups.setdefault(entry.scope, []).append((key, entry))
                    for scope, group in groups.items():
                        core._index_entries(ns, scope, group)
                    core._after_write(ns, version)
        except BaseException:
            for ns in written:  # all or nothing: take back what this import wrote
                try:
                    core.store.clear(TABLE, ns)
                    core._spaces.drop_namespace(ns)
                except Exception:
                    pass
            raise


def restore(
    cls: Any,
    source: str | os.PathLike[str],
    path: str | os.PathLike[str] | None,
    embedder: Any,
    limits: Limits | None,
    kwargs: dict[str, Any],
) -> Any:
    """Shared by the sync and async classes: verify, then build the target cache."""
    fingerprint = None if embedder is None else str(embedder.fingerprint)
    dim = None if embedder is None or not int(embedder.dim) else int(embedder.dim)
    manifest, rows = read_checkpoint(source, fingerprint=fingerprint, dim=dim, limits=limits)
    header = {"fingerprint": manifest.get("fingerprint"), "dim": manifest.get("dim")}
    if path is None:
        cache = cls(None, embedder, **kwargs)
        core = _core_of(cache)
        try:
            import_entries(core, rows, header)
        except BaseException:
            core.close()
            raise
        return cache
    final = Path(path)
    if final.exists():
        raise CheckpointError(f"a checkpoint restores into a fresh cache; {final} already exists")
    tmp = final.parent / f".{final.name}.import-{os.getpid()}"
    _remove_db(tmp)
    try:
        core = _core_of(cls(tmp, embedder, **kwargs))
        try:
            import_entries(core, rows, header)
        finally:
            core.close()
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{tmp}{suffix}")
            if src.exists():
                os.replace(src, f"{final}{suffix}")
        index = Path(f"{tmp}.index")
        if index.exists():
            import shutil

            shutil.rmtree(f"{final}.index", ignore_errors=True)  # stale, its db is gone
            os.replace(index, f"{final}.index")
    except BaseException:
        _remove_db(tmp)
        raise
    return cls(final, embedder, **kwargs)


def _core_of(cache: Any) -> SemanticCore:
    core = getattr(cache, "_core", cache)
    assert isinstance(core, SemanticCore)
    return core


def _remove_db(base: Path) -> None:
    import shutil

    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{base}{suffix}")
        if p.exists():
            p.unlink()
    shutil.rmtree(f"{base}.index", ignore_errors=True)
