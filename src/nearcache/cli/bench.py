"""``nearcache bench``: a quick, repeatable timing of the caches against a real store.

It writes into private namespaces (``nearcache.bench-<pid>...``) and removes them at the
end, so it can run against a store in use. Results are plain dicts in the format of
``benchmarks/results.json`` (see ``docs/benchmarks.md``)::

    {"format": 1, "results": [{"benchmark": "embedding.get_many", "subject": "nearcache",
      "store": "sqlite", "n": 1000, "dim": 384, "unit": "ms", "median": 4.1, "p90": 4.6,
      "p99": 5.0, "max": 5.0, "runs": 7, "date": "2026-11-23", "machine": {...}}]}

``unit`` is ``ms`` (time per batch or call) or ``texts/s`` (throughput). ``--peers``
adds the same operations on LangChain's ``CacheBackedEmbeddings`` (in-memory byte store)
and diskcache when those packages are installed, measured in the same process and run.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..embedding.cache import EmbeddingCache
from ..errors import (
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
    MissingExtraError,
)
from ..stores.protocol import Store
from .ops import opened

__all__ = ["FORMAT", "PEERS", "check_peers", "merge_results", "opened_for_bench", "run"]

FORMAT = 1


@contextlib.contextmanager
def opened_for_bench(url: str | None) -> Iterator[Store]:
    """The store, closed afterwards (a SQLite file a failed run created is removed)."""
    with opened(url) as store:
        yield store


#: The peers ``--peers`` times, by the module that must import (all in ``[bench]``).
PEERS = {"langchain_classic": "langchain-classic", "diskcache": "diskcache"}


def check_peers() -> None:
    """Refuse ``--peers`` when no peer is installed; name the missing ones otherwise.

    Raises:
        MissingExtraError: neither peer can be imported.
    """
    import importlib

    missing = []
    for module, package in PEERS.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if len(missing) == len(PEERS):
        raise MissingExtraError("bench", " and ".join(missing), "bench --peers")
    if missing:
        from .common import err_console

        err_console().print(
            f"note: {', '.join(missing)} not installed, so not timed; "
            "install the peers with: pip install 'nearcache[bench]'"
        )


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "numpy": np.__version__,
    }


def _summary(samples: list[float]) -> dict[str, float]:
    arr = np.asarray(samples, dtype=np.float64)
    return {
        "median": float(np.median(arr)),
        "p90": float(np.percentile(arr, 90)),
        "p99": float(np.percentile(arr, 99)),
        "max": float(arr.max()),
    }


def _row(
    benchmark: str,
    subject: str,
    n: int,
    base: dict[str, Any],
    samples: list[float],
    *,
    unit: str = "ms",
    **extra: Any,
) -> dict[str, Any]:
    """One result row: what was timed, on what, and the summary of its samples."""
    return {
        "benchmark": benchmark,
        "subject": subject,
        "n": n,
        "unit": unit,
        **base,
        **extra,
        **_summary(samples),
    }


def _time_ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up (connections, page cache, first-call imports)
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _store_kind(store: Store) -> str:
    return store.url.split("://", 1)[0]


def run(
    store: Store,
    *,
    n: int = 1000,
    dim: int = 384,
    repeat: int = 7,
    embedder: Any = None,
    peers: bool = False,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time the embedding cache (and the semantic cache when available) on ``store``."""
    rng = np.random.default_rng(seed)
    kind = _store_kind(store)
    base = {
        "store": kind,
        "dim": dim,
        "runs": repeat,
        "date": datetime.date.today().isoformat(),
        "machine": _machine(),
    }
    results: list[dict[str, Any]] = []

    texts = [f"benchmark chunk {i} {rng.integers(1 << 62)}" for i in range(n)]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    cache = EmbeddingCache(store)
    ns = f"nearcache.bench-{os.getpid()}.dense"
    try:
        put_round = [0]

        def put_many() -> None:
            put_round[0] += 1
            cache.put_many([f"{t} {put_round[0]}" for t in texts], vectors, ns)

        results.append(_row("embedding.put_many", "nearcache", n, base, _time_ms(put_many, repeat)))
        cache.put_many(texts, vectors, ns)
        samples = _time_ms(lambda: cache.get_many(texts, ns), repeat)
        results.append(_row("embedding.get_many", "nearcache", n, base, samples))
        singles = texts[: min(n, 200)]

        def get_each() -> None:
            for t in singles:
                cache.get(t, ns)

        samples = [s / len(singles) for s in _time_ms(get_each, repeat)]
        results.append(_row("embedding.get", "nearcache", 1, base, samples))
        results.extend(_semantic(store, rng, dim, repeat, base))
    finally:
        cache.clear_namespace(ns)
    if embedder is not None:
        results.extend(_embedder(embedder, repeat, base))
    if peers:
        results.extend(_peers(texts, vectors, repeat, base))
    return results


def _semantic(
    store: Store, rng: np.random.Generator, dim: int, repeat: int, base: dict[str, Any]
) -> list[dict[str, Any]]:
    with _binding_taken_back(store):
        return _time_semantic(store, rng, dim, repeat, base)


@contextlib.contextmanager
def _binding_taken_back(store: Store) -> Iterator[None]:
    """The bench's entries bind a store without semantic entries to its own embedder (the
    dimension and fingerprint every later semantic cache must match); when the store had
    no binding before and holds no semantic entry after, the binding is taken back, so the
    application's embedder can still fill it."""
    from ..semantic.binding import _CONFIG_KEY  # the binding's record in the store's meta

    before = store.get_meta(_CONFIG_KEY)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            if not before and not store.info("semantic").entries:
                store.set_meta(_CONFIG_KEY, "")


