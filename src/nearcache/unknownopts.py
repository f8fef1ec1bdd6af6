"""The error for keyword arguments a constructor does not take, each named with the
option it probably means: a peer library's name for it (GPTCache's, RedisVL's,
LangChain's, cachetools' or diskcache's, which their users write first) or a near
spelling. Python's own message named the class that defines ``__init__``, a class of
nearcache's insides ("SemanticFront.__init__() got an unexpected keyword argument
'threshold'", "_Base.__init__() ... 'ttl'"), and no hint. The constructors take
``**unknown: NoReturn``, so type checkers still refuse any unknown keyword.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping

from .errors import InvalidTypeError

__all__ = ["CACHE_PEERS", "THRESHOLD_PEERS", "hinted", "unknown_options"]

#: What cachetools (``maxsize``, ``ttl``) and diskcache (``directory``, ``size_limit``,
#: ``expire``) call the settings every nearcache cache has.
CACHE_PEERS = {
    "maxsize": "max_entries",
    "max_size": "max_entries",
    "ttl": "default_ttl",
    "expire": "default_ttl",
    "size_limit": "max_bytes",
    "directory": "path",
}

#: What GPTCache, RedisVL, LangChain and LiteLLM call the semantic accept threshold
#: (a semantic cache's and the proxy's).
THRESHOLD_PEERS = {
    "threshold": "similarity_threshold",
    "score_threshold": "similarity_threshold",
    "distance_threshold": "similarity_threshold = 1 - distance_threshold",
}


def hinted(option: str, names: Collection[str], peers: Mapping[str, str]) -> str:
    """``option`` with the one it probably means: ``peers``' name for it, else the
    nearest spelling among ``names``; ``option`` alone when neither."""
    near = peers.get(option) or next(iter(difflib.get_close_matches(option, names, n=1)), None)
    return f"{option} (did you mean {near}?)" if near else option


def unknown_options(
    call: str, unknown: Mapping[str, object], known: Collection[str], peers: Mapping[str, str]
) -> InvalidTypeError:
    """``InvalidTypeError`` naming each of ``unknown`` given to ``call()`` with its hint."""
    names = sorted(set(known) - {"self", "unknown"})
    listed = ", ".join(hinted(option, names, peers) for option in sorted(unknown))
    said = "unexpected keyword arguments" if len(unknown) > 1 else "an unexpected keyword argument"
    return InvalidTypeError(f"{call}() got {said}: {listed}")
