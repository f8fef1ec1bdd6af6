"""``nearcache import``: restore an archive ``export`` wrote (layout in
:mod:`nearcache.cli.archive`), or a bare semantic-cache checkpoint.

Reading trusts nothing: :mod:`nearcache.archive` checks every member header before its
data, caps sizes and inflation and verifies every checksum; here every record is
verified too (the checksummed envelope naming its namespace and key) before anything is
written. Payloads are parsed as JSON and msgpack without extension types; nothing is
unpickled.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..archive import (
    MANIFEST,
    Limits,
    Member,
    parse_manifest,
    private_folder,
    read_manifest,
    read_members,
    unpack_rows,
    verify_members,
)
from ..codecs import KIND_KV, decode_vector_record, fingerprint_id, unpack_record
from ..embedding.cache import EmbeddingCache
from ..errors import (
    CheckpointError,
    CorruptEntryError,
    DimensionMismatchError,
    FingerprintMismatchError,
)
from ..keys import HASH_ALGORITHM
from ..stores.protocol import Item, Store
from .archive import FORMATS, KIND, MEMBER, PER_MEMBER, SEMANTIC_MEMBER, TABLE, part_of
from .filerecords import KV_TABLE
from .models import made_with
from .ops import semantic_module

__all__ = ["import_archive"]


def import_archive(
    store: Store,
    source: Path,
    embedder: Any,
    limits: Limits | None = None,
    first: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Restore an archive ``export`` wrote (or a bare semantic checkpoint) into ``store``.

    Everything is verified before anything is written. ``first``: the archive's manifest
    when the caller has read it already (``read_manifest``: a file that is no archive is
    refused before a store is opened, let alone created).

    Raises:
        CheckpointError / UnsafeArchiveError: a damaged or hostile archive.
        FingerprintMismatchError / DimensionMismatchError: semantic entries of another
            embedder.
    """
    limits = limits or Limits()
    source = Path(source)
    first = read_manifest(source) if first is None else first
    if first.get("kind") == "nearcache.semantic":
        bare = _restore_semantic(store, source, embedder, limits)  # a bare checkpoint
        return _imported(store, source, {"entries": 0, "namespaces": {}}, bare)
    with private_folder(prefix="nearcache-import-") as work:
        files = read_members(source, work, limits, MEMBER)
        manifest = _manifest(files[MANIFEST].path.read_bytes())
        _verify(manifest, files)
        rows = [
            row
            for name in sorted(files)
            if name.startswith("records-")
            for row in _decode(name, files[name].path.read_bytes(), manifest)
        ]
        semantic: dict[str, Any] | None = None
        if SEMANTIC_MEMBER in files:
            semantic = _restore_semantic(store, files[SEMANTIC_MEMBER].path, embedder, limits)
        embedding = _restore_embeddings(store, [r[1:] for r in rows if r[0] == TABLE])
        restored = _imported(store, source, embedding, semantic)
        records: dict[str, list[tuple[Any, ...]]] = {"files": [], KV_TABLE: []}
        for r in rows:  # one pass: each key/value record to its manifest part
            if r[0] == KV_TABLE:
                records[part_of(KV_TABLE, r[1])].append(r[1:])
        for part, kept in records.items():
            restored[part] = _restore_records(store, kept)
        return restored


def _imported(
    store: Store, source: Path, embedding: dict[str, Any], semantic: dict[str, Any] | None
) -> dict[str, Any]:
    sem_entries = 0 if semantic is None else int(semantic["entries"])
    return {
        "store": store.url,
        "checkpoint": str(source),
        "embedding": embedding,
        "semantic": semantic,
        "entries": int(embedding["entries"]) + sem_entries,
    }


def _manifest(raw: bytes) -> dict[str, Any]:
    manifest = parse_manifest(raw)
    if manifest.get("kind") not in (KIND, "nearcache.semantic"):
        raise CheckpointError("not a nearcache archive")
    return manifest


def _verify(manifest: dict[str, Any], files: dict[str, Member]) -> None:
    if manifest.get("format") not in FORMATS:
        raise CheckpointError(f"unsupported archive format {manifest.get('format')!r}")
    if manifest.get("hash_algorithm") != HASH_ALGORITHM:
        raise CheckpointError(
            f"archive keys use {manifest.get('hash_algorithm')!r}, this process {HASH_ALGORITHM!r}"
        )
    if not isinstance(manifest.get("embedding"), dict):
        raise CheckpointError("archive manifest is malformed")
    verify_members(manifest, files)


