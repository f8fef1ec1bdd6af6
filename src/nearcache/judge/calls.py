"""Method calls named through a variable, a type or a module alias.

"after ``arr.sort()`` is arr changed" / "does ``Array.prototype.sort`` mutate the array",
"``a.update(b)``" / "``dict.update``", "``pd.read_csv(path)``" / "pandas read_csv",
"polars ``df.rename``" / "rename a column in a Polars DataFrame": the same method, once
called on a variable and once named by its type or module. A dotted code name (or a Rust
path, ``Vec::retain``) is read as its *receiver* (what stands before the last dot,
``prototype`` dropped) and its *method*
(the last part); a receiver is a type when it is a builtin or library type name
(``dict``, ``Array``, ``HashMap``, ``DataFrame``) or any name written as a class
(capitalized before the dot: ``Model.save``), a module (``json``, ``pandas``) or a
conventional short name of one (``df`` for a data frame, ``arr`` for an array, ``pd``
for pandas, ``np`` for numpy).

Two calls are the same call when the methods are the same and the receivers are the same
type or module, or one receiver is a type and the other a plain variable (not a type,
module or listed name: ``str.split`` / ``bytes.split`` and ``math.log`` /
``numpy.log`` stay different). A call is also named by a text that says its method
and its receiver's type as words ("pandas read_csv", "rename ... DataFrame").

Limits: a variable's type is not checked ("``x.append``" meets "``list.append``" and would
meet "``array.append``" of another library); the method must be written the same way
after separators are removed (``read_csv`` / "read csv").
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import lexicon
from .spellings import squeeze
from .tokens import text_cache

__all__ = ["call_named", "classes", "receiver_types"]

#: Builtin and library type (or module) names a receiver may be, lowercase.
_TYPES = frozenset(
    (  # noqa: SIM905
        "str string list dict set frozenset tuple bytes bytearray int float object array "
        "map hash hashmap treemap linkedhashmap arraylist linkedlist hashset treeset vec vector "
        "promise number date regexp symbol optional stream dataframe series ndarray tensor "
        "path queryset option result iterator"
    ).split()
)
#: Modules: a call through one is the same call only through the same module.
_MODULES = frozenset(["pandas", "numpy", "json", "math", "os", "pathlib", "collections"])
#: Conventional short names of a type or module (a variable or an import alias).
_SHORT = {
    "df": "dataframe",
    "arr": "array",
    "lst": "list",
    "pd": "pandas",
    "np": "numpy",
    "dct": "dict",
}
_DOTTED = re.compile(r"^([a-z_][\w.]*)\.([a-z_]\w*)$")
#: A receiver written as a class name: "Model.save()", "Path.unlink".
_CLASS = re.compile(r"(?<![\w.])([A-Z][A-Za-z0-9]*)\.[a-z_]\w*")


def _type(receiver: str, classes: frozenset[str] = frozenset()) -> str | None:
    """The type a receiver names (``Array.prototype`` -> array, ``pd`` -> pandas), or a
    class written capitalized in either text (``classes``: "Model" in ``Model.save``)."""
    last = receiver.removesuffix(".prototype").rsplit(".", 1)[-1]
    last = _SHORT.get(last, last)
    return last if last in _TYPES or last in _MODULES or last in classes else None


@text_cache
def classes(text: str) -> frozenset[str]:
    """The receivers ``text`` writes as class names ("Model.save" -> model), lowercase."""
    return frozenset(m.lower() for m in _CLASS.findall(text))


@cache
def _split(name: str) -> tuple[str, str] | None:
    """(receiver, method) of a dotted code name in lowercase, or None."""
    m = _DOTTED.match(name.lower().removesuffix("()").replace("::", "."))  # Rust "Vec::push"
    return (m.group(1), m.group(2)) if m else None


def _same_call(a: tuple[str, str], b: tuple[str, str], known: frozenset[str]) -> bool:
    if squeeze(a[1]) != squeeze(b[1]):
        return False
    ta, tb = _type(a[0], known), _type(b[0], known)
    if ta is not None and tb is not None:
        return ta == tb
    # one names a type (not a module), the other is a plain variable (no listed name)
    typed, plain = (ta, b[0]) if ta is not None else (tb, a[0])
    return typed is not None and typed not in _MODULES and plain not in lexicon().names


def _on_variable(call: tuple[str, str], bare: str) -> bool:
    """``call`` is a method on a plain variable (no type, no listed name) and the other
    text names that method bare, as a code name (``bare``): "items.forEach(...)" / "a
    forEach callback". A receiver that names a type or a module keeps its name."""
    if _type(call[0]) is not None or call[0] in lexicon().names:
        return False
    return squeeze(call[1]) == squeeze(bare.lower())


def call_named(
    name: str, names: list[str], words: frozenset[str], known: frozenset[str] = frozenset()
) -> bool:
    """The dotted code name ``name`` is the same call as one of ``names`` (the other
    text's code names; a bare one meets a method on a plain variable), or the other
    text's ``words`` say its method and the type of its receiver; ``known``: the
    receivers either text writes as class names."""
    call = _split(name)
    if call is None:  # a bare method: the other text calls it on a plain variable
        return any(_on_variable(found, name) for found in map(_split, names) if found)
    for other in names:
        found = _split(other)
        if found is None and _on_variable(call, other):
            return True
        if found is not None and _same_call(call, found, known):
            return True
    kind = _type(call[0])
    squeezed = {squeeze(w) for w in words}
    return kind is not None and kind in squeezed and squeeze(call[1]) in squeezed


def receiver_types(names: list[str]) -> frozenset[str]:
    """The types the receivers of these dotted code names stand for (``pd.read_csv``
    -> pandas): a text calling a method of a type names that type."""
    out = set()
    for name in names:
        call = _split(name)
        kind = _type(call[0]) if call is not None else None
        if kind is not None:
            out.add(kind)
    return frozenset(out)
