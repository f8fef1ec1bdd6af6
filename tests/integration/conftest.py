"""Fixtures of the proxy tests: the stub upstream, started once per module and reset
before every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from proxy_support import Upstream, upstream_server


@pytest.fixture(scope="module")
def upstream_module() -> Iterator[Upstream]:
    with upstream_server() as up:
        yield up


@pytest.fixture
def upstream(upstream_module: Upstream) -> Upstream:
    up = upstream_module
    up.reset()
    up.fail_status, up.fail_times, up.hang_seconds, up.chunk_delay = None, 0, 0.0, 0.0
    up.finish_reason, up.tool_calls, up.empty = "stop", None, False
    up.set_cookie, up.hold = None, None
    up.streams_closed = up.streams_finished = 0
    return up
