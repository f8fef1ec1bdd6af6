"""Reading the Redis store's change log: one stream entry per version (``<version>-0``).

A reader asks for what changed after the version it knows. The answer is ``None`` (reload
the namespace) whenever the log cannot prove it is complete: it was trimmed past that
version, the server lost its data (versions restart from the server clock, so an old
version is below the new ``base``), or the first entry is not the next version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..protocol import Changes, joined_events

__all__ = ["read_changes"]


def read_changes(
    call: Callable[[Callable[[], Any]], Any],
    client: Any,
    base: bytes,
    since: int,
    transaction: bool = True,
) -> Changes:
    """What changed in the namespace at ``base`` after version ``since``.

    ``transaction=False`` reads without ``MULTI`` (a Redis past ``maxmemory`` refuses
    every command inside one): the version goes first, so entries written after it are
    past the version and left out, and a log trimmed or wiped in between no longer
    starts at the next version, which says reload, as it does in a transaction."""

    def run() -> list[Any]:
        pipe = client.pipeline(transaction=transaction)
        pipe.hmget(base + b":m", ("version", "base"))
        pipe.xrange(base + b":c", min=f"{since + 1}-0")
        return list(pipe.execute())

    (version_raw, base_raw), entries = call(run)
    if version_raw is None:
        return Changes(since, [])
    version = int(version_raw)
    first = int(base_raw or 0)
    if version <= since:
        return Changes(version, [] if version == since else None)
    if since != 0 and since < first:
        return Changes(version, None)  # a version from before a server wipe
    return Changes(version, _events(entries, max(since, first) + 1, version))


def _events(entries: Sequence[Any], expect: int, version: int) -> list[tuple[str, str]] | None:
    """Change-log stream entries as ``(op, key)`` events; None if the log has a gap
    (its first entry is not version ``expect``) or is empty."""
    if not entries:
        return None
    events: list[tuple[str, str]] = []
    for i, (entry_id, fields) in enumerate(entries):
        v = int(entry_id.split(b"-", 1)[0])
        if i == 0 and v != expect:
            return None
        if v > version:
            break
        events.extend(joined_events(fields[b"op"].decode(), fields[b"k"].decode()))
    return events
