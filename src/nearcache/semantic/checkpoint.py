"""Checkpoints: a semantic cache as one ``.tar.gz``, and a careful way back in.

Archive layout (``CHECKPOINT_FORMAT`` 1)::

    manifest.json           first member: format, kind, embedder fingerprint, dim, dtype,
                            hash algorithm, counts, and size + SHA-256 of every member
    entries-00000.msgpack   msgpack arrays of [namespace, key, expires_at, record]
    entries-00001.msgpack   ... (10,000 entries per member)

A record is the store value itself (the checksummed envelope naming its namespace and
key), so every entry is verified again on the way in and nothing is re-embedded.

Reading trusts nothing: the gzip stream is decompressed through a counter that stops
at a total size and at a suspicious compression ratio (bombs); every member header is
checked *before* its data is read (regular files only, no absolute or ``..`` names, no
duplicates, known names only, a member count and per-member size cap); members are
extracted with tarfile's ``data`` filter into a private temporary directory that is
always removed; the manifest's checksums must match; and payloads are only ever parsed
as JSON and msgpack without extension types. Nothing is unpickled or executed.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import msgpack

from ..codecs import unpack_payload
from ..errors import (
    CacheError,
    CheckpointError,
    CorruptEntryError,
    DimensionMismatchError,
    FingerprintMismatchError,
    UnsafeArchiveError,
)
from ..keys import HASH_ALGORITHM
from .persist import pid_alive as _pid_alive
from .record import Entry, decode_entry

__all__ = ["CHECKPOINT_FORMAT", "Limits", "read_checkpoint", "write_checkpoint"]

CHECKPOINT_FORMAT = 1
KIND = "nearcache.semantic"
ENTRIES_PER_MEMBER = 10_000
_MEMBER_NAME = re.compile(r"manifest\.json|entries-\d{5}\.msgpack")
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


# --------------------------------------------------------------------------- writing


def write_checkpoint(
    dest: str | os.PathLike[str],
    entries: Iterator[tuple[str, str, float | None, bytes]],
    header: dict[str, Any],
) -> dict[str, Any]:
    """Write ``entries`` (namespace, key, expires_at, record) to ``dest`` atomically.

    The archive is built in a temporary file beside ``dest`` and renamed over it, so a
    killed export leaves either the previous file or a complete new one.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(dest)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    work = dest.parent / f".{dest.name}.work-{tag}"
    work.mkdir()
    tmp = dest.parent / f".{dest.name}.tmp-{tag}"
    try:
        members: dict[str, dict[str, Any]] = {}
        counts: dict[str, int] = {}
        chunk: list[list[Any]] = []
        total = 0

        def flush() -> None:
            name = f"entries-{len(members):05d}.msgpack"
            data = msgpack.packb(chunk, use_bin_type=True)
            (work / name).write_bytes(data)
            members[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            chunk.clear()

        for ns, key, expires, record in entries:
            chunk.append([ns, key, expires, record])
            counts[ns] = counts.get(ns, 0) + 1
            total += 1
            if len(chunk) >= ENTRIES_PER_MEMBER:
                flush()
        if chunk or not members:
            flush()
        manifest = {
            "format": CHECKPOINT_FORMAT,
            "kind": KIND,
            "created_at": time.time(),
            "hash_algorithm": HASH_ALGORITHM,
            **header,
            "counts": {"entries": total, "namespaces": counts},
            "members": members,
        }
        raw = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
        with open(tmp, "wb") as fh:
            with (
                gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=6, mtime=0) as gz,
                tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            ):
                _add(tar, "manifest.json", io.BytesIO(raw), len(raw))
                for name, info in members.items():
                    with open(work / name, "rb") as src:
                        _add(tar, name, src, int(info["bytes"]))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:work|tmp)-(?P<pid>\d+)-[0-9a-f]{8}$")


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


