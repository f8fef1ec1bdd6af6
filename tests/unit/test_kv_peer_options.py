"""cachetools and diskcache users write their libraries' option names first
(``maxsize``, ``ttl``, ``directory``, ``size_limit``, ``expire``): the error only said
"unknown get_cache options: maxsize, ttl" without the names this library uses."""

from __future__ import annotations

import pytest

from nearcache.errors import InvalidTypeError
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
