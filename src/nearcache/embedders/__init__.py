"""Embedders: adapters that turn texts into vectors (what the caches call on a miss).

* :mod:`~nearcache.embedders.protocol` — the ``Embedder`` / ``AsyncEmbedder`` protocols
  and ``FunctionEmbedder`` for a plain function.
* :mod:`~nearcache.embedders.default` — the offline default model (extra ``[models]``).
* :mod:`~nearcache.embedders.openai` — OpenAI-compatible HTTP APIs (extra ``[openai]``).
* :mod:`~nearcache.embedders.sentence_transformers` — PyTorch models (extra ``[torch]``).

They sit beside the stores and indexes, below the caches: an embedder knows nothing of
caching, and the caches (:mod:`nearcache.embedding`, :mod:`nearcache.semantic`) take any
object that satisfies the protocol. Modules are imported on use, so importing this
package loads no model runtime.
"""
