"""usearch HNSW with a quantized graph rescored exactly from the stored vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nearcache.errors import CorruptStoreError, InvalidInputError
from nearcache.index import ExactIndex
from nearcache.index.ann_options import (
    DEFAULTS,
    PARALLEL_AFTER,
    PARALLEL_BATCH,
    RESCORED_DEFAULTS,
    insert_plan,
    insert_threads,
)
from nearcache.index.factory import IndexConfig, load_index
from nearcache.index.protocol import unit_rows

pytest.importorskip("usearch")
from nearcache.index.usearch import HnswIndex


def rand_unit(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return unit_rows(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


def exact_of(x: np.ndarray, dtype: str = "float32") -> ExactIndex:
    ref = ExactIndex(x.shape[1], dtype)
    ref.add(np.arange(len(x), dtype=np.int64), x)
    return ref


@pytest.mark.parametrize("graph", ["auto", "int8", "bfloat16", "float16"])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_rescored_results_equal_exact_search(graph: str, dtype: str) -> None:
    """With every row a candidate, the answer is exact search's: rows, order, similarity."""
    if graph == dtype:
        pytest.skip("a graph in the cache's own dtype is not rescored")
    x, q = rand_unit(300, 32, seed=1), rand_unit(40, 32, seed=2)
    index = HnswIndex(32, dtype, {"graph_dtype": graph, "rescore": 300, "ef_search": 300})
    index.add(np.arange(300, dtype=np.int64), x)
    ref = exact_of(x, dtype)
    for v in q:
        rows, sims = index.search(v, 5)
        want_rows, want_sims = ref.search(v, 5)
        assert rows.tolist() == want_rows.tolist()
        # float16 rows are widened by two routes that may differ in the last bits.
        tol = 1e-6 if dtype == "float32" else 1e-5
        np.testing.assert_allclose(sims, want_sims, rtol=0, atol=tol)


def test_default_graph_is_int8_and_similarities_are_the_stored_vectors() -> None:
    x = rand_unit(500, 48, seed=3)
    index = HnswIndex(48)
    assert index.graph == "int8" and index.info()["graph_dtype"] == "int8"
    index.add(np.arange(500, dtype=np.int64), x)
    for i in (0, 123, 499):
        q = unit_rows(x[i : i + 1] + 0.05 * rand_unit(1, 48, seed=i))[0]
        rows, sims = index.search(q, 3)
        assert rows[0] == i
        assert sims.tolist() == pytest.approx((x[rows] @ q).tolist(), abs=1e-6)
    assert np.array_equal(index.get(np.array([7, 8])), x[7:9])  # float32, not dequantized
    # An int8 cache's graph already holds its vectors: nothing is kept twice.
    assert HnswIndex(48, "int8").info()["graph_dtype"] == "int8"
    assert HnswIndex(48, "int8")._exact is None
    assert HnswIndex(48, "float32", {"graph_dtype": "float32"})._exact is None


def test_rows_with_gaps_and_removed_rows() -> None:
    x = rand_unit(60, 16, seed=4)
    index = HnswIndex(16)
    index.add(np.arange(20, dtype=np.int64), x[:20])
    index.skip_to(25)  # rows 20..24 handed out and gone
    index.add(np.array([25, 27, 28], dtype=np.int64), x[25:28])
    assert len(index) == 23 and index.rows_used == 29
    assert index.search(x[26], 1)[0][0] == 27  # x[26] was stored under row 27
    with pytest.raises(KeyError):
        index.get(np.array([21]))
    assert index.remove(np.array([5, 22, 27])) == 2
    assert 5 not in index.search(x[5], 5)[0] and 27 not in index.search(x[26], 5)[0]
    with pytest.raises(KeyError):
        index.get(np.array([5]))
    with pytest.raises(InvalidInputError):
        index.add(np.array([3], dtype=np.int64), x[:1])
    with pytest.raises(InvalidInputError):
        index.add(np.array([40], dtype=np.int64), x[:2])


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_reopen_maps_both_files_and_keeps_working(dtype: str, tmp_path: Path) -> None:
    x = rand_unit(400, 24, seed=5)
    index = HnswIndex(24, dtype)
    index.add(np.arange(300, dtype=np.int64), x[:300])
    index.remove(np.array([5]))
    names = index.save(tmp_path, "p0")
    assert names == ["p0.usearch", "p0.dead", "p0.rows.vec", "p0.rows.live"]
    loaded = load_index(tmp_path, "p0", index.info())
    assert isinstance(loaded, HnswIndex) and loaded.mapped and loaded.graph == "int8"
    for name in names:  # a checkpoint may delete the files: the mappings keep the pages
        (tmp_path / name).unlink()
    rows, sims = loaded.search(x[10], 2)
    assert rows[0] == 10 and sims[0] == pytest.approx(1.0, abs=1e-3)
    assert 5 not in loaded.search(x[5], 5)[0] and len(loaded) == 299
    # removal is a mark beside the graph: the mapped graph is not copied for it
    assert loaded.remove(np.array([10, 11])) == 2 and loaded.mapped
    assert 10 not in loaded.search(x[10], 5)[0]
    loaded.add(np.arange(300, 400, dtype=np.int64), x[300:])
    assert not loaded.mapped
    assert len(loaded) == 397 and loaded.search(x[350], 1)[0][0] == 350
    assert loaded.search(x[100], 1)[0][0] == 100
    loaded.save(tmp_path, "p1")
    again = load_index(tmp_path, "p1", loaded.info())
    assert len(again) == 397 and again.rows_used == 400
    assert [again.search(x[i], 1)[0][0] for i in (0, 299, 399)] == [0, 299, 399]
    assert again.is_live(np.array([10, 12])).tolist() == [False, True]


