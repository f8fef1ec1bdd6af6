"""``ExactIndex`` storage blocks: a large index grows without copying its rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nearcache.index import ExactIndex, exact
from nearcache.index.factory import load_index
from nearcache.index.protocol import unit_rows

DIM = 24
DTYPES = ["float32", "float16", "int8"]


def rand_unit(n: int, seed: int = 0) -> np.ndarray:
    return unit_rows(np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32))


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Blocks of 64 rows (float32 codes) instead of 32 MiB; the rows per block."""
    monkeypatch.setattr(exact, "BLOCK_BYTES", 64 * DIM * 4, raising=False)
    return 64


def fill(index: ExactIndex, x: np.ndarray, sizes: list[int], at: int = 0) -> None:
    """Add rows ``at``.. of ``x`` in batches of ``sizes`` (1 = ``add_one``)."""
    for size in sizes:
        if size == 1:
            index.add_one(at, x[at : at + 1])
        else:
            index.add(np.arange(at, at + size, dtype=np.int64), x[at : at + size])
        at += size


def test_rows_stay_in_place_once_the_first_block_is_full(small_blocks: int) -> None:
    x = rand_unit(400)
    index = ExactIndex(DIM)
    fill(index, x, [small_blocks])
    first = index.chunks()[0]
    assert first.shape[0] == small_blocks
    fill(index, x, [1, 100, 1, 1, 97, 1, 135], at=small_blocks)  # 400 rows in all
    assert index.rows_used == 400
    chunks = index.chunks()
    assert np.shares_memory(chunks[0], first)  # not copied to grow
    assert sum(c.shape[0] for c in chunks) == 400
    assert all(c.shape[0] <= small_blocks for c in chunks)


@pytest.mark.parametrize("dtype", DTYPES)
def test_blocks_answer_as_one_matrix(dtype: str, small_blocks: int, tmp_path: Path) -> None:
    x = rand_unit(300, seed=1)
    one = ExactIndex(DIM, dtype, capacity=300)  # a single block of 300 rows
    one.add(np.arange(300, dtype=np.int64), x)
    index = ExactIndex(DIM, dtype)
    fill(index, x, [1, 1, 70, 1, 130, 97])
    assert len(index.chunks()) > 1
    for i in (0, 63, 64, 65, 128, 299):
        assert np.array_equal(index.scores(x[i]), one.scores(x[i]))
        assert index.search(x[i], 1)[0][0] == i
    rows = np.array([299, 0, 64, 63, 200, 128, 5])
    assert np.array_equal(index.get(rows), one.get(rows))
    assert index.remove(np.array([64, 200])) == 2
    assert 64 not in index.search(x[64], 5)[0] and 200 not in index.search(x[200], 5)[0]
    index.save(tmp_path, "p")
    again = load_index(tmp_path, "p", index.info())
    assert np.array_equal(again.get(np.arange(300)), one.get(np.arange(300)))
    assert list(again.live_rows()) == list(index.live_rows())


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_reopened_base_grows_a_tail_of_blocks(dtype: str, small_blocks: int) -> None:
    x = rand_unit(400, seed=2)
    base = ExactIndex(DIM, dtype)
    base.add(np.arange(100, dtype=np.int64), x[:100])
    chunks, live, scale = base.arrays()
    codes = np.concatenate(chunks)
    codes.setflags(write=False)  # as a read-only memory map would be
    index = ExactIndex.from_arrays(DIM, dtype, codes, live, scale)
    for at in range(100, 400, 50):  # rows 0-99 are the base's
        index.add(np.arange(at, at + 50, dtype=np.int64), x[at : at + 50])
    one = ExactIndex(DIM, dtype, capacity=400)
    one.add(np.arange(400, dtype=np.int64), x)
    assert index.chunks()[0] is codes and len(index.chunks()) > 2
    assert np.array_equal(index.get(np.arange(400)), one.get(np.arange(400)))
    assert np.array_equal(index.scores(x[333]), one.scores(x[333]))


def test_added_blocks_start_on_a_huge_page_boundary(small_blocks: int) -> None:
    x = rand_unit(300, seed=4)
    index = ExactIndex(DIM)
    fill(index, x, [300])
    later = index.chunks()[1:]
    assert later and all(c.ctypes.data % (2 << 20) == 0 for c in later)
    assert all(c.flags.c_contiguous and c.flags.writeable for c in later)
