"""Archives: a JSON manifest and checksummed members in one ``.tar.gz``, read safely.

Two formats share this: the semantic cache's checkpoint (``SemanticCache.dumps``) and
``nearcache export``. Each names its members and checks its own manifest; this module
owns what they have in common — writing a member with its size and SHA-256, writing the
tar stream (manifest first, reproducible headers), and reading an archive that nobody
should be trusted for:

* every member header is checked *before* its data is read: regular files only, no
  absolute or ``..`` names, no links or devices, no duplicates, known names only, the
  manifest first, a member count and a per-member size cap;
* the gzip stream is inflated through a counter that stops at a total size and at a
  suspicious compression ratio (decompression bombs);
* member data is copied to names chosen here (``m00000``, ...) in a private folder, so
  no name from the archive ever becomes a path;
* the manifest's sizes and checksums must match, and payloads are only ever parsed as
  JSON and msgpack without extension types. Nothing is unpickled or executed.

The standard library's ``tarfile`` and ``gzip`` are used in stream mode (no random
access, so a truncated archive fails cleanly instead of seeking into garbage).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from .codecs import unpack_payload
from .errors import CheckpointError, CorruptEntryError, UnsafeArchiveError

__all__ = [
    "MANIFEST",
    "Limits",
    "Member",
    "add_member",
    "guard",
    "member_info",
    "parse_manifest",
    "private_folder",
    "read_manifest",
    "read_members",
    "unpack_rows",
    "verify_members",
    "write_tar",
]

MANIFEST = "manifest.json"
_MAX_MANIFEST_BYTES = 16 << 20
_T = TypeVar("_T")


class Limits:
    """Caps applied while reading an archive (override for unusually large caches)."""

    def __init__(
        self,
        *,
        max_members: int = 10_000,
        max_member_bytes: int = 1 << 30,
        max_total_bytes: int = 32 << 30,
        max_ratio: float = 200.0,
        ratio_floor_bytes: int = 64 << 20,
    ) -> None:
        self.max_members = max_members
        self.max_member_bytes = max_member_bytes
        self.max_total_bytes = max_total_bytes
        self.max_ratio = max_ratio
        self.ratio_floor_bytes = ratio_floor_bytes


@dataclass(frozen=True)
class Member:
    """One member as read: the private file holding its bytes, and their size and
    SHA-256 (hashed while copying, so verifying does not read the file again)."""

    path: Path
    size: int
    sha256: str


# --------------------------------------------------------------------------- writing


def add_member(work: Path, name: str, data: bytes, members: dict[str, dict[str, Any]]) -> None:
    """Write one member's bytes to ``work`` and list its size and checksum in ``members``."""
    (work / name).write_bytes(data)
    members[name] = member_info(data)


def member_info(data: bytes) -> dict[str, Any]:
    """What the manifest says of a member: its size and SHA-256."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_tar(path: Path, manifest: dict[str, Any], work: Path) -> None:
    """Write ``manifest`` and then every member it lists (read from ``work``) to ``path``
    as a gzip-compressed tar, fsynced. Headers carry no time or owner, so the same content
    gives the same bytes."""
    raw = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    with open(path, "wb") as fh:
        with (
            gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=6, mtime=0) as gz,
            tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            _add(tar, MANIFEST, io.BytesIO(raw), len(raw))
            for name, info in manifest["members"].items():
                with open(work / name, "rb") as src:
                    _add(tar, name, src, int(info["bytes"]))
        fh.flush()
        os.fsync(fh.fileno())


def _add(tar: tarfile.TarFile, name: str, data: BinaryIO, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = 0
    tar.addfile(info, data)


# --------------------------------------------------------------------------- reading


def guard(fn: Callable[[], _T]) -> _T:
    """Run ``fn``, turning what a truncated or foreign file raises into CheckpointError."""
    try:
        return fn()
    except CheckpointError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        raise CheckpointError(f"not a nearcache archive, or truncated: {exc}") from exc


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest (the first member) alone, without reading the rest of the archive."""

    def first() -> dict[str, Any]:
        with (
            open(source, "rb") as raw,
            gzip.GzipFile(fileobj=raw, mode="rb") as gz,
            tarfile.open(fileobj=gz, mode="r|") as tar,
        ):
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isreg():
                raise CheckpointError("not a nearcache archive: it does not start with a manifest")
            if member.size > _MAX_MANIFEST_BYTES:
                raise UnsafeArchiveError(f"archive manifest is {member.size} bytes; too large")
            src = tar.extractfile(member)
            assert src is not None
            return parse_manifest(src.read(member.size))

    return guard(first)


