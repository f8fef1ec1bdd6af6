"""Embedders for OpenAI-compatible ``POST {base_url}/embeddings`` APIs.

Works with OpenAI itself and with the many servers that speak the same protocol (vLLM,
Ollama, LM Studio, LiteLLM, text-embeddings-inference, Azure-style gateways).

Why httpx: one library gives both a sync and an async client with the same API,
connection pooling, HTTP/1.1 keep-alive and fine-grained timeouts; no vendor SDK is
needed for one endpoint. The waits between retries are nearcache's own policy objects
(:mod:`nearcache.retry`), shared with the stores and the circuit breaker.

Retry policy: transport errors (connection refused or reset, timeouts) and the statuses
408, 409, 429, 500, 502, 503 and 504 are retried up to ``max_retries`` times with
exponential backoff and full jitter (``uniform(0, min(backoff_max, backoff_base *
2**attempt))``), or after the server's ``Retry-After`` seconds when it sends one (capped
at ``max_retry_after``). Other statuses (400, 401, 403, 404, 422, ...) fail at once.
``retry=Retry(...)`` replaces ``max_retries``/``backoff_base``/``backoff_max``/``seed``.

Both embedders share one sans-I/O flow (:meth:`OpenAIEmbedder._flow`) that yields
"send this request" and "sleep this long" (:mod:`.apiwire`); the sync and async classes
only drive it.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import (
    DimensionMismatchError,
    InvalidInputError,
    InvalidTypeError,
    MissingExtraError,
)
from ..errors import EmbeddingAPIError as EmbeddingAPIError
from ..policy import check_count
from ..retry import ExponentialBackoff, Retry
from .apiwire import Reply as _Reply
from .apiwire import Send as _Send
from .apiwire import Sleep as _Sleep
from .apiwire import not_found_hint
from .apiwire import reply_of as _reply
from .protocol import text_list
from .wordpieces import count_tokens

__all__ = ["AsyncOpenAIEmbedder", "EmbeddingAPIError", "OpenAIEmbedder"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Output dimensions of well-known models (others need ``dim=``).
KNOWN_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
#: Input tokens OpenAI's embedding models read (``KNOWN_DIMS``' models).
OPENAI_MAX_TOKENS = 8191
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


def _httpx() -> Any:
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtraError("openai", "httpx", "the OpenAI-compatible embedder") from exc
    return httpx


class OpenAIEmbedder:
    """Embed texts with an OpenAI-compatible HTTP API.

    Args:
        model: the model name sent to the API (e.g. ``"text-embedding-3-small"``).
        base_url: API root (default ``$OPENAI_BASE_URL`` or OpenAI's); the request goes
            to ``{base_url}/embeddings``.
        api_key: sent as ``Authorization: Bearer ...`` (default ``$OPENAI_API_KEY``;
            none is sent when there is no key, as local servers expect).
        dim: output dimension; required unless the model is in ``KNOWN_DIMS`` or
            ``dimensions`` is given.
        dimensions: ask the API to shorten vectors (text-embedding-3 models).
        provider: first part of the cache namespace and fingerprint.
        revision: part of the fingerprint; bump it when the server's model changes
            under the same name.
        batch_size: most texts per request (OpenAI accepts up to 2048).
        max_retries: retries after the first attempt for transient failures.
        timeout: seconds for the whole request (connect at most 10 s of it).
        backoff_base / backoff_max / max_retry_after: the retry waits, in seconds.
        normalize: L2-normalize the returned vectors (OpenAI's already are).
        headers: extra HTTP headers.
        seed: seed of the jitter, for reproducible tests.
        retry: a :class:`~nearcache.retry.Retry` (attempts and backoff) instead of
            ``max_retries``, ``backoff_base``, ``backoff_max`` and ``seed``.
        max_tokens: input tokens the model reads (default 8191 for OpenAI's models in
            ``KNOWN_DIMS``, else None = unknown); ``fits`` bounds texts by it.

    Raises:
        EmbeddingAPIError: from ``embed``, when the API refuses or keeps failing.

    >>> emb = OpenAIEmbedder("nomic-embed-text", base_url="http://127.0.0.1:11434/v1",
    ...                      dim=768, provider="ollama")
    >>> emb.fingerprint
    'ollama/nomic-embed-text@api;dim=768;dimensions=default;l2norm=0'
    """

    kind = "dense"

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        dim: int | None = None,
        dimensions: int | None = None,
        provider: str = "openai",
        revision: str = "",
        batch_size: int = 256,
        max_retries: int = 5,
        timeout: float = 60.0,
        backoff_base: float = 0.5,
        backoff_max: float = 20.0,
        max_retry_after: float = 60.0,
        normalize: bool = False,
        headers: dict[str, str] | None = None,
        seed: int | None = None,
        retry: Retry | None = None,
        max_tokens: int | None = None,
    ) -> None:
        dim = _output_dim(model, dim, dimensions)
        if max_tokens is None and model in KNOWN_DIMS:
            max_tokens = OPENAI_MAX_TOKENS
        if max_tokens is not None:
            check_count("max_tokens", max_tokens, minimum=1)
        self.max_tokens = max_tokens
        if not isinstance(batch_size, int) or not 1 <= batch_size <= 2048:
            raise InvalidInputError("batch_size must be an int in [1, 2048]")
        if retry is None:
            check_count("max_retries", max_retries, minimum=0)
            retry = Retry(ExponentialBackoff(backoff_base, backoff_max, seed=seed), max_retries + 1)
        elif not isinstance(retry, Retry):
            raise InvalidTypeError(f"retry must be a Retry, not {type(retry).__name__}")
        if not timeout > 0:
            raise InvalidInputError("timeout must be positive")
        self.model = self.name = model
        self.provider = provider
        self.revision = revision
        self.dim = dim
        self.dimensions = dimensions
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self._api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.batch_size = batch_size
        self.retry = retry
        self.max_retries = retry.retries
        self.timeout = float(timeout)
        self.max_retry_after = float(max_retry_after)
        self.normalize = normalize
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        if self._api_key:
            self._headers["Authorization"] = f"Bearer {self._api_key}"
        self.fingerprint = (
            f"{provider}/{model}@{revision or 'api'};dim={dim};"
            f"dimensions={dimensions if dimensions is not None else 'default'};"
            f"l2norm={int(normalize)}"
        )
        self.requests = 0
        self.retries = 0
        self._client: Any = None

    # -- the shared flow -------------------------------------------------------------

    def _texts(self, texts: Sequence[str]) -> list[str]:
        return text_list(texts)

    def fits(self, text: str) -> bool:
        """Whether ``text`` fits ``max_tokens`` (OpenAI refuses longer inputs; a local
        server may cut them silently). A token covers at least one UTF-8 byte, so up to
        ``max_tokens`` bytes fit; a longer text is counted without the model's tokenizer
        (:func:`~.wordpieces.count_tokens`: never under a bert-base-uncased model's count,
        an estimate for others), or, without the ``tokenizers`` package, taken as cut. Unknown
        ``max_tokens``: True."""
        limit = self.max_tokens
        if limit is None or len(text) * 4 <= limit:
            return True
        size = len(text.encode("utf-8", "surrogatepass"))
        if size <= limit:
            return True
        if size > 4 * limit:  # over a quarter: counted as too long without tokenizing
            return False
        tokens = count_tokens(text)
        return tokens is not None and tokens <= limit

    def backoff(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (0-based ``attempt``): the
        server's ``Retry-After`` (capped at ``max_retry_after``), else the retry policy's."""
        if retry_after is not None:
            try:
                return max(0.0, min(float(retry_after), self.max_retry_after))
            except ValueError:
                pass  # an HTTP date: fall back to our own schedule
        return self.retry.backoff.delay(attempt)

    def _flow(
        self, texts: list[str]
    ) -> Generator[_Send | _Sleep, _Reply | None, npt.NDArray[np.float32]]:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            payload: dict[str, Any] = {
                "model": self.model,
                "input": batch,
                "encoding_format": "float",
            }
            if self.dimensions is not None:
                payload["dimensions"] = self.dimensions
            for attempt in range(self.retry.attempts):
                reply = yield _Send(payload)
                assert reply is not None
                self.requests += 1
                if reply.error is None and reply.status == 200:
                    out[start : start + len(batch)] = self._parse(reply.body, len(batch))
                    break
                retryable = reply.error is not None or reply.status in RETRY_STATUSES
                if not retryable or attempt == self.retry.retries:
                    raise self._failure(reply, retryable, attempt + 1)
                self.retries += 1
                yield _Sleep(self.backoff(attempt, reply.retry_after))
        if self.normalize and len(texts):
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, 1e-12)
        return out

    def _failure(self, reply: _Reply, retryable: bool, attempts: int) -> EmbeddingAPIError:
        where = f"{self.base_url}/embeddings"
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if reply.error is not None:
            detail = f"{type(reply.error).__name__}: {reply.error}".rstrip(": ")
            return EmbeddingAPIError(
                f"{where} unreachable{tries}: {detail}", retryable=True, attempts=attempts
            )
        message = ""
        if isinstance(reply.body, dict):
            err = reply.body.get("error")
            message = err.get("message", "") if isinstance(err, dict) else str(err or "")
        hint = not_found_hint(self.base_url) if reply.status == 404 else ""
        return EmbeddingAPIError(
            f"{where} answered HTTP {reply.status}{tries}"
            + (f": {message}" if message else "")
            + hint,
            status_code=reply.status,
            retryable=retryable,
            attempts=attempts,
        )

    def _parse(self, body: Any, rows: int) -> npt.NDArray[np.float32]:
        if not isinstance(body, dict):
            raise EmbeddingAPIError(
                "the API answered HTTP 200 without a JSON object", status_code=200
            )
        data = body.get("data")
        if not isinstance(data, list) or len(data) != rows:
            got = len(data) if isinstance(data, list) else None
            raise DimensionMismatchError(
                f"the API returned {got} embeddings for {rows} texts", expected=rows, got=got
            )
        mat = np.empty((rows, self.dim), dtype=np.float32)
        seen = set()
        for position, item in enumerate(data):
            index = item.get("index", position) if isinstance(item, dict) else None
            vec = item.get("embedding") if isinstance(item, dict) else None
            if not isinstance(index, int) or not 0 <= index < rows or index in seen:
                raise EmbeddingAPIError(f"the API returned a bad index {index!r}")
            if not isinstance(vec, list) or len(vec) != self.dim:
                got = len(vec) if isinstance(vec, list) else None
                raise DimensionMismatchError(
                    f"the API returned a vector of {got} dimensions; expected {self.dim}",
                    expected=self.dim,
                    got=got,
                )
            seen.add(index)
            mat[index] = vec
        return mat

    # -- sync driver -----------------------------------------------------------------

    def _timeout(self) -> Any:
        return _httpx().Timeout(self.timeout, connect=min(self.timeout, 10.0))

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors for ``texts`` (float32 ``(n, dim)``), batched, retried on failure."""
        httpx = _httpx()
        flow = self._flow(self._texts(texts))
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout(), headers=self._headers)
        client = self._client
        try:
            request = next(flow)
            while True:
                if isinstance(request, _Sleep):
                    time.sleep(request.seconds)
                    request = flow.send(None)
                    continue
                try:
                    resp = client.post(f"{self.base_url}/embeddings", json=request.payload)
                    reply = _reply(resp)
                except httpx.TransportError as exc:
                    reply = _Reply(error=exc)
                request = flow.send(reply)
        except StopIteration as done:
            result: npt.NDArray[np.float32] = done.value
            return result

    def close(self) -> None:
        """Close the HTTP connections (the embedder reopens them if used again)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> OpenAIEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fingerprint!r}, base_url={self.base_url!r})"


