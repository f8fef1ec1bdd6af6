"""Embedder protocols and the callable adapter.

An embedder is anything with ``embed(texts) -> (n, dim) array``, ``dim`` and
``fingerprint`` (model id + revision + output normalization). Two embedders with
different fingerprints never share cached vectors. Optional attributes ``provider``,
``model`` and ``kind`` (``"dense"``/``"sparse"``) name the default cache namespace
``"{provider}.{model}.{kind}"``; sparse embedders return a list of ``SparseVector``.
The optional ``fits(text) -> bool`` says whether the model reads ``text`` whole (not cut
at its window); without it every text counts as fitting (``fits_of``, ``text_fits``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Protocol, cast, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..batchargs import SINGLE, batch_error, check_batch
from ..errors import InvalidInputError, InvalidTypeError

__all__ = [
    "AsyncEmbedder",
    "AsyncFunctionEmbedder",
    "Embedder",
    "FitsMemo",
    "FunctionEmbedder",
    "check_model_name",
    "default_namespace",
    "embedder_kind",
    "fits_of",
    "check_texts",
    "not_texts",
    "text_list",
    "text_fits",
    "validate_embedder",
]

EmbedOutput = "npt.NDArray[np.floating[Any]] | list[SparseVector]"


@runtime_checkable
class Embedder(Protocol):
    """Synchronous embedder: ``embed(texts)`` returns an ``(len(texts), dim)`` array."""

    dim: int
    fingerprint: str

    def embed(self, texts: Sequence[str]) -> Any: ...


@runtime_checkable
class AsyncEmbedder(Protocol):
    """Asynchronous embedder: ``await embed(texts)``."""

    dim: int
    fingerprint: str

    async def embed(self, texts: Sequence[str]) -> Any: ...


def validate_embedder(embedder: object, *, what: str = "embedder") -> None:
    """Raise a clear ``TypeError`` if ``embedder`` does not look like an embedder: for a
    model name the embedder that loads it, for a function the wrapper that adapts it."""
    if isinstance(embedder, str):
        raise InvalidTypeError(
            f"{what} is the str {embedder!r}, a model name, not an embedder: pass "
            f"{_embedder_for(embedder)}"
        )
    missing = [a for a in ("embed", "dim", "fingerprint") if not hasattr(embedder, a)]
    if missing and callable(embedder) and inspect.isroutine(embedder):
        raise InvalidTypeError(
            f"{what} is the function {getattr(embedder, '__name__', '?')!r}, not an embedder: "
            "wrap it as FunctionEmbedder(fn, dim, name) (AsyncFunctionEmbedder for async def)"
        )
    if missing:
        raise InvalidTypeError(
            f"{what} {type(embedder).__name__} lacks {', '.join(missing)}; an embedder needs "
            "embed(texts), dim and fingerprint (wrap a function with FunctionEmbedder)"
        )
    if not callable(getattr(embedder, "embed", None)):
        raise InvalidTypeError(f"{what}.embed is not callable")


#: The names the CLI's ``--model`` takes for the default model (cli/models.py).
_DEFAULT_NAMES = frozenset({"default", "all-minilm-l6-v2", "all-minilm-l6-v2-int8"})
_ST = "SentenceTransformerEmbedder({!r}) (nearcache.embedders.sentence_transformers)"
_API = "OpenAIEmbedder({!r}{}) (nearcache.embedders.openai)"


def _embedder_for(name: str) -> str:
    """The embedder that loads the model ``name`` names, read as the CLI's ``--model``
    reads it (``st:NAME``, ``openai:MODEL``, ``default``); a bare name that is not an
    OpenAI model may be either kind (docs/embedding-cache.md lists the embedders)."""
    from .openai import KNOWN_DIMS  # a dict: importing the module loads no HTTP client

    prefix, _, rest = name.strip().partition(":")
    if name.strip().lower() in _DEFAULT_NAMES:
        return "nearcache.default_embedder() (the default when embedder is not given)"
    if prefix in ("st", "sentence-transformers") and rest:
        return _ST.format(rest)
    if prefix == "openai" and rest:
        return _API.format(rest, "" if rest in KNOWN_DIMS else ", base_url=..., dim=...")
    if name in KNOWN_DIMS:
        return _API.format(name, "")
    return (
        f"{_ST.format(name)} for a sentence-transformers model, or "
        f"{_API.format(name, ', base_url=..., dim=...')} for one behind an embeddings API"
    )


def embedder_kind(embedder: object) -> str:
    kind = getattr(embedder, "kind", "dense")
    if kind not in ("dense", "sparse"):
        raise InvalidInputError(f"embedder kind must be 'dense' or 'sparse', not {kind!r}")
    return str(kind)


def _fits_all(text: str) -> bool:
    return True


def fits_of(embedder: object) -> Callable[[str], bool]:
    """The window check of ``embedder``: its ``fits``, or one that passes every text when
    it does not say (a custom embedder keeps its behaviour). Look it up once and call it
    per text: a lookup asks it of every candidate."""
    fits = getattr(embedder, "fits", None)
    return _fits_all if fits is None else fits  # type: ignore[no-any-return]


def text_fits(embedder: object, text: str) -> bool:
    """Whether ``embedder`` reads ``text`` whole (``fits_of`` for one text)."""
    return bool(fits_of(embedder)(text))


class FitsMemo:
    """Remembered ``fits`` answers of long texts (bounded: a full memo starts over rather
    than tracking recency). A lookup asks again of every long stored candidate it meets,
    and each answer costs a tokenization; one dict operation per step, so threads may
    share it."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._known: dict[Hashable, bool] = {}

    def get(self, key: Hashable) -> bool | None:
        return self._known.get(key)

    def put(self, key: Hashable, fits: bool) -> None:
        known = self._known
        if len(known) >= self.size:
            known.clear()
        known[key] = fits


