"""SemanticCache over damaged stored records (RELIABILITY tests 19, 20): misses, then repair."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nearcache import SemanticCache
from semantic_support import DIM, TableEmbedder, angled


@pytest.mark.parametrize("damage", ["flip", "truncate", "pickle", "other_key"])
def test_corrupt_records_are_misses_and_check_repairs(tmp_path: Path, damage: str) -> None:
    import pickle
    import sqlite3

    db = tmp_path / "c.db"
    table = {"a": angled(0), "b": angled(3), "c": angled(70)}
    cache = SemanticCache(db, TableEmbedder(DIM, table), similarity_threshold=0.95, judge=None)
    cache.put("a", "A")
    cache.put("b", "B")
    cache.put("c", "C")
    con = sqlite3.connect(db)
    # damage "c", the entry with no near neighbour ("a" and "b" would answer for each other)
    rows = con.execute("SELECT id, value FROM rec_semantic ORDER BY id DESC").fetchall()
    rid, value = rows[0]
    sentinel = tmp_path / "sentinel"

    class Evil:
        def __reduce__(self) -> Any:
            return (open, (str(sentinel), "w"))

    if damage == "flip":
        bad = bytearray(value)
        bad[len(bad) // 2] ^= 0xFF
        new = bytes(bad)
    elif damage == "truncate":
        new = value[: len(value) // 2]
    elif damage == "pickle":
        new = pickle.dumps(Evil())
    else:  # a valid record of another row, planted under this row's key
        new = next(r[1] for r in rows if r[0] != rid)
    con.execute("UPDATE rec_semantic SET value=?, size=? WHERE id=?", (new, len(new), rid))
    con.commit()
    con.close()
    responses = {q: cache.get(q) for q in "abc"}
    broken = [q for q, h in responses.items() if h is None or h.matched_query != q]
    assert len(broken) == 1  # exactly the damaged entry stopped answering as itself
    for q, h in responses.items():
        assert h is None or h.response == q.upper()  # never another entry's answer
    assert cache.stats().errors >= 1
    assert not sentinel.exists()
    problems = cache.check()
    assert problems and any("corrupt" in p or "index" in p for p in problems)
    cache.check(fix=True)
    assert cache.check() == []
    assert cache.stats().entries == 2
    cache.close()
