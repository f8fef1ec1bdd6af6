"""``hash_file``, the saved index's checksum (a reopened cache checks its memory-mapped
vectors with it in the background): XXH3-64 of the bytes, in one hash call over a map."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xxhash

import nearcache.semantic.filehash as persist

NINE_MB = (9 << 20) + 123  # three reads of 4 MB, each a hash call, for a read loop


def written(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / "exact.vec"
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize("size", [0, 1, 4 << 20, NINE_MB])
def test_the_digest_is_xxh3_of_the_bytes(tmp_path: Path, size: int) -> None:
    path, data = written(tmp_path, size)
    assert persist.hash_file(path) == xxhash.xxh3_64_hexdigest(data)


def test_a_large_file_is_hashed_in_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One call releases the GIL once for the whole file; a call per 4 MB chunk took it
    back from the threads serving lookups after every chunk."""
    path, data = written(tmp_path, NINE_MB)
    sizes: list[int] = []
    real = xxhash.xxh3_64

    class Counting:
        def __init__(self) -> None:
            self._h = real()

        def update(self, chunk: Any) -> None:
            sizes.append(len(memoryview(chunk)))
            self._h.update(chunk)

        def hexdigest(self) -> str:
            return str(self._h.hexdigest())

    monkeypatch.setattr(persist.xxhash, "xxh3_64", Counting)
    assert persist.hash_file(path) == xxhash.xxh3_64_hexdigest(data)
    assert sizes == [NINE_MB]


def test_a_file_that_cannot_be_mapped_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, data = written(tmp_path, NINE_MB)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("this filesystem cannot map files")

    monkeypatch.setattr(persist.mmap, "mmap", refuse)
    assert persist.hash_file(path) == xxhash.xxh3_64_hexdigest(data)


@pytest.mark.parametrize("dtype", ["<f4", "<f2", "i1"])
def test_a_mapped_array_hashes_as_its_file_even_once_the_file_is_gone(
    tmp_path: Path, dtype: str
) -> None:
    """The background check hashes the map the index reads: a newer save sweeping the file
    away leaves that map, and its digest, as they were."""
    path, data = written(tmp_path, 4096)
    mapped = np.memmap(path, dtype=np.dtype(dtype), mode="r")
    path.unlink()
    assert persist.hash_mapped(mapped) == xxhash.xxh3_64_hexdigest(data)
