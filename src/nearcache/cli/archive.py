"""``nearcache export`` / ``import``: one archive for everything a store caches.

Archive layout (``FORMAT``), a gzip-compressed tar::

    manifest.json             first member: kind, format, hash algorithm, what it holds
                              (embedding namespaces with their fingerprints and counts,
                              file records, named key/value caches, the semantic cache's
                              counts), size + SHA-256 of each member
    records-00000.msgpack     msgpack arrays of [table, namespace, key, expires_at, record]:
                              embedding vectors, the file records ``nearcache embed``
                              keeps so that ``search`` works on the restored store, and
                              the entries of named key/value caches (``get_cache``, the
                              proxy's exact-only answers)
    semantic.tar.gz           the semantic cache's own checkpoint (``SemanticCache.dumps``),
                              present when the store holds semantic entries

Embedding records are the store's values (checksummed envelopes naming their namespace
and key): the import verifies each one and writes it back through ``EmbeddingCache``,
so nothing is re-embedded and the namespace metadata stays right. ``import`` also takes
a bare semantic-cache checkpoint (what ``export`` wrote before it covered embeddings).

Writing happens in a hidden work folder beside the destination, named after the process
(``.NAME.nearcache-export-PID``), which is renamed into place at the end; an export that
was killed leaves only that folder, and the next export into the same folder removes the
ones whose process is gone. Reading it back: :mod:`nearcache.cli.restore`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack

from ..archive import add_member, member_info, write_tar
from ..embedding.cache import EmbeddingCache
from ..errors import InvalidInputError
from ..keys import HASH_ALGORITHM
from ..semantic.persist import pid_alive
from ..stores.protocol import Store
from ..stores.url import names_folder
from .filerecords import KV_TABLE, corpus_namespace
from .ops import naming_the_model, semantic_module

__all__ = [
    "FORMAT",
    "FORMATS",
    "KIND",
    "MEMBER",
    "PARTS",
    "PER_MEMBER",
    "SEMANTIC_MEMBER",
    "SUFFIXES",
    "TABLE",
    "TABLES",
    "check_destination",
    "export_store",
    "part_of",
    "sweep",
]

FORMAT = 2
#: Formats ``import`` reads. An archive without named key/value caches is written as
#: format 1, which versions before them read; one with them says it is format 2, which
#: those versions refuse by its number instead of by an entry they do not expect.
FORMATS = (1, 2)
KIND = "nearcache.export"
TABLE = "embedding"
#: The tables exported: vectors, and key/value records: the file records ``nearcache
#: embed`` keeps for ``search`` (``kv`` namespaces named ``nearcache.corpus:...``) and the
#: named caches.
TABLES = (TABLE, KV_TABLE)
FILES_PREFIX = corpus_namespace("")
#: The manifest's parts, by what they hold: vectors, file records, named caches.
PARTS = (TABLE, "files", KV_TABLE)
PER_MEMBER = 10_000
SEMANTIC_MEMBER = "semantic.tar.gz"
MEMBER = re.compile(r"manifest\.json|records-\d{5}\.msgpack|semantic\.tar\.gz")
_WORK = re.compile(r"\..+\.nearcache-export-(\d+)")
_OLD_TMP = re.compile(r"\..+\.tmp-(\d+)-[0-9a-f]+")

#: Work folders of the library's own checkpoint writer in the temp folder carry no pid:
#: ones untouched this long are leftovers of a killed export.
OLD_TEMP_AGE = 24 * 3600.0


def part_of(table: str, namespace: str) -> str:
    """The manifest part (``PARTS``) a record of ``table`` and ``namespace`` is listed in."""
    if table == KV_TABLE:
        return "files" if namespace.startswith(FILES_PREFIX) else KV_TABLE
    return table


# --------------------------------------------------------------------------- destination


#: The one format ``export`` writes, by the suffixes that name it.
SUFFIXES = (".tar.gz", ".tgz")

#: The file name suggested inside a folder given as the destination.
EXAMPLE_NAME = "nearcache-export.tar.gz"


def check_destination(dest: str | Path, *, force: bool) -> None:
    """Refuse a destination that exists (unless ``force``), whose parent is a file, or
    whose name says another format than the gzip-compressed tar written (``x.zip``).
    A folder (``export backups``, ``export .``) is refused naming a file in it, as
    ``tar -czf FOLDER`` refuses it and ``SemanticCache.dumps(folder)`` does; it was told
    to write the sibling ``backups.tar.gz`` (or, for ``.``, a hidden ``.tar.gz``); a
    folder not made yet, written with its separator (``new/``), likewise."""
    if names_folder(dest):
        raise InvalidInputError(
            f"cannot write {dest}: it names a folder; name the archive in it, e.g. "
            f"{Path(dest) / EXAMPLE_NAME}"
        )
    dest = Path(dest)
    if not dest.name.lower().endswith(SUFFIXES):
        stem, says = _format_suffixes(dest.name)
        raise InvalidInputError(
            f"cannot write {dest}: export writes a gzip-compressed tar only, and the name "
            f"says {says or 'no format'}; name it {stem}.tar.gz (or .tgz)"
        )
    for parent in dest.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InvalidInputError(f"cannot write {dest}: {parent} is not a folder")
            break
    if dest.exists() and not force:
        raise InvalidInputError(f"{dest} exists; pass --force to overwrite it")


#: Suffixes that name an archive or compression format: the suggested name drops them
#: all (``x.tar.zip`` -> ``x.tar.gz``, not ``x.tar.tar.gz``), and keeps other dots.
_FORMAT_SUFFIXES = frozenset(
    [
        ".tar",
        ".gz",
        ".tgz",
        ".zip",
        ".bz2",
        ".tbz",
        ".tbz2",
        ".xz",
        ".txz",
        ".zst",
        ".lz",
        ".lz4",
        ".lzma",
        ".7z",
        ".rar",
        ".z",
    ]
)


def _format_suffixes(name: str) -> tuple[str, str]:
    """``name`` without its trailing format suffixes, and those suffixes: ``"x.tar.zip"``
    -> ``("x", ".tar.zip")``, ``"v1.2.zip"`` -> ``("v1.2", ".zip")``; a leading dot
    belongs to the stem (``".hidden"`` says no format)."""
    stem, says = name, ""
    while True:
        cut = stem.rfind(".")
        if cut <= 0 or stem[cut:].lower() not in _FORMAT_SUFFIXES:
            return stem, says
        stem, says = stem[:cut], stem[cut:] + says


def sweep(folder: Path, *, now: float | None = None) -> list[str]:
    """Remove leftovers of killed exports: work folders and partial files beside the
    destination whose process is gone, and the checkpoint writer's temp folders that
    nothing touched for ``OLD_TEMP_AGE`` seconds. Returns what was removed."""
    removed: list[str] = []
    candidates: list[Path] = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            found = _WORK.fullmatch(path.name) or _OLD_TMP.fullmatch(path.name)
            if found and int(found.group(1)) != os.getpid() and not pid_alive(int(found.group(1))):
                candidates.append(path)
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        for path in Path(tempfile.gettempdir()).glob("nearcache-export-*"):
            if path.is_dir() and now - path.stat().st_mtime > OLD_TEMP_AGE:
                candidates.append(path)
    for path in candidates:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if not path.exists():
            removed.append(str(path))
    return removed


# --------------------------------------------------------------------------- export


def export_store(store: Store, dest: Path, embedder: Any, *, force: bool) -> dict[str, Any]:
    """Write the store's embedding cache and semantic cache to ``dest``.

    Raises:
        InvalidInputError: ``dest`` exists (without ``force``), cannot be a file, or its
            folder cannot be written.
        FingerprintMismatchError: the semantic entries were made with another embedder.
    """
    dest = Path(dest)
    check_destination(dest, force=force)
    work = dest.parent / f".{dest.name}.nearcache-export-{os.getpid()}"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        swept = sweep(dest.parent)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(mode=0o700)
    except OSError as exc:  # a read-only or foreign folder: name the file asked for
        raise InvalidInputError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    try:
        members: dict[str, dict[str, Any]] = {}
        embedding, files, kv = _dump_records(store, work, members)
        semantic = _dump_semantic(store, embedder, work, members)
        manifest = {
            "format": FORMAT if kv["entries"] else 1,
            "kind": KIND,
            "created_at": time.time(),
            "hash_algorithm": HASH_ALGORITHM,
            "embedding": embedding,
            "files": files,
            "kv": kv,
            "semantic": semantic,
            "members": members,
        }
        partial = work / "archive.partial"
        write_tar(partial, manifest, work)
        os.replace(partial, dest)
    except OSError as exc:  # a full disk, a file size limit: name the file asked for
        raise InvalidInputError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "store": store.url,
        "checkpoint": str(dest),
        "bytes": dest.stat().st_size,
        "embedding": embedding,
        "files": files,
        "kv": kv,
        "semantic": semantic,
        "swept": swept,
    }


def _dump_records(
    store: Store, work: Path, members: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Embedding vectors, ``embed``'s file records and the named key/value caches as
    members; their manifest parts."""
    cache = EmbeddingCache(store)
    now = time.time()
    parts: dict[str, dict[str, Any]] = {p: {"entries": 0, "namespaces": {}} for p in PARTS}
    rows: list[list[Any]] = []

    def flush() -> None:
        name = f"records-{len(members):05d}.msgpack"
        add_member(work, name, msgpack.packb(rows, use_bin_type=True), members)
        rows.clear()

    for table in TABLES:
        for ns in sorted(store.namespaces(table)):
            count = 0
            for batch in store.scan(table, ns):
                for item in batch:
                    if item.expires_at is None or item.expires_at > now:
                        rows.append([table, ns, item.key, item.expires_at, bytes(item.value)])
                        count += 1
                if len(rows) >= PER_MEMBER:
                    flush()
            if count:
                info: dict[str, Any] = {"entries": count}
                if table == TABLE:
                    info["fingerprints"] = cache.models(ns)[ns]
                part = parts[part_of(table, ns)]
                part["namespaces"][ns] = info
                part["entries"] += count
    if rows:
        flush()
    return parts[TABLE], parts["files"], parts[KV_TABLE]


def _dump_semantic(
    store: Store, embedder: Any, work: Path, members: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    if not store.namespaces("semantic"):
        return None
    module = semantic_module("cache")
    if module is None:  # pragma: no cover - every current tree has the semantic cache
        return None
    with naming_the_model(store):
        cache = module.SemanticCache(embedder=embedder, store=store)
    try:  # dumps keeps its scratch folder beside its destination: inside ours
        manifest = cache.dumps(str(work / SEMANTIC_MEMBER))
    finally:
        cache.close()
    members[SEMANTIC_MEMBER] = member_info((work / SEMANTIC_MEMBER).read_bytes())
    counts = manifest.get("counts", {}) if isinstance(manifest, dict) else {}
    return {
        "entries": int(counts.get("entries", 0)),
        "namespaces": dict(counts.get("namespaces", {})),
        "fingerprint": manifest.get("fingerprint"),
        "dim": manifest.get("dim"),
    }
