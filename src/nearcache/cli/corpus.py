"""The ``embed`` job: files → chunks → cached vectors (``search``, the way back, is
:mod:`.corpussearch`).

The embedding cache stores vectors keyed by content hash only, so a vector cannot say
which file it came from. Each file therefore also gets a *file record* in the store's
``kv`` table, in the namespace ``nearcache.corpus:{embedding namespace}``: its path, the
hash of its text, the chunking settings, and for each chunk its content hash, line range
and a short snippet. ``search`` scans those records (one namespace per model, so a model
never sees another model's chunks), fetches the vectors by hash in one round trip and
ranks them with an exact NumPy scan, which is fast enough for a corpus of up to a few
hundred thousand chunks.

File records are written after their chunks' vectors, so a search never refers to a
vector that was not stored; they are written as the run goes (a file's record once all
its chunks are stored), so an interrupted run leaves the vectors it made in the cache and
the files it finished searchable, and the next run only embeds the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..embedders.protocol import fits_of
from ..embedding.cache import EmbeddingCache
from ..embedding.cached_embedder import CachedEmbedder
from ..keys import content_hash
from ..stores.protocol import Store
from .chunking import DEFAULT_CHUNK_SIZE, DEFAULT_OVERLAP, chunk_text
from .filerecords import (
    RECORD_VERSION,
    add_counters,
    corpus_namespace,
    cost_per_text,
    files_done_by,
    finished_files,
    meta_key,
    put_records,
    read_counters,
    remove_stale,
)
from .files import DEFAULT_MAX_FILE_BYTES, iter_texts, walk

__all__ = [
    "EmbedSummary",
    "corpus_namespace",
    "embed_paths",
    "read_counters",
]

SNIPPET_CHARS = 240
#: Distinct chunks handed to the cached embedder per call (one progress step): small
#: enough for a live rate with a slow model, large enough that a run of cache hits costs
#: few store round trips.
STEP = 32

Progress = Callable[[int, int], None]


@dataclass
class EmbedSummary:
    """What one ``nearcache embed`` run did (``as_dict()`` is the ``--json`` output).

    Every distinct chunk is a cache hit, embedded by this run, or ``embedded_elsewhere``:
    found in the store after another process (sharing the store) embedded it.
    ``throughput_chunks_per_s`` is chunks embedded by this run per second of the run
    (None when it embedded nothing); ``model_loaded`` is false when nothing needed it.
    """

    store: str
    model: str
    namespace: str
    files: int = 0
    changed_files: int = 0
    removed_files: int = 0
    ignored: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_files: list[dict[str, str]] = field(default_factory=list)
    chunks: int = 0
    unique_chunks: int = 0
    cache_hits: int = 0
    embedded: int = 0
    embedded_elsewhere: int = 0
    elapsed_s: float = 0.0
    model_loaded: bool = True
    model_load_s: float = 0.0
    embed_s: float = 0.0
    throughput_chunks_per_s: float | None = None
    seconds_per_embedding: float | None = None
    time_saved_s: float | None = None
    #: Chunks this run embedded that the model read only in part (longer than its window
    #: of ``window`` word pieces: the vector says nothing of their tail).
    truncated: int = 0
    window: int | None = None
    #: False when the window is an API's token limit checked without its tokenizer (a
    #: token is at least one UTF-8 byte): ``truncated`` then counts chunks that may be cut.
    window_exact: bool = True

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["skipped_total"] = sum(self.skipped.values())
        return out


class EmbedInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``embed``: ``kept`` vectors this run stored stay in the cache, so a
    rerun only embeds the rest; ``done`` of ``files`` files can be searched already."""

    def __init__(self, kept: int, done: int = 0, files: int = 0) -> None:
        super().__init__(
            f"interrupted: {kept:,} vectors kept, {done:,} of {files:,} files searchable; "
            "rerun to resume"
        )
        self.kept = kept


class _WindowCount:
    """The embedder as the cache sees it, counting the texts it embeds past its window
    (``fits``): a ``--chunk-size`` beyond the model's window cuts every chunk silently."""

    def __init__(self, embedder: Any) -> None:
        self.inner, self.cut = embedder, 0
        self._fits = fits_of(embedder)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed(self, texts: Sequence[str]) -> Any:
        self.cut += sum(not self._fits(t) for t in texts)
        return self.inner.embed(texts)


