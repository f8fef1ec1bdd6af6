"""``nearcache import``: restore an archive ``export`` wrote (layout in
:mod:`nearcache.cli.archive`), or a bare semantic-cache checkpoint.

Reading trusts nothing: member headers are checked before any data is read (regular
files, known names, no duplicates, size caps), data is copied to files named by this
code (never by the archive) while it is counted against a total and a compression-ratio
cap, every checksum must match, and every record is verified (checksummed envelope
naming its namespace and key) before anything is written. Payloads are parsed as JSON
and msgpack without extension types; nothing is unpickled.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..codecs import KIND_KV, decode_vector_record, fingerprint_id, unpack_payload, unpack_record
from ..embedding.cache import EmbeddingCache
from ..errors import CheckpointError, CorruptEntryError, UnsafeArchiveError
from ..keys import HASH_ALGORITHM
from ..semantic.checkpoint import Limits
from ..stores.protocol import Item, Store
from .archive import FORMAT, KIND, MEMBER, PER_MEMBER, SEMANTIC_MEMBER, TABLE
from .corpus import KV_TABLE
from .ops import semantic_module

__all__ = ["import_archive"]

_T = TypeVar("_T")


def import_archive(
    store: Store, source: Path, embedder: Any, limits: Limits | None = None
) -> dict[str, Any]:
    """Restore an archive ``export`` wrote (or a bare semantic checkpoint) into ``store``.

    Everything is verified before anything is written.

    Raises:
        CheckpointError / UnsafeArchiveError: a damaged or hostile archive.
        FingerprintMismatchError / DimensionMismatchError: semantic entries of another
            embedder.
    """
    limits = limits or Limits()
    source = Path(source)
    if _guard(lambda: _first_manifest(source)).get("kind") == "nearcache.semantic":
        bare = _restore_semantic(store, source, embedder, limits)  # a bare checkpoint
        return _imported(store, source, {"entries": 0, "namespaces": {}}, bare)
    work = Path(tempfile.mkdtemp(prefix=f"nearcache-import-{os.getpid()}-"))
    try:
        os.chmod(work, 0o700)
        files = _guard(lambda: _extract(source, work, limits))
        manifest = _manifest(files["manifest.json"].read_bytes())
        _verify(manifest, files)
        rows = [
            row
            for name in sorted(files)
            if name.startswith("records-")
            for row in _decode(name, files[name].read_bytes(), manifest)
        ]
        semantic: dict[str, Any] | None = None
        if SEMANTIC_MEMBER in files:
            semantic = _restore_semantic(store, files[SEMANTIC_MEMBER], embedder, limits)
        embedding = _restore_embeddings(store, [r[1:] for r in rows if r[0] == TABLE])
        restored = _imported(store, source, embedding, semantic)
        restored["files"] = _restore_files(store, [r[1:] for r in rows if r[0] == KV_TABLE])
        return restored
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _first_manifest(source: Path) -> dict[str, Any]:
    """The manifest (the first member) alone, to tell an export from a bare checkpoint."""
    with (
        open(source, "rb") as raw,
        gzip.GzipFile(fileobj=raw, mode="rb") as gz,
        tarfile.open(fileobj=gz, mode="r|") as tar,
    ):
        member = tar.next()
        if member is None or member.name != "manifest.json" or not member.isreg():
            raise CheckpointError("not a nearcache archive: it does not start with a manifest")
        if member.size > 16 << 20:
            raise UnsafeArchiveError(f"archive manifest is {member.size} bytes; too large")
        src = tar.extractfile(member)
        assert src is not None
        return _manifest(src.read(member.size))


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


def _guard(fn: Callable[[], _T]) -> _T:
    try:
        return fn()
    except CheckpointError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        raise CheckpointError(f"not a nearcache archive, or truncated: {exc}") from exc


def _extract(source: Path, work: Path, limits: Limits) -> dict[str, Path]:
    """Copy each member to ``work/m<N>`` (names chosen here), checking headers first."""
    files: dict[str, Path] = {}
    total = 0
    with (
        open(source, "rb") as raw,
        gzip.GzipFile(fileobj=raw, mode="rb") as gz,
        tarfile.open(fileobj=gz, mode="r|") as tar,
    ):
        for member in tar:
            _check_member(member, files, limits)
            src = tar.extractfile(member)
            assert src is not None
            target = work / f"m{len(files):05d}"
            with open(target, "xb") as out:
                while block := src.read(1 << 20):
                    total += len(block)
                    _check_ratio(total, raw.tell(), limits)
                    out.write(block)
            files[member.name] = target
    if "manifest.json" not in files:
        raise CheckpointError("the archive is empty")
    return files


def _check_member(member: tarfile.TarInfo, files: dict[str, Path], limits: Limits) -> None:
    name = member.name
    if not member.isreg():
        raise UnsafeArchiveError(f"archive member {name!r} is not a regular file")
    if not MEMBER.fullmatch(name):
        raise CheckpointError(f"unexpected archive member {name!r}; not a nearcache archive")
    if not files and name != "manifest.json":
        raise CheckpointError("the manifest must be the archive's first member")
    if name in files:
        raise UnsafeArchiveError(f"archive member {name!r} appears twice")
    if len(files) >= limits.max_members:
        raise UnsafeArchiveError(f"archive has more than {limits.max_members} members")
    if not 0 <= member.size <= limits.max_member_bytes:
        raise UnsafeArchiveError(f"archive member {name!r} is {member.size} bytes; too large")


def _check_ratio(total: int, packed: int, limits: Limits) -> None:
    if total > limits.max_total_bytes:
        raise UnsafeArchiveError(f"archive inflates past {limits.max_total_bytes} bytes")
    if total > limits.ratio_floor_bytes and total / max(1, packed) > limits.max_ratio:
        raise UnsafeArchiveError("archive inflates suspiciously far (decompression bomb?)")


def _manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"archive manifest is not JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") not in (KIND, "nearcache.semantic"):
        raise CheckpointError("not a nearcache archive")
    return manifest


def _verify(manifest: dict[str, Any], files: dict[str, Path]) -> None:
    if manifest.get("format") != FORMAT:
        raise CheckpointError(f"unsupported archive format {manifest.get('format')!r}")
    if manifest.get("hash_algorithm") != HASH_ALGORITHM:
        raise CheckpointError(
            f"archive keys use {manifest.get('hash_algorithm')!r}, this process {HASH_ALGORITHM!r}"
        )
    members = manifest.get("members")
    emb = manifest.get("embedding")
    if not isinstance(members, dict) or not isinstance(emb, dict):
        raise CheckpointError("archive manifest is malformed")
    if set(members) != set(files) - {"manifest.json"}:
        raise CheckpointError("archive members do not match the manifest")
    for name, info in members.items():
        data = files[name].read_bytes()
        if not isinstance(info, dict) or info.get("bytes") != len(data):
            raise CheckpointError(f"archive member {name!r} has the wrong size")
        if hashlib.sha256(data).hexdigest() != info.get("sha256"):
            raise CheckpointError(f"archive member {name!r} fails its checksum")


def _decode(name: str, data: bytes, manifest: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """(table, namespace, key, expires_at, fingerprint or None, vector or record) of each
    verified record of a member."""
    listed = {
        TABLE: (manifest.get("embedding") or {}).get("namespaces") or {},
        KV_TABLE: (manifest.get("files") or {}).get("namespaces") or {},
    }
    try:
        rows = unpack_payload(data)
    except CorruptEntryError as exc:
        raise CheckpointError(f"archive member {name!r} is not valid msgpack: {exc}") from exc
    if not isinstance(rows, list):
        raise CheckpointError(f"archive member {name!r} is not a list of entries")
    for row in rows:
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


def _restore_files(store: Store, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
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
    cache = module.SemanticCache.loads(str(source), None, embedder, store=store, limits=limits)
    try:
        counts = {ns: store.info("semantic", ns).entries for ns in store.namespaces("semantic")}
    finally:
        cache.close()
    return {"entries": sum(counts.values()), "namespaces": counts}