def _time_semantic(
    store: Store, rng: np.random.Generator, dim: int, repeat: int, base: dict[str, Any]
) -> list[dict[str, Any]]:
    from .ops import semantic_module

    module = semantic_module("cache")
    if module is None:
        return []
    SemanticCache = module.SemanticCache
    from .models import HashEmbedder

    embedder = HashEmbedder(dim)
    ns = f"nearcache-bench-{os.getpid()}"
    count = 200
    queries = [f"benchmark question {i}" for i in range(count)]
    vecs = rng.standard_normal((count, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    out: list[dict[str, Any]] = []
    try:
        sem = SemanticCache(embedder=embedder, store=store)
    except (DimensionMismatchError, FingerprintMismatchError) as exc:  # another embedder's
        from .common import err_console

        err_console().print(f"note: semantic cache not timed on this store: {exc}", soft_wrap=True)
        return []
    try:
        started = time.perf_counter()
        for q, v in zip(queries, vecs):
            sem.put(q, "answer", embedding=v, namespace=ns)
        put_ms = (time.perf_counter() - started) * 1000 / count

        def exact() -> None:
            for q, v in zip(queries, vecs):
                sem.get(q, embedding=v, namespace=ns)

        def semantic() -> None:
            for i, v in enumerate(vecs):
                sem.get(f"reworded question {i}", embedding=v, namespace=ns)

        out.append(_row("semantic.put", "nearcache", 1, base, [put_ms], runs=1))
        for name, fn in (("semantic.get_exact", exact), ("semantic.get_semantic", semantic)):
            samples = [s / count for s in _time_ms(fn, repeat)]
            out.append(_row(name, "nearcache", 1, base, samples))
    finally:
        with contextlib.suppress(Exception):
            sem.clear_namespace(ns)
        sem.close()
    return out


def _embedder(embedder: Any, repeat: int, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Texts/s of ``embedder`` on query-sized texts and on 700-character chunks."""
    short = [f"How do I make cached answers expire after {i} hours?" for i in range(64)]
    paragraph = (
        "A cache keeps copies of results that are expensive to produce. Entries expire "
        "after their time to live, and the least recently used ones are evicted when the "
        "cache is full. "
    )
    chunks = [(f"Chunk {i}. " + paragraph * 4)[:700] for i in range(16)]
    model = getattr(embedder, "model", None)
    provider = getattr(embedder, "provider", None)
    name = f"{provider}/{model}" if provider and model else str(model or embedder.fingerprint)
    out = []
    embedder.embed(short[:4])  # warm-up
    for label, texts in (("embedder.short_texts", short), ("embedder.chunks_700", chunks)):
        samples = []
        for _ in range(max(1, repeat // 2)):
            started = time.perf_counter()
            embedder.embed(texts)
            samples.append(len(texts) / (time.perf_counter() - started))
        out.append(_row(label, name, len(texts), base, samples, unit="texts/s", store="-"))
    return out


def _peers(
    texts: list[str], vectors: npt.NDArray[np.float32], repeat: int, base: dict[str, Any]
) -> list[dict[str, Any]]:
    """The same batch reads and writes on peers installed in this environment."""
    return [*_langchain(texts, vectors, repeat, base), *_diskcache(texts, vectors, repeat, base)]


def _langchain(
    texts: list[str], vectors: npt.NDArray[np.float32], repeat: int, base: dict[str, Any]
) -> list[dict[str, Any]]:
    try:
        from langchain_classic.embeddings import CacheBackedEmbeddings
        from langchain_core.embeddings import Embeddings
        from langchain_core.stores import InMemoryByteStore
    except ImportError:
        return []
    table = {t: v.tolist() for t, v in zip(texts, vectors)}

    class Fixed(Embeddings):
        def embed_documents(self, docs: list[str]) -> list[list[float]]:
            return [table[d] for d in docs]

        def embed_query(self, text: str) -> list[float]:
            return [float(x) for x in table[text]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its note about SHA-1 keys, irrelevant here
        lc = CacheBackedEmbeddings.from_bytes_store(Fixed(), InMemoryByteStore(), namespace="b")
    lc.embed_documents(texts)
    samples = _time_ms(lambda: lc.embed_documents(texts), repeat)
    subject = "langchain CacheBackedEmbeddings"
    return [_row("embedding.get_many", subject, len(texts), base, samples, store="memory")]


def _diskcache(
    texts: list[str], vectors: npt.NDArray[np.float32], repeat: int, base: dict[str, Any]
) -> list[dict[str, Any]]:
    try:
        import diskcache
    except ImportError:
        return []
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        dc = diskcache.Cache(tmp)
        blobs = [v.tobytes() for v in vectors]

        def dc_put() -> None:
            with dc.transact():
                for t, b in zip(texts, blobs):
                    dc.set(t, b)

        def dc_get() -> None:
            with dc.transact():
                for t in texts:
                    dc.get(t)

        for name, fn in (("embedding.put_many", dc_put), ("embedding.get_many", dc_get)):
            samples = _time_ms(fn, repeat)
            out.append(_row(name, "diskcache", len(texts), base, samples, store="sqlite"))
        dc.close()
    return out


def merge_results(path: Path, results: list[dict[str, Any]]) -> None:
    """Merge ``results`` into a results file, replacing rows with the same identity."""
    data: dict[str, Any] = {"format": FORMAT, "results": []}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise InvalidInputError(f"{path} is not a results file of format {FORMAT}")

    def ident(r: dict[str, Any]) -> tuple[Any, ...]:
        return (r["benchmark"], r["subject"], r["store"], r["n"], r.get("dim"))

    new = {ident(r) for r in results}
    data["results"] = [r for r in data["results"] if ident(r) not in new] + results
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
