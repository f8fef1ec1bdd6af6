"""A SQLite store path that names a folder. ``--store some-folder`` failed with a raw
"cannot read some-folder: [Errno 21] Is a directory", and ``--store new-folder/`` (or
``EmbeddingCache(path="new-folder/")``) silently made a FILE named ``new-folder``. Now:
one line naming a file in that folder; and the key/value caches' ``file_based`` backend,
whose ``path`` diskcache users write as a directory, keeps ``kv.sqlite`` inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import assert_one_line_error, make_corpus, nc
from nearcache import EmbeddingCache, SemanticCache, open_store
from nearcache.errors import InvalidInputError
from nearcache.kv import CacheManager


@pytest.mark.parametrize("write", ["embed", "stats"])
def test_the_cli_refuses_a_folder_as_the_store(tmp_path: Path, write: str) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    corpus = make_corpus(tmp_path / "corpus", paragraphs=1)
    args = ["embed", str(corpus)] if write == "embed" else ["stats"]
    proc = nc(*args, "--store", str(folder))
    assert_one_line_error(proc, f"{folder} names a folder", f"{folder}/nearcache.db")
    assert list(folder.iterdir()) == []


def test_a_trailing_slash_does_not_become_a_file(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", paragraphs=1)
    proc = nc("embed", str(corpus), "--store", f"sqlite:///{tmp_path}/new/")
    assert_one_line_error(proc, "names a folder", "new/nearcache.db")
    assert not (tmp_path / "new").exists()


def test_the_library_refuses_a_folder_naming_a_file_for_each_cache(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"answers\.db"):
        SemanticCache(str(tmp_path))
    with pytest.raises(InvalidInputError, match=r"embeddings\.db"):
        EmbeddingCache(path=f"{tmp_path}/vectors/")
    with pytest.raises(InvalidInputError, match="names a folder"):
        open_store(f"{tmp_path}/")
    assert not (tmp_path / "vectors").exists()


def test_file_based_keeps_kv_sqlite_in_a_folder(tmp_path: Path) -> None:
    existing = tmp_path / "cache-dir"
    existing.mkdir()
    with CacheManager() as caches:
        a = caches.get_cache("a", "file_based", path=str(existing))
        b = caches.get_cache("b", "file_based", path=f"{tmp_path}/new-dir/")
        a.set("k", 1)
        b.set("k", 2)
    assert (existing / "kv.sqlite").is_file() and (tmp_path / "new-dir" / "kv.sqlite").is_file()
    with CacheManager() as caches:  # the same folder again: the same file
        assert caches.get_cache("a", "file_based", path=str(existing)).get("k") == 1