def parse_manifest(raw: bytes) -> dict[str, Any]:
    """A manifest's JSON object (its kind and format are the caller's to check)."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"archive manifest is not JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise CheckpointError("archive manifest is not a JSON object")
    return manifest


def read_members(
    source: Path, work: Path, limits: Limits, names: re.Pattern[str]
) -> dict[str, Member]:
    """Copy each member of ``source`` into ``work`` under a name chosen here; return the
    archive's member names (manifest first) mapped to what was read.

    Raises:
        UnsafeArchiveError: a hostile member or stream (see the module docstring).
        CheckpointError: a damaged archive, or one with a member ``names`` does not allow.
    """

    def copy() -> dict[str, Member]:
        files: dict[str, Member] = {}
        total = 0
        with (
            open(source, "rb") as raw,
            gzip.GzipFile(fileobj=raw, mode="rb") as gz,
            tarfile.open(fileobj=gz, mode="r|") as tar,
        ):
            for member in tar:
                _check_member(member, files, limits, names)
                src = tar.extractfile(member)
                assert src is not None
                target = work / f"m{len(files):05d}"
                digest, size = hashlib.sha256(), 0
                with open(target, "xb") as out:
                    while block := src.read(1 << 20):
                        total += len(block)
                        size += len(block)
                        _check_inflation(total, raw.tell(), limits)
                        digest.update(block)
                        out.write(block)
                if size != member.size:
                    raise CheckpointError(f"archive member {member.name!r} is truncated")
                files[member.name] = Member(target, size, digest.hexdigest())
        if MANIFEST not in files:
            raise CheckpointError("the archive is empty")
        return files

    return guard(copy)


def _check_member(
    member: tarfile.TarInfo, files: dict[str, Member], limits: Limits, names: re.Pattern[str]
) -> None:
    name = member.name
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafeArchiveError(f"archive member {name!r} has an absolute path")
    if ".." in re.split(r"[/\\]", name):
        raise UnsafeArchiveError(f"archive member {name!r} climbs out of the target ('..')")
    if "\x00" in name:
        raise UnsafeArchiveError("archive member name contains NUL")
    if member.issym() or member.islnk():
        raise UnsafeArchiveError(f"archive member {name!r} is a link")
    if member.isdev() or member.ischr() or member.isblk() or member.isfifo():
        raise UnsafeArchiveError(f"archive member {name!r} is a device or pipe")
    if not member.isreg():
        raise UnsafeArchiveError(f"archive member {name!r} is not a regular file")
    if name in files:
        raise UnsafeArchiveError(f"archive member {name!r} appears twice")
    if len(files) >= limits.max_members:
        raise UnsafeArchiveError(f"archive has more than {limits.max_members} members")
    if not 0 <= member.size <= limits.max_member_bytes:
        raise UnsafeArchiveError(
            f"archive member {name!r} is {member.size} bytes; the cap is {limits.max_member_bytes}"
        )
    if name != MANIFEST and not names.fullmatch(name):
        raise CheckpointError(f"unexpected archive member {name!r}; not a nearcache archive")
    if not files and name != MANIFEST:
        raise CheckpointError("the manifest must be the archive's first member")


def _check_inflation(total: int, packed: int, limits: Limits) -> None:
    if total > limits.max_total_bytes:
        raise UnsafeArchiveError(
            f"archive inflates past {limits.max_total_bytes} bytes; refusing (decompression bomb?)"
        )
    if total > limits.ratio_floor_bytes and total / max(1, packed) > limits.max_ratio:
        raise UnsafeArchiveError(
            f"archive inflates {total / max(1, packed):.0f}x; refusing (decompression bomb?)"
        )


def verify_members(manifest: dict[str, Any], files: dict[str, Member]) -> None:
    """The members present are exactly those the manifest lists, each of its size and
    SHA-256."""
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(isinstance(i, dict) for i in members.values()):
        raise CheckpointError("archive manifest lists no members, or malformed ones")
    present = set(files) - {MANIFEST}
    if set(members) != present:
        raise CheckpointError(
            f"archive members {sorted(present ^ set(members))} do not match the manifest"
        )
    for name, info in members.items():
        got = files[name]
        if info.get("bytes") != got.size or info.get("sha256") != got.sha256:
            raise CheckpointError(f"archive member {name!r} fails its checksum")


def unpack_rows(name: str, data: bytes) -> list[Any]:
    """A member's msgpack list of rows (no extension types)."""
    try:
        rows = unpack_payload(data)
    except CorruptEntryError as exc:
        raise CheckpointError(f"archive member {name!r} is not valid msgpack: {exc}") from exc
    if not isinstance(rows, list):
        raise CheckpointError(f"archive member {name!r} is not a list of entries")
    return rows


@contextlib.contextmanager
def private_folder(prefix: str = "nearcache-") -> Iterator[Path]:
    """A fresh temporary folder only this user can read, removed with everything in it on exit.

    Imports unpack archives here; writers keep their work folder beside the destination
    instead (named so a later run can sweep what a killed one left).
    """
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    try:
        os.chmod(path, 0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
