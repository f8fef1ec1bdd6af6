"""The ``search`` job: a query against the chunks ``embed`` recorded (:mod:`.corpus`).

``search`` scans the file records of the model's corpus namespace, fetches the chunks'
vectors by hash in one round trip and ranks them with an exact NumPy scan, which is fast
enough for a corpus of up to a few hundred thousand chunks.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..embedders.protocol import default_namespace
from ..embedding.cache import EmbeddingCache
from ..embedding.cached_embedder import CachedEmbedder
from ..errors import InvalidInputError, StoreWriteError
from ..stores.protocol import Store
from .filerecords import KV_TABLE, add_counters, corpus_namespace, unpack_file

__all__ = ["Match", "search"]


def _here_first(
    entries: list[tuple[str, int, int, str, str]],
) -> list[tuple[str, int, int, str, str]]:
    """Drop a chunk's records under paths this machine does not have when the same chunk
    is recorded under one it has: a store imported from another machine (or shared with
    one) holds the tree under both roots, and every result came twice, once as a path
    that cannot be opened here. A store searched where none of its paths exist keeps all."""
    by_key: dict[str, list[str]] = {}
    for e in entries:
        by_key.setdefault(e[4], []).append(e[0])
    exists: dict[str, bool] = {}

    def here(path: str) -> bool:
        if path not in exists:
            exists[path] = os.path.exists(path)
        return exists[path]

    gone = {
        (key, path)
        for key, paths in by_key.items()
        if len(set(paths)) > 1 and any(map(here, paths))
        for path in paths
        if not here(path)
    }
    return [e for e in entries if (e[4], e[0]) not in gone] if gone else entries


def _nothing_embedded(store: Store, namespace: str) -> str:
    """Why a search found nothing: no ``embed`` run, or one with another ``--model``."""
    from .models import model_option

    prefix = corpus_namespace("")
    others = sorted(
        ns[len(prefix) :]
        for ns in store.namespaces(KV_TABLE)
        if ns.startswith(prefix) and ns != corpus_namespace(namespace)
    )
    if not others:
        return (
            f"no chunks embedded with {namespace} in {store.url}; run `nearcache embed PATH` first"
        )
    options = " or ".join(f"--model {model_option(ns)}" for ns in others)
    return (
        f"no chunks embedded with {namespace} in {store.url}, which holds chunks embedded "
        f"with {', '.join(others)}: search with {options} (or embed with this model first)"
    )


@dataclass(frozen=True)
class Match:
    """A search result: where the chunk is and how similar it is to the query."""

    path: str
    start_line: int
    end_line: int
    similarity: float
    snippet: str
    hash: str


def search(
    query: str,
    *,
    store: Store,
    embedder: Any,
    k: int = 5,
) -> tuple[list[Match], dict[str, int]]:
    """The ``k`` chunks most similar to ``query`` among those embedded with ``embedder``.

    Returns:
        ``(matches, counts)`` where counts holds ``files``, ``chunks`` and ``missing``
        (chunks whose vectors are no longer in the cache, e.g. evicted).

    Raises:
        InvalidInputError: nothing was embedded with this model in this store.
    """
    if not isinstance(k, int) or k < 1:
        raise InvalidInputError("k must be a positive int")
    cache = EmbeddingCache(store, fail_open=True)  # a full store: the query's vector unkept
    ns = default_namespace(embedder)
    cns = corpus_namespace(ns)
    entries: list[tuple[str, int, int, str, str]] = []
    for batch in store.scan(KV_TABLE, cns):
        for item in batch:
            rec = unpack_file(cns, item.key, item.value)
            if rec is None:
                continue
            for key, start, end, snippet in rec.get("chunks", []):
                entries.append((str(rec["path"]), int(start), int(end), str(snippet), str(key)))
    if not entries:
        raise InvalidInputError(_nothing_embedded(store, ns))
    entries = _here_first(entries)
    files = len({e[0] for e in entries})  # the files searched: those with chunks, shown once
    # a store opened read-only (SQLite on a read-only mount) is searched without caching
    # the query's vector or counting the search
    read_only = bool(getattr(store, "read_only", False))
    cached = CachedEmbedder(embedder, cache, namespace=ns)
    qvec = np.asarray((embedder if read_only else cached).embed([query]), dtype=np.float32)[0]
    keys = list(dict.fromkeys(e[4] for e in entries))
    mat, found = cache.get_many_by_hash(keys, ns, fingerprint=str(embedder.fingerprint))
    assert isinstance(mat, np.ndarray)
    if not read_only:
        stats = cached.stats()
        with contextlib.suppress(StoreWriteError):  # a Redis past maxmemory: not counted
            add_counters(store, ns, hits=stats.hits, misses=stats.embedded, searches=1)
    row = {key: i for i, key in enumerate(keys)}
    qnorm = float(np.linalg.norm(qvec)) or 1.0
    norms = np.linalg.norm(mat, axis=1)
    scores = (mat @ qvec) / (np.where(norms > 0, norms, 1.0) * qnorm)
    scores[~found] = -np.inf
    ranked = sorted(
        (e for e in entries if found[row[e[4]]]),
        key=lambda e: (-float(scores[row[e[4]]]), e[0], e[1]),
    )[:k]
    matches = [
        Match(path, start, end, float(scores[row[key]]), snippet, key)
        for path, start, end, snippet, key in ranked
    ]
    return matches, {"files": files, "chunks": len(entries), "missing": int((~found).sum())}
