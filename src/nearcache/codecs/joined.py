"""``JoinedValues``: the values of a batch read as one buffer (or a few) instead of one
bytes object per key.

A store that reads a batch in one piece (SQLite's read in parts: one ``group_concat``
row per part) hands back the values it found back to back in a buffer and each key's
value length in ``sizes`` (``-1``: no value); a read in parts hands back its parts'
buffers as they came (:meth:`JoinedValues.concat`), not copied into one. It reads like
the ``list[bytes | None]`` that ``get_many`` returns (``values[i]`` is a slice); a
decoder that knows the type takes ``buffers`` as they are, without the copy a
``b"".join`` of 1,000 values (or of the parts' buffers) costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import overload

__all__ = ["JoinedValues"]


class JoinedValues(Sequence["bytes | None"]):
    """Values found, back to back in ``buffers`` (in order; a value never spans two);
    ``sizes[i]`` is the length of key ``i``'s value, or ``-1`` when the key has none."""

    __slots__ = ("_joined", "_starts", "buffers", "sizes")

    def __init__(self, joined: bytes, sizes: list[int]) -> None:
        self.buffers = [joined]
        self.sizes = sizes
        self._joined: bytes | None = joined
        self._starts: list[int] | None = None

    @classmethod
    def concat(cls, parts: Sequence[JoinedValues]) -> JoinedValues:
        """The values of ``parts`` one after the other, their buffers kept as they are."""
        out = cls(b"", [n for part in parts for n in part.sizes])
        out.buffers = [buf for part in parts for buf in part.buffers]
        out._joined = out.buffers[0] if len(out.buffers) == 1 else None
        return out

    @property
    def joined(self) -> bytes:
        """Every value found, back to back in one buffer (joined once, when asked)."""
        if self._joined is None:
            self._joined = b"".join(self.buffers)
        return self._joined

    def first(self) -> bytes | None:
        """The first value found (None if none), without joining the buffers."""
        size = next((s for s in self.sizes if s >= 0), -1)
        if size < 0:
            return None
        return next((buf for buf in self.buffers if buf), b"")[:size]

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
            return self.first()
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
        size = sum(map(len, self.buffers))
        return f"JoinedValues({size} bytes in {len(self.buffers)}, {len(self.sizes)} values)"
