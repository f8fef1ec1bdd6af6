"""``MemoryStore``: one process, ephemeral, LRU with an optional byte budget.

* :mod:`.store`: the store (the ``Store`` protocol's hooks over dicts, under one lock);
* :mod:`.space`: a namespace's records and counters, their LRU order, and the recount
  behind ``check``;
* :mod:`.handed`: weak references to the values the store handed out
  (``remember``/``recall``).
"""

from .store import LOG_RETENTION, MemoryStore

__all__ = ["LOG_RETENTION", "MemoryStore"]
