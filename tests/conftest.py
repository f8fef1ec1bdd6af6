"""Shared test configuration.

Real servers (Redis, PostgreSQL, a DynamoDB-compatible server) are started by fixtures in
``tests/servers.py`` on 127.0.0.1. Locally a missing server binary skips the tests that
need it; with ``CI=true`` or ``NEARCACHE_REQUIRE_SERVERS=1`` it fails them instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

from servers import *  # noqa: F403  (server fixtures)

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def require_servers() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("NEARCACHE_REQUIRE_SERVERS"))


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"
