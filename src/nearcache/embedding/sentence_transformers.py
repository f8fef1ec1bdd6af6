"""Old home of the sentence-transformers adapter; use
:mod:`nearcache.embedders.sentence_transformers`.

Kept because docs/integrations.md of 0.1.0 documented this path.
"""

from __future__ import annotations

import warnings

from ..embedders.sentence_transformers import (
    SentenceTransformerEmbedder as SentenceTransformerEmbedder,
)

__all__ = ["SentenceTransformerEmbedder"]

warnings.warn(
    "nearcache.embedding.sentence_transformers moved to nearcache.embedders.sentence_transformers",
    DeprecationWarning,
    stacklevel=2,
)
