"""``CacheManager.stats().namespaces`` names a cache held on several backends by its
backend: the label showed the store URL's password (``s@redis://:hunter2@host/0|None``),
and those figures go to logs and dashboards."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from nearcache.kv import CacheManager


def test_backend_labels_hide_the_password(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("redis")
    caplog.set_level(logging.ERROR)  # the refused port's outage warnings
    with socket.socket() as sock:  # bound, never listening: no server needed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with CacheManager() as caches:
            caches.get_cache("s")
            caches.get_cache("s", f"redis://:hunter2@127.0.0.1:{port}/0")
            caches.get_cache("s", "redis", url=f"redis://u:pw2@127.0.0.1:{port}/1", prefix="app")
            caches.get_cache("s", "file_based", path=str(tmp_path / "kv.db"))
            labels = list(caches.stats().namespaces)
    assert labels == [
        "s@memory://",
        f"s@redis://:***@127.0.0.1:{port}/0",
        f"s@redis://u:***@127.0.0.1:{port}/1?prefix=app",
        f"s@sqlite:///{tmp_path / 'kv.db'}",
    ]
