"""Reading the DynamoDB store's change log: one item per version under the partition
``c<namespace code>``, sort key the version (20 digits), attributes ``op`` and ``k``
(the record keys of the version, 64 hex characters each, ``-`` for none).

A reader asks for what changed after the version it knows. The answer is ``None``
(reload the namespace) when the log no longer reaches back to the next version; a
version not visible yet (its transaction still in flight) ends the answer early, so
the reader resumes from there.
"""

from __future__ import annotations

from ..protocol import Changes, joined_events
from .layout import Layout, attr_int
from .requests import Requests

__all__ = ["read_changes"]


def read_changes(req: Requests, layout: Layout, table: str, namespace: str, since: int) -> Changes:
    """What changed in the namespace after version ``since``."""
    counter = req.counter(table, namespace)
    if counter is None:
        return Changes(since, [])
    version = attr_int(counter.get("ver"))
    if version <= since:
        return Changes(version, [])
    found = [
        it
        for page in req.query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": {"S": "c" + layout.ns_code(table, namespace)},
                ":lo": {"S": f"{since + 1:020d}"},
                ":hi": {"S": f"{version:020d}"},
            },
        )
        for it in page
    ]
    if not found or int(found[0]["sk"]["S"]) != since + 1:
        return Changes(version, None)  # the log no longer reaches back to ``since``
    events: list[tuple[str, str]] = []
    expect = since + 1
    for it in found:
        if int(it["sk"]["S"]) != expect:
            break  # a transaction not visible yet: report up to the gap, resume later
        expect += 1
        keys = it["k"]["S"]
        events.extend(joined_events(it["op"]["S"], "" if keys == "-" else keys))
    return Changes(expect - 1, events)
