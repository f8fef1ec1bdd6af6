"""``KeyMap``: content key -> index position for millions of entries in ~16 bytes each.

A Python dict of 32-byte keys costs ~150 bytes per entry, as much as an int8 vector of
384 dimensions. Instead, the bulk of the map is two sorted NumPy arrays (the first 8 key
bytes as int64, and the value); recent inserts sit in a small dict that is merged into
the arrays when it reaches 1/8 of their size (amortized O(1) per insert). A prefix is
not unique in theory, so every hit is confirmed against the full key through the
owner's ``key_of(value)``, which reads the owner's row -> key table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from ..errors import InvalidInputError

__all__ = ["KeyMap"]

_MIN_RECENT = 1024
_VECTOR_FROM = 16  # batches this small are cheaper one key at a time


def _prefix(key: bytes) -> int:
    return int.from_bytes(key[:8], "little", signed=True)


class KeyMap:
    """Map 32-byte keys to non-negative ints (see module docs). Not thread-safe."""

    def __init__(self, key_of: Callable[[int], bytes]) -> None:
        self._key_of = key_of
        self._pref: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._vals: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._recent: dict[bytes, int] = {}
        self._len = 0

    @classmethod
    def build(
        cls,
        key_of: Callable[[int], bytes],
        keys: npt.NDArray[np.uint8],
        values: npt.NDArray[np.int64],
    ) -> KeyMap:
        """A map of ``keys[i] -> values[i]`` (distinct 32-byte keys; only the first 8
        bytes of each row are read, so ``keys`` may hold just those)."""
        out = cls(key_of)
        if len(values):
            pref = np.ascontiguousarray(keys[:, :8]).view("<i8").reshape(-1)
            pref = pref.astype(np.int64, copy=False)
            # Any order of equal prefixes will do (``_find`` checks each one): the default
            # sort is ~2x faster than a stable one, 0.15 s of a million-key reopen.
            order = np.argsort(pref)
            out._pref = pref[order]
            out._vals = np.asarray(values, dtype=np.int64)[order]
            out._len = len(values)
        return out

    def __len__(self) -> int:
        return self._len

    def _find(self, key: bytes) -> int:
        """Position of ``key`` in the sorted arrays, or -1."""
        pref = self._pref
        if not len(pref):
            return -1
        p = _prefix(key)
        i = int(pref.searchsorted(p))  # the method: no np.searchsorted dispatch (~1 us)
        n = len(pref)
        while i < n and int(pref[i]) == p:
            v = int(self._vals[i])
            if v >= 0 and self._key_of(v) == key:
                return i
            i += 1
        return -1

    def get(self, key: bytes) -> int | None:
        v = self._recent.get(key)
        if v is not None:
            return v
        i = self._find(key)
        return None if i < 0 else int(self._vals[i])

    def set(self, key: bytes, value: int) -> None:
        self.put(key, value)

    def put(self, key: bytes, value: int) -> int | None:
        """Map ``key`` to ``value``; return the value it replaced (one search, not two)."""
        if value < 0:
            raise InvalidInputError("KeyMap values must be non-negative")
        old = self._recent.get(key)
        if old is not None:
            self._recent[key] = value
            return old
        i = self._find(key)
        if i >= 0:
            old = int(self._vals[i])
            self._vals[i] = value
            return old
        self._recent[key] = value
        self._len += 1
        if len(self._recent) > max(_MIN_RECENT, len(self._pref) // 8):
            self._merge()
        return None

    def put_many(self, raw: bytes, values: Sequence[int]) -> list[int]:
        """``put`` each 32-byte key of ``raw`` (distinct keys) to ``values[i]``; the values
        replaced. One vectorized search of the sorted arrays for the whole batch: only keys
        whose prefix is there take the one-by-one path (a batch of new keys never does)."""
        m = len(values)
        if m == 1:  # a single put: no generator, no batch search
            old = self.put(raw[:32], values[0])
            return [] if old is None else [old]
        if m < _VECTOR_FROM or not len(self._pref):
            found = (self.put(raw[32 * i : 32 * i + 32], values[i]) for i in range(m))
            return [old for old in found if old is not None]
        if len(raw) != 32 * m:
            raise InvalidInputError("put_many takes one 32-byte key per value")
        if min(values) < 0:
            raise InvalidInputError("KeyMap values must be non-negative")
        prefs = np.frombuffer(raw, dtype="<i8").reshape(m, 4)[:, 0]
        pref = self._pref
        at = np.searchsorted(pref, prefs)
        maybe = (at < len(pref)) & (pref[np.minimum(at, len(pref) - 1)] == prefs)
        replaced: list[int] = []
        recent = self._recent
        for i in np.flatnonzero(~maybe).tolist():  # not in the arrays: only ``recent``
            key = raw[32 * i : 32 * i + 32]
            old = recent.get(key)
            recent[key] = values[i]
            if old is None:
                self._len += 1
            else:
                replaced.append(old)
        for i in np.flatnonzero(maybe).tolist():
            old = self.put(raw[32 * i : 32 * i + 32], values[i])
            if old is not None:
                replaced.append(old)
        if len(recent) > max(_MIN_RECENT, len(self._pref) // 8):
            self._merge()
        return replaced

    def pop(self, key: bytes) -> int | None:
        v = self._recent.pop(key, None)
        if v is None:
            i = self._find(key)
            if i < 0:
                return None
            v = int(self._vals[i])
            self._vals[i] = -1
        self._len -= 1
        return v

    def _merge(self) -> None:
        keep = self._vals >= 0
        if self._recent:
            raw = np.frombuffer(b"".join(self._recent), dtype=np.uint8).reshape(-1, 32)
            new_pref = np.ascontiguousarray(raw[:, :8]).view("<i8").reshape(-1)
            new_vals = np.fromiter(self._recent.values(), dtype=np.int64, count=len(self._recent))
        else:
            new_pref = new_vals = np.empty(0, dtype=np.int64)
        pref = np.concatenate([self._pref[keep], new_pref.astype(np.int64)])
        vals = np.concatenate([self._vals[keep], new_vals])
        order = np.argsort(pref, kind="stable")
        self._pref, self._vals = pref[order], vals[order]
        self._recent = {}

    def values(self) -> Iterator[int]:
        """Every value (order unspecified)."""
        yield from self._recent.values()
        for v in self._vals[self._vals >= 0].tolist():
            yield int(v)

    @property
    def nbytes(self) -> int:
        return int(self._pref.nbytes + self._vals.nbytes) + 150 * len(self._recent)
