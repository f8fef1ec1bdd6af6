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
from typing import Any

from .checkpoint import Limits
from .core import SemanticCore
from .freshonly import fresh_only
from .front import SemanticFront, call, drive, drive_lookup, drive_put
from .restore import restore

__all__ = ["SemanticCache"]


class SemanticCache(SemanticFront):
    """A layered semantic response cache (thread-safe).

    Args:
        path: SQLite file for a persistent cache (a ``SQLiteStore``); the index is saved
            beside it in ``<path>.index/``.
        embedder: an ``Embedder`` (``embed(texts)``, ``dim``, ``fingerprint``); default:
            the offline default model, loaded on first use.
        store: any ``Store`` (instead of ``path``); neither means in memory.
        similarity_threshold: the similarity floor in [-1, 1]: semantic candidates below
            it are never judged. Default: the judge's measured floor (``DefaultJudge.floor``)
            with ``judge="default"``, 0.85 with ``judge=None``.
        default_ttl: seconds an entry lives unless ``put`` says otherwise.
        max_entries: LRU limit over all namespaces.
        namespace_quotas: ``{"ns": n}`` LRU limit per namespace (0 refuses writes).
        confidence_fn: ``fn(query, candidate_hit) -> float`` compared with the threshold
            instead of the cosine similarity.
        validator: ``fn(query, hit) -> bool``; False rejects a candidate (both layers).
        metrics_hook: called with a ``MetricEvent`` per hit, miss, put, evict, expire and
            error; its exceptions are logged and ignored.
        normalize: key and embed queries by ``normalize_text`` (NFKC, collapsed spaces).
        index_backend: ``"auto"``, ``"exact"``, ``"hnsw"`` (usearch) or ``"faiss"`` (an
            index in process), or ``"pgvector"`` (a ``PostgresStore`` searches itself).
        index_options: ``M``, ``ef_construction``, ``ef_search``, ``threads``, ``rescore``,
            ``graph_dtype`` (``"auto"`` = int8, rescored exactly; see ``index.usearch``),
            ``auto_threshold``, ``background_build``, ``path`` (where to save the index);
            with pgvector ``M``, ``ef_construction`` and ``ef_search`` only.
        vector_dtype: ``"float32"``, ``"float16"`` or ``"int8"`` for stored and indexed
            vectors.
        multi_process_mode: ``"auto"`` (default: ``"shared"`` on every store other
            processes can write, ``"single"`` on a ``MemoryStore``), ``"single"`` (this
            process owns the store: nothing is checked) or ``"shared"`` (before each
            semantic search the namespace's version is checked -- one small read -- and
            other processes' changes are replayed from the store's change log, at most
            every ``stale_check_interval`` seconds; 0 = on every lookup).
        max_query_bytes / max_response_bytes / max_metadata_bytes: byte caps (UTF-8 for
            strings, compact JSON for metadata, msgpack for other responses). A lookup
            of an oversized query is a miss (reason ``too_large``); a put raises.
        embedding_cache: an ``EmbeddingCache`` to look query vectors up in and store
            them to, so a repeated query is never embedded twice.
        top_k: semantic candidates considered per lookup.
        clock: time source for TTL and sync intervals (default ``time.time``).
        fail_open: on a store outage, or a store refusing the write (a Redis past
            ``maxmemory``), ``put`` drops the write instead of raising.
        judge: ``"default"`` (a ``DefaultJudge``: guards for numbers, negation, antonyms,
            direction and roles, time and entities, then a learned verifier and a
            calibrated threshold), ``None`` (cosine alone) or any object with
            ``judge(query, candidate_query, similarity) -> Verdict``. Every semantic
            candidate must pass it; a refusal is a miss whose reason names the guard
            (``guard:numbers``) or ``verifier``. The exact layer is not judged.
        max_false_hit_rate: with ``judge="default"``, the bound on wrong semantic hits the
            accept threshold is chosen for (from the calibration shipped for the default
            embedder) and that ``feedback`` holds each namespace to (default 0.02).
        hot_entries / hot_bytes: bounds of the in-process copy of recently read exact
            hits (least recently used out first; 0 turns it off). Used on a store that
            tells locally whether anything was committed (SQLite), unless reads must
            reach the store for LRU order (``max_entries``, ``namespace_quotas``); every
            lookup still sees every write acknowledged by any process.

    Raises:
        ValueError: an unknown backend, dtype or mode, or an out-of-range setting.
        FingerprintMismatchError / DimensionMismatchError: the store was filled by a
            different embedder.
    """

    get = drive_lookup(SemanticCore.get_flow, hits_only=True)
    lookup = drive_lookup(SemanticCore.lookup_flow, hits_only=False)
    put = drive_put(SemanticCore.put_flow)
    put_many = drive(SemanticCore.put_many_flow)
    explain = drive(SemanticCore.explain_flow)
    feedback = call(SemanticCore.feedback)
    reset_feedback = call(SemanticCore.reset_feedback)
    delete = call(SemanticCore.delete)
    vacuum = call(SemanticCore.vacuum)
    compact = call(SemanticCore.compact)
    clear_namespace = call(SemanticCore.clear_namespace)
    clear = call(SemanticCore.clear)
    list_namespaces = call(SemanticCore.list_namespaces)
    requantize = call(SemanticCore.requantize)
    save_index = call(SemanticCore.save_index)
    dumps = call(SemanticCore.dumps)
    stats = call(SemanticCore.stats)
    health = call(SemanticCore.health)
    check = call(SemanticCore.check)
    close = call(SemanticCore.close)

    def __enter__(self) -> SemanticCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @fresh_only
    def loads(
        cls: type[SemanticCache],
        /,
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
