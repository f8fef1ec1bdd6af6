"""Vector index backends, the key map and index partitions."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache import MissingExtraError
from nearcache.index import ExactIndex, KeyMap, VectorIndex, new_index
from nearcache.index.factory import IndexConfig, load_index
from nearcache.index.hnswlib import hnswlib_available
from nearcache.index.protocol import unit_rows
from nearcache.semantic.spaces import SpaceSet

BACKENDS = ["exact", "hnsw:usearch", "hnsw:hnswlib", "faiss"]
ANN = ["hnsw:usearch", "faiss"] + (["hnsw:hnswlib"] if hnswlib_available() else [])
DTYPES = ["float32", "float16", "int8"]


def make_index(spec: str, dim: int, dtype: str) -> VectorIndex:
    """``spec`` is a backend, or ``hnsw:<engine>``; hnswlib is skipped if absent/unfit."""
    backend, _, engine = spec.partition(":")
    if engine == "hnswlib":
        pytest.importorskip("hnswlib")
        if dtype != "float32":
            pytest.skip("hnswlib stores float32 only")
    return new_index(backend, dim, dtype, {"engine": engine} if engine else None)


def rand_unit(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return unit_rows(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_backend_contract(backend: str, dtype: str, tmp_path: Path) -> None:
    x = rand_unit(200, 24)
    index = make_index(backend, 24, dtype)
    assert isinstance(index, VectorIndex)
    assert (index.backend, index.dim, index.dtype) == (backend.split(":")[0], 24, dtype)
    index.add(np.arange(150, dtype=np.int64), x[:150])
    index.add(np.arange(150, 200, dtype=np.int64), x[150:])
    assert len(index) == 200 and index.rows_used == 200 and index.tombstones == 0
    for i in (0, 77, 199):
        rows, sims = index.search(x[i], 3)
        assert rows[0] == i and sims[0] == pytest.approx(1.0, abs=0.02)
        assert list(sims) == sorted(sims, reverse=True)
    assert index.remove(np.array([77, 78, 78, 500])) == 2
    assert index.remove(np.array([77])) == 0
    assert len(index) == 198 and index.tombstones == 2
    rows, _ = index.search(x[77], 5)
    assert 77 not in rows and 78 not in rows
    assert list(index.is_live(np.array([76, 77, 78, 79, 999]))) == [True, False, False, True, False]
    assert list(index.live_rows()[74:78]) == [74, 75, 76, 79]
    tol = {"float32": 1e-6, "float16": 2e-3, "int8": 1e-2}[dtype]
    assert np.abs(index.get(np.array([5, 6])) - x[5:7]).max() < tol
    assert index.nbytes > 0
    names = index.save(tmp_path, "p0")
    assert all((tmp_path / n).exists() for n in names)
    if backend != "exact":
        loaded = load_index(tmp_path, "p0", index.info())
        assert len(loaded) == 198 and loaded.rows_used == 200
        assert loaded.search(x[10], 1)[0][0] == 10
        assert 77 not in loaded.search(x[77], 5)[0]


def test_exact_rows_must_be_appended_in_order() -> None:
    index = ExactIndex(4)
    with pytest.raises(ValueError):
        index.add(np.array([1]), np.ones((1, 4), np.float32))
    index.add(np.array([0, 1]), rand_unit(2, 4))
    with pytest.raises(ValueError):
        index.add(np.array([3]), rand_unit(1, 4))
    with pytest.raises(ValueError):
        ExactIndex(0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_exact_scores_match_a_float64_reference(dtype: str) -> None:
    x = rand_unit(5000, 32, seed=2)  # spans several conversion blocks
    index = ExactIndex(32, dtype)
    index.add(np.arange(5000), x)
    q = rand_unit(1, 32, seed=9)[0]
    ref = x.astype(np.float64) @ q.astype(np.float64)
    tol = {"float32": 1e-5, "float16": 2e-3, "int8": 2e-2}[dtype]
    assert np.abs(index.scores(q) - ref).max() < tol
    rows, _ = index.search(q, 10)
    assert set(rows[:3]) <= set(np.argsort(-ref)[:6])


def test_exact_round_trip_through_files(tmp_path: Path) -> None:
    for dtype in DTYPES:
        index = ExactIndex(8, dtype)
        index.add(np.arange(30), rand_unit(30, 8))
        index.remove(np.array([4]))
        index.save(tmp_path, dtype)
        again = ExactIndex.load(tmp_path, dtype, index.info())
        assert len(again) == 29 and np.array_equal(again.live_rows(), index.live_rows())
        assert np.array_equal(again.get(np.array([3])), index.get(np.array([3])))
        (tmp_path / f"{dtype}.vec").write_bytes(b"short")
        with pytest.raises(Exception, match="wrong size"):
            ExactIndex.load(tmp_path, dtype, index.info())


def _agreement(backend: str, x: np.ndarray, queries: np.ndarray) -> int:
    exact = ExactIndex(x.shape[1])
    exact.add(np.arange(len(x)), x)
    ann = make_index(backend, x.shape[1], "float32")
    ann.add(np.arange(len(x)), x)
    agree = 0
    for v in queries:
        e_rows, e_sims = exact.search(v, 1)
        a_rows, a_sims = ann.search(v, 1)
        # Ties (equal similarity) count as agreement.
        agree += int(a_rows[0] == e_rows[0] or abs(float(a_sims[0]) - float(e_sims[0])) < 1e-6)
    return agree


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(50, 1500),
    dim=st.sampled_from([8, 16, 32, 64]),
    seed=st.integers(0, 2**31),
    backend=st.sampled_from(ANN),
)
def test_ann_top1_agrees_with_exact_on_random_data(
    n: int, dim: int, seed: int, backend: str
) -> None:
    """Random stored vectors, random queries (no near neighbour): the hardest case."""
    assert _agreement(backend, rand_unit(n, dim, seed), rand_unit(100, dim, seed + 1)) >= 99


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(50, 3000),
    dim=st.sampled_from([64, 128, 384]),
    seed=st.integers(0, 2**31),
    noise=st.floats(0.05, 0.6),
    backend=st.sampled_from(ANN),
)
def test_ann_top1_agrees_with_exact_for_near_duplicates(
    n: int, dim: int, seed: int, noise: float, backend: str
) -> None:
    """Random stored vectors in high dimension, queries near a stored one (cache hits)."""
    x = rand_unit(n, dim, seed)
    rng = np.random.default_rng(seed + 1)
    src = x[rng.integers(0, n, 100)]
    q = unit_rows(src + noise * rand_unit(100, dim, seed + 2))  # cosine to the source ~0.85-1
    assert _agreement(backend, x, q) >= 99


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_ann(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith(("usearch", "faiss", "hnswlib")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ann)
    with pytest.raises(MissingExtraError, match=r"nearcache\[ann\]"):
        IndexConfig("hnsw", "float32", None)
    with pytest.raises(MissingExtraError, match=r"nearcache\[faiss\]"):
        IndexConfig("faiss", "float32", None)
    auto = IndexConfig("auto", "float32", None)
    assert auto.wanted(10**9) == "exact"  # auto falls back to exact without the extra
    with pytest.raises(ImportError, match=r"nearcache\[hnswlib\]"):
        IndexConfig("hnsw", "float32", {"engine": "hnswlib"})


def test_engine_choice() -> None:
    from nearcache.index.factory import choose_engine
    from nearcache.index.hnswlib import hnswlib_available

    assert choose_engine("auto", "int8") == "usearch"
    assert choose_engine("auto", "float32") == ("hnswlib" if hnswlib_available() else "usearch")
    assert choose_engine("usearch", "float32") == "usearch"
    with pytest.raises(ValueError, match="auto, usearch, hnswlib"):
        choose_engine("annoy", "float32")
    if hnswlib_available():
        with pytest.raises(ValueError):
            choose_engine("hnswlib", "int8")


def test_auto_threshold_choice() -> None:
    config = IndexConfig("auto", "float32", {"auto_threshold": 100})
    assert config.initial() == "exact"
    assert config.wanted(99) == "exact" and config.wanted(100) == "hnsw"
    assert IndexConfig("faiss", "int8", None).wanted(1) == "faiss"
    with pytest.raises(ValueError):
        IndexConfig("auto", "float32", {"auto_threshold": 0})


# -- KeyMap --------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["set", "pop"]), st.integers(0, 3000), st.integers(0, 10**6)),
        max_size=400,
    )
)
def test_keymap_behaves_like_a_dict(ops: list[tuple[str, int, int]]) -> None:
    # Keys share their first 8 bytes in pairs, so prefix collisions are exercised.
    def key(i: int) -> bytes:
        return (i // 2).to_bytes(8, "little") + i.to_bytes(24, "little")

    owner: dict[int, bytes] = {}
    model: dict[bytes, int] = {}
    kmap = KeyMap(lambda v: owner[v])
    for op, i, v in ops:
        k = key(i)
        if op == "set":
            value = v * 4000 + i  # distinct value per key, so key_of can resolve it
            owner[value] = k
            kmap.set(k, value)
            model[k] = value
        else:
            assert kmap.pop(k) == model.pop(k, None)
        assert len(kmap) == len(model)
    for k, v in model.items():
        assert kmap.get(k) == v
    assert sorted(kmap.values()) == sorted(model.values())
    assert kmap.get(key(999_999)) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 300), max_size=60),
    st.lists(st.lists(st.integers(0, 300), max_size=80, unique=True), max_size=6),
)
def test_keymap_put_many_equals_one_put_per_key(built: list[int], batches: list[list[int]]) -> None:
    # Keys share their first 8 bytes in threes, so prefix collisions are exercised.
    def key(i: int) -> bytes:
        return (i // 3).to_bytes(8, "little") + i.to_bytes(24, "little")

    owner: dict[int, bytes] = {}
    ids = sorted(set(built))
    keys = np.frombuffer(b"".join(key(i) for i in ids), dtype=np.uint8).reshape(-1, 32)
    for v, i in enumerate(ids):
        owner[v] = key(i)
    one = KeyMap.build(lambda v: owner[v], keys, np.arange(len(ids), dtype=np.int64))
    many = KeyMap.build(lambda v: owner[v], keys, np.arange(len(ids), dtype=np.int64))
    for b, batch in enumerate(batches):
        values = [10_000 * (b + 1) + i for i in batch]
        for v, i in zip(values, batch):
            owner[v] = key(i)
        expected = [o for v, i in zip(values, batch) if (o := one.put(key(i), v)) is not None]
        got = many.put_many(b"".join(key(i) for i in batch), values)
        assert sorted(got) == sorted(expected)
        assert len(many) == len(one)
    for i in range(301):
        assert many.get(key(i)) == one.get(key(i))


def test_keymap_merges_into_sorted_arrays() -> None:
    n = 50_000
    keys = np.random.default_rng(0).integers(0, 256, size=(n, 32), dtype=np.uint8)
    owner = {i: keys[i].tobytes() for i in range(n)}
    kmap = KeyMap.build(lambda v: owner[v], keys[:40_000], np.arange(40_000, dtype=np.int64))
    for i in range(40_000, n):
        kmap.set(owner[i], i)
    assert len(kmap._recent) < 10_000  # merged at least once
    assert all(kmap.get(owner[i]) == i for i in range(0, n, 7))
    assert kmap.pop(owner[10]) == 10 and kmap.get(owner[10]) is None
    assert kmap.nbytes < n * 40  # a dict of 32-byte keys would take ~150 bytes each


def test_keymap_build_finds_keys_that_share_a_prefix_from_prefixes_alone() -> None:
    n = 3000  # runs of up to 5 keys with one 8-byte prefix, in shuffled order
    keys = np.random.default_rng(1).integers(0, 256, size=(n, 32), dtype=np.uint8)
    keys[:, :8] = np.repeat(np.arange(n // 5 + 1, dtype="<i8"), 5)[:n].view(np.uint8).reshape(-1, 8)
    order = np.random.default_rng(2).permutation(n)
    owner = {i: keys[i].tobytes() for i in range(n)}
    kmap = KeyMap.build(lambda v: owner[v], keys[order, :8], order.astype(np.int64))
    assert all(kmap.get(owner[i]) == i for i in range(n))
    assert kmap.get(keys[0, :8].tobytes() + bytes(24)) is None


# -- partitions ------------------------------------------------------------------------------


def key(i: int) -> str:
    return f"{i:064x}"


def test_spaces_compaction_keeps_every_live_key() -> None:
    spaces = SpaceSet(IndexConfig("exact", "float32", None), 8)
    x = rand_unit(100, 8)
    spaces.upsert("ns", "", [key(i) for i in range(60)], x[:60], list(range(60)), [None] * 60)
    spaces.upsert("ns", "s2", [key(i) for i in range(60, 100)], x[60:], list(range(40)), [5.0] * 40)
    assert spaces.remove("ns", [key(i) for i in range(0, 60, 3)]) == 20
    spaces.upsert("ns", "", [key(1)], x[1:2], [999], [None])  # a replacement tombstones too
    assert spaces.tombstones() == 21 and spaces.live() == 80
    assert spaces.compact() == 21
    assert spaces.tombstones() == 0 and spaces.live() == 80 and spaces.mapped("ns") == 80
    assert spaces.write_id("ns", key(1)) == 999
    assert spaces.expires_at("ns", key(70)) == 5.0
    cand = spaces.search("ns", "", x[4], 1)[0]
    assert cand.key == key(4) and cand.similarity == pytest.approx(1.0, abs=1e-5)
    assert spaces.search("ns", "s2", x[4], 1)[0].key != key(4)
    spaces.remove("ns", [key(i) for i in range(60, 100)])
    assert spaces.compact() == 40 and len(spaces.spaces("ns")) == 1


def test_spaces_background_migration_catches_up() -> None:
    config = IndexConfig("auto", "float32", {"auto_threshold": 50})
    spaces = SpaceSet(config, 8)
    x = rand_unit(200, 8)
    for i in range(120):  # the build starts at 50 and runs while rows keep coming
        spaces.upsert("ns", "", [key(i)], x[i : i + 1], [i], [None])
        if i % 10 == 0:
            spaces.remove("ns", [key(i // 2)])
    spaces.join_builds()
    space = spaces.spaces("ns")[0]
    assert space.index.backend == "hnsw" and not space.building
    live = {k for k, _, _ in spaces.entries("ns")}
    expected = {key(i) for i in range(120)} - {key(i // 2) for i in range(0, 120, 10)}
    assert live == expected
    for i in (1, 99, 119):
        assert spaces.search("ns", "", x[i], 1)[0].key == key(i)


@pytest.mark.parametrize("dtype", DTYPES)
def test_exact_index_on_a_read_only_base_grows_a_tail(dtype: str, tmp_path: Path) -> None:
    x = rand_unit(300, 24, seed=3)
    full = ExactIndex(24, dtype)
    full.add(np.arange(300, dtype=np.int64), x)
    base = ExactIndex(24, dtype)
    base.add(np.arange(200, dtype=np.int64), x[:200])
    chunks, live, scale = base.arrays()
    codes = chunks[0].copy()
    codes.setflags(write=False)  # as a read-only memory map would be
    index = ExactIndex.from_arrays(24, dtype, codes, live, scale)
    index.add(np.arange(200, 300, dtype=np.int64), x[200:])
    assert len(index.chunks()) == 2 and index.chunks()[0] is codes
    assert np.array_equal(index.scores(x[5]), full.scores(x[5]))
    for i in (0, 199, 200, 299):
        assert index.search(x[i], 1)[0][0] == i
    rows = np.array([3, 250, 199, 200])
    assert np.array_equal(index.get(rows), full.get(rows))
    assert index.remove(np.array([3, 250])) == 2
    assert 3 not in index.search(x[3], 5)[0] and 250 not in index.search(x[250], 5)[0]
    assert codes.flags.writeable is False  # the base was never written to
    names = index.save(tmp_path, "p")
    again = load_index(tmp_path, "p", index.info())
    assert names and np.array_equal(again.get(np.arange(300)), full.get(np.arange(300)))
    assert list(again.live_rows()) == list(index.live_rows())


@pytest.mark.parametrize("dtype", DTYPES)
def test_usearch_reopen_maps_the_file_and_copies_it_on_the_first_change(
    dtype: str, tmp_path: Path
) -> None:
    from nearcache.index.usearch import HnswIndex

    x = rand_unit(300, 24, seed=3)
    index = HnswIndex(24, dtype)
    index.add(np.arange(250, dtype=np.int64), x[:250])
    index.remove(np.array([5]))
    index.save(tmp_path, "p0")
    loaded = load_index(tmp_path, "p0", index.info())
    assert isinstance(loaded, HnswIndex) and loaded.mapped
    # A checkpoint may delete the file it was mapped from: the mapping keeps the pages.
    (tmp_path / "p0.usearch").unlink()
    assert loaded.search(x[10], 1)[0][0] == 10 and 5 not in loaded.search(x[5], 5)[0]
    assert loaded.is_live(np.array([4, 5])).tolist() == [True, False]
    assert len(loaded.live_rows()) == 249 and loaded.mapped
    # A removal is a mark beside the graph: the mapped graph stays mapped.
    assert loaded.remove(np.array([10, 11])) == 2
    assert loaded.mapped and 10 not in loaded.search(x[10], 5)[0]
    # The first add copies the graph into memory (usearch cannot change a mapped one).
    loaded.add(np.arange(250, 300, dtype=np.int64), x[250:])
    assert not loaded.mapped
    assert len(loaded) == 297 and loaded.search(x[280], 1)[0][0] == 280
    assert loaded.search(x[100], 1)[0][0] == 100
    # Saving a copied index writes a file that maps again.
    loaded.save(tmp_path, "p1")
    again = load_index(tmp_path, "p1", loaded.info())
    assert again.mapped and len(again) == 297  # type: ignore[attr-defined]
    again.add(np.array([300], dtype=np.int64), x[:1])
    assert set(again.search(x[0], 2)[0].tolist()) == {0, 300}


def test_usearch_reopen_of_a_mapped_index_saves_without_copying(tmp_path: Path) -> None:
    from nearcache.index.usearch import HnswIndex

    x = rand_unit(120, 16, seed=4)
    index = HnswIndex(16)
    index.add(np.arange(120, dtype=np.int64), x)
    index.save(tmp_path, "a")
    mapped = load_index(tmp_path, "a", index.info())
    mapped.save(tmp_path, "b")
    assert mapped.mapped  # type: ignore[attr-defined]
    copy = load_index(tmp_path, "b", mapped.info())
    assert all(copy.search(x[i], 1)[0][0] == i for i in (0, 60, 119))


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage"])
def test_usearch_reopen_refuses_a_damaged_file(damage: str, tmp_path: Path) -> None:
    from nearcache.errors import CorruptStoreError
    from nearcache.index.usearch import HnswIndex

    index = HnswIndex(16)
    index.add(np.arange(50, dtype=np.int64), rand_unit(50, 16))
    index.save(tmp_path, "p0")
    path = tmp_path / "p0.usearch"
    data = path.read_bytes()
    path.write_bytes({"truncate": data[:40], "empty": b"", "garbage": b"\x00" * len(data)}[damage])
    with pytest.raises(CorruptStoreError):
        load_index(tmp_path, "p0", index.info())


def test_unit_rows_of_one_row_equals_the_batch_result() -> None:
    """A single put normalizes its row on a shorter path; it must give the very bits a
    put_many gives, or the same entry would score differently depending on how it came in."""
    rng = np.random.default_rng(7)
    scales = rng.uniform(1e-3, 1e3, size=(500, 1))
    mat = (rng.standard_normal((500, 384)) * scales).astype(np.float32)
    batch = unit_rows(mat)
    for i in range(len(mat)):
        one = unit_rows(mat[i : i + 1])
        assert one.shape == (1, 384) and one.dtype == np.float32 and one.flags.c_contiguous
        assert np.array_equal(one[0], batch[i])


def test_space_upsert_of_one_key_replaces_its_row_like_a_batch() -> None:
    """The one-entry upsert points the key at its new row and tombstones the old one,
    also when the key moves to another partition (scope)."""
    spaces = SpaceSet(IndexConfig("exact", "float32", None), 8)
    key = "ab" * 32
    vecs = rand_unit(3, 8, 1)
    spaces.upsert("ns", "s1", [key], vecs[:1], [1], [None])
    spaces.upsert("ns", "s1", [key], vecs[1:2], [2], [5.0])
    assert spaces.live("ns") == 1 and spaces.write_id("ns", key) == 2
    assert spaces.expires_at("ns", key) == 5.0
    spaces.upsert("ns", "s2", [key], vecs[2:3], [3], [None])
    assert spaces.live("ns") == 1 and spaces.write_id("ns", key) == 3
    (hit,) = spaces.search("ns", "s2", vecs[2], 1)
    assert hit.key == key and hit.write_id == 3
    assert spaces.search("ns", "s1", vecs[1], 1) == []
