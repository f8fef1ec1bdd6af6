"""The store toolkit (``nearcache.stores.{base,bookkeeping,lru,touches,translate,sqlfiles,url}``):
the pieces every store is built from, tested on their own. The stores themselves run the
contract suite in ``tests/contract``."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from nearcache.clock import ManualClock
from nearcache.errors import (
    CacheError,
    InvalidInputError,
    InvalidTypeError,
    StoreTimeoutError,
    StoreUnavailableError,
)
from nearcache.stores.bookkeeping import Delta, Recount, recount_problem
from nearcache.stores.lru import Budget, group_by_namespace
from nearcache.stores.memory import MemoryStore
from nearcache.stores.protocol import Item, Limit
from nearcache.stores.sqlfiles import read_sections, statements
from nearcache.stores.sqlite import SQLiteStore
from nearcache.stores.touches import TouchBuffer
from nearcache.stores.translate import ErrorRule, translate
from nearcache.stores.url import is_url, parse_store_url, redact_url

KEY = "ab" * 32


# -- translate ---------------------------------------------------------------------------


class _Busy(Exception):
    pass


RULES = (
    ErrorRule((TimeoutError,), StoreTimeoutError, "{url} timed out: {exc}"),
    ErrorRule((_Busy,), StoreUnavailableError, "{url} busy ({exc})", re.compile("BUSY")),
    ErrorRule((_Busy, OSError), CacheError, "{url}: {exc}"),
)


def test_translate_first_matching_rule_wins_and_formats_its_message() -> None:
    err = translate(TimeoutError("slow"), RULES, url="x://h")
    assert type(err) is StoreTimeoutError and str(err) == "x://h timed out: slow"
    err = translate(_Busy("BUSY running a script"), RULES, url="x://h")
    assert type(err) is StoreUnavailableError and str(err) == "x://h busy (BUSY running a script)"
    err = translate(_Busy("ERR no such key"), RULES, url="x://h")
    assert type(err) is CacheError  # the pattern did not match: the next rule
    assert translate(KeyError("k"), RULES, url="x://h") is None  # not ours: re-raised as is


def test_translate_matches_the_text_the_caller_picks() -> None:
    rules = (ErrorRule((_Busy,), StoreTimeoutError, "{exc}", re.compile("^Throttled$")),)
    exc = _Busy("anything")
    assert translate(exc, rules) is None
    assert isinstance(translate(exc, rules, text=lambda e: "Throttled"), StoreTimeoutError)


def test_a_translated_error_keeps_the_driver_error_as_its_cause(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db", timeout=0.05)
    blocker = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreTimeoutError) as info:
            store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        store.close()


def test_an_unreachable_server_is_unavailable_with_the_cause_attached() -> None:
    pytest.importorskip("redis")
    from nearcache.stores.redis import RedisStore

    store = RedisStore("redis://127.0.0.1:1/0", connect_timeout=0.2)
    try:
        with pytest.raises(StoreUnavailableError) as info:
            store.get_meta("k")
        assert info.value.__cause__ is not None
        with pytest.raises(StoreUnavailableError, match="circuit open"):
            store.get_meta("k")  # the breaker now fails fast, without a call
    finally:
        store.close()


# -- record checks (BaseStore) ---------------------------------------------------------------


def test_writes_refuse_bad_keys_and_values_before_anything_is_stored() -> None:
    store = MemoryStore()
    with pytest.raises(InvalidInputError):
        store.put_many("kv", "ns", [Item(KEY, b"ok"), Item("not-hex", b"v")], now=0)
    with pytest.raises(InvalidInputError):
        store.put_many("kv", "ns", [Item(KEY.upper(), b"v")], now=0)
    with pytest.raises(InvalidTypeError):
        store.add_many("kv", "ns", [Item(KEY, "text")], now=0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        store.delete_many("kv", "ns", [KEY[:-1]])
    with pytest.raises(InvalidInputError, match="unknown table"):
        store.put_many("nope", "ns", [Item(KEY, b"v")], now=0)
    assert store.info("kv").entries == 0
    assert store.check() == []


def test_put_many_within_checks_and_deduplicates_like_put_many(tmp_path: Path) -> None:
    for store in (MemoryStore(), SQLiteStore(tmp_path / "w.db")):
        with pytest.raises(InvalidInputError):
            store.put_many_within("kv", "ns", [Item("x", b"v")], now=0, limits=[])
        version, gone = store.put_many_within(
            "kv",
            "ns",
            [Item(KEY, b"first"), Item(KEY, b"last")],
            now=0,
            limits=[Limit("ns", 1, None)],
        )
        assert gone == [] and version >= 1
        assert store.get_many("kv", "ns", [KEY], now=0) == [b"last"]
        assert store.check() == []
        store.close()


# -- LRU -------------------------------------------------------------------------------------


def test_budget_picks_oldest_first_until_within_and_skips_vanished_records() -> None:
    budget = Budget(entries=4, size=40, limit=Limit(None, 2, None))
    candidates = [
        (1.0, "a", "k1", 10),
        (2.0, "b", "k2", None),
        (3.0, "a", "k3", 10),
        (4.0, "b", "k4", 10),
    ]
    assert budget.pick(candidates) == [("a", "k1"), ("a", "k3")]
    assert (budget.entries, budget.size, budget.over) == (2, 20, False)
    by_bytes = Budget(entries=3, size=30, limit=Limit(None, None, 15))
    assert by_bytes.pick([(1, "n", "x", 10), (2, "n", "y", 10), (3, "n", "z", 10)]) == [
        ("n", "x"),
        ("n", "y"),
    ]
    assert Budget(1, 1, Limit(None, 5, 5)).pick([(1, "n", "x", 1)]) == []


def test_group_by_namespace_keeps_order() -> None:
    pairs = [("b", "1"), ("a", "2"), ("b", "3")]
    assert group_by_namespace(pairs) == {"b": ["1", "3"], "a": ["2"]}
    assert list(group_by_namespace(pairs)) == ["b", "a"]


# -- touches ---------------------------------------------------------------------------------


def test_touch_buffer_keeps_the_newest_time_and_flushes_by_count_or_age() -> None:
    clock = ManualClock(100.0)
    buf: TouchBuffer[str, str] = TouchBuffer(2, flush_every=1.0, clock=clock)
    assert not buf and not buf.due()
    buf.note("t", ["a", "b"], 5.0)
    buf.note("t", ["a"], 7.0)
    assert len(buf) == 2 and not buf.full and not buf.due()
    clock.advance(1.5)
    assert buf.due()  # something pending for longer than flush_every
    assert buf.take() == {"t": {"a": 7.0, "b": 5.0}}
    assert not buf and len(buf) == 0 and not buf.due()
    buf.note("t", ["a", "b", "c"], 1.0)
    assert buf.full and buf.due()
    buf.clear()
    assert buf.take() == {}


# -- bookkeeping -----------------------------------------------------------------------------


def test_delta_of_removals_books_evictions_and_expirations() -> None:
    assert Delta.removed(3, 30, "evict") == Delta(-3, -30, 3, 0)
    assert Delta.removed(2, 5, "expire") == Delta(-2, -5, 0, 2)
    assert Delta.removed(1, 9, "delete") == Delta(-1, -9, 0, 0)


def test_recount_reports_and_repairs_sizes_before_counters() -> None:
    calls: list[object] = []
    recount = Recount("kv/ns", counted=(3, 100), entries=3, size=90, bad_sizes=1)
    problems = recount.problems(
        True,
        fix_sizes=lambda: calls.append("sizes") or 95,  # type: ignore[func-returns-value]
        fix_counters=lambda e, b: calls.append((e, b)),  # type: ignore[func-returns-value]
    )
    assert problems == [
        "kv/ns: 1 records with a wrong stored size",
        recount_problem("kv/ns", (3, 100), (3, 95)),
    ]
    assert calls == ["sizes", (3, 95)]
    healthy = Recount("kv/ns", (2, 10), 2, 10)
    assert healthy.problems(True, fix_sizes=lambda: 0, fix_counters=lambda e, b: None) == []


# -- SQL files and URLs ----------------------------------------------------------------------


def test_sql_files_split_into_sections_and_statements() -> None:
    sections = read_sections("nearcache.stores.sqlite", "schema.sql")
    assert set(sections) == {"store", "records", "changes"}
    assert len(statements(sections["store"])) == 2
    records = statements(sections["records"].replace("{table}", "kv"))
    assert records[0].startswith("CREATE TABLE IF NOT EXISTS rec_kv")
    assert not any(s.rstrip().endswith(";") or s.lstrip().startswith("--") for s in records)
    assert statements("SELECT 1;\nSELECT\n  2;\nSELECT 3") == [
        "SELECT 1",
        "SELECT\n  2",
        "SELECT 3",
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://ada:s3cr%40t@host/1?prefix=x", "rediss://ada:***@host/1?prefix=x"),
        (
            "postgresql://ada:pw@db:5432/c?sslmode=require",
            "postgresql://ada:***@db:5432/c?sslmode=require",
        ),
        (
            "postgresql://db/c?password=pw&sslmode=require",
            "postgresql://db/c?password=***&sslmode=require",
        ),
        ("host=db password=pw dbname=c", "host=db password=*** dbname=c"),
        ("host=db password='a b\\' c' dbname=c", "host=db password=*** dbname=c"),
        ("host=db password = pw dbname=c", "host=db password = *** dbname=c"),
        (
            "host=db password=x://y@z dbname=c application_name=http://a:b@c",
            "host=db password=*** dbname=c application_name=http://a:b@c",
        ),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("memory://", "memory://"),
    ],
)
def test_redact_url_hides_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("postgresql://db/c", True),
        ("Redis://host", True),
        ("memory://", True),
        ("host=db dbname=c application_name=http://x?y=1", False),
        ("dbname=c options='-c search_path=a' application_name=s3://b", False),
        ("./redis://x", False),
        ("cache.db", False),
    ],
)
def test_a_url_starts_with_its_scheme(text: str, url: bool) -> None:
    """A libpq DSN with ``://`` inside a value was read as a URL of scheme ''."""
    assert is_url(text) is url


@pytest.mark.parametrize(
    "dsn",
    [
        "host=db dbname=c",
        "host=db password=s3cret dbname=c application_name=http://x?prefix=p",
        " dbname = c",
    ],
)
def test_a_libpq_dsn_given_as_a_store_url_is_refused_not_made_a_file(dsn: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_store_url(dsn)
    text = str(info.value)
    assert "libpq key=value connection string" in text and "postgresql://" in text, text
    assert "s3cret" not in text


def test_an_unknown_scheme_error_hides_the_password() -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_store_url("postgresq://ada:s3cret@db/c")
    assert "s3cret" not in str(info.value) and "did you mean 'postgresql://ada:***@db/c'" in str(
        info.value
    )
