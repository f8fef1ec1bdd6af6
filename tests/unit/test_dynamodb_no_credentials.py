"""A DynamoDB store URL on a machine without AWS credentials says what to set: it said
"dynamodb://t is unreachable: Unable to locate credentials", as if the server were down."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache import StoreUnavailableError, open_store

pytest.importorskip("boto3")


def test_missing_aws_credentials_are_named_not_called_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance role lookup
    url = "dynamodb://t?endpoint_url=http%3A%2F%2F127.0.0.1%3A9&region=eu-west-1"
    with pytest.raises(StoreUnavailableError) as info:
        open_store(url).get_meta("x")
    text = str(info.value)
    assert "unreachable" not in text, text
    assert "Unable to locate credentials" in text, text
    assert "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE" in text, text