class AsyncOpenAIEmbedder(OpenAIEmbedder):
    """:class:`OpenAIEmbedder` with ``async def embed`` on ``httpx.AsyncClient``.

    Use it with :class:`~nearcache.AsyncCachedEmbedder`. The client belongs to the event
    loop that first used it; call ``await aclose()`` before that loop ends.
    """

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:  # type: ignore[override]
        httpx = _httpx()
        flow = self._flow(self._texts(texts))
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout(), headers=self._headers)
        client = self._client
        try:
            request = next(flow)
            while True:
                if isinstance(request, _Sleep):
                    await asyncio.sleep(request.seconds)
                    request = flow.send(None)
                    continue
                try:
                    resp = await client.post(f"{self.base_url}/embeddings", json=request.payload)
                    reply = _reply(resp)
                except httpx.TransportError as exc:
                    reply = _Reply(error=exc)
                request = flow.send(reply)
        except StopIteration as done:
            result: npt.NDArray[np.float32] = done.value
            return result

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def close(self) -> None:
        """Drop the async client without awaiting (prefer ``await aclose()``)."""
        self._client = None


def _output_dim(model: object, dim: int | None, dimensions: int | None) -> int:
    """The vector size: ``dim``, else ``dimensions``, else the known size of ``model``."""
    if not isinstance(model, str) or not model:
        raise InvalidInputError("model must be a non-empty str")
    if dim is None:
        dim = dimensions if dimensions is not None else KNOWN_DIMS.get(model)
    if dim is None:
        raise InvalidInputError(f"the output dimension of {model!r} is unknown; pass dim=...")
    if not isinstance(dim, int) or dim < 1:
        raise InvalidInputError("dim must be a positive int")
    if dimensions is not None and dimensions != dim:
        raise InvalidInputError(f"dimensions={dimensions} but dim={dim}")
    return dim
