"""``PostgresStore("postgresql://host/db?prefix=a")``: nearcache's own URL parameters are
read by ``open_store``; the class handed them to libpq, which refused the DSN ("invalid
URI query parameter") at the first connection. Same rule as ``RedisStore``."""

from __future__ import annotations

import pytest

from nearcache import InvalidInputError

pytest.importorskip("psycopg")


@pytest.mark.parametrize(
    ("query", "keyword"),
    [("prefix=team-a", "prefix"), ("sslmode=disable&max_size=3", "max_size")],
)
def test_nearcache_url_parameters_given_to_the_class_name_the_keyword(
    query: str, keyword: str
) -> None:
    from nearcache.stores.postgres import PostgresStore

    with pytest.raises(InvalidInputError) as info:
        PostgresStore(f"postgresql://app:s3cret@127.0.0.1:1/db?{query}")
    text = str(info.value)
    assert "read by open_store(url)" in text, text
    assert f"PostgresStore(dsn, {keyword}=...)" in text, text
    assert "s3cret" not in text


def test_libpq_parameters_and_open_store_still_pass() -> None:
    from nearcache import open_store
    from nearcache.stores.postgres import PostgresStore

    PostgresStore("postgresql://app@127.0.0.1:1/db?sslmode=disable&connect_timeout=1").close()
    store = open_store("postgresql://app@127.0.0.1:1/db?prefix=team&connect_timeout=1")
    with store:
        assert isinstance(store, PostgresStore) and store.prefix == "team"
