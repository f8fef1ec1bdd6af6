"""The checksum of a saved index file (XXH3-64): written beside the files at save, checked
after a reopen before a saved index is trusted."""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import xxhash


class MappedFile(NamedTuple):
    """A saved file a load memory-mapped without checking it: its name, the map the index
    reads, and the digest the manifest holds for it."""

    name: str
    data: npt.NDArray[Any]
    digest: str


def hash_file(path: Path) -> str:
    """XXH3-64 of a file in one hash call over a read-only map: the GIL is held only at its
    start and end (a 4 MB read loop retook it twice a chunk, from the threads serving a
    reopened cache during its check) and nothing is copied; read if it cannot be mapped."""
    h = xxhash.xxh3_64()
    with open(path, "rb", buffering=0) as fh:
        try:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError, OverflowError):  # ValueError: an empty file
            buf = bytearray(1 << 22)
            while n := fh.readinto(buf):
                h.update(memoryview(buf)[:n])
            return h.hexdigest()
        with mapped:
            h.update(mapped)
    return h.hexdigest()


def hash_mapped(data: npt.NDArray[Any]) -> str:
    """XXH3-64 of the bytes a load mapped, in one hash call through that map: what the
    index reads is what is checked, even once a newer save has swept the file away (its
    map stays valid), and a file damaged in place shows through the shared map."""
    return xxhash.xxh3_64_hexdigest(np.ascontiguousarray(data).data.cast("B"))
