"""A DynamoDB store URL on a machine without AWS credentials says what to set: it said
"dynamodb://t is unreachable: Unable to locate credentials", as if the server were down."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("boto3")

# In a child process: boto3's sessions are per process, and other tests' stores have
# already found the test server's credentials in this one.
OPEN = """
from nearcache import StoreUnavailableError, open_store
try:
    open_store("dynamodb://t?endpoint_url=http%3A%2F%2F127.0.0.1%3A9&region=eu-west-1").get_meta("x")
except StoreUnavailableError as exc:
    print(exc)
"""


def test_missing_aws_credentials_are_named_not_called_unreachable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    none = str(tmp_path / "none")
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=none,
        AWS_CONFIG_FILE=none,
        AWS_EC2_METADATA_DISABLED="true",  # no instance role lookup
    )
    proc = subprocess.run(
        [sys.executable, "-c", OPEN], capture_output=True, text=True, env=env, timeout=120
    )
    text = proc.stdout.strip()
    assert proc.returncode == 0 and text, proc.stderr
    assert "unreachable" not in text, text
    assert "Unable to locate credentials" in text, text
    assert "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE" in text, text
