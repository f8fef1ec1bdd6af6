"""The embedding cache (``EmbeddingCache``) and the cached embedder built on it.

* :mod:`~nearcache.embedding.cache` — ``EmbeddingCache``: vectors by content hash.
* :mod:`~nearcache.embedding.cached_embedder` — ``CachedEmbedder`` /
  ``AsyncCachedEmbedder``: wrap an embedder so only never-seen texts reach it.
* :mod:`~nearcache.embedding.singleflight`, :mod:`~nearcache.embedding.leases` — one
  embedding per text across threads, then across processes.

The embedders themselves live in :mod:`nearcache.embedders`.
"""
