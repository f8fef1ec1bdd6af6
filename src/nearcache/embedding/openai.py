"""Old home of the OpenAI-compatible embedders; use :mod:`nearcache.embedders.openai`.

Kept because the README and docs/integrations.md of 0.1.0 documented this path.
"""

from __future__ import annotations

import warnings

from ..embedders.openai import AsyncOpenAIEmbedder as AsyncOpenAIEmbedder
from ..embedders.openai import EmbeddingAPIError as EmbeddingAPIError
from ..embedders.openai import OpenAIEmbedder as OpenAIEmbedder

__all__ = ["AsyncOpenAIEmbedder", "EmbeddingAPIError", "OpenAIEmbedder"]

warnings.warn(
    "nearcache.embedding.openai moved to nearcache.embedders.openai",
    DeprecationWarning,
    stacklevel=2,
)
