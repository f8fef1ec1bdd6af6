"""The export archive (``nearcache export``/``import``): a round trip in process, and
archives that are damaged or hostile are refused before anything is written."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
import pytest

pytest.importorskip("typer")

from nearcache import EmbeddingCache, FunctionEmbedder, open_store
from nearcache.cli.archive import export_store
from nearcache.cli.models import HashEmbedder
from nearcache.cli.restore import import_archive
from nearcache.errors import CheckpointError, UnsafeArchiveError
from nearcache.semantic.checkpoint import Limits
from nearcache.stores.memory import MemoryStore


def _embedder() -> FunctionEmbedder:
    return FunctionEmbedder(
        lambda ts: np.random.default_rng(len(ts)).standard_normal((len(ts), 8)), 8, "rand"
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    store = MemoryStore()
    cache = EmbeddingCache(store)
    emb = _embedder()
    keys = cache.keys_for([f"text {i}" for i in range(30)])
    cache.put_many_by_hash(keys, emb.embed(keys), "ns.one", fingerprint=emb.fingerprint)
    cache.put_many_by_hash(keys[:5], emb.embed(keys[:5]), "ns.two", 3600.0)
    dest = tmp_path / "a.tar.gz"
    export_store(store, dest, HashEmbedder(), force=False)
    return dest


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def _write(path: Path, members: list[tuple[str, bytes]], *, fix_manifest: bool = True) -> Path:
    data = dict(members)
    if fix_manifest and "manifest.json" in data:
        manifest = json.loads(data["manifest.json"])
        for name in manifest["members"]:
            if name in data:
                blob = data[name]
                manifest["members"][name] = {
                    "bytes": len(blob),
                    "sha256": hashlib.sha256(blob).hexdigest(),
                }
        data["manifest.json"] = json.dumps(manifest).encode()
    with gzip.open(path, "wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for name, _ in members:
            info = tarfile.TarInfo(name)
            info.size = len(data[name])
            tar.addfile(info, io.BytesIO(data[name]))
    return path


def _refused(path: Path, error: type[Exception], match: str, **limits: Any) -> None:
    target = MemoryStore()
    with pytest.raises(error, match=match):
        import_archive(target, path, HashEmbedder(), Limits(**limits) if limits else None)
    assert target.namespaces("embedding") == [] and target.namespaces("kv") == []


def test_round_trip_keeps_vectors_fingerprints_and_expiry(archive: Path) -> None:
    target = MemoryStore()
    out = import_archive(target, archive, HashEmbedder())
    assert out["embedding"] == {"entries": 35, "namespaces": {"ns.one": 30, "ns.two": 5}}
    cache = EmbeddingCache(target)
    emb = _embedder()
    keys = cache.keys_for([f"text {i}" for i in range(30)])
    got, found = cache.get_many_by_hash(keys, "ns.one", fingerprint=emb.fingerprint)
    assert found.all()
    np.testing.assert_allclose(got, emb.embed(keys), rtol=1e-6)
    assert cache.models("ns.one")["ns.one"] == [emb.fingerprint]
    expiries = [i.expires_at for batch in target.scan("embedding", "ns.two") for i in batch]
    assert len(expiries) == 5 and all(e is not None and e > 0 for e in expiries)
    assert [i.expires_at for b in target.scan("embedding", "ns.one") for i in b] == [None] * 30


def test_a_member_that_fails_its_checksum_is_refused(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    name = next(n for n in members if n.startswith("records-"))
    members[name] = members[name][:-1] + bytes([members[name][-1] ^ 1])
    bad = _write(tmp_path / "bad.tar.gz", list(members.items()), fix_manifest=False)
    _refused(bad, CheckpointError, "checksum")


def test_a_corrupt_record_is_refused_even_with_good_checksums(
    archive: Path, tmp_path: Path
) -> None:
    members = _members(archive)
    name = next(n for n in members if n.startswith("records-"))
    rows = msgpack.unpackb(members[name], raw=False)
    record = bytearray(rows[3][4])
    record[-1] ^= 0xFF
    rows[3][4] = bytes(record)
    members[name] = msgpack.packb(rows, use_bin_type=True)
    bad = _write(tmp_path / "bad.tar.gz", list(members.items()))
    _refused(bad, CheckpointError, "corrupt")


def test_an_unlisted_namespace_is_refused(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    name = next(n for n in members if n.startswith("records-"))
    rows = msgpack.unpackb(members[name], raw=False)
    rows[0][1] = "ns.sneaky"
    members[name] = msgpack.packb(rows, use_bin_type=True)
    _refused(_write(tmp_path / "bad.tar.gz", list(members.items())), CheckpointError, "malformed")


@pytest.mark.parametrize(
    ("names", "error", "match"),
    [
        (["manifest.json", "../escape.msgpack"], UnsafeArchiveError, "climbs out"),
        (["manifest.json", "other.msgpack"], CheckpointError, "unexpected archive member"),
        (["records-00000.msgpack", "manifest.json"], CheckpointError, "manifest"),
        (
            ["manifest.json", "records-00000.msgpack", "records-00000.msgpack"],
            UnsafeArchiveError,
            "twice",
        ),
    ],
)
def test_hostile_layouts_are_refused(
    archive: Path, tmp_path: Path, names: list[str], error: type[Exception], match: str
) -> None:
    members = _members(archive)
    blob = next(v for n, v in members.items() if n.startswith("records-"))
    content = [(n, members["manifest.json"] if n == "manifest.json" else blob) for n in names]
    _refused(_write(tmp_path / "bad.tar.gz", content, fix_manifest=False), error, match)


def test_links_and_oversized_members_are_refused(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    path = tmp_path / "link.tar.gz"
    with gzip.open(path, "wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(members["manifest.json"])
        tar.addfile(info, io.BytesIO(members["manifest.json"]))
        link = tarfile.TarInfo("records-00000.msgpack")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    _refused(path, UnsafeArchiveError, "is a link")
    _refused(archive, UnsafeArchiveError, "the cap is 64", max_member_bytes=64)


def test_not_an_archive_is_one_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a gzip file at all")
    _refused(junk, CheckpointError, "not a nearcache archive")


@pytest.mark.parametrize(
    ("name", "says", "suggested"),
    [
        ("x.zip", ".zip", "x"),
        ("x.tar", ".tar", "x"),
        ("backup", "no format", "backup"),
        ("x.gz", ".gz", "x"),
        (".hidden", "no format", ".hidden"),
        ("x.tar.zip", ".tar.zip", "x"),
        ("x.tar.bz2", ".tar.bz2", "x"),
        ("x.TAR.XZ", ".TAR.XZ", "x"),
        ("backup.2024-06.zip", ".zip", "backup.2024-06"),
        ("v1.2", "no format", "v1.2"),
    ],
)
def test_export_refuses_a_name_that_says_another_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, says: str, suggested: str
) -> None:
    """``export x.zip`` wrote a tar.gz under the name of a zip; ``export x.tar.zip``
    suggested ``x.tar.tar.gz``: the suggestion drops every format suffix, no other dot."""
    from nearcache.cli.runner import run

    store = tmp_path / "s.db"
    open_store(f"sqlite:///{store}").close()
    assert run(["export", str(tmp_path / name), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "export writes a gzip-compressed tar only" in err
    assert f"the name says {says};" in err
    assert f"name it {suggested}.tar.gz (or .tgz)" in err
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("name", ["x.tar.gz", "x.tgz", "X.TAR.GZ"])
def test_export_writes_the_names_of_its_format(tmp_path: Path, name: str) -> None:
    from nearcache.cli.runner import run

    store = tmp_path / "s.db"
    open_store(f"sqlite:///{store}").close()
    assert run(["export", str(tmp_path / name), "--store", str(store)]) == 0
    with gzip.open(tmp_path / name) as fh:
        assert fh.read(1)


@pytest.mark.parametrize("folder", ["backups", ".", "new/"])
def test_export_to_a_folder_names_a_file_in_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: str,
) -> None:
    """``export backups`` (an existing folder) was told to "name it backups.tar.gz", a
    sibling of the folder, and ``export .`` to name it ``.tar.gz`` (a hidden file): as
    ``tar -czf FOLDER`` does, a folder is refused, and the name offered is a file in it;
    ``export new/`` (a folder not made yet) was told "name it new.tar.gz" too."""
    from nearcache.cli.runner import run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "backups").mkdir()
    store = tmp_path / "s.db"
    open_store(f"sqlite:///{store}").close()
    assert run(["export", folder, "--store", str(store)]) == 1
    err = capsys.readouterr().err
    inside = Path(folder) / "nearcache-export.tar.gz"
    assert f"cannot write {folder}: it names a folder; name the archive in it, e.g. {inside}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "s.db"]
    assert list((tmp_path / "backups").iterdir()) == []  # and no "new" was made