def test_an_index_saved_before_quantized_graphs_loads_as_it_was(tmp_path: Path) -> None:
    x = rand_unit(100, 16, seed=6)
    index = HnswIndex(16, "float32", {"graph_dtype": "float32"})
    index.add(np.arange(100, dtype=np.int64), x)
    index.save(tmp_path, "p0")
    info = index.info()
    del info["graph_dtype"]  # what an older version wrote
    loaded = load_index(tmp_path, "p0", info)
    assert isinstance(loaded, HnswIndex) and loaded.graph == "float32"
    assert loaded.search(x[42], 1)[0][0] == 42


def test_a_rescored_graph_uses_the_inner_product_and_old_saves_keep_the_cosine(
    tmp_path: Path,
) -> None:
    """A graph that only picks candidates ranks them by inner product (no per-pair norms);
    a graph searched alone keeps the cosine, and so does a rescored graph saved before."""
    from usearch.index import MetricKind

    assert HnswIndex(16).metric == "ip" and HnswIndex(16).info()["graph_metric"] == "ip"
    assert HnswIndex(16)._index.metric == MetricKind.IP
    assert HnswIndex(16, "float32", {"graph_dtype": "float32"}).metric == "cos"
    assert HnswIndex(16, "int8").metric == "cos"
    with pytest.raises(InvalidInputError, match="graph_metric"):
        HnswIndex(16, "float32", {"graph_metric": "l2"})
    x = rand_unit(200, 16, seed=11)
    old = HnswIndex(16, "float32", {"graph_metric": "cos"})
    old.add(np.arange(150, dtype=np.int64), x[:150])
    old.save(tmp_path, "p0")
    info = old.info()
    del info["graph_metric"]  # what the previous version wrote
    loaded = load_index(tmp_path, "p0", info)
    assert isinstance(loaded, HnswIndex) and loaded.metric == "cos"
    assert [loaded.search(x[i], 1)[0][0] for i in (0, 77, 149)] == [0, 77, 149]
    loaded.add(np.arange(150, 200, dtype=np.int64), x[150:])  # copied out of the mapping
    assert [loaded.search(x[i], 1)[0][0] for i in (3, 160, 199)] == [3, 160, 199]
    assert loaded.info()["graph_metric"] == "cos"


@pytest.mark.parametrize("damage", ["short", "long", "live", "missing", "fewer"])
def test_damaged_vector_files_are_refused(damage: str, tmp_path: Path) -> None:
    x = rand_unit(80, 16, seed=7)
    index = HnswIndex(16)
    index.add(np.arange(80, dtype=np.int64), x)
    index.save(tmp_path, "p0")
    vec, live = tmp_path / "p0.rows.vec", tmp_path / "p0.rows.live"
    if damage == "short":
        vec.write_bytes(vec.read_bytes()[:-3])
    elif damage == "long":
        vec.write_bytes(vec.read_bytes() + vec.read_bytes())
    elif damage == "live":
        live.write_bytes(b"\x02" * 80)
    elif damage == "missing":
        live.unlink()
    else:  # a consistent pair of files that holds fewer live rows than the graph
        live.write_bytes(b"\x01" * 79 + b"\x00")
    with pytest.raises(CorruptStoreError):
        load_index(tmp_path, "p0", index.info())


def test_bulk_inserts_use_every_core_once_the_graph_is_past_its_first_rows() -> None:
    assert insert_threads(3, 0, 1) == 3
    assert insert_threads(0, 0, 10_000) == 1
    assert insert_threads(0, PARALLEL_AFTER, PARALLEL_BATCH - 1) == 1
    assert insert_threads(0, PARALLEL_AFTER, PARALLEL_BATCH) >= 1
    # A rebuild hands every row over at once: the first rows go in on one thread.
    cores = insert_threads(0, PARALLEL_AFTER, 4000)
    assert insert_plan(0, 0, 4000) == [
        (slice(0, PARALLEL_AFTER), 1),
        (slice(PARALLEL_AFTER, 4000), cores),
    ]
    assert insert_plan(0, 0, 10) == [(slice(0, 10), 1)]
    assert insert_plan(2, 0, 10) == [(slice(0, 10), 2)]
    x = rand_unit(4000, 32, seed=8)
    index = HnswIndex(32)
    index.add(np.arange(4000, dtype=np.int64), x)
    assert len(index) == 4000 and index.live_rows().tolist() == list(range(4000))
    near = unit_rows(x + 0.02 * rand_unit(4000, 32, seed=9))
    # Rows inserted from several threads make a graph that differs run to run; a sound
    # one finds nearly every row from a nudged copy (a broken link structure finds few).
    found = sum(index.search(near[i], 1)[0][0] == i for i in range(0, 4000, 40))
    assert found >= 97, f"{found} of 100 rows found"


