"""``CachedEmbedder`` / ``AsyncCachedEmbedder``: only never-seen texts reach the embedder.

Both share one flow (:func:`CachedEmbedder._flow`): look every distinct text up in one
batch, claim the misses in the single-flight table, re-check the store for keys another
caller finished meanwhile, embed what is left in ``batch_size`` chunks (validating each
chunk before anything of it is cached), and wait for keys other callers are embedding.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Generator, Hashable, Sequence
from typing import Any, ClassVar, Generic, NoReturn, TypeVar, cast

import numpy as np
import numpy.typing as npt

from .._flow import Embed, Sleep, Wait, run_async, run_sync
from ..batchargs import one_text
from ..codecs import SparseVector, as_matrix
from ..embedders.protocol import (
    AsyncEmbedder,
    Embedder,
    default_namespace,
    embedder_kind,
    fits_of,
    validate_embedder,
)
from ..errors import (
    DimensionMismatchError,
    InvalidInputError,
    InvalidTypeError,
    InvalidVectorError,
)
from ..keys import validate_namespace
from ..retry import Backoff, ExponentialBackoff
from ..stores.memory import MemoryStore
from ..unknownopts import unknown_options
from .cache import EmbeddingCache
from .embedstats import EmbedStats
from .leases import Leases
from .progress import Progress, Tally, make_progress
from .singleflight import LeaderGone
from .writes import put_keys

__all__ = ["AsyncCachedEmbedder", "CachedEmbedder", "EmbedStats"]

#: Waits between looks at the store while another caller embeds a text.
POLL = ExponentialBackoff(0.02, 0.5, jitter="none")


E = TypeVar("E", Embedder, Embedder | AsyncEmbedder)


#: What other libraries' users pass a cached embedder, and where it goes.
_PEER_NAMES = {
    "ttl": "cache=EmbeddingCache(default_ttl=...)",
    "default_ttl": "cache=EmbeddingCache(default_ttl=...)",
    "store": "cache=EmbeddingCache(store)",
    "path": "cache=EmbeddingCache(path=...)",
    "document_embedding_cache": "cache",
    "underlying_embeddings": "embedder",
    "model": "embedder",
}


class _Base(Generic[E]):
    """What both cached embedders share; ``E`` is the embedder type each accepts."""

    _asynchronous: ClassVar[bool] = False

    def __init__(
        self,
        embedder: E | None = None,
        cache: EmbeddingCache | None = None,
        *,
        namespace: str | None = None,
        batch_size: int = 256,
        progress: bool | Progress = False,
        wait_timeout: float = 300.0,
        cross_process: bool | None = None,
        lease_ttl: float = 120.0,
        poll: Backoff | None = None,
        **unknown: NoReturn,  # a type checker refuses any; at run time, named with a hint
    ) -> None:
        if unknown:
            known = inspect.signature(_Base.__init__).parameters
            raise unknown_options(type(self).__name__, unknown, known, _PEER_NAMES)
        if embedder is None:
            from ..embedders.default import default_embedder

            embedder = cast(E, default_embedder())
        if isinstance(embedder, EmbeddingCache):  # "embedder EmbeddingCache lacks embed, ..."
            name = type(self).__name__
            raise InvalidTypeError(
                f"{name}(embedder, cache) takes the embedder first, then the cache: this call "
                f"gave the EmbeddingCache as embedder{_then(cache)}; pass {name}(embedder, cache)"
            )
        validate_embedder(embedder)
        if not self._asynchronous and inspect.iscoroutinefunction(embedder.embed):
            # it was kept, and each embed failed: "... not 'coroutine'" (a DTypeError)
            raise InvalidTypeError(
                "this embedder is async (embed is a coroutine); use AsyncCachedEmbedder"
            )
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidInputError("batch_size must be a positive int")
        if cache is not None and not isinstance(cache, EmbeddingCache):
            # it failed at the first embed: "'MemoryStore' object has no attribute 'store'"
            raise InvalidTypeError(
                f"cache must be an EmbeddingCache, not {type(cache).__name__}: wrap a store "
                "as EmbeddingCache(store), a SQLite file as EmbeddingCache(path=...)"
            )
        self.embedder: E = embedder
        self.cache = cache if cache is not None else EmbeddingCache()
        self.namespace = validate_namespace(
            namespace if namespace is not None else default_namespace(embedder)
        )
        self.kind = embedder_kind(embedder)
        self.dim = int(embedder.dim)
        self.fingerprint = str(embedder.fingerprint)
        self._fits = fits_of(embedder)
        self.batch_size = batch_size
        self.wait_timeout = float(wait_timeout)
        self.poll = poll if poll is not None else POLL
        self.cross_process = (
            not isinstance(self.cache.store, MemoryStore)
            if cross_process is None
            else cross_process
        )
        self._leases = Leases(self.cache.store, self.cache._clock, lease_ttl)
        self._progress = make_progress(progress)
        self._lock = threading.Lock()
        self._stats: dict[str, float] = dict.fromkeys(
            ("texts", "unique", "hits", "embedded", "waited", "embedder_calls", "embed_seconds"), 0
        )

    def fits(self, text: str) -> bool:
        """Whether the wrapped embedder reads ``text`` whole (True when it does not say),
        so a semantic cache over this wrapper still refuses hits on cut vectors."""
        return bool(self._fits(text))

    def __reduce__(self) -> Any:
        raise TypeError(
            f"a {type(self).__name__} cannot be pickled (sent to another process, as "
            f"pool.map(embedder.embed, ...) does): it holds its store's connection and "
            f"locks. Make one in each worker (a Pool initializer) over the same store: "
            f"workers share its vectors, and leases keep a text from being embedded twice"
        )

    def _count(self, **deltas: float) -> None:
        with self._lock:
            for k, v in deltas.items():
                self._stats[k] += v

    def stats(self) -> EmbedStats:
        with self._lock:
            s = dict(self._stats)
        return EmbedStats(
            **{k: (v if k == "embed_seconds" else int(v)) for k, v in s.items()},  # type: ignore[arg-type]
            cache=self.cache.stats(self.namespace),
        )

    def _check_output(self, raw: Any, rows: int) -> Any:
        """Validate an embedder's output for ``rows`` texts; raise before caching any."""
        if self.kind == "sparse":
            if not isinstance(raw, (list, tuple)) or len(raw) != rows:
                got = len(raw) if isinstance(raw, (list, tuple)) else None
                raise DimensionMismatchError(
                    f"sparse embedder returned {got} vectors for {rows} texts",
                    expected=rows,
                    got=got,
                )
            if not all(isinstance(v, SparseVector) for v in raw):
                raise InvalidVectorError("sparse embedder must return SparseVector objects")
            return list(raw)
        try:
            return as_matrix(raw, rows=rows, dim=self.dim or None, what="embedder output")
        except DimensionMismatchError:
            raise
        except InvalidVectorError as exc:
            raise type(exc)(f"embedder returned bad vectors: {exc}") from exc

    def _empty(self) -> npt.NDArray[np.float32] | list[SparseVector]:
        return [] if self.kind == "sparse" else np.zeros((0, self.dim), dtype=np.float32)

    def _flow(
        self, texts: Sequence[str]
    ) -> Generator[Embed | Wait | Sleep, Any, npt.NDArray[np.float32] | list[SparseVector]]:
        cache, ns, fp = self.cache, self.namespace, self.fingerprint
        cache._check_open()  # the cache's words, not its store's; and a borrowed store stays open
        keys = cache.keys_for(texts)
        if not keys:
            return self._empty()
        first: dict[str, str] = {}
        for key, text in zip(keys, texts):
            first.setdefault(key, text)
        unique = list(first)
        self._count(texts=len(keys), unique=len(unique))
        batch = cache._lookup(ns, unique, fp)
        matrix = batch.matrix
        if matrix is not None and self.kind == "dense":
            self._count(hits=len(unique))
            return matrix if len(unique) == len(keys) else matrix[_positions(unique, keys)]
        got: dict[str, Any] = {k: v for k, v in zip(unique, batch.vectors) if v is not None}
        self._count(hits=len(got))
        missing = [k for k in unique if k not in got]
        progress = Tally(len(missing), self._progress)
        for attempt in range(3):
            if not missing:
                break
            lead, follow = cache.flights.claim((ns, fp, k) for k in missing)
            pending: set[Hashable] = set(lead)
            try:
                if lead:
                    yield from self._lead([fk[2] for fk in lead], first, pending, got, progress)  # type: ignore[index]
            except GeneratorExit:
                cache.flights.fail(pending, LeaderGone("the embedding caller was cancelled"))
                raise
            except BaseException as exc:
                cache.flights.fail(pending, exc)
                raise
            missing = []
            if not follow:
                break
            self._count(waited=len(follow))
            yield Wait(list(follow.values()), self.wait_timeout)
            for fkey, fut in follow.items():
                key = fkey[2]  # type: ignore[index]
                if fut.done() and fut.exception() is None:
                    got[key] = fut.result()
                elif attempt == 2 and fut.done():
                    raise fut.exception()  # type: ignore[misc]
                else:
                    missing.append(key)  # leader failed, was cancelled, or is too slow
        if missing:
            raise LeaderGone(f"{len(missing)} texts were still being embedded by other callers")
        if self.kind == "sparse":
            return [got[k] for k in keys]
        mat = np.stack([np.asarray(got[k], dtype=np.float32) for k in unique])
        return mat if len(unique) == len(keys) else mat[_positions(unique, keys)]

    def _lead(
        self,
        keys: list[str],
        first: dict[str, str],
        pending: set[Hashable],
        got: dict[str, Any],
        progress: Tally,
    ) -> Generator[Embed | Sleep, Any, None]:
        """Embed the keys this caller leads in-process, honouring other processes' leases.

        A key another process holds a lease on is polled for (with backoff) until its
        vector appears, its lease expires (a killed leader) and we take it over, or
        ``wait_timeout`` passes and we embed it ourselves.
        """
        cache, ns, fp = self.cache, self.namespace, self.fingerprint
        remaining = keys
        clock = cache._clock  # lease expiry and this deadline follow the cache's clock
        deadline = clock() + self.wait_timeout
        rounds = 0
        while True:
            ready = self._found(remaining, got, pending)
            remaining = [k for k in remaining if k not in ready]
            if not remaining:
                return
            if self.cross_process and clock() < deadline:
                mine = self._acquire(remaining, got, pending)
                remaining = [k for k in remaining if k not in got]
            else:
                mine = remaining
            taken = set(mine)
            remaining = [k for k in remaining if k not in taken]
            try:
                for i in range(0, len(mine), self.batch_size):
                    chunk = mine[i : i + self.batch_size]
                    started = time.perf_counter()
                    raw = yield Embed([first[k] for k in chunk])
                    elapsed = time.perf_counter() - started
                    rows = self._check_output(raw, len(chunk))
                    put_keys(cache, ns, chunk, rows, None, fp)
                    cache.record_cost(ns, elapsed / len(chunk))
                    self._count(embedded=len(chunk), embedder_calls=1, embed_seconds=elapsed)
                    results = {k: rows[j] for j, k in enumerate(chunk)}
                    got.update(results)
                    cache.flights.resolve({(ns, fp, k): v for k, v in results.items()})
                    pending.difference_update((ns, fp, k) for k in chunk)
                    progress.add(len(chunk))
            finally:
                if self.cross_process and mine:
                    self._leases.release(ns, mine)
            if not remaining:
                return
            yield Sleep(self.poll.delay(rounds))
            rounds += 1

    def _acquire(self, keys: list[str], got: dict[str, Any], pending: set[Hashable]) -> list[str]:
        """Lease ``keys`` in the store; of those won, the ones still to embed.

        A leader may finish (store its vectors, release its leases) between our look at
        the store and our lease, so the won keys are looked up once more and a finished
        key is released instead of embedded again.
        """
        mine = self._leases.acquire(self.namespace, keys)
        done = self._found(mine, got, pending) if mine else set()
        if done:
            self._leases.release(self.namespace, [k for k in mine if k in done])
        return [k for k in mine if k not in done]

    def _found(self, keys: list[str], got: dict[str, Any], pending: set[Hashable]) -> set[str]:
        """Keys whose vectors are in the store now (finished by another caller)."""
        cache, ns, fp = self.cache, self.namespace, self.fingerprint
        again = cache._lookup(ns, keys, fp, count=False).vectors
        ready = {k: v for k, v in zip(keys, again) if v is not None}
        if ready:
            self._count(waited=len(ready))
        got.update(ready)
        cache.flights.resolve({(ns, fp, k): v for k, v in ready.items()})
        pending.difference_update((ns, fp, k) for k in ready)
        return set(ready)


