"""Lookups: layer 1 (the exact key), then layer 2 (the nearest stored queries).

``lookup_flow`` is a generator (see :mod:`nearcache._flow`): it yields ``Embed`` when it
needs the query's vector, so one body serves the sync and the async cache. A lookup never
raises for a miss: an oversized query, a failing embedder or a store outage is a
:class:`~.types.Miss` whose ``reason`` says why, counted in stats and reported to
``metrics_hook``.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable, Mapping
from time import perf_counter as _perf_counter
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .._flow import Embed
from ..codecs import as_vector
from ..embedders.protocol import fits_of, text_fits
from ..errors import (
    CorruptEntryError,
    MissingExtraError,
    PayloadTooLargeError,
    StoreUnavailableError,
)
from ..keys import validate_namespace
from ..stores.breaker import outage_level
from ..stores.protocol import Probe
from .admission import BlankQueryError, key_text
from .indexing import TABLE, candidates
from .judging import stored_cut
from .record import Entry, decode_record, entry_digest, scope_of
from .spaces import Candidate
from .state import Keyed, log
from .tally import Tally
from .types import Hit, Miss, make_hit
from .verdicts import VerdictMixin

__all__ = ["ExactMiss", "LookupMixin", "Pending", "unit"]

Vector = npt.NDArray[np.float32]

#: Queries up to this many characters have their key remembered (``lookup_start``) ...
KEY_MEMO_CHARS = 512
#: ... and this many of them at most.
KEY_MEMO_SIZE = 4096

#: How far an index's similarity estimate may sit below the exact one, per dtype.
INDEX_MARGIN = {"float32": 1e-4, "float16": 5e-3, "int8": 3e-2}


def unit(vec: Vector) -> Vector:
    """``vec`` scaled to length 1."""
    out: Vector = vec / np.float32(math.sqrt(float(np.dot(vec, vec))))
    return out


def _cosine(entry: Entry, query_unit: Vector) -> float:
    """Exact cosine between a stored entry's vector and a unit query vector."""
    return max(-1.0, min(1.0, float(np.dot(entry.vector, query_unit)) / entry.norm))


class Pending:
    """One lookup in progress (with the tally of what its candidates did)."""

    __slots__ = ("key", "ns", "probe", "query", "scope", "started", "tally", "text", "vec")

    def __init__(
        self,
        query: str,
        ns: str,
        text: str,
        scope: str,
        key: str,
        started: float,
        vec: Vector | None,
        probe: Probe | None = None,
    ) -> None:
        self.query = query
        self.ns = ns
        self.text = text
        self.scope = scope
        self.key = key
        self.started = started
        self.vec = vec
        self.probe = probe
        self.tally = Tally()


class ExactMiss(NamedTuple):
    """What the exact layer learnt when it did not answer: built only on a miss, so an
    exact hit costs no :class:`Pending`."""

    probe: Probe | None  # the store read (None: not read, the in-process copy answered)
    vec: Vector | None  # the query vector, if the read peeked at it
    expired: bool  # the key's entry was there but expired
    rejected: bool  # the entry was there but the validator refused it


