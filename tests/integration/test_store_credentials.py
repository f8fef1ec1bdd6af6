"""Store URLs a new user gets wrong: a server that answers but refuses the credentials or
the database is named as such, in one line, not as a server that cannot be reached
(session 28's first hour: a Redis URL without the password said "is unreachable: HELLO
must be called with the client already authenticated ..."); a URL passed where a file
path goes is refused instead of becoming a file named like it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nearcache import StoreUnavailableError, open_store


def test_redis_credentials_refused_are_named_with_the_url_form(redis_server: Any) -> None:
    import redis

    admin = redis.Redis.from_url(redis_server.url)
    admin.execute_command("ACL", "SETUSER", "nearcache-fh", "on", ">right", "~*", "+@all")
    try:
        url = f"redis://nearcache-fh:wrong@127.0.0.1:{redis_server.port}/0"
        store = open_store(url)
        try:
            with pytest.raises(StoreUnavailableError) as info:
                store.get_meta("x")
        finally:
            store.close()
        text = str(info.value)
        assert "refused the credentials" in text and "unreachable" not in text, text
        assert "redis://USER:PASSWORD@host:port/db" in text and "wrong" not in text, text
    finally:
        admin.execute_command("ACL", "DELUSER", "nearcache-fh")
        admin.close()


def test_a_missing_postgres_database_is_not_called_unreachable(postgres_server: Any) -> None:
    dsn = postgres_server.dsn.rsplit("/", 1)[0] + "/no_such_database"
    with pytest.raises(StoreUnavailableError) as info:
        open_store(dsn)
    text = str(info.value)
    assert text.startswith("cannot connect to postgresql://"), text
    assert "no_such_database" in text and "does not exist" in text, text


def test_a_store_url_given_as_a_path_is_refused_not_made_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``SemanticCache("redis://:pw@host/0")`` made a SQLite file at ./redis:/:pw@host/0."""
    from nearcache import EmbeddingCache, InvalidInputError, SemanticCache

    monkeypatch.chdir(tmp_path)
    for make in (
        lambda: SemanticCache("redis://:s3cret@127.0.0.1:6379/0", embedder=words()),
        lambda: EmbeddingCache(path="postgresql://ada:s3cret@db/cache"),
        lambda: EmbeddingCache(path="sqlite:///cache.db"),
    ):
        with pytest.raises(InvalidInputError) as info:
            make()
        assert "is a store URL" in str(info.value) and "open_store" in str(info.value)
        assert "s3cret" not in str(info.value)
    assert list(tmp_path.iterdir()) == []
    from nearcache import InvalidTypeError

    for make in (
        lambda: SemanticCache(store="redis://127.0.0.1:6379/0", embedder=words()),  # type: ignore[arg-type]
        lambda: EmbeddingCache(store="redis://127.0.0.1:6379/0"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidTypeError, match=r"open_store\(url\)"):
            make()
    EmbeddingCache(path="./cache.db").close()  # a plain path is still a file
    assert (tmp_path / "cache.db").is_file()


def words() -> Any:
    from nearcache import FunctionEmbedder

    return FunctionEmbedder(lambda texts: np.ones((len(texts), 4), np.float32), dim=4, name="fh")
