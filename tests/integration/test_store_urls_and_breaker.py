"""Store URLs (``open_store``) and the circuit breaker shared by the server stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache.errors import InvalidInputError, StoreUnavailableError
from nearcache.stores.breaker import CircuitBreaker
from nearcache.stores.memory import MemoryStore
from nearcache.stores.sqlite import SQLiteStore
from nearcache.stores.url import open_store, parse_store_url


@pytest.mark.parametrize(
    ("url", "kind", "target", "options"),
    [
        ("memory://", "memory", "", {}),
        ("memory://?max_bytes=1000", "memory", "", {"max_bytes": 1000}),
        ("sqlite:///cache.db", "sqlite", "cache.db", {}),
        ("sqlite:////tmp/x/c.db?timeout=2", "sqlite", "/tmp/x/c.db", {"timeout": 2.0}),
        ("plain/path.db", "sqlite", "plain/path.db", {}),
        ("redis://h:6379/2?prefix=p", "redis", "redis://h:6379/2", {"prefix": "p"}),
        ("rediss://u:pw@h/0", "redis", "rediss://u:pw@h/0", {}),
        (
            "postgresql://u@h:5432/db?sslmode=require&prefix=nc",
            "postgresql",
            "postgresql://u@h:5432/db?sslmode=require",
            {"prefix": "nc"},
        ),
        ("postgres://u@h/db", "postgresql", "postgres://u@h/db", {}),
        (
            "dynamodb://tbl?endpoint_url=http%3A%2F%2F127.0.0.1%3A8000&region=eu-west-1",
            "dynamodb",
            "tbl",
            {"endpoint_url": "http://127.0.0.1:8000", "region": "eu-west-1"},
        ),
    ],
)
def test_parse(url: str, kind: str, target: str, options: dict[str, object]) -> None:
    assert parse_store_url(url) == (kind, target, options)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://host/x",
        "mongodb://h/db",
        "memory://host",
        "sqlite://relative.db",
        "sqlite:///",
        "redis://",
        "dynamodb://",
        "memory://?max_bytes=lots",
    ],
)
def test_bad_urls_name_the_supported_schemes(url: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_store_url(url)
    for scheme in ("memory://", "sqlite:///", "redis://", "postgresql://", "dynamodb://"):
        assert scheme in str(info.value)


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("dynamodb://t?colour=red", ["create_table", "endpoint_url", "region"]),
        ("sqlite:///x.db?timeut=2", ["synchronous", "timeout"]),
        ("memory://?max_byte=10", ["max_bytes"]),
    ],
)
def test_an_unknown_parameter_lists_the_valid_ones(url: str, valid: list[str]) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_store_url(url)
    message = str(info.value)
    assert "unknown parameter" in message and "supported schemes" not in message
    for name in valid:
        assert name in message


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("rediss//127.0.0.1:6379/0", "rediss://127.0.0.1:6379/0"),
        ("redis:/localhost:6379", "redis://localhost:6379"),
        ("redis:localhost", "redis://localhost"),
        ("localhost:6379", "redis://localhost:6379"),
        ("127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("postgresql//u@h/db", "postgresql://u@h/db"),
        ("sqlite//cache.db", "sqlite:///cache.db"),
        ("reddis://h:6379", "redis://"),
    ],
)
def test_a_mistyped_url_is_refused_with_the_scheme_it_meant(
    typo: str, meant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInputError) as info:
        open_store(typo)
    assert meant in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no database file was created


@pytest.mark.parametrize(
    ("url", "meant"),
    [
        ("file:///tmp/x.db", "'sqlite:////tmp/x.db'"),  # a file URL's path is absolute
        ("file://x.db", "'sqlite:///x.db'"),
        ("file:x.db", "'sqlite:///x.db'"),
        ("sqlite3:///x.db", "'sqlite:///x.db'"),
        ("sqlite://x.db?timeout=2", "'sqlite:///x.db?timeout=2'"),
        ("sqlite+pysqlite:///x.db", "'sqlite:///x.db'"),
        ("postgresql+psycopg://u:pw@h/db", "'postgresql://u:***@h/db'"),
        ("pg://u@h/db", "'postgresql://u@h/db'"),
        ("valkey://h:6379/0", "'redis://h:6379/0'"),
        ("mem://", "'memory://'"),
        ("reddis://h:6379", "'redis://h:6379'"),
    ],
)
def test_a_near_miss_url_is_refused_with_the_whole_url_meant(
    url: str, meant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file:///x.db`` said "unknown scheme 'file'" (and ``file:x.db`` became a file of
    that name): the message now names the URL to write, path and parameters kept."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInputError) as info:
        open_store(url)
    assert f"did you mean {meant}?" in str(info.value), str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["redis/cache.db", "notes:2024.db", "C:\\cache.db", "a.db"])
def test_plain_paths_stay_sqlite_files(path: str) -> None:
    assert parse_store_url(path) == ("sqlite", path, {})


def test_open_store_builds_local_stores(tmp_path: Path) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    store = open_store(f"sqlite:///{tmp_path}/a.db")
    assert isinstance(store, SQLiteStore) and store.path == tmp_path / "a.db"
    store.close()


@pytest.mark.redis
def test_open_store_redis(redis_server: object) -> None:
    from nearcache.stores.redis import RedisStore

    store = open_store(f"{redis_server.url}?prefix=urltest")  # type: ignore[attr-defined]
    assert isinstance(store, RedisStore) and store.prefix == "urltest"
    store.set_meta("k", "v")
    assert store.get_meta("k") == "v"
    store.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _fail() -> None:
    raise ConnectionError("down")


def _is_outage(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionError)


def test_breaker_opens_fails_fast_probes_with_backoff_and_closes() -> None:
    clock = FakeClock()
    calls = []
    b = CircuitBreaker("srv", base_delay=0.125, max_delay=0.5, clock=clock)

    def counted_fail() -> None:
        calls.append(1)
        _fail()

    with pytest.raises(ConnectionError):
        b.call(counted_fail, is_outage=_is_outage)
    assert b.state == "open" and b.opened == 1
    for _ in range(5):
        with pytest.raises(StoreUnavailableError, match="circuit open"):
            b.call(counted_fail, is_outage=_is_outage)
    assert len(calls) == 1 and b.rejected == 5  # nothing reached the server
    delays = []
    for _ in range(4):  # probes fail: the wait doubles up to max_delay
        before = clock.now
        while True:
            clock.now += 0.0625  # exact in binary, so the sums below are exact
            try:
                b.call(counted_fail, is_outage=_is_outage)
            except StoreUnavailableError:
                continue
            except ConnectionError:
                break
        delays.append(clock.now - before)
    assert delays == [0.125, 0.25, 0.5, 0.5]
    clock.now += 0.5
    assert b.call(lambda: "back", is_outage=_is_outage) == "back"
    assert b.state == "closed"
    assert b.call(lambda: 1, is_outage=_is_outage) == 1


def test_breaker_ignores_ordinary_errors_and_uses_probe() -> None:
    clock = FakeClock()
    probes = []
    b = CircuitBreaker("srv", clock=clock, probe=lambda: probes.append(1))
    with pytest.raises(KeyError):
        b.call(lambda: {}["x"], is_outage=_is_outage)
    assert b.state == "closed"
    with pytest.raises(ConnectionError):
        b.call(_fail, is_outage=_is_outage)
    clock.now += 1
    assert b.call(lambda: 7, is_outage=_is_outage) == 7
    assert probes == [1] and b.state == "closed"


@pytest.mark.parametrize("kind", ["redis", "postgres", "dynamodb"])
def test_unreachable_server_fails_fast(kind: str) -> None:
    """No server at all: a clear StoreUnavailableError, then refusals without waiting."""
    from servers import free_port

    port = free_port()
    url = {
        "redis": f"redis://127.0.0.1:{port}/0",
        "postgres": f"postgresql://postgres@127.0.0.1:{port}/postgres",
        "dynamodb": f"dynamodb://t?endpoint_url=http%3A%2F%2F127.0.0.1%3A{port}",
    }[kind]
    if kind in ("redis", "postgres"):  # made during the outage; its first call raises
        # a delay no slow machine reaches: every later call is the circuit's refusal
        store = open_store(url, breaker={"base_delay": 3600.0, "max_delay": 3600.0})
        with pytest.raises(StoreUnavailableError):
            store.get_meta("x")
    else:
        with pytest.raises(StoreUnavailableError):
            open_store(url)
        return
    refused = store.breaker.rejected
    for _ in range(100):
        with pytest.raises(StoreUnavailableError, match="circuit open"):
            store.get_many("kv", "ns", ["0" * 64], now=0.0)
    assert store.breaker.rejected - refused == 100  # none of them tried to connect