def _then(cache: object) -> str:
    """What came second in a swapped call (see ``_Base.__init__``)."""
    return "" if cache is None else f" and a {type(cache).__name__} as cache"


def _positions(unique: list[str], keys: list[str]) -> list[int]:
    pos = {k: i for i, k in enumerate(unique)}
    return [pos[k] for k in keys]


class CachedEmbedder(_Base[Embedder]):
    """Wrap any embedder so only never-seen texts are embedded.

    Args:
        embedder: an ``Embedder`` (default: :func:`nearcache.default_embedder`).
        cache: an ``EmbeddingCache`` (default: in memory, 100 MB).
        namespace: default ``"{provider}.{model}.{kind}"`` of the embedder.
        batch_size: most texts per embedder call.
        progress: True for a progress bar, or a ``callback(done, total)``.
        wait_timeout: seconds to wait for another caller embedding the same text
            before embedding it ourselves.
        cross_process: take a lease in the store on each text before embedding it, so
            processes (and machines) sharing the store embed it once; default on for
            every store but ``MemoryStore`` (where threads are already single-flight).
        lease_ttl: how long a lease lives; a killed leader's texts are taken over
            after this many seconds.
        poll: waits between looks at the store while another process holds a lease
            (:mod:`nearcache.retry`; default 20 ms doubling to 0.5 s).

    >>> import numpy as np
    >>> from nearcache import FunctionEmbedder
    >>> emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    >>> cached = CachedEmbedder(emb)
    >>> cached.embed(["a", "b", "a"]).shape
    (3, 4)
    >>> cached.stats().embedded
    2
    """

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32] | list[SparseVector]:
        """Vectors for ``texts`` in input order; only cache misses reach the embedder."""
        return run_sync(self._flow(texts), self.embedder.embed)

    def embed_one(self, text: str) -> npt.NDArray[np.float32] | SparseVector:
        return self.embed([one_text(text)])[0]

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.embedder!r}, namespace={self.namespace!r})"


class AsyncCachedEmbedder(_Base[Embedder | AsyncEmbedder]):
    """``CachedEmbedder`` for asyncio: awaits an async embedder (or runs a sync one in a
    thread) and does store work off the event loop. Same flow, same single-flight table.
    """

    _asynchronous: ClassVar[bool] = True

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32] | list[SparseVector]:
        return await run_async(self._flow(texts), self.embedder.embed)

    async def embed_one(self, text: str) -> npt.NDArray[np.float32] | SparseVector:
        return (await self.embed([one_text(text)]))[0]

    def __repr__(self) -> str:
        return f"AsyncCachedEmbedder({self.embedder!r}, namespace={self.namespace!r})"