def embed_paths(
    paths: Sequence[str | Path],
    *,
    store: Store,
    embedder: Any,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    overlap: int = DEFAULT_OVERLAP,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    gitignore: bool = True,
    model_load_s: float = 0.0,
    on_total: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> EmbedSummary:
    """Chunk the text files under ``paths`` and embed every chunk through the cache.

    Args:
        paths: files and folders to walk (see :func:`nearcache.cli.files.walk`).
        store: where vectors and file records go.
        embedder: any ``Embedder``; one with a boolean ``loaded`` attribute and
            ``load_seconds`` (:class:`~nearcache.cli.models.LazyEmbedder`) is only loaded
            if something is left to embed.
        chunk_size / overlap: see :func:`nearcache.cli.chunking.chunk_text`.
        max_file_bytes: larger files are skipped.
        gitignore: honour ``.gitignore`` files.
        model_load_s: time already spent loading ``embedder`` (part of the elapsed time).
        on_total: called once with the number of distinct chunks, before embedding.
        progress: called with ``(done, total)`` distinct chunks as embedding proceeds.

    Raises:
        FileNotFoundError: a path does not exist.
        EmbedInterrupted: Ctrl-C; says how many vectors this run stored.
    """
    started = time.perf_counter()
    cache = EmbeddingCache(store)
    counted = _WindowCount(embedder)
    cached = CachedEmbedder(counted, cache, batch_size=256)
    summary = EmbedSummary(
        store=store.url, model=str(embedder.fingerprint), namespace=cached.namespace
    )
    records: dict[str, dict[str, Any]] = {}
    written = 0
    try:
        records, roots, chunks = _collect(
            paths, cache, summary, chunk_size, overlap, max_file_bytes, gitignore
        )
        texts = list(chunks.values())
        if on_total is not None:
            on_total(len(texts))
        ns = corpus_namespace(cached.namespace)
        done_by = files_done_by(records, list(chunks))
        noted: float | None = None
        for i in range(0, len(texts), STEP):
            cached.embed(texts[i : i + STEP])
            if noted is None:
                noted = _note_cost(store, cached, embedder)
            finished = finished_files(done_by, written, i + STEP)
            summary.changed_files += put_records(store, ns, records, done_by[written:finished])
            written = finished
            if progress is not None:
                progress(min(i + STEP, len(texts)), len(texts))
        summary.changed_files += put_records(store, ns, records, done_by[written:])
        written = len(done_by)
        summary.removed_files = remove_stale(store, ns, records, roots)
    except KeyboardInterrupt:
        raise EmbedInterrupted(cached.stats().embedded, written, len(records)) from None
    _account(store, cached, embedder, summary, model_load_s)
    summary.truncated = counted.cut
    window = getattr(embedder, "max_length", None) or getattr(embedder, "max_seq_length", None)
    if window is None:  # an API's (OpenAIEmbedder.max_tokens), counted without its tokenizer
        window = getattr(embedder, "max_tokens", None)
        summary.window_exact = window is None
    summary.window = window if isinstance(window, int) else None
    summary.elapsed_s = time.perf_counter() - started + model_load_s
    if summary.embedded:
        summary.throughput_chunks_per_s = summary.embedded / summary.elapsed_s
    return summary


def _collect(
    paths: Sequence[str | Path],
    cache: EmbeddingCache,
    summary: EmbedSummary,
    chunk_size: int,
    overlap: int,
    max_file_bytes: int,
    gitignore: bool,
) -> tuple[dict[str, dict[str, Any]], list[str], dict[str, str]]:
    """Walk, read and chunk: (file records, walked roots, distinct chunk texts by key in
    first-seen order)."""
    files: dict[Path, None] = {}
    roots: list[str] = []
    for p in paths:
        found = walk(Path(p), gitignore=gitignore)
        summary.ignored += found.ignored
        roots.append(str(Path(p).resolve()))
        files.update(dict.fromkeys(found.files))

    skipped: Counter[str] = Counter()
    named: list[tuple[Path, str]] = []
    records: dict[str, dict[str, Any]] = {}
    first_text: dict[str, str] = {}
    for path, text in iter_texts(
        list(files), max_bytes=max_file_bytes, skipped=skipped, named=named
    ):
        chunks = chunk_text(text, chunk_size, overlap)
        keys = cache.keys_for([c.text for c in chunks])
        for key, chunk in zip(keys, chunks):
            first_text.setdefault(key, chunk.text)
        summary.chunks += len(chunks)
        records[str(path)] = {
            "v": RECORD_VERSION,
            "path": str(path),
            "sha": content_hash(text),
            "bytes": len(text.encode("utf-8", "surrogatepass")),
            "chunk_size": chunk_size,
            "overlap": overlap,
            "chunks": [
                [key, c.start_line, c.end_line, " ".join(c.text.split())[:SNIPPET_CHARS]]
                for key, c in zip(keys, chunks)
            ],
        }
    summary.files = len(records)
    summary.skipped = dict(sorted(skipped.items()))
    summary.skipped_files = [{"path": str(p), "reason": r} for p, r in named]
    summary.unique_chunks = len(first_text)
    return records, roots, first_text


def _embed_seconds(seconds: float, embedder: Any) -> float:
    """Embedding time without a model load that happened inside the first embed call."""
    if isinstance(getattr(embedder, "loaded", None), bool):
        return max(0.0, seconds - float(getattr(embedder, "load_seconds", 0.0)))
    return seconds


def _note_cost(store: Store, cached: CachedEmbedder, embedder: Any) -> float | None:
    """Record and return this run's seconds per embedding (None before it embedded any):
    noted after the first step too, so a concurrent run that finds everything embedded
    can still say what it saved."""
    stats = cached.stats()
    if not stats.embedded:
        return None
    cost = _embed_seconds(stats.embed_seconds, embedder) / stats.embedded
    store.set_meta(meta_key("cost", cached.namespace), repr(cost))
    return cost


def _account(
    store: Store,
    cached: CachedEmbedder,
    embedder: Any,
    summary: EmbedSummary,
    model_load_s: float,
) -> None:
    """Fill the summary's counts and costs from the cached embedder's stats."""
    ns = cached.namespace
    stats = cached.stats()
    summary.cache_hits = stats.hits
    summary.embedded = stats.embedded
    summary.embedded_elsewhere = max(0, summary.unique_chunks - stats.hits - stats.embedded)
    summary.embed_s = _embed_seconds(stats.embed_seconds, embedder)
    summary.model_load_s = model_load_s
    loaded = getattr(embedder, "loaded", None)
    if isinstance(loaded, bool):  # loaded on demand, inside the first embed call
        summary.model_loaded = loaded
        summary.model_load_s = float(getattr(embedder, "load_seconds", 0.0))
    cost = _note_cost(store, cached, embedder)
    if cost is None:
        cost = cost_per_text(store, ns)
    add_counters(store, ns, hits=stats.hits, misses=stats.embedded, runs=1)
    summary.seconds_per_embedding = cost
    saved = stats.hits + summary.embedded_elsewhere
    summary.time_saved_s = None if cost is None else saved * cost
