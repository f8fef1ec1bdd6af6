"""Checkpoints: a semantic cache as one ``.tar.gz``, and a careful way back in.

Archive layout (``CHECKPOINT_FORMAT`` 1)::

    manifest.json           first member: format, kind, embedder fingerprint, dim, dtype,
                            hash algorithm, counts, and size + SHA-256 of every member
    entries-00000.msgpack   msgpack arrays of [namespace, key, expires_at, record]
    entries-00001.msgpack   ... (10,000 entries per member)

A record is the store value itself (the checksummed envelope naming its namespace and
key), so every entry is verified again on the way in and nothing is re-embedded.

Reading trusts nothing (:mod:`nearcache.archive` checks every header before its data,
caps sizes and inflation, verifies each member's checksum and parses only JSON and
msgpack); this module then checks the manifest and decodes every entry.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack

from ..archive import (
    MANIFEST,
    Limits,
    add_member,
    parse_manifest,
    private_folder,
    read_members,
    unpack_rows,
    verify_members,
    write_tar,
)
from ..errors import (
    CacheError,
    CheckpointError,
    CorruptEntryError,
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
)
from ..keys import HASH_ALGORITHM
from ..stores.url import names_folder
from .persist import pid_alive as _pid_alive
from .record import Entry, decode_entry

__all__ = ["CHECKPOINT_FORMAT", "Limits", "read_checkpoint", "write_checkpoint"]

CHECKPOINT_FORMAT = 1
KIND = "nearcache.semantic"
ENTRIES_PER_MEMBER = 10_000
_MEMBER_NAME = re.compile(r"entries-\d{5}\.msgpack")
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:work|tmp)-(?P<pid>\d+)-[0-9a-f]{8}$")

Row = tuple[str, str, float | None, bytes]


# --------------------------------------------------------------------------- writing


def write_checkpoint(
    dest: str | os.PathLike[str], entries: Iterator[Row], header: dict[str, Any]
) -> dict[str, Any]:
    """Write ``entries`` (namespace, key, expires_at, record) to ``dest`` atomically.

    The archive is built in a temporary file beside ``dest`` and renamed over it, so a
    killed export leaves either the previous file or a complete new one.
    """
    if names_folder(dest):  # it failed renaming the archive over the folder ("Is a
        # directory", "Device or resource busy"), and "new/" became a FILE named "new"
        raise InvalidInputError(
            f"{os.fspath(dest)} is a folder: name the archive, e.g. "
            f"{os.path.join(os.fspath(dest), 'cache.tar.gz')}"
        )
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(dest)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    work = dest.parent / f".{dest.name}.work-{tag}"
    work.mkdir(mode=0o700)  # private while it holds entries, like every other work folder
    tmp = dest.parent / f".{dest.name}.tmp-{tag}"
    try:
        members: dict[str, dict[str, Any]] = {}
        counts = _write_members(entries, work, members)
        manifest = {
            "format": CHECKPOINT_FORMAT,
            "kind": KIND,
            "created_at": time.time(),
            "hash_algorithm": HASH_ALGORITHM,
            **header,
            "counts": {"entries": sum(counts.values()), "namespaces": counts},
            "members": members,
        }
        write_tar(tmp, manifest, work)
        os.replace(tmp, dest)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write_members(
    entries: Iterator[Row], work: Path, members: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Entries as msgpack members of ``ENTRIES_PER_MEMBER``; the count per namespace."""
    counts: dict[str, int] = {}
    chunk: list[list[Any]] = []

    def flush() -> None:
        name = f"entries-{len(members):05d}.msgpack"
        add_member(work, name, msgpack.packb(chunk, use_bin_type=True), members)
        chunk.clear()

    for ns, key, expires, record in entries:
        chunk.append([ns, key, expires, record])
        counts[ns] = counts.get(ns, 0) + 1
        if len(chunk) >= ENTRIES_PER_MEMBER:
            flush()
    if chunk or not members:
        flush()
    return counts