def _add(tar: tarfile.TarFile, name: str, data: BinaryIO, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = 0
    tar.addfile(info, data)


# --------------------------------------------------------------------------- reading


class _Counted(io.RawIOBase):
    """Reads from a gzip stream, refusing to inflate past a total or a ratio (bombs)."""

    def __init__(self, inner: BinaryIO, compressed: BinaryIO, limits: Limits) -> None:
        self._inner = inner
        self._compressed = compressed
        self._limits = limits
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        data = self._inner.read(len(buf))
        n = len(data)
        buf[:n] = data
        self.total += n
        lim = self._limits
        if self.total > lim.max_total_bytes:
            raise UnsafeArchiveError(
                f"archive inflates past {lim.max_total_bytes} bytes; refusing (decompression bomb?)"
            )
        if self.total > lim.ratio_floor_bytes:
            packed = max(1, self._compressed.tell())
            if self.total / packed > lim.max_ratio:
                raise UnsafeArchiveError(
                    f"archive inflates {self.total / packed:.0f}x; refusing (decompression bomb?)"
                )
        return n


def _check_member(member: tarfile.TarInfo, seen: set[str], limits: Limits) -> None:
    name = member.name
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafeArchiveError(f"archive member {name!r} has an absolute path")
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        raise UnsafeArchiveError(f"archive member {name!r} climbs out of the target ('..')")
    if "\x00" in name:
        raise UnsafeArchiveError("archive member name contains NUL")
    if member.issym() or member.islnk():
        raise UnsafeArchiveError(f"archive member {name!r} is a link")
    if member.isdev() or member.ischr() or member.isblk() or member.isfifo():
        raise UnsafeArchiveError(f"archive member {name!r} is a device or pipe")
    if not member.isreg():
        raise UnsafeArchiveError(f"archive member {name!r} is not a regular file")
    if name in seen:
        raise UnsafeArchiveError(f"archive member {name!r} appears twice")
    if len(seen) >= limits.max_members:
        raise UnsafeArchiveError(f"archive has more than {limits.max_members} members")
    if member.size < 0 or member.size > limits.max_member_bytes:
        raise UnsafeArchiveError(
            f"archive member {name!r} is {member.size} bytes; the cap is {limits.max_member_bytes}"
        )
    if not _MEMBER_NAME.fullmatch(name):
        raise CheckpointError(f"unexpected archive member {name!r}; not a nearcache checkpoint")


def _extract(source: Path, into: Path, limits: Limits) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    use_filter = hasattr(tarfile, "data_filter")
    with open(source, "rb") as raw:
        gz = gzip.GzipFile(fileobj=raw, mode="rb")
        counted = io.BufferedReader(_Counted(gz, raw, limits), buffer_size=1 << 16)  # type: ignore[arg-type]
        with tarfile.open(fileobj=counted, mode="r|") as tar:
            for member in tar:
                _check_member(member, seen, limits)
                if not names and member.name != "manifest.json":
                    raise CheckpointError("the manifest must be the archive's first member")
                seen.add(member.name)
                names.append(member.name)
                if use_filter:
                    tar.extract(member, into, filter="data")
                else:  # pragma: no cover - Python without extraction filters
                    src = tar.extractfile(member)
                    assert src is not None
                    with open(into / member.name, "xb") as out:
                        shutil.copyfileobj(src, out)
                got = into / member.name
                if got.is_symlink() or not got.is_file() or got.stat().st_size != member.size:
                    raise UnsafeArchiveError(
                        f"archive member {member.name!r} did not extract as a file"
                    )
    return names


def _guard(fn: Callable[[], _T]) -> _T:
    try:
        return fn()
    except CheckpointError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        raise CheckpointError(
            f"checkpoint is truncated or not a nearcache archive: {exc}"
        ) from None


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
    embedder. Members are extracted into a private temporary directory, always removed.
    """
    limits = limits or Limits()
    source = Path(source)
    work = Path(tempfile.mkdtemp(prefix="nearcache-import-"))
    try:
        os.chmod(work, 0o700)
        names = _guard(lambda: _extract(source, work, limits))
        if not names:
            raise CheckpointError("the archive is empty")
        manifest = _read_manifest(work / "manifest.json")
        mdim = manifest.get("dim")
        if dim is not None and mdim is not None and int(mdim) != dim:
            raise DimensionMismatchError(
                f"checkpoint holds {mdim}-d vectors, the embedder makes {dim}-d",
                expected=dim,
                got=int(mdim),
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
        members = manifest["members"]
        listed = set(members)
        present = set(names) - {"manifest.json"}
        if listed != present:
            raise CheckpointError(
                f"archive members {sorted(present ^ listed)} do not match the manifest"
            )
        entries: list[tuple[str, str, float | None, bytes, Entry]] = []
        for name in sorted(present):
            data = (work / name).read_bytes()
            info = members[name]
            if len(data) != info.get("bytes") or hashlib.sha256(data).hexdigest() != info.get(
                "sha256"
            ):
                raise CheckpointError(f"archive member {name!r} fails its checksum")
            entries.extend(_decode_member(name, data, None if mdim is None else int(mdim)))
        counts = manifest.get("counts") or {}
        if counts.get("entries") != len(entries):
            raise CheckpointError("the number of entries does not match the manifest")
        return manifest, entries
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"checkpoint manifest is not JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise CheckpointError("not a nearcache semantic-cache checkpoint")
    if manifest.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"unsupported checkpoint format {manifest.get('format')!r}")
    if not isinstance(manifest.get("members"), dict):
        raise CheckpointError("checkpoint manifest lists no members")
    for info in manifest["members"].values():
        if not isinstance(info, dict):
            raise CheckpointError("checkpoint manifest has a malformed member entry")
    return manifest


def _decode_member(
    name: str, data: bytes, dim: int | None
) -> Iterator[tuple[str, str, float | None, bytes, Entry]]:
    try:
        rows = unpack_payload(data)
    except CorruptEntryError as exc:
        raise CheckpointError(f"archive member {name!r} is not valid msgpack: {exc}") from None
    if not isinstance(rows, list):
        raise CheckpointError(f"archive member {name!r} is not a list of entries")
    for row in rows:
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
            raise CheckpointError(f"entry {ns}/{key[:12]} in {name!r} is corrupt: {exc}") from None
        if entry.expires_at != (None if expires is None else float(expires)):
            raise CheckpointError(f"entry {ns}/{key[:12]} has an inconsistent expiry")
        yield ns, key, entry.expires_at, record, entry


def check_importable(store_entries: int) -> None:
    if store_entries:
        raise CacheError(
            "a checkpoint restores into a fresh cache; the target already holds entries"
        )
