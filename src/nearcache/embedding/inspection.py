"""Looking at an embedding cache: ``stats``, ``inspect`` (ages of items) and ``check``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codecs import decode_vector_record
from ..errors import CorruptEntryError
from ..stats import CacheStats
from ..stores.protocol import info_or_empty, namespaces_or_empty

if TYPE_CHECKING:
    from .cache import EmbeddingCache

__all__ = ["cache_stats", "check_records", "inspect_namespace"]

TABLE = "embedding"


def _ns_stats(cache: EmbeddingCache, namespace: str) -> CacheStats:
    info = info_or_empty(cache.store, TABLE, namespace)
    return CacheStats(
        entries=info.entries,
        bytes=info.bytes,
        evictions=info.evictions,
        expirations=info.expirations,
        **cache._counters.get(namespace),
    )


def cache_stats(cache: EmbeddingCache, namespace: str | None) -> CacheStats:
    """One namespace's counters, or totals with ``namespaces`` filled in."""
    if namespace is not None:
        return _ns_stats(cache, namespace)
    names = sorted(set(namespaces_or_empty(cache.store, TABLE)) | set(cache._counters.names()))
    return CacheStats.total({ns: _ns_stats(cache, ns) for ns in names})


def inspect_namespace(cache: EmbeddingCache, namespace: str, limit: int | None) -> dict[str, Any]:
    """Layout, fingerprints and the ``limit`` oldest items, with their ages in seconds
    and in insertions since they were added."""
    now = cache._clock()
    created: list[tuple[float, str]] = []
    corrupt = 0
    for batch in cache.store.scan(TABLE, namespace):
        for item in batch:
            try:
                rec = decode_vector_record(item.value, namespace, item.key)
            except CorruptEntryError:
                corrupt += 1
                continue
            created.append((rec.created_at, item.key))
    created.sort()
    n = len(created)
    items = [
        {
            "hash": key,
            "created_at": at,
            "age_seconds": max(0.0, now - at),
            "age_insertions": n - 1 - i,
        }
        for i, (at, key) in enumerate(created[:limit])
    ]
    layout = cache.meta.layout(namespace)
    return {
        "namespace": namespace,
        "entries": n,
        "corrupt": corrupt,
        "kind": layout[0] if layout else None,
        "dim": layout[1] if layout else None,
        "vector_dtype": cache.vector_dtype,
        "fingerprints": cache.meta.fingerprints(namespace),
        "oldest": items[0] if items else None,
        "items": items,
    }


def check_records(cache: EmbeddingCache, fix: bool) -> list[str]:
    """The store's problems, then every record: its checksum and its namespace's layout
    (corrupt or foreign-shaped records are deleted when ``fix``)."""
    problems = list(cache.store.check(fix=fix))
    for ns in cache.store.namespaces(TABLE):
        layout = cache.meta.layout(ns)
        bad: list[str] = []
        for batch in cache.store.scan(TABLE, ns):
            for item in batch:
                try:
                    rec = decode_vector_record(item.value, ns, item.key)
                except CorruptEntryError as exc:
                    bad.append(item.key)
                    problems.append(f"{ns}/{item.key[:12]}: {exc}")
                    continue
                if layout is not None and (
                    (rec.dtype == "sparse") != (layout[0] == "sparse")
                    or (layout[0] == "dense" and rec.dim != layout[1])
                ):
                    bad.append(item.key)
                    problems.append(f"{ns}/{item.key[:12]}: layout differs from namespace")
        if fix and bad:
            cache.store.delete_many(TABLE, ns, bad)
    return problems