class LookupMixin(VerdictMixin):
    """``lookup_flow`` and the candidate search (verdicts and their recording:
    :mod:`.verdicts`)."""

    def lookup_flow(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, Hit | Miss]:
        """Like ``get_flow`` but a miss says why (``Miss.reason``) and carries the vector."""
        first = self.lookup_start(query, embedding, namespace, bypass, context)
        if isinstance(first, Pending):
            return (yield from self.semantic_flow(first))
        return first

    def lookup_start(
        self,
        query: str,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Hit | Miss | Pending:
        """The lookup up to and including the exact layer, which needs no embedder: the
        ``Hit`` or ``Miss`` when that settles it, else the query in progress for the
        semantic layer (``lookup_flow`` goes on with it). The blocking cache calls this
        directly, so an exact hit costs no generator."""
        started = _perf_counter()
        ns = validate_namespace(namespace)
        if self._closed:  # closed (raises), or made while the store was down
            try:
                self._open_late()
            except StoreUnavailableError as exc:
                log.log(outage_level(self.store), "store unavailable, lookup is a miss: %s", exc)
                return self._miss(ns, "store_error", started, error=True)
        keyed = self._keyed.get(query) if type(query) is str else None
        if keyed is None:
            try:
                text = key_text(self.config, query)
            except PayloadTooLargeError:
                return self._miss(ns, "too_large", started)
            except BlankQueryError:
                return self._miss(ns, "empty_query", started)
        else:
            text = keyed[0]
        scope = "" if context is None else scope_of(context)
        if keyed is None or keyed[1] != scope:
            digest = entry_digest(scope, text)
            keyed = (text, scope, digest.hex(), digest)
            if len(query) <= KEY_MEMO_CHARS:  # a repeated query skips normalizing and hashing
                if len(self._keyed) >= KEY_MEMO_SIZE:
                    self._keyed.clear()  # bounded; wholesale is cheap and rare
                self._keyed[query] = keyed
        key = keyed[2]
        vec: Vector | None = None
        if embedding is not None:
            vec = as_vector(embedding, self.dim, what="embedding")
        if bypass:
            return self._miss(ns, "bypass", started)
        try:
            found = self._exact(query, ns, keyed, vec)
        except StoreUnavailableError as exc:
            log.log(outage_level(self.store), "store unavailable, lookup is a miss: %s", exc)
            return self._miss(ns, "store_error", started, error=True)
        if isinstance(found, Hit):
            return self._finish_hit(found, started)
        q = Pending(query, ns, text, scope, key, started, found.vec, found.probe)
        q.tally.exact_expired = found.expired
        q.tally.rejected_exact = found.rejected
        return q

    def get_flow(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, Hit | None]:
        """The cached answer for ``query``, or None."""
        result = yield from self.lookup_flow(
            query, embedding=embedding, namespace=namespace, bypass=bypass, context=context
        )
        return result if isinstance(result, Hit) else None

    def _floor(self) -> float:
        """Index similarity below which a candidate cannot reach the threshold."""
        cfg = self.config
        return cfg.similarity_threshold - INDEX_MARGIN[cfg.vector_dtype]

    def _exact(self, query: str, ns: str, keyed: Keyed, vec: Vector | None) -> Hit | ExactMiss:
        """Layer 1: one store read of the exact key (with a server index and a known
        vector, the same round trip also brings the nearest candidates), or the
        in-process copy of recently read entries once the store says nothing changed.
        The hit, or what the semantic layer needs to go on (``ExactMiss``)."""
        text, scope, key, digest = keyed
        now = self.clock()
        hot, ticket = self.hot, None
        if hot is not None:
            kept, ticket = hot.lookup(ns, key, now)
            if kept is not None:
                return self._exact_hit(kept, query, ns, key, None, vec)
        index = self.index
        if index.probe_searches:  # a known vector lets a server index search at once
            if vec is None:
                vec = self.vectors.peek(self.loaded_embedder, text)
            probe = index.probe(
                ns,
                scope,
                key,
                now=now,
                touch=self._touch,
                vector=None if vec is None else unit(vec),
                k=self.config.top_k + 1,
                floor=self._floor(),
            )
        else:  # an in-process index: the store read alone
            probe = index.probe(ns, scope, key, now=now, touch=self._touch)
        blob = probe.value
        if blob is None:
            return ExactMiss(probe, vec, probe.expired, False)
        try:
            entry, metadata = decode_record(blob, ns, key, self.binding.dim, digest)
        except CorruptEntryError as exc:
            self._corrupt(ns, key, exc)
            return ExactMiss(probe, vec, False, False)
        expires = entry.expires_at
        if expires is not None and expires <= now:
            return ExactMiss(probe, vec, False, False)
        if ticket is not None:
            hot.add(ticket, ns, key, entry, metadata, len(blob))  # type: ignore[union-attr]
        return self._exact_hit(entry, query, ns, key, probe, vec)

    def _exact_hit(
        self, entry: Entry, query: str, ns: str, key: str, probe: Probe | None, vec: Vector | None
    ) -> Hit | ExactMiss:
        hit = make_hit(
            entry.response,
            "exact",
            1.0,
            1.0,
            entry.query,
            ns,
            entry.metadata,
            entry.created_at,
            entry.expires_at,
            entry.vector,
            key,
        )
        if self.config.validator is None or self._validate(query, hit):
            return hit
        return ExactMiss(probe, vec, False, True)

    def semantic_flow(self, q: Pending) -> Generator[Embed, Any, Hit | Miss]:
        """Layer 2 of a lookup ``lookup_start`` left pending: the nearest stored queries of
        the same namespace and context."""
        tally = q.tally
        if tally.exact_expired:  # a lookup that meets an expired entry sweeps (lazily)
            self._expire(q.ns, self.clock())
        known = None if q.probe is None else q.probe.has_scope
        if not (self.index.has(q.ns, q.scope) if known is None else known):
            if self._past_window(q.text):  # said even where only long prompts are stored
                return self._miss(q.ns, "truncated", q.started, embedding=q.vec, layer="semantic")
            reason = (
                "validator"
                if tally.rejected_exact
                else ("expired" if tally.exact_expired else "empty")
            )
            return self._miss(q.ns, reason, q.started, embedding=q.vec)
        try:  # a vector of a text cut at the model's window must not decide a hit
            if not text_fits(self.embedder if q.vec is None else self.loaded_embedder, q.text):
                return self._miss(q.ns, "truncated", q.started, embedding=q.vec, layer="semantic")
            if q.vec is None:
                q.vec = yield from self.vectors.flow(self.embedder, [q.text], self.dim)
                q.vec = np.ascontiguousarray(q.vec[0])
        except MissingExtraError:
            raise
        except Exception as exc:
            log.warning("embedder failed, lookup is a miss: %r", exc)
            return self._miss(q.ns, "embedder_error", q.started, error=True)
        try:
            return self._decide(q, tally, unit(q.vec))
        except StoreUnavailableError as exc:
            log.log(outage_level(self.store), "store unavailable, lookup is a miss: %s", exc)
            return self._miss(q.ns, "store_error", q.started, error=True, embedding=q.vec)

    def _past_window(self, text: str) -> bool:
        """Whether the loaded embedder cuts ``text`` (no model is loaded to tell: without
        one the answer is no). A partition holding only prompts past the window is empty
        to the search (they are stored for the exact layer), and "truncated" says more
        than "empty" to a caller whose prompts are all too long."""
        emb = self.loaded_embedder
        if emb is None:
            return False
        try:
            return not text_fits(emb, text)
        except Exception:  # the search path reports a raising fits; nothing to search here
            return False

    def _candidates(self, q: Pending, tally: Tally, query_unit: Vector) -> list[Candidate]:
        """Live top-k rows of the query's partition (expired rows are swept first)."""
        skip = q.key if tally.rejected_exact else None
        k = self.config.top_k + (skip is not None)
        now = self.clock()
        nearest = None if q.probe is None else q.probe.nearest
        if nearest is not None:
            cands = candidates(nearest)[:k]
        else:
            cands = self.index.search(q.ns, q.scope, query_unit, k, floor=self._floor(), now=now)
        if any(c.expires_at <= now for c in cands):
            # Expired rows took places in the top-k: sweep them, then search again.
            if any(c.key == q.key for c in cands if c.expires_at <= now):
                tally.exact_expired = True
            self._expire(q.ns, now)
            cands = self.index.search(q.ns, q.scope, query_unit, k, floor=self._floor(), now=now)
        return [c for c in cands if c.expires_at > now and c.key != skip]

    def _decide(self, q: Pending, tally: Tally, query_unit: Vector) -> Hit | Miss:
        """Read the candidates over the floor in one round trip; return the closest one
        the judge accepts (or, with ``confidence_fn``, the most confident passing one)."""
        now = self.clock()
        live = self._live_entries(q, tally, query_unit, now)
        if self.config.confidence_fn is None:
            ranked: Iterable[tuple[float, Entry, Candidate]] = live  # judged lazily
        else:
            ranked = sorted(live, key=lambda t: -t[0])
        scored: list[tuple[float, float, Hit, Candidate]] = []
        fits, normalize = fits_of(self.loaded_embedder), self.config.normalize
        for sim, entry, cand in ranked:
            cut = stored_cut(fits, entry.query, normalize)  # stored past the window?
            if cut is not None:
                tally.refused(cut)
                continue
            conf = self._score(q, entry, cand.key, sim, tally)
            if conf is None:
                continue
            hit = self._hit(entry, q, cand.key, "semantic", sim, conf)
            if self.config.confidence_fn is not None:
                scored.append((conf, sim, hit, cand))
            elif self._validate(q.query, hit):
                return self._serve(hit, cand, now, q)
            else:
                tally.validator = True
        scored.sort(key=lambda t: (-t[0], -t[1]))
        for _conf, _sim, hit, cand in scored:
            if self._validate(q.query, hit):
                return self._serve(hit, cand, now, q)
            tally.validator = True
        return self._miss(
            q.ns,
            tally.reason(),
            q.started,
            similarity=tally.best_similarity,
            embedding=q.vec,
            layer="semantic",
        )

    def _live_entries(
        self, q: Pending, tally: Tally, query_unit: Vector, now: float
    ) -> list[tuple[float, Entry, Candidate]]:
        """(exact cosine, entry, candidate) of the live candidates over the floor, closest
        first; candidates under the floor, expired or gone are noted in ``tally``."""
        cands = self._candidates(q, tally, query_unit)
        floor = self._floor()
        over = [c for c in cands if c.similarity >= floor]
        for c in cands:
            if c.similarity < floor:
                tally.saw(c.similarity)
        keys = [c.key for c in over if c.record is None]  # a server index sent the others
        fetched = self.store.get_many(TABLE, q.ns, keys, now=now, touch=False) if keys else []
        found = dict(zip(keys, fetched))
        live: list[tuple[float, Entry, Candidate]] = []
        stale: list[Candidate] = []
        for cand in over:
            blob = cand.record if cand.record is not None else found.get(cand.key)
            entry = None if blob is None else self._decode(q.ns, cand.key, blob)
            if entry is None:
                stale.append(cand)
            elif entry.expired(now):
                tally.expired = True
            else:
                sim = _cosine(entry, query_unit)
                tally.saw(sim)
                live.append((sim, entry, cand))
        if stale:
            self.index.forget_stale(q.ns, stale)
        live.sort(key=lambda t: -t[0])
        return live
