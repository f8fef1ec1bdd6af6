"""The offline default embedder (placeholder until the models issue lands)."""

from __future__ import annotations

from typing import Any

from ..errors import MissingExtraError

__all__ = ["default_embedder"]


def default_embedder() -> Any:
    """Return the default embedder (a real model shipped in a pip package)."""
    raise MissingExtraError("models", "onnxruntime", "the default embedder")