def sweep_leftovers(dest: Path) -> int:
    """Remove the scratch folder and partial file of exports to ``dest`` whose process is
    gone (killed mid-export); return how many were removed."""
    removed = 0
    with contextlib.suppress(OSError):
        for path in dest.parent.iterdir():
            m = _LEFTOVER.match(path.name)
            if m is None or m["name"] != dest.name or _pid_alive(int(m["pid"])):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            removed += 1
    return removed


# --------------------------------------------------------------------------- reading


def read_checkpoint(
    source: str | os.PathLike[str],
    *,
    fingerprint: str | None,
    dim: int | None,
    limits: Limits | None = None,
) -> tuple[dict[str, Any], list[tuple[str, str, float | None, bytes, Entry]]]:
    """Verify an archive completely and return (manifest, decoded entries).

    Raises ``UnsafeArchiveError``/``CheckpointError`` for a hostile or damaged archive,
    ``FingerprintMismatchError``/``DimensionMismatchError`` for one made by another
    embedder. Members are copied into a private temporary folder, always removed.
    """
    with private_folder(prefix="nearcache-import-") as work:
        files = read_members(Path(source), work, limits or Limits(), _MEMBER_NAME)
        manifest = _check_manifest(parse_manifest(files[MANIFEST].path.read_bytes()))
        mdim = None if manifest.get("dim") is None else int(manifest["dim"])
        _check_embedder(manifest, fingerprint, dim, mdim)
        verify_members(manifest, files)
        entries = [
            entry
            for name in sorted(set(files) - {MANIFEST})
            for entry in _decode_member(name, files[name].path.read_bytes(), mdim)
        ]
    counts = manifest.get("counts") or {}
    if counts.get("entries") != len(entries):
        raise CheckpointError("the number of entries does not match the manifest")
    return manifest, entries


def _check_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    if manifest.get("kind") != KIND:
        raise CheckpointError("not a nearcache semantic-cache checkpoint")
    if manifest.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"unsupported checkpoint format {manifest.get('format')!r}")
    return manifest


def _check_embedder(
    manifest: dict[str, Any], fingerprint: str | None, dim: int | None, mdim: int | None
) -> None:
    """Refuse vectors of another size, another embedder or another key hash."""
    if dim is not None and mdim is not None and mdim != dim:
        raise DimensionMismatchError(
            f"checkpoint holds {mdim}-d vectors, the embedder makes {dim}-d",
            expected=dim,
            got=mdim,
        )
    want_fp = str(manifest.get("fingerprint") or "")
    if fingerprint and want_fp and fingerprint != want_fp:
        raise FingerprintMismatchError(
            f"checkpoint was made with embedder {want_fp!r}, not {fingerprint!r}"
        )
    algorithm = manifest.get("hash_algorithm")
    if algorithm != HASH_ALGORITHM:
        raise FingerprintMismatchError(
            f"checkpoint keys use {algorithm!r}, this process {HASH_ALGORITHM!r}"
        )


def _decode_member(
    name: str, data: bytes, dim: int | None
) -> Iterator[tuple[str, str, float | None, bytes, Entry]]:
    for row in unpack_rows(name, data):
        if not (
            isinstance(row, list)
            and len(row) == 4
            and isinstance(row[0], str)
            and isinstance(row[1], str)
            and (row[2] is None or isinstance(row[2], (int, float)))
            and isinstance(row[3], bytes)
        ):
            raise CheckpointError(f"archive member {name!r} holds a malformed entry")
        ns, key, expires, record = row
        try:
            entry = decode_entry(record, ns, key, dim)
        except (CorruptEntryError, ValueError) as exc:
            raise CheckpointError(f"entry {ns}/{key[:12]} in {name!r} is corrupt: {exc}") from exc
        if entry.expires_at != (None if expires is None else float(expires)):
            raise CheckpointError(f"entry {ns}/{key[:12]} has an inconsistent expiry")
        yield ns, key, entry.expires_at, record, entry


def check_importable(store_entries: int) -> None:
    if store_entries:
        raise CacheError(
            "a checkpoint restores into a fresh cache; the target already holds entries"
        )
