"""Saving the index beside the store, so reopening a large cache is a file read.

Reading a million rows back from SQLite takes seconds and rebuilding an HNSW graph takes
minutes, so the index is written to ``<db path>.index/`` (or ``index_options["path"]``)
and loaded on open. Layout::

    <dir>/CURRENT                 name of the generation to load (replaced atomically)
    <dir>/gen-<pid>-<ns>-<rand>/  one complete save:
        manifest.json             format, dim, dtype, fingerprint, store id, watermarks,
                                  partitions, and the XXH3 of every other file
        rows.keys / .wids / .exps per-row key (32 B), write id (u64), expiry (f64)
        exact.vec / .live / .scale  the exact partitions' matrices, concatenated
        p<i>.usearch | p<i>.faiss   one file per ANN partition

A generation is written completely (files fsynced) before ``CURRENT`` is switched to it
with a temp file and ``os.replace``, so a crash leaves the old or the new generation,
never a mix. On load, the exact partitions' vectors are memory-mapped, not read: a
million float32 rows (1.5 GB) are usable at once, and their checksum is verified in the
background (:attr:`IndexDir.pending`, see ``IndexReplica``), because reading them first
would be the whole cost of a reopen. Meanwhile every candidate is still confirmed
against its stored record, so a damaged vector can cost a miss, never a wrong answer.
Generations not named by ``CURRENT`` are swept on open once their writer is gone (or
after an hour). The manifest's *watermarks* are the store's per-namespace
version counters that the saved index reflects; on open the cache replays the store's
change log after them (or rescans a namespace whose log was truncated).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from ..errors import CorruptStoreError
from ..index.exact import ExactIndex, read_into
from ..index.factory import IndexConfig, load_index
from .filehash import MappedFile, hash_file
from .spaces import Space, SpaceSet

__all__ = ["FORMAT", "IndexDir"]

log = logging.getLogger(__name__)

FORMAT = 1
_STALE_SECONDS = 3600.0
#: Files larger than this are memory-mapped and verified in the background on load.
VERIFY_INLINE_BYTES = 32 << 20
_GRACE_SECONDS = 60.0
_NP: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def pid_alive(pid: int) -> bool:
    """True unless no process ``pid`` exists (a permission error means it exists)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class _Writer:
    """Appends arrays to a file while hashing them (no second read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._hash = xxhash.xxh3_64()

    def write(self, arr: npt.NDArray[Any]) -> None:
        arr = np.ascontiguousarray(arr)
        if arr.size:
            view = arr.data.cast("B")
            self._hash.update(view)
            self._fh.write(view)

    def close(self) -> str:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        return self._hash.hexdigest()


def _map_array(path: Path, dtype: np.dtype[Any], count: int) -> npt.NDArray[Any]:
    """A read-only memory map of a raw array file of exactly ``count`` items."""
    if path.stat().st_size != count * dtype.itemsize:
        raise CorruptStoreError(f"{path.name} has the wrong size")
    return np.memmap(path, dtype=dtype, mode="r", shape=(count,))


def _read_array(path: Path, dtype: np.dtype[Any], count: int, digest: str) -> npt.NDArray[Any]:
    out = np.empty(count, dtype=dtype)
    if xxhash.xxh3_64_hexdigest(read_into(path, out)) != digest:
        raise CorruptStoreError(f"{path.name} fails its checksum")
    return out


class IndexDir:
    """The saved-index directory of one cache (see module docs)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        #: Memory-mapped files the last load did not verify yet (checked through their maps).
        self.pending: list[MappedFile] = []

    # -- housekeeping ----------------------------------------------------------------

    def _current(self) -> str | None:
        try:
            name = (self.path / "CURRENT").read_text("utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot read %s/CURRENT: %s", self.path, exc)
            return None
        if not name.startswith("gen-") or "/" in name or "\\" in name or name in (".", ".."):
            return None
        return name

    def sweep(self) -> None:
        """Remove generations and temp files left behind by writers that are gone."""
        if not self.path.is_dir():
            return
        current = self._current()
        now = time.time()
        for child in self.path.iterdir():
            name = child.name
            if name == current or name == "CURRENT":
                continue
            if not (name.startswith("gen-") or name.startswith("CURRENT.tmp-")):
                continue
            try:
                age = now - child.stat().st_mtime
                pid = int(name.split("-")[1])  # gen-<pid>-..., CURRENT.tmp-<pid>[-<rand>]
            except (OSError, ValueError, IndexError):
                continue
            stale = age > _STALE_SECONDS or not pid_alive(pid)
            superseded = name.startswith("gen-") and age > _GRACE_SECONDS and current is not None
            if stale or superseded:
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        child.unlink()

    # -- save ------------------------------------------------------------------------

    def save(self, spaces: SpaceSet, meta: dict[str, Any], watermarks: dict[str, int]) -> None:
        """Write a new generation from ``spaces`` and switch ``CURRENT`` to it.

        The caller holds its write lock, so the index does not change meanwhile.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"gen-{os.getpid()}-{time.time_ns()}-{secrets.token_hex(4)}"
        gen = self.path / name
        # its own temp file: another cache object of this process may save meanwhile
        tmp = self.path / f"CURRENT.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        gen.mkdir()
        try:
            manifest = self._write_generation(gen, spaces, meta, watermarks)
            data = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()
            with open(gen / "manifest.json", "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(gen)
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(name)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path / "CURRENT")
            _fsync_dir(self.path)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self.sweep()

    def _write_generation(
        self, gen: Path, spaces: SpaceSet, meta: dict[str, Any], watermarks: dict[str, int]
    ) -> dict[str, Any]:
        files: dict[str, str] = {}
        keys_w = _Writer(gen / "rows.keys")
        wids_w = _Writer(gen / "rows.wids")
        exps_w = _Writer(gen / "rows.exps")
        vec_w = _Writer(gen / "exact.vec")
        live_w = _Writer(gen / "exact.live")
        scale_w = _Writer(gen / "exact.scale")
        parts: list[dict[str, Any]] = []
        offset = exact_offset = 0
        with spaces.lock:
            for i, space in enumerate(spaces.spaces()):
                index = space.index
                n = index.rows_used
                keys_w.write(space.keys[:n])
                wids_w.write(space.wids[:n].astype("<u8"))
                exps_w.write(space.exps[:n].astype("<f8"))
                part: dict[str, Any] = {
                    "namespace": space.namespace,
                    "scope": space.scope,
                    "pid": space.pid,
                    "rows": n,
                    "offset": offset,
                    "index": index.info(),
                }
                if isinstance(index, ExactIndex):
                    chunks, live, scale = index.arrays()
                    for codes in chunks:  # a reopened index: its mapped base, then its tail
                        vec_w.write(codes)
                    live_w.write(live.astype(np.uint8))
                    if scale is not None:
                        scale_w.write(scale.astype("<f4"))
                    part["exact_offset"] = exact_offset
                    exact_offset += n
                else:
                    stem = f"p{i}"
                    names = index.save(gen, stem)
                    for fname in names:
                        files[fname] = hash_file(gen / fname)
                    part["stem"] = stem
                parts.append(part)
                offset += n
        for writer in (keys_w, wids_w, exps_w, vec_w, live_w, scale_w):
            files[writer.path.name] = writer.close()
        return {
            "format": FORMAT,
            **meta,
            "dim": spaces.dim,
            "rows": offset,
            "exact_rows": exact_offset,
            "watermarks": watermarks,
            "partitions": parts,
            "files": files,
        }

    # -- load ------------------------------------------------------------------------

    def load(
        self, config: IndexConfig, expect: dict[str, Any]
    ) -> tuple[SpaceSet, dict[str, int]] | None:
        """The saved index and its watermarks, or None if absent, foreign or damaged."""
        self.sweep()
        self.pending = []
        name, tries = self._current(), 3
        while name is not None:
            gen = self.path / name
            try:
                return self._load(gen, config, expect)
            except (OSError, ValueError, KeyError, TypeError, CorruptStoreError) as exc:
                tries -= 1  # a gone file: another worker's save may have swept it meanwhile
                gone = isinstance(exc, FileNotFoundError) and tries > 0
                if gone and (now := self._current()) != name:
                    name = now
                    continue
                log.warning("saved index %s is unusable (%s); rebuilding from the store", gen, exc)
                return None
        return None

    def _load(
        self, gen: Path, config: IndexConfig, expect: dict[str, Any]
    ) -> tuple[SpaceSet, dict[str, int]] | None:
        manifest = json.loads((gen / "manifest.json").read_text("utf-8"))
        if not _fits(manifest, config, expect):
            return None
        watermarks = {str(k): int(v) for k, v in manifest["watermarks"].items()}
        if manifest.get("dim") is None:
            return SpaceSet(config, expect.get("dim")), watermarks
        dim = int(manifest["dim"])
        rows = _Rows(gen, manifest, config, dim)
        spaces = SpaceSet(config, dim)
        for part in manifest["partitions"]:
            space = rows.space(part)
            if space is None:
                return None
            spaces.adopt(space)
        for namespace in spaces.namespaces():
            spaces.rebuild_maps(namespace)
        self.pending = rows.pending
        return spaces, watermarks


def _fits(manifest: dict[str, Any], config: IndexConfig, expect: dict[str, Any]) -> bool:
    """Whether a saved index was made for this store, embedder, size and dtype (a foreign
    one is rebuilt, not an error; an unknown format is)."""
    if manifest.get("format") != FORMAT:
        raise CorruptStoreError(f"unknown saved-index format {manifest.get('format')!r}")
    for field in ("store_id", "hash_algorithm"):
        if manifest.get(field) != expect.get(field):
            log.info("saved index belongs to another store (%s differs)", field)
            return False
    fp, want_fp = manifest.get("fingerprint") or "", expect.get("fingerprint") or ""
    if fp and want_fp and fp != want_fp:
        log.info("saved index was built by another embedder; rebuilding")
        return False
    if manifest.get("dim") is None:
        return True
    if expect.get("dim") is not None and int(manifest["dim"]) != expect["dim"]:
        return False
    if manifest.get("dtype") != config.dtype:
        log.info(
            "saved index uses %s, the cache wants %s; rebuilding",
            manifest.get("dtype"),
            config.dtype,
        )
        return False
    return True


class _Rows:
    """The row arrays of a saved generation (keys, write ids, expiries and the exact
    partitions' vectors), checked against the manifest's digests; a large vector file is
    memory-mapped and its digest left ``pending`` for a background check."""

    def __init__(self, gen: Path, manifest: dict[str, Any], config: IndexConfig, dim: int):
        self.gen, self.config, self.dim = gen, config, dim
        files: dict[str, str] = manifest["files"]
        self.files = files
        rows, exact_rows = int(manifest["rows"]), int(manifest["exact_rows"])
        keys = _read_array(gen / "rows.keys", np.dtype(np.uint8), rows * 32, files["rows.keys"])
        self.keys = keys.reshape(rows, 32)
        self.wids = _read_array(gen / "rows.wids", np.dtype("<u8"), rows, files["rows.wids"])
        self.exps = _read_array(gen / "rows.exps", np.dtype("<f8"), rows, files["rows.exps"])
        npd = _NP[config.dtype]
        self.pending: list[MappedFile] = []
        if exact_rows * dim * npd.itemsize > VERIFY_INLINE_BYTES:
            vec = _map_array(gen / "exact.vec", npd, exact_rows * dim)
            self.pending = [MappedFile("exact.vec", vec, files["exact.vec"])]
        else:
            vec = _read_array(gen / "exact.vec", npd, exact_rows * dim, files["exact.vec"])
        self.vec = vec.reshape(exact_rows, dim)
        live = _read_array(gen / "exact.live", np.dtype(np.uint8), exact_rows, files["exact.live"])
        if live.size and int(live.max()) > 1:
            raise CorruptStoreError("exact.live holds values other than 0/1")
        self.live = live.view(bool)
        self.scale: npt.NDArray[np.float32] | None = None
        if config.dtype == "int8":
            self.scale = _read_array(
                gen / "exact.scale", np.dtype("<f4"), exact_rows, files["exact.scale"]
            )

    def space(self, part: dict[str, Any]) -> Space | None:
        """One saved partition, or None if it was built by another backend than wanted."""
        n, off, dim, config = int(part["rows"]), int(part["offset"]), self.dim, self.config
        info = dict(part["index"])
        if int(info["rows"]) != n or int(info["dim"]) != dim or info["dtype"] != config.dtype:
            raise CorruptStoreError("a saved partition does not match the manifest")
        if config.backend != "auto" and info["backend"] != config.backend:
            log.info("saved index uses %s, the cache wants %s", info["backend"], config.backend)
            return None
        if info["backend"] == "exact":
            eo = int(part["exact_offset"])
            index: Any = ExactIndex.from_arrays(
                dim,
                config.dtype,
                self.vec[eo : eo + n],
                self.live[eo : eo + n],
                None if self.scale is None else self.scale[eo : eo + n],
            )
        else:
            stem = str(part["stem"])
            for fname, digest in self.files.items():
                if fname.startswith(stem + ".") and hash_file(self.gen / fname) != digest:
                    raise CorruptStoreError(f"{fname} fails its checksum")
            index = load_index(self.gen, stem, info)
        rows = (self.keys[off : off + n], self.wids[off : off + n], self.exps[off : off + n])
        return Space(int(part["pid"]), str(part["namespace"]), str(part["scope"]), index, rows)
