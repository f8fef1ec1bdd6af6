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


@pytest.mark.parametrize("given", ["answers.db", "path", "redis://:s3cret@127.0.0.1:6379/0", 7])
@pytest.mark.parametrize("cache", ["semantic", "embedding", "kv"])
def test_a_path_or_url_given_as_store_says_how_to_pass_it(
    tmp_path: Path, cache: str, given: object
) -> None:
    """``store="answers.db"`` was told "store must implement Store, not str" (kv) or
    "store must be a Store (a URL: open_store(url)), not str" (semantic, embedding):
    three shapes, and none named ``path``, the way each cache takes a file. One shape
    now, with the call that takes what was given."""
    from nearcache import EmbeddingCache, get_cache

    embedder = FunctionEmbedder(lambda t: np.ones((len(t), 4), np.float32), dim=4, name="x")
    store = tmp_path / "answers.db" if given == "path" else given
    make = {
        "semantic": lambda: SemanticCache(store=store, embedder=embedder),
        "embedding": lambda: EmbeddingCache(store),
        "kv": lambda: get_cache("a", store=store),
    }[cache]
    with pytest.raises(InvalidTypeError) as info:
        make()
    message = str(info.value)
    kind = type(store).__name__
    assert message.startswith(f"store must be a Store, not {kind}"), message
    if given == 7:
        assert message == "store must be a Store, not int"
    elif isinstance(given, str) and given.startswith("redis"):
        assert ": for a store URL, pass " in message and "s3cret" not in message
        assert ("get_cache(name, url)" if cache == "kv" else "open_store(url)") in message
    else:
        assert ": for a SQLite file, pass " in message and "path" in message
    assert list(tmp_path.iterdir()) == []
