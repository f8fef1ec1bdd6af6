"""Operations commands: stats, inspect, vacuum, compact, calibrate (export and import
live in :mod:`nearcache.cli.archive`).

Each function takes an open store and returns plain data (the ``--json`` output); the
rendering lives in :mod:`nearcache.cli.render`. The semantic cache is only constructed
when the store holds semantic entries (or a checkpoint is restored), since building it
needs the embedder the entries were made with.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..embedding.cache import EmbeddingCache
from ..errors import (
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
    NearcacheError,
)
from ..stores.protocol import Store
from .common import default_store_url, open_cli_store
from .filerecords import KV_TABLE, read_counters, unpack_file
from .fresh import new_sqlite_file, remove_if_empty

__all__ = [
    "calibrate",
    "compact",
    "inspect",
    "opened",
    "stats",
    "vacuum",
]

TABLES = ("embedding", "semantic", "kv", "batch")
CORPUS_PREFIX = "nearcache.corpus:"


@contextlib.contextmanager
def opened(url: str | None, *, must_exist: bool = False) -> Iterator[Store]:
    """Open the store for one command and always close it (``must_exist``: refuse a
    store that does not exist yet instead of creating it). A SQLite file it creates is
    removed again if the command fails leaving it empty (:mod:`nearcache.cli.fresh`)."""
    new = None if must_exist else new_sqlite_file(url or default_store_url())
    store = open_cli_store(url, must_exist=must_exist)
    try:
        yield store
    except BaseException:
        if new is not None:
            remove_if_empty(new, store)
        raise
    finally:
        store.close()


@contextlib.contextmanager
def naming_the_model(store: Store) -> Iterator[None]:
    """Add to a refusal of the embedder (another dimension or fingerprint than the
    store's semantic entries) which ``--model`` those entries were made with."""
    try:
        yield
    except (DimensionMismatchError, FingerprintMismatchError) as exc:
        from ..semantic.binding import StoreBinding
        from .models import made_with

        recorded = StoreBinding(store, None)
        recorded.load(None)
        made = made_with(recorded.fingerprint)
        raise type(exc)(f"{exc}: its entries were made with {made}") from exc


def semantic_module(name: str = "cache") -> Any:
    """``nearcache.semantic.<name>``, or None when this installation has no such module.

    Imported by name so the CLI works (and type-checks) whichever parts of the semantic
    cache are present; a missing *dependency* of the module still raises.
    """
    full = f"nearcache.semantic.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise


def _semantic_module() -> Any:
    return semantic_module("cache")


def _semantic_cache(store: Store, model: str | None = None) -> Any:
    """A ``SemanticCache`` over ``store`` with the ``model`` embedder (None: the store's
    own, see ``stored_embedder``), or None if this installation has no semantic cache."""
    module = _semantic_module()
    if module is None:
        return None
    from .models import stored_embedder

    with naming_the_model(store):
        return module.SemanticCache(embedder=stored_embedder(model), store=store)


def stats(store: Store) -> dict[str, Any]:
    """Entries, bytes and (for namespaces ``nearcache embed``/``search`` used) hit rate."""
    rows: list[dict[str, Any]] = []
    for table in TABLES:
        for ns in sorted(store.namespaces(table)):
            info = store.info(table, ns)
            row: dict[str, Any] = {
                "table": table,
                "namespace": ns,
                "entries": info.entries,
                "bytes": info.bytes,
                "evictions": info.evictions,
                "expirations": info.expirations,
                "hits": None,
                "misses": None,
                "hit_rate": None,
            }
            if table == "embedding":
                counters = read_counters(store, ns)
                if counters:
                    hits, misses = int(counters.get("hits", 0)), int(counters.get("misses", 0))
                    row.update(
                        hits=hits,
                        misses=misses,
                        hit_rate=hits / (hits + misses) if hits + misses else None,
                    )
            rows.append(row)
    total = {
        "entries": sum(r["entries"] for r in rows),
        "bytes": sum(r["bytes"] for r in rows),
    }
    return {"store": store.url, "namespaces": rows, "total": total}


def _semantic_details(store: Store, model: str | None) -> dict[str, Any]:
    """Index health and per-namespace figures of the semantic cache, or why not."""
    try:
        sem = _semantic_cache(store, model)
    except NearcacheError as exc:
        return {"error": " ".join(str(exc).split())}
    if sem is None:
        return {}
    try:
        health = sem.health()
        index = health.get("index", {}) if isinstance(health, dict) else {}
        per_ns: dict[str, Any] = {}
        for ns in sem.list_namespaces():
            st = sem.stats(ns)
            data = st.as_dict() if hasattr(st, "as_dict") else dict(vars(st))
            per_ns[ns] = {
                k: data.get(k) for k in ("partitions", "index_entries", "tombstones", "index_bytes")
            }
        return {
            "fingerprint": sem.fingerprint,
            "dim": index.get("dim"),
            "dtype": index.get("dtype"),
            "backends": index.get("backends"),
            "partitions": index.get("partitions"),
            "index_entries": index.get("entries"),
            "tombstones": index.get("tombstones"),
            "in_sync": index.get("in_sync"),
            "namespaces": per_ns,
        }
    finally:
        sem.close()


def inspect(
    store: Store, *, namespace: str | None = None, limit: int = 5, model: str | None = None
) -> dict[str, Any]:
    """Layout, fingerprints and oldest items of embedding namespaces; the semantic
    cache's index (opened with ``model``) and sizes; files recorded by ``embed``."""
    cache = EmbeddingCache(store)
    out: dict[str, Any] = {"store": store.url, "embedding": [], "semantic": [], "corpus": []}
    for ns in sorted(store.namespaces("embedding")):
        if namespace is not None and ns != namespace:
            continue
        out["embedding"].append(cache.inspect(ns, limit=limit))
    semantic_names = sorted(store.namespaces("semantic"))
    details = _semantic_details(store, model) if semantic_names else {}
    if details:
        out["semantic_cache"] = {k: v for k, v in details.items() if k != "namespaces"}
    for ns in semantic_names:
        if namespace is not None and ns != namespace:
            continue
        info = store.info("semantic", ns)
        out["semantic"].append(
            {
                "namespace": ns,
                "entries": info.entries,
                "bytes": info.bytes,
                "version": info.version,
                **details.get("namespaces", {}).get(ns, {}),
            }
        )
    for ns in sorted(store.namespaces(KV_TABLE)):
        if not ns.startswith(CORPUS_PREFIX):
            continue
        emb_ns = ns[len(CORPUS_PREFIX) :]
        if namespace is not None and namespace not in (ns, emb_ns):
            continue
        files = chunks = 0
        for batch in store.scan(KV_TABLE, ns):
            for item in batch:
                rec = unpack_file(ns, item.key, item.value)
                if rec is not None:
                    files += 1
                    chunks += len(rec.get("chunks", []))
        out["corpus"].append(
            {"namespace": ns, "embedding_namespace": emb_ns, "files": files, "chunks": chunks}
        )
    if namespace is not None and not any(out[k] for k in ("embedding", "semantic", "corpus")):
        held = sorted({*store.namespaces("embedding"), *semantic_names})
        have = f"; it holds: {', '.join(held)}" if held else "; it holds none"
        raise InvalidInputError(f"no namespace {namespace!r} in {store.url}{have}")
    return out


def vacuum(store: Store, *, model: str | None = None) -> dict[str, Any]:
    """Sweep expired entries of every table (the semantic cache also compacts)."""
    cache = EmbeddingCache(store)
    now = time.time()
    counts = {"embedding": cache.cleanup_expired()}
    for table in ("kv", "batch"):
        counts[table] = len(store.purge_expired(table, now=now))
    if store.namespaces("semantic"):
        sem = _semantic_cache(store, model)
        try:
            counts["semantic"] = int(sem.vacuum()) if sem is not None else 0
        finally:
            if sem is not None:
                sem.close()
    else:
        counts["semantic"] = 0
    return {"store": store.url, "removed": counts, "total": sum(counts.values())}


def compact(store: Store, *, model: str | None = None) -> dict[str, Any]:
    """Reclaim tombstoned index rows of the semantic cache."""
    reclaimed = 0
    if store.namespaces("semantic"):
        sem = _semantic_cache(store, model)
        if sem is not None:
            try:
                reclaimed = int(sem.compact())
            finally:
                sem.close()
    return {"store": store.url, "removed": {"semantic": reclaimed}, "total": reclaimed}


def _read_pairs(path: Path) -> list[tuple[str, str, bool]]:
    pairs: list[tuple[str, str, bool]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            a, b, same = row["a"], row["b"], row["same"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(
                f"{path}:{number}: expected a JSON object with a, b and same"
            ) from exc
        if not isinstance(a, str) or not isinstance(b, str) or not isinstance(same, bool):
            raise InvalidInputError(f"{path}:{number}: a and b must be strings, same a boolean")
        pairs.append((a, b, same))
    if not pairs:
        raise InvalidInputError(f"{path} holds no labeled pairs")
    return pairs


def calibrate(
    store: Store,
    pairs_path: Path,
    embedder: Any,
    *,
    max_false_hit_rate: float,
    confidence: float,
    judge: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run :func:`nearcache.calibrate` on labeled pairs, embedding through the store
    (``judge``: score each pair by the default judge, not by its cosine; ``progress``:
    called with each stage's advance)."""
    module = semantic_module("calibrate")
    if module is None:
        raise NearcacheError("this version of nearcache has no threshold calibration")
    run_calibrate = module.calibrate
    from ..embedding.cached_embedder import CachedEmbedder

    pairs = _read_pairs(pairs_path)
    cached = CachedEmbedder(embedder, EmbeddingCache(store))
    from ..judge import DefaultJudge

    result = run_calibrate(
        cached,
        pairs,
        max_false_hit_rate=max_false_hit_rate,
        confidence=confidence,
        judge=DefaultJudge() if judge else None,
        progress=progress,
    )
    if hasattr(result, "as_dict"):
        data = result.as_dict()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        data = dataclasses.asdict(result)
    else:
        data = dict(vars(result))
    return {"store": store.url, "model": str(embedder.fingerprint), **data, "pairs": len(pairs)}
