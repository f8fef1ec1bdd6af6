"""``JoinedValues``: the values of a batch read as one buffer instead of one bytes object
per key.

A store that reads a batch in one piece (SQLite's read in parts: one ``group_concat``
row per part) hands back the values it found back to back in ``joined`` and each key's
value length in ``sizes`` (``-1``: no value). It reads like the ``list[bytes | None]``
that ``get_many`` returns (``values[i]`` is a slice); a decoder that knows the type
takes ``joined`` as it is, without the copy a ``b"".join`` of 1,000 values costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import overload

__all__ = ["JoinedValues"]


class JoinedValues(Sequence["bytes | None"]):
    """Values found, back to back in ``joined``; ``sizes[i]`` is the length of key
    ``i``'s value, or ``-1`` when the key has none."""

    __slots__ = ("_starts", "joined", "sizes")

    def __init__(self, joined: bytes, sizes: list[int]) -> None:
        self.joined = joined
        self.sizes = sizes
        self._starts: list[int] | None = None

    def __len__(self) -> int:
        return len(self.sizes)

    def __contains__(self, value: object) -> bool:
        if value is None:
            return -1 in self.sizes
        return any(v == value for v in self)

    @overload
    def __getitem__(self, i: int) -> bytes | None: ...

    @overload
    def __getitem__(self, i: slice) -> list[bytes | None]: ...

    def __getitem__(self, i: int | slice) -> bytes | list[bytes | None] | None:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        size = self.sizes[i]
        if size < 0:
            return None
        if i == 0:  # a decoder looks at the first value only: no offsets to work out
            return self.joined[:size]
        if self._starts is None:
            sizes = self.sizes
            self._starts = [
                0,
                *accumulate(sizes if -1 not in sizes else [max(s, 0) for s in sizes]),
            ]
        start = self._starts[i if i >= 0 else i + len(self.sizes)]
        return self.joined[start : start + size]

    def __iter__(self) -> Iterator[bytes | None]:
        return iter(self[:])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JoinedValues({len(self.joined)} bytes, {len(self.sizes)} values)"
