"""Method calls named through a variable, a type or a module alias count as the same
name; calls of other methods or on other types stay different."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.align import align
from nearcache.judge.calls import call_named, receiver_types
from nearcache.judge.spellings import similar_code
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("in js, does xs.reverse() give back a copy", "does Array.prototype.reverse copy in js"),
        ("ruby: after `h.merge(other)` is h changed", "ruby: does Hash.merge change the receiver"),
        ("python `s.strip()` on a str with tabs", "python str.strip() with tabs"),
        ("java HashMap.getOrDefault vs counts.getOrDefault()", "java counts.getOrDefault()"),
        ("`np.linspace(0, 1, 5)` endpoints", "numpy linspace endpoints"),
        ("sorting with df.sort_values() by two keys", "pandas DataFrame sort_values by two keys"),
    ],
)
def test_a_call_on_a_variable_names_the_typed_method(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert guard_entities(x, y).outcome != REJECT, (x, y)


@pytest.mark.parametrize(
    ("name", "others", "words"),
    [
        ("str.split", ["bytes.split"], frozenset()),  # another type
        ("arr.sort", ["array.prototype.reverse"], frozenset()),  # another method
        ("a.update", ["b.update"], frozenset()),  # two variables: no type to go by
        ("pd.read_csv", [], frozenset({"numpy", "read_csv"})),  # another module
        ("df.rename", [], frozenset({"rename", "column"})),  # the type is not said
        ("config.yaml", [], frozenset({"config", "yaml"})),  # no type: a file
    ],
)
def test_other_calls_stay_different(name: str, others: list[str], words: frozenset[str]) -> None:
    assert not call_named(name, others, words)


def test_named_calls_match_both_ways() -> None:
    assert call_named("arr.sort", ["array.prototype.sort"], frozenset())
    assert call_named("dict.update", ["a.update"], frozenset())
    assert call_named("pd.read_csv", [], frozenset({"pandas", "read_csv"}))
    assert call_named("df.rename", [], frozenset({"dataframe", "rename"}))


def test_receivers_name_their_types() -> None:
    assert receiver_types(["pd.read_csv", "df.dropna", "x.foo"]) == {"pandas", "dataframe"}
    assert receiver_types(["config.yaml"]) == frozenset()


def test_a_module_is_no_variable() -> None:
    assert not call_named("json.loads", ["pickle.loads"], frozenset())
    assert not call_named("os.remove", ["lst.remove"], frozenset())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sesion.execute", "session.execute"),
        ("os.path.joni", "os.path.join"),
        ("fs.redafile", "fs.readfile"),
        ("comit_all", "commit_all"),
    ],
)
def test_a_mistyped_code_name_is_the_name(a: str, b: str) -> None:
    assert similar_code(a, b) and similar_code(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("json.load", "json.loads"),  # a letter more: another function
        ("array.splice", "array.slice"),  # a letter dropped that is no double letter
        ("get_user", "get_users"),
        ("str.lower", "str.upper"),
        ("np.argmax", "np.argmin"),
        ("sesion.execute", "session.executemany"),  # two parts differ
        ("sesion", "session"),  # no code name: words are read by similar_spelling
    ],
)
def test_other_code_names_stay_different(a: str, b: str) -> None:
    assert not similar_code(a, b) and not similar_code(b, a)


def test_a_mistyped_call_pairs_in_the_alignment_and_the_names() -> None:
    a = "in sqlalchemy how do i run raw sql with sesion.execute"
    b = "In SQLAlchemy, how do I run raw SQL with session.execute?"
    assert not align(a, b).only_a and guard_entities(a, b).outcome != REJECT
    assert guard_entities("python json.load of a file", "python json.loads").outcome == REJECT


def test_a_receiver_written_as_a_class_is_a_type() -> None:
    a = "rails: does my_order.destroy() run the callbacks"
    b = "rails: does Order.destroy run the callbacks"
    for x, y in ((a, b), (b, a)):
        assert guard_entities(x, y).outcome == "pass", guard_entities(x, y)
    # two classes are two types
    assert not call_named("user.save", ["order.save"], frozenset(), frozenset({"user", "order"}))


def test_a_method_on_a_variable_meets_the_method_named_bare() -> None:
    a = "`items.forEach(async x => { await save(x) })` - sequential?"
    b = "Does `await` inside a forEach callback wait before the next item?"
    for x, y in ((a, b), (b, a)):
        assert guard_entities(x, y).outcome != REJECT, guard_entities(x, y)
    assert call_named("items.forEach", ["forEach"], frozenset())
    assert call_named("forEach", ["items.forEach"], frozenset())
    # a receiver that names a module or a type keeps its name; another method differs
    assert not call_named("json.loads", ["loads"], frozenset())
    assert not call_named("items.map", ["forEach"], frozenset())
    assert not call_named("map", ["items.forEach"], frozenset())
