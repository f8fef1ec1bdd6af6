"""Turning a driver's exception into one of nearcache's errors, by a table of rules.

Each store lists, as data, which driver exceptions mean what: a rule names exception
classes, optionally a pattern their text must match, the nearcache error to raise and
its message. The first matching rule wins; no match means "not ours" and the driver's
exception propagates unchanged. The caller raises the result ``from`` the original, so
the driver's error stays attached as ``__cause__``::

    RULES = (
        ErrorRule((TimeoutError,), StoreTimeoutError, "{url} timed out: {exc}"),
        ErrorRule((OSError,), StoreUnavailableError, "{url} is unreachable: {exc}"),
    )
    err = translate(exc, RULES, url=store.url)
    if err is None:
        raise
    raise err from exc
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import CacheError

__all__ = ["DriverErrors", "ErrorRule", "Outages", "translate"]


@dataclass(frozen=True)
class ErrorRule:
    """``kinds`` (whose text matches ``pattern``, if given) become ``error(says)``.

    ``says`` is a ``str.format`` template; ``{exc}`` is the driver's exception and the
    other fields come from the ``translate`` call (``{url}``, ...).
    """

    kinds: tuple[type[BaseException], ...]
    error: type[CacheError]
    says: str
    pattern: re.Pattern[str] | None = None


#: A driver's exceptions that mean the server is unreachable (they count against the
#: circuit breaker).
Outages = tuple[type[BaseException], ...]
#: What a driver's errors mean (each engine's ``rules.py``): outages, translation rules.
DriverErrors = tuple[Outages, tuple[ErrorRule, ...]]


def translate(
    exc: BaseException,
    rules: Sequence[ErrorRule],
    *,
    text: Callable[[BaseException], str] = str,
    **fields: Any,
) -> CacheError | None:
    """The error the first matching rule makes of ``exc``, or None if no rule matches.

    ``text`` gives what ``pattern`` is matched against (default ``str(exc)``; DynamoDB
    matches the error code of the response).
    """
    said: str | None = None
    for rule in rules:
        if not isinstance(exc, rule.kinds):
            continue
        if rule.pattern is not None:
            said = text(exc) if said is None else said
            if not rule.pattern.search(said):
                continue
        return rule.error(rule.says.format(exc=exc, **fields))
    return None
