"""A store passed where a cache takes its path (``SemanticCache(store)``: the first
parameter is ``path``) is refused naming ``store=``; it failed deep inside with
"TypeError: expected str, bytes or os.PathLike object, not SQLiteStore"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nearcache import FunctionEmbedder, InvalidTypeError, MemoryStore, SemanticCache


def test_a_store_given_as_the_path_names_store_keyword(tmp_path: Path) -> None:
    embedder = FunctionEmbedder(lambda t: np.ones((len(t), 4), np.float32), dim=4, name="x")
    with MemoryStore() as store:
        with pytest.raises(InvalidTypeError, match=r"not MemoryStore: pass a store as store="):
            SemanticCache(store, embedder=embedder)  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match=r"file path \(str or os.PathLike\), not int$"):
            SemanticCache(7, embedder=embedder)  # type: ignore[arg-type]
    SemanticCache(tmp_path / "s.db", embedder=embedder).close()  # a path still is one
    assert (tmp_path / "s.db").is_file()


@pytest.mark.parametrize(
    "url", ["memory://", "redis://:s3cret@127.0.0.1:6379/", "postgresql://app:s3cret@db/cache/"]
)
def test_a_store_url_ending_in_a_slash_is_called_a_url(url: str) -> None:
    """``EmbeddingCache(path="redis://host:6379/")`` was told the URL "names a folder"
    and to name a file in it (``redis://host:6379/embeddings.db``), password and all; a
    URL without the slash was told to pass ``store=open_store(url)``, as this one is now."""
    from nearcache import EmbeddingCache, InvalidInputError

    with pytest.raises(InvalidInputError, match=r"is a store URL, not a file path") as info:
        EmbeddingCache(path=url)
    assert "s3cret" not in str(info.value) and "names a folder" not in str(info.value)
