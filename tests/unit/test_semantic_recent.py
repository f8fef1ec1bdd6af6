"""RecentVectors: the batch calls behave exactly like the one-at-a-time ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache.semantic.vectors import RecentVectors

_calls = st.lists(st.tuples(st.booleans(), st.lists(st.integers(0, 12), max_size=20)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 6), calls=_calls)
def test_batch_calls_match_single_calls(size: int, calls: list[tuple[bool, list[int]]]) -> None:
    batch, single = RecentVectors(size), RecentVectors(size)
    for n, (is_put, ids) in enumerate(calls):
        keys = [("fp", f"t{i}") for i in ids]
        if is_put:
            vecs = np.full((len(ids), 2), n, dtype=np.float32)
            batch.put_many(keys, vecs)
            for key, vec in zip(keys, vecs):
                single.put(key, vec)
        else:
            got = batch.get_many(keys)
            want = [single.get(key) for key in keys]
            assert [None if v is None else v.tolist() for v in got] == [
                None if v is None else v.tolist() for v in want
            ]
        assert list(batch._data) == list(single._data)  # same entries in the same LRU order