def _decode(name: str, data: bytes, manifest: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """(table, namespace, key, expires_at, fingerprint or None, vector or record) of each
    verified record of a member."""

    def names(part: str) -> dict[str, Any]:
        return dict((manifest.get(part) or {}).get("namespaces") or {})

    listed = {TABLE: names(TABLE), KV_TABLE: {**names("files"), **names(KV_TABLE)}}
    for row in unpack_rows(name, data):
        if not (
            isinstance(row, list)
            and len(row) == 5
            and row[0] in listed
            and isinstance(row[1], str)
            and isinstance(listed[row[0]].get(row[1]), dict)
            and isinstance(row[2], str)
            and (row[3] is None or isinstance(row[3], (int, float)))
            and isinstance(row[4], bytes)
        ):
            raise CheckpointError(f"archive member {name!r} holds a malformed entry")
        table, ns, key, expires, record = row
        try:
            if table == KV_TABLE:
                unpack_record(record, KIND_KV, ns, key)
                yield table, ns, key, expires, None, record
                continue
            rec = decode_vector_record(record, ns, key)
        except (CorruptEntryError, ValueError) as exc:
            raise CheckpointError(f"entry {ns}/{key[:12]} is corrupt: {exc}") from exc
        fps = {fingerprint_id(fp): fp for fp in listed[TABLE][ns].get("fingerprints") or []}
        fps[0] = ""
        if rec.fingerprint_id not in fps:
            raise CheckpointError(f"entry {ns}/{key[:12]} names an unlisted embedder")
        yield table, ns, key, expires, fps[rec.fingerprint_id], rec.vector


def _restore_records(store: Store, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Key/value records (verified by ``_decode``) written back as they were."""
    now = time.time()
    by_ns: dict[str, list[Item]] = {}
    for ns, key, expires, _fp, record in rows:
        if expires is None or expires > now:
            by_ns.setdefault(ns, []).append(Item(key, record, expires))
    for ns, items in by_ns.items():
        store.put_many(KV_TABLE, ns, items, now=now)
    return {
        "entries": sum(map(len, by_ns.values())),
        "namespaces": {k: len(v) for k, v in by_ns.items()},
    }


def _restore_embeddings(store: Store, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    cache = EmbeddingCache(store)
    now = time.time()
    groups: dict[tuple[str, str, float | None], tuple[list[str], list[Any]]] = {}
    for ns, key, expires, fp, vector in rows:
        if expires is not None and expires <= now:
            continue
        keys, vectors = groups.setdefault((ns, fp, expires), ([], []))
        keys.append(key)
        vectors.append(vector)
    counts: dict[str, int] = {}
    for (ns, fp, expires), (keys, vectors) in groups.items():
        ttl = None if expires is None else max(expires - now, 1e-3)
        for i in range(0, len(keys), PER_MEMBER):
            part = vectors[i : i + PER_MEMBER]
            batch: Any = np.stack(part) if hasattr(part[0], "shape") else part
            cache.put_many_by_hash(keys[i : i + PER_MEMBER], batch, ns, ttl, fingerprint=fp)
        counts[ns] = counts.get(ns, 0) + len(keys)
    return {"entries": sum(counts.values()), "namespaces": counts}


def _restore_semantic(store: Store, source: Path, embedder: Any, limits: Limits) -> dict[str, Any]:
    module = semantic_module("cache")
    if module is None:  # pragma: no cover
        raise CheckpointError("this installation has no semantic cache to restore into")
    held = store.info("semantic").entries
    if held:  # checked here too, to name the command that empties it
        raise CheckpointError(
            f"{store.url} already holds {held:,} semantic entr{'y' if held == 1 else 'ies'}; "
            "an archive's semantic entries restore only into an empty semantic cache: run "
            f"`nearcache clear --table semantic --store {store.url}` first, or import into "
            "a new store"
        )
    _refuse_another_binding(store, read_manifest(source))
    try:
        cache = module.SemanticCache.loads(str(source), None, embedder, store=store, limits=limits)
    except (DimensionMismatchError, FingerprintMismatchError) as exc:
        if embedder is None or not str(exc).startswith("checkpoint"):
            raise  # the store's own entries: ops.naming_the_model's case
        made = made_with(str(read_manifest(source).get("fingerprint") or ""))
        raise type(exc)(
            f"{exc}: the archive's entries were made with {made}; import without --model "
            "(and $NEARCACHE_MODEL) to take the archive's embedder"
        ) from exc
    try:
        counts = {ns: store.info("semantic", ns).entries for ns in store.namespaces("semantic")}
    finally:
        cache.close()
    return {"entries": sum(counts.values()), "namespaces": counts}


def _refuse_another_binding(store: Store, checkpoint: dict[str, Any]) -> None:
    """An empty store still bound to the embedder of its earlier entries: name both
    embedders and the way out (the write would only say "dimension 16, expected 8")."""
    from ..semantic.binding import StoreBinding

    bound = StoreBinding(store, None)
    bound.load(None)
    dim, fingerprint = checkpoint.get("dim"), str(checkpoint.get("fingerprint") or "")
    other_dim = bound.dim is not None and isinstance(dim, int) and dim != bound.dim
    other_fp = bool(bound.fingerprint and fingerprint and fingerprint != bound.fingerprint)
    if not (other_dim or other_fp):
        return

    def made(fp: str, d: Any) -> str:
        named = made_with(fp) if fp else ""
        return f"{named if named.startswith('--model') else repr(fp or 'unnamed')} ({d}-d)"

    message = (
        f"{store.url} holds no semantic entry but is still bound to the embedder of its "
        f"earlier ones, {made(bound.fingerprint, bound.dim)}; the archive's entries were "
        f"made with {made(fingerprint, dim)}: run `nearcache clear --table semantic "
        f"--store {store.url}` to unbind it, or import into a new store"
    )
    if other_dim:
        raise DimensionMismatchError(message, expected=bound.dim, got=dim)
    raise FingerprintMismatchError(message)
