"""``fresh_only``: a constructor of a new cache (``loads``) refused on an instance.

Why: as a ``classmethod``, ``cache.loads("cp.tar.gz")`` returned a new cache in memory,
left ``cache`` as it was, and the caller went on with the empty one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Concatenate, Generic, ParamSpec, TypeVar

from ..errors import InvalidTypeError

__all__ = ["fresh_only"]

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C")


class fresh_only(Generic[C, P, R]):
    """``classmethod`` for a constructor that makes a new cache (``loads``), refused when
    called on an instance: ``cache.loads("cp.tar.gz")`` returned a new cache in memory,
    left ``cache`` as it was, and the caller went on with the empty one."""

    def __init__(self, fn: Callable[Concatenate[type[C], P], R]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        sig = inspect.signature(fn)  # as a classmethod's: without ``cls``
        self._signature = sig.replace(parameters=list(sig.parameters.values())[1:])

    def __get__(self, obj: object, owner: type[C]) -> Callable[P, R]:
        fn = self._fn

        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if obj is not None:
                name = owner.__name__
                raise InvalidTypeError(
                    f"{fn.__name__}() makes a new cache from a checkpoint and leaves this one "
                    f"as it is: call {name}.{fn.__name__}(source, path) (into this cache's "
                    f"store, which must be empty: {name}.{fn.__name__}(source, "
                    "embedder=cache.embedder, store=cache.store))"
                )
            return fn(owner, *args, **kwargs)

        call.__signature__ = self._signature  # type: ignore[attr-defined]
        return call
