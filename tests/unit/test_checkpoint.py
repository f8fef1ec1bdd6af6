"""Checkpoints (SPEC §2 dumps/loads, RELIABILITY test 18): round trips and hostile archives."""

from __future__ import annotations

import gzip
import hashlib
import inspect
import io
import json
import os
import pickle
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest

from helpers import store_fingerprint
from nearcache import (
    CheckpointError,
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
    ManualClock,
    MemoryStore,
    SemanticCache,
    SQLiteStore,
    UnsafeArchiveError,
    archive,
)
from nearcache.semantic.checkpoint import Limits
from semantic_support import TableEmbedder

DIM = 16


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Route temporary directories to a place the test can inspect afterwards."""
    tmp = tmp_path / "tmpdirs"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    assert list(tmp.iterdir()) == []  # every private extraction dir was removed


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[SemanticCache, Path]]:
    clock = ManualClock(1_000_000.0)
    cache = SemanticCache(tmp_path / "src.db", TableEmbedder(DIM), clock=clock)
    for i in range(25):
        cache.put(
            f"question {i}", {"answer": i}, namespace="a" if i % 2 else "b", metadata={"i": i}
        )
    cache.put("scoped", "s", context={"model": "m1"})
    cache.put("short lived", "x", ttl=5)
    clock.advance(10)  # "short lived" has expired: it is not exported
    path = tmp_path / "ck.tar.gz"
    cache.dumps(path)
    yield cache, path
    cache.close()


def test_round_trip_into_a_path(source: tuple[SemanticCache, Path], tmp_path: Path) -> None:
    _, path = source
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[0] == "manifest.json"
    assert manifest["format"] == 1 and manifest["dim"] == DIM and manifest["dtype"] == "float32"
    assert manifest["fingerprint"] == TableEmbedder(DIM).fingerprint
    assert manifest["counts"] == {"entries": 26, "namespaces": {"a": 12, "b": 13, "default": 1}}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    emb = TableEmbedder(DIM)
    restored = SemanticCache.loads(path, tmp_path / "restored.db", emb)
    assert emb.calls == []
    assert restored.get("question 3", namespace="a").response == {"answer": 3}  # type: ignore[union-attr]
    assert restored.get("question 4", namespace="b").metadata == {"i": 4}  # type: ignore[union-attr]
    assert restored.get("scoped", context={"model": "m1"}) is not None
    assert restored.get("scoped") is None
    restored.set_similarity_threshold(0.9)
    assert restored.get("question  7 ?", namespace="a").response == {"answer": 7}  # type: ignore[union-attr]
    assert restored.stats().entries == 26
    assert restored.check() == []
    restored.close()
    again = SemanticCache(tmp_path / "restored.db", TableEmbedder(DIM))
    assert again.stats().index_entries == 26 and again.check() == []
    again.close()


def test_round_trip_into_memory_or_a_given_store(source: tuple[SemanticCache, Path]) -> None:
    _, path = source
    mem = SemanticCache.loads(path, None, TableEmbedder(DIM))
    assert mem.get("question 1", namespace="a") is not None and mem.check() == []
    mem.close()
    store = MemoryStore()
    given = SemanticCache.loads(path, None, TableEmbedder(DIM), store=store, vector_dtype="int8")
    assert given.get("question 1", namespace="a") is not None and given.check() == []
    given.close()


def test_loads_on_a_cache_is_refused_naming_the_class_call(
    source: tuple[SemanticCache, Path],
) -> None:
    """``cache.loads("cp.tar.gz")`` (``loads`` makes a new cache) returned a new cache in
    memory and left ``cache`` as it was: the caller went on with the empty cache."""
    import asyncio

    from nearcache import AsyncSemanticCache, InvalidTypeError

    _, path = source
    empty = SemanticCache(store=MemoryStore(), embedder=TableEmbedder(DIM))
    with pytest.raises(InvalidTypeError, match=r"^loads\(\) makes a new cache .* call Semantic"):
        empty.loads(path)
    assert empty.stats().entries == 0
    # what the message offers works, the cache's own embedder included
    offered = "SemanticCache.loads(source, embedder=cache.embedder, store=cache.store)"
    with pytest.raises(InvalidTypeError) as info:
        empty.loads(path)
    assert offered in str(info.value), str(info.value)
    restored = SemanticCache.loads(path, embedder=empty.embedder, store=empty.store)
    assert restored.stats().entries == 26
    restored.close()
    empty.close()

    async def on_an_async_cache() -> None:
        cache = AsyncSemanticCache(store=MemoryStore(), embedder=TableEmbedder(DIM))
        with pytest.raises(InvalidTypeError, match=r"call AsyncSemanticCache\.loads\(source"):
            await cache.loads(path)
        again = await AsyncSemanticCache.loads(path, None, TableEmbedder(DIM))
        assert (await again.stats()).entries == 26
        await again.close()
        await cache.close()

    asyncio.run(on_an_async_cache())
    assert SemanticCache.loads.__doc__ and SemanticCache.loads.__name__ == "loads"
    for cls in (SemanticCache, AsyncSemanticCache):  # help() shows no ``cls`` to pass
        assert next(iter(inspect.signature(cls.loads).parameters)) == "source"


def test_refuses_other_embedders_and_non_fresh_targets(
    source: tuple[SemanticCache, Path], tmp_path: Path
) -> None:
    _, path = source
    with pytest.raises(FingerprintMismatchError):
        SemanticCache.loads(path, tmp_path / "x.db", TableEmbedder(DIM, name="other"))
    with pytest.raises(DimensionMismatchError):
        SemanticCache.loads(path, tmp_path / "x.db", TableEmbedder(DIM * 2))
    assert not (tmp_path / "x.db").exists()
    with pytest.raises(CheckpointError):
        SemanticCache.loads(path, tmp_path / "src.db", TableEmbedder(DIM))  # exists
    store = MemoryStore()
    busy = SemanticCache(store=store, embedder=TableEmbedder(DIM))
    busy.put("mine", "m")
    before = store_fingerprint(store, "semantic")
    with pytest.raises(CheckpointError):
        SemanticCache.loads(path, None, TableEmbedder(DIM), store=store)
    assert store_fingerprint(store, "semantic") == before
    busy.close()


def test_dumps_is_atomic(
    source: tuple[SemanticCache, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, path = source
    original = path.read_bytes()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(archive, "_add", broken)  # fails mid-write, after the first member
    with pytest.raises(OSError):
        cache.dumps(path)
    assert path.read_bytes() == original
    assert [p.name for p in path.parent.iterdir() if ".tmp-" in p.name] == []


def test_dumps_into_a_folder_names_the_file_to_give(
    source: tuple[SemanticCache, Path], tmp_path: Path
) -> None:
    """``dumps(folder)`` failed with a raw "OSError: [Errno 16] Device or resource busy:
    '..tmp-...' -> '.'" (or "Is a directory"), and ``dumps("new/")`` wrote a FILE named
    ``new``; a folder is refused with the file to name instead, nothing written."""
    cache, _ = source
    folder = tmp_path / "backups"
    folder.mkdir()
    for dest in (folder, str(folder) + os.sep, str(tmp_path / "new") + os.sep):
        with pytest.raises(InvalidInputError, match=r"is a folder: name the archive, e\.g\."):
            cache.dumps(dest)
    assert list(folder.iterdir()) == [] and not (tmp_path / "new").exists()


# -- hostile archives ----------------------------------------------------------------------


def build(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, None if data is None else io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def reg(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def special(name: str, kind: bytes, link: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info, None


def valid_parts(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        data = {n: tar.extractfile(n).read() for n in manifest["members"]}  # type: ignore[union-attr]
    return manifest, data


def repack(
    manifest: dict[str, Any], data: dict[str, bytes], extra: list[Any] | None = None
) -> bytes:
    for name, body in data.items():
        manifest["members"][name] = {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    parts = [reg("manifest.json", json.dumps(manifest).encode())]
    parts += [reg(n, b) for n, b in data.items()]
    return build(parts + (extra or []))


class Evil:
    def __reduce__(self) -> Any:
        return (os.system, (f"touch {SENTINEL}",))


SENTINEL = Path(tempfile.gettempdir()) / "nearcache-pickle-sentinel"


def hostile(kind: str, path: Path) -> tuple[bytes, type[Exception], Limits | None]:
    manifest, data = valid_parts(path)
    mbytes = json.dumps(manifest).encode()
    first = reg("manifest.json", mbytes)
    if kind == "dotdot":
        return build([first, reg("../evil.msgpack", b"x")]), UnsafeArchiveError, None
    if kind == "absolute":
        return build([first, reg("/tmp/nearcache-evil", b"x")]), UnsafeArchiveError, None
    if kind == "symlink":
        return (
            build([first, special("entries-00001.msgpack", tarfile.SYMTYPE, "/etc/passwd")]),
            UnsafeArchiveError,
            None,
        )
    if kind == "hardlink":
        return (
            build([first, special("entries-00001.msgpack", tarfile.LNKTYPE, "/etc/passwd")]),
            UnsafeArchiveError,
            None,
        )
    if kind == "device":
        return (
            build([first, special("entries-00001.msgpack", tarfile.CHRTYPE)]),
            UnsafeArchiveError,
            None,
        )
    if kind == "fifo":
        return (
            build([first, special("entries-00001.msgpack", tarfile.FIFOTYPE)]),
            UnsafeArchiveError,
            None,
        )
    if kind == "directory":
        return (
            build([first, special("entries-00001.msgpack", tarfile.DIRTYPE)]),
            UnsafeArchiveError,
            None,
        )
    if kind == "duplicate":
        return (
            build([first, *[reg(n, b) for n, b in data.items()], first]),
            UnsafeArchiveError,
            None,
        )
    if kind == "too_many":
        assert Limits().max_members == 10_000  # the default; a smaller cap keeps this quick
        return (
            build([first] + [reg(f"entries-{i:05d}.msgpack", b"") for i in range(101)]),
            UnsafeArchiveError,
            Limits(max_members=100),
        )
    if kind == "too_big":
        return (
            build([first, reg("entries-00001.msgpack", b"x" * 5000)]),
            UnsafeArchiveError,
            Limits(max_member_bytes=4096),
        )
    if kind == "truncated":
        whole = path.read_bytes()
        return whole[: len(whole) // 2], CheckpointError, None
    if kind == "not_gzip":
        return b"PK\x03\x04 definitely not a checkpoint", CheckpointError, None
    if kind == "bad_checksum":
        name = next(iter(data))
        body = bytearray(data[name])
        body[-1] ^= 1
        return build([first, reg(name, bytes(body))]), CheckpointError, None
    if kind == "tampered_record":
        name = next(iter(data))
        rows = msgpack.unpackb(data[name], raw=False)
        rec = bytearray(rows[0][3])
        rec[-1] ^= 1
        rows[0][3] = bytes(rec)
        return (
            repack(manifest, {name: msgpack.packb(rows, use_bin_type=True)}),
            CheckpointError,
            None,
        )
    if kind == "pickle":
        name = next(iter(data))
        return repack(manifest, {name: pickle.dumps(Evil())}), CheckpointError, None
    if kind == "unknown_member":
        return (
            build([first, *[reg(n, b) for n, b in data.items()], reg("notes.txt", b"hi")]),
            CheckpointError,
            None,
        )
    if kind == "manifest_not_first":
        return build([*[reg(n, b) for n, b in data.items()], first]), CheckpointError, None
    if kind == "missing_member":
        return build([first]), CheckpointError, None
    if kind == "other_fingerprint":
        manifest["fingerprint"] = "someone/else@1"
        return repack(manifest, data), FingerprintMismatchError, None
    if kind == "other_dim":
        manifest["dim"] = DIM + 1
        return repack(manifest, data), DimensionMismatchError, None
    if kind == "bad_manifest":
        return (
            build([reg("manifest.json", b"{not json"), *[reg(n, b) for n, b in data.items()]]),
            CheckpointError,
            None,
        )
    raise AssertionError(kind)


KINDS = [
    "dotdot",
    "absolute",
    "symlink",
    "hardlink",
    "device",
    "fifo",
    "directory",
    "duplicate",
    "too_many",
    "too_big",
    "truncated",
    "not_gzip",
    "bad_checksum",
    "tampered_record",
    "pickle",
    "unknown_member",
    "manifest_not_first",
    "missing_member",
    "other_fingerprint",
    "other_dim",
    "bad_manifest",
]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_archive_is_refused(
    source: tuple[SemanticCache, Path], tmp_path: Path, kind: str
) -> None:
    _, path = source
    archive, error, limits = hostile(kind, path)
    bad = tmp_path / f"{kind}.tar.gz"
    bad.write_bytes(archive)
    target = tmp_path / "target.db"
    with pytest.raises(error):
        SemanticCache.loads(bad, target, TableEmbedder(DIM), limits=limits)
    assert not target.exists() and not Path(f"{target}.index").exists()
    assert not SENTINEL.exists()
    assert not (tmp_path / "evil.msgpack").exists() and not Path("/tmp/nearcache-evil").exists()
    store = SQLiteStore(tmp_path / "given.db")
    before = store_fingerprint(store, "semantic")
    with pytest.raises(error):
        SemanticCache.loads(bad, None, TableEmbedder(DIM), store=store, limits=limits)
    assert store_fingerprint(store, "semantic") == before
    store.close()


def test_decompression_bomb_is_stopped_early(tmp_path: Path) -> None:
    """A small archive claiming a 900 MB member of zeros: refused after ~64 MB inflated."""
    info = tarfile.TarInfo("manifest.json")
    info.size = 900 << 20
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as gz:
        gz.write(info.tobuf(format=tarfile.PAX_FORMAT))
        zeros = bytes(1 << 20)
        for _ in range(80):
            gz.write(zeros)
    bomb = tmp_path / "bomb.tar.gz"
    bomb.write_bytes(raw.getvalue())
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UnsafeArchiveError, match="bomb"):
        SemanticCache.loads(bomb, tmp_path / "t.db", TableEmbedder(DIM))
    with pytest.raises(UnsafeArchiveError):
        SemanticCache.loads(
            bomb, tmp_path / "t.db", TableEmbedder(DIM), limits=Limits(max_total_bytes=1 << 20)
        )
    assert not (tmp_path / "t.db").exists()


def test_an_empty_cache_round_trips(tmp_path: Path) -> None:
    cache = SemanticCache(store=MemoryStore(), embedder=TableEmbedder(DIM))
    manifest = cache.dumps(tmp_path / "empty.tar.gz")
    assert manifest["counts"]["entries"] == 0
    again = SemanticCache.loads(tmp_path / "empty.tar.gz", tmp_path / "e.db", TableEmbedder(DIM))
    assert again.stats().entries == 0 and again.check() == []
    again.close()
    cache.close()


def test_a_killed_exports_leftovers_are_swept_by_the_next_export(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "c.tar.gz"
    (out / f".c.tar.gz.work-{pid}-0123abcd").mkdir()
    (out / f".c.tar.gz.work-{pid}-0123abcd" / "entries-00000.msgpack").write_bytes(b"x")
    (out / f".c.tar.gz.tmp-{pid}-89abcdef").write_bytes(b"partial")
    (out / f".other.tar.gz.tmp-{pid}-89abcdef").write_bytes(b"not ours")
    cache = SemanticCache(embedder=TableEmbedder(DIM), judge=None)
    cache.put("q", "a")
    cache.dumps(dest)
    cache.close()
    assert sorted(p.name for p in out.iterdir()) == [
        f".other.tar.gz.tmp-{pid}-89abcdef",
        "c.tar.gz",
    ]


def test_private_folder_is_owner_only_and_removed_even_on_error(private_tmp: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError), archive.private_folder(prefix="probe-") as work:
        seen.append(work)
        assert work.parent == private_tmp and work.name.startswith(f"probe-{os.getpid()}-")
        assert work.stat().st_mode & 0o777 == 0o700
        (work / "member").write_bytes(b"x")
        raise RuntimeError("interrupted import")
    assert not seen[0].exists()
