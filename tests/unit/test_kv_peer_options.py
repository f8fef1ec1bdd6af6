"""cachetools and diskcache users write their libraries' option names first
(``maxsize``, ``ttl``, ``directory``, ``size_limit``, ``expire``): the error only said
"unknown get_cache options: maxsize, ttl" without the names this library uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache.errors import InvalidInputError, InvalidTypeError
from nearcache.kv import CacheManager


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("maxsize", "max_entries"),
        ("ttl", "default_ttl"),
        ("expire", "default_ttl"),
        ("size_limit", "max_bytes"),
        ("directory", "path"),
        ("max_entry", "max_entries"),  # a typo: the closest option
    ],
)
def test_an_unknown_option_names_the_one_it_probably_means(given: str, meant: str) -> None:
    with CacheManager() as caches, pytest.raises(InvalidTypeError) as err:
        caches.get_cache("c", **{given: 1})
    assert f"{given} (did you mean {meant}?)" in str(err.value)
    assert "the options are default_ttl, fail_open, max_bytes, max_entries" in str(err.value)


def test_asking_again_with_other_settings_is_refused_not_dropped(tmp_path: Path) -> None:
    # get_cache("q", default_ttl=3) after get_cache("q") returned the first cache, whose
    # entries never expire, without a word
    with CacheManager() as caches:
        first = caches.get_cache("q", max_entries=2)
        assert caches.get_cache("q") is first  # no options: the cache as it is
        assert caches.get_cache("q", max_entries=2) is first  # the same ones
        with pytest.raises(InvalidInputError, match=r"already open with default_ttl=None"):
            caches.get_cache("q", max_entries=2, default_ttl=3)
        with pytest.raises(InvalidInputError, match=r"max_entries=2"):
            caches.get_cache("q", max_entries=5)
        assert caches.get_cache("q", "file_based", path=str(tmp_path), default_ttl=3) is not first


def test_one_unknown_option_is_named_in_the_singular_several_in_the_plural() -> None:
    # "unknown get_cache options: colour" for one option, unlike every other
    # unknown-option message of the library
    with CacheManager() as caches:
        with pytest.raises(InvalidTypeError) as one:
            caches.get_cache("c", colour="blue")
        with pytest.raises(InvalidTypeError) as two:
            caches.get_cache("c", colour="blue", shape="round")
    assert str(one.value).startswith("unknown get_cache option: colour; the options are ")
    assert str(two.value).startswith("unknown get_cache options: colour, shape; the options")


@pytest.mark.parametrize(
    ("backend", "meant"),
    [
        ("memory", "'in_memory'"),  # aiocache's name
        ("local", "'in_memory'"),  # LiteLLM's
        ("disk", "'file_based'"),  # LiteLLM's
        ("sqlite", "'file_based'"),
        ("file-based", "'file_based'"),
        ("in_memroy", "'in_memory'"),  # a typo
        ("redis//127.0.0.1:6379/0", "'redis://127.0.0.1:6379/0'"),  # a URL, ':' lost
        ("postgres:/db.example/cache", "'postgres://db.example/cache'"),
        ("sqlite//kv.db", "'sqlite:///kv.db'"),
        ("127.0.0.1:6379", "'redis://127.0.0.1:6379'"),
        ("kv.sqlite", "'file_based', path='kv.sqlite'"),  # a file where the backend goes
        ("caches/kv.db", "'file_based', path='caches/kv.db'"),
    ],
)
def test_an_unknown_backend_names_the_one_it_probably_means(backend: str, meant: str) -> None:
    # "unknown backend 'redis//127.0.0.1:6379/0'; use one of in_memory, ..." left the
    # caller to find the lost ':' (open_store names the URL meant), and LiteLLM's and
    # aiocache's backend names got no hint
    with CacheManager() as caches, pytest.raises(InvalidInputError) as err:
        caches.get_cache("c", backend)
    said = str(err.value)
    assert said.startswith(f"unknown backend {backend!r} (did you mean {meant}?); use one of ")
    assert "\n" not in said


def test_an_unknown_backend_far_from_any_says_only_what_there_is() -> None:
    with CacheManager() as caches, pytest.raises(InvalidInputError) as err:
        caches.get_cache("c", "floppy")
    assert str(err.value) == (
        "unknown backend 'floppy'; use one of in_memory, file_based, redis, a store URL, "
        "or store=<Store>"
    )


def test_a_mistyped_url_backend_is_shown_without_its_password() -> None:
    with CacheManager() as caches, pytest.raises(InvalidInputError) as err:
        caches.get_cache("c", "rediss//ada:s3cret@cache.example:6380/0")
    assert "s3cret" not in str(err.value)
    assert "(did you mean 'rediss://ada:***@cache.example:6380/0'?)" in str(err.value)