def test_options_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="graph_dtype"):
        IndexConfig("hnsw", "float32", {"graph_dtype": "int4"})
    with pytest.raises(InvalidInputError, match="rescore"):
        IndexConfig("hnsw", "float32", {"rescore": -1})
    config = IndexConfig("hnsw", "float32", {"graph_dtype": "bfloat16"})
    assert config.graph_dtype == "bfloat16" and config.engine == "usearch"
    chosen = config.make("hnsw", 8)
    assert isinstance(chosen, HnswIndex) and chosen.graph == "bfloat16"
    made = IndexConfig("auto", "float32", {"rescore": 8, "engine": "usearch"}).make("hnsw", 8)
    assert isinstance(made, HnswIndex) and made.options["rescore"] == 8
    # Settings not asked for are the engine's own defaults, those asked for are kept.
    plain = IndexConfig("hnsw", "float32", {"engine": "usearch", "M": 20}).make("hnsw", 8)
    assert plain.options == {**RESCORED_DEFAULTS, "M": 20}  # type: ignore[attr-defined]
    alone = HnswIndex(8, "float32", {"graph_dtype": "float32"})
    assert alone.options == DEFAULTS
    pytest.importorskip("hnswlib")
    other = IndexConfig("hnsw", "float32", {"engine": "hnswlib"}).make("hnsw", 8)
    assert other.options == DEFAULTS  # type: ignore[attr-defined]
    with pytest.raises(InvalidInputError, match="graph_dtype"):
        IndexConfig("hnsw", "float32", {"engine": "hnswlib", "graph_dtype": "int8"})


@pytest.mark.parametrize("graph", ["int8", "float32"])
def test_removed_rows_are_marked_and_never_returned(graph: str, tmp_path: Path) -> None:
    """usearch's own removal can loop forever, so it is never called: removed rows stay in
    the graph, marked dead, and every answer (search, get, liveness, saved files) skips
    them -- even when most of the graph is dead."""
    x = rand_unit(200, 16, seed=8)
    index = HnswIndex(16, "float32", {"graph_dtype": graph})
    index.add(np.arange(200, dtype=np.int64), x)
    gone = np.arange(0, 200, 4)  # every fourth row, then most of the rest
    assert index.remove(gone) == 50 and index.remove(gone) == 0
    assert index.remove(np.arange(1, 180)) == 179 - 44
    live = np.setdiff1d(np.arange(200), np.concatenate([gone, np.arange(1, 180)]))
    assert len(index._index) == 200  # still in the graph, as waypoints
    assert len(index) == len(live) == 15 and index.tombstones == 185
    assert index.live_rows().tolist() == live.tolist()
    assert index.is_live(np.array([0, 181, 183, 184])).tolist() == [False, True, True, False]
    with pytest.raises(KeyError):
        index.get(np.array([180, 3]))
    ref = exact_of(x[live])
    for v in rand_unit(20, 16, seed=9):
        rows, sims = index.search(v, 5)
        assert set(rows.tolist()) <= set(live.tolist()) and len(rows) == 5
        assert sims.tolist() == sorted(sims.tolist(), reverse=True)
        assert rows[0] == live[ref.search(v, 1)[0][0]]
    names = index.save(tmp_path, "p0")
    assert "p0.dead" in names and index.info()["dead"] == 185
    again = load_index(tmp_path, "p0", index.info())
    assert len(again) == 15 and again.live_rows().tolist() == live.tolist()
    assert set(again.search(x[3], 15)[0].tolist()) == set(live.tolist())
    again.add(np.array([200], dtype=np.int64), x[3:4])
    assert again.search(x[3], 1)[0][0] == 200 and again.remove(np.array([200])) == 1


@pytest.mark.parametrize("damage", ["short", "value", "count"])
def test_a_damaged_removed_rows_file_is_refused(damage: str, tmp_path: Path) -> None:
    x = rand_unit(40, 16, seed=10)
    index = HnswIndex(16, "float32", {"graph_dtype": "float32"})
    index.add(np.arange(40, dtype=np.int64), x)
    index.remove(np.array([1, 2]))
    index.save(tmp_path, "p0")
    dead = tmp_path / "p0.dead"
    data = bytearray(dead.read_bytes())
    if damage == "short":
        del data[-1]
    elif damage == "value":
        data[7] = 2
    else:  # well formed, but not the count the manifest recorded
        data[9] = 1
    dead.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError):
        load_index(tmp_path, "p0", index.info())