def _segment(value: str) -> str:
    return value.replace(" ", "-") or "unknown"


def default_namespace(embedder: object) -> str:
    """``"{provider}.{model}.{kind}"`` for an embedder (``custom`` provider if unknown)."""
    provider = getattr(embedder, "provider", None) or "custom"
    model = getattr(embedder, "model", None) or getattr(embedder, "name", None)
    if not model:
        model = str(getattr(embedder, "fingerprint", "unknown"))
    return f"{_segment(str(provider))}.{_segment(str(model))}.{embedder_kind(embedder)}"


def check_model_name(name: object, what: str) -> None:
    """Refuse a model name that is not a str or is blank: it is the fingerprint's and the
    default namespace's model, so two unnamed functions would share one another's vectors
    (``FunctionEmbedder(fn, 3, name="")`` was ``"function/@unversioned;dim=3"``)."""
    if not isinstance(name, str):
        raise InvalidTypeError(f"{what} must be str, not {type(name).__name__}")
    if not name.strip():
        raise InvalidInputError(
            f"{what} must not be blank: it names the model in the embedder's fingerprint "
            "and cache namespace, and embedders with the same name share cached vectors"
        )


def _fingerprint(provider: str, name: str, revision: str, dim: int, normalize: bool) -> str:
    return f"{provider}/{name}@{revision or 'unversioned'};dim={dim};l2norm={int(normalize)}"


def _l2(mat: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    mat = np.asarray(mat, dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = (mat / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return out


class FunctionEmbedder:
    """Adapt a function ``texts -> vectors`` to the ``Embedder`` protocol.

    Args:
        fn: takes a list of strings, returns an ``(n, dim)`` array (or ``SparseVector``s
            when ``kind="sparse"``).
        dim: output dimension (vocabulary size for sparse; 0 if unknown).
        name: the model name; part of the fingerprint and the default namespace.
        revision: model revision; part of the fingerprint.
        normalize: L2-normalize dense outputs (part of the fingerprint).

    >>> import numpy as np
    >>> emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 3)), dim=3, name="ones")
    >>> emb.embed(["a", "b"]).shape
    (2, 3)
    """

    def __init__(
        self,
        fn: Callable[[list[str]], Any],
        dim: int,
        name: str,
        *,
        revision: str = "",
        provider: str = "function",
        kind: str = "dense",
        normalize: bool = False,
    ) -> None:
        if not callable(fn):
            raise InvalidTypeError("fn must be callable")
        if inspect.iscoroutinefunction(fn):
            raise InvalidTypeError("fn is async; use AsyncFunctionEmbedder")
        if not isinstance(dim, int) or dim < 0:
            raise InvalidInputError("dim must be a non-negative int")
        check_model_name(name, "name")
        self._fn = fn
        self.dim = dim
        self.name = self.model = name
        self.provider = provider
        self.revision = revision
        self.kind = kind
        self.normalize = normalize
        self.fingerprint = _fingerprint(provider, name, revision, dim, normalize)

    def _post(self, out: Any) -> Any:
        if self.kind == "dense" and self.normalize:
            return _l2(out)
        return out

    def embed(self, texts: Sequence[str]) -> Any:
        check_batch(texts, "texts", iterators=True, mappings=False)  # "ab": two texts; a dict: keys
        return self._post(self._fn(list(texts)))

    def __repr__(self) -> str:
        return f"FunctionEmbedder({self.fingerprint!r})"


class AsyncFunctionEmbedder(FunctionEmbedder):
    """``FunctionEmbedder`` for an ``async def fn(texts)``."""

    def __init__(
        self,
        fn: Callable[[list[str]], Awaitable[Any]],
        dim: int,
        name: str,
        **kwargs: Any,
    ) -> None:
        if not inspect.iscoroutinefunction(fn):
            raise InvalidTypeError("fn must be an async function")
        super().__init__(lambda texts: None, dim, name, **kwargs)
        self._afn = fn

    async def embed(self, texts: Sequence[str]) -> Any:  # type: ignore[override]
        check_batch(texts, "texts", iterators=True, mappings=False)
        return self._post(await self._afn(list(texts)))


def check_texts(texts: object) -> None:
    """Refuse ``texts`` unless it is a sequence of texts (one str, bytes, a set, a
    generator: :func:`not_texts`); the embedders and the embedding cache's keys."""
    if isinstance(texts, SINGLE) or not isinstance(texts, Sequence):
        raise not_texts(texts)


def text_list(texts: object) -> list[str]:
    """``texts`` as a list, each a str (``texts[1] must be str, not int`` names the place)."""
    check_texts(texts)
    out = list(cast("Sequence[object]", texts))
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise InvalidTypeError(f"texts[{i}] must be str, not {type(text).__name__}")
    return cast("list[str]", out)


def not_texts(texts: object) -> InvalidTypeError:
    """The error for ``texts`` that are not a sequence of str, in the words every batch
    API uses (``batchargs``): a generator was told "(a list, not a single str)"."""
    return batch_error(texts, "texts")
