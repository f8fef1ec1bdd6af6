"""A Redis URL without a password, for a server that needs one, says so in one line: the
URL gives none, and where it goes. It said "refused the credentials (HELLO must be called
with the client already authenticated, ...)" although no credentials were sent, and showed
an empty password (``redis://:@host``) as ``redis://:***@host``, as if one were given; the
refusal opened the circuit breaker, so the next call (what a cache's user sees) said
"unavailable (circuit open): AuthenticationError: HELLO must be called ..." again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nearcache import StoreUnavailableError, open_store
from nearcache.stores.url import redact_url

pytestmark = pytest.mark.redis


def _refusal(url: str) -> str:
    """What a store on ``url`` says, the same on every call: a refusal of the credentials
    is no outage, so no circuit opens to answer later calls with the driver's text."""
    said = []
    with open_store(url) as store:
        for _ in range(2):
            with pytest.raises(StoreUnavailableError) as info:
                store.get_meta("x")
            said.append(str(info.value))
    assert said[0] == said[1], said
    return said[0]


def test_a_url_without_the_password_a_server_needs_says_it_gives_none(
    make_redis: Callable[..., Any],
) -> None:
    import redis

    server = make_redis()
    admin = redis.Redis.from_url(server.url)
    admin.config_set("requirepass", "s3cret")
    admin.close()
    hostport = f"127.0.0.1:{server.port}"
    for url in (f"redis://{hostport}/0", f"redis://:@{hostport}/0"):
        text = _refusal(url)
        assert text.startswith(f"{url} needs a password and the URL gives none"), text
        assert "redis://:PASSWORD@host:port/db" in text, text
        assert "HELLO" not in text and "***" not in text, text
    text = _refusal(f"redis://:wrong@{hostport}/0")  # a password given and refused
    assert text.startswith(f"redis://:***@{hostport}/0 refused the credentials"), text
    assert "wrong" not in text, text
    with open_store(f"redis://:s3cret@{hostport}/0") as store:
        assert store.get_meta("x") is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:@host:6379/0", "redis://:@host:6379/0"),
        ("redis://ada:@host/0", "redis://ada:@host/0"),
        ("redis://:pw@host:6379/0", "redis://:***@host:6379/0"),
        ("redis://:@[bad/0", "redis://:@[bad/0"),  # not parseable: nothing to hide either
        ("redis://:pw@[bad/0", "redis://:***@[bad/0"),
    ],
)
def test_an_empty_password_is_shown_as_empty(url: str, shown: str) -> None:
    assert redact_url(url) == shown
