"""Short names made of initials and a number: "CS2" is "Counter-Strike 2", "S2" is
"Sentinel-2", "F1" is "Formula 1" (initials without a number, "LOTR", are read in
:mod:`.entities`).

A short form is the first letters of one to four consecutive words followed by the number
written right after them. The entity guard reads a name on one side as named on the other
when one text writes the short form of a run of words and a number the other text writes
in full.

A name is also written short (:func:`named_short`) when it is such a form or an acronym
with a plural "s" ("GSIs" / "global secondary indexes", "u10s" / "under-10s", "d20s" /
"2d20"), an acronym one of whose long form's words is itself an acronym spelled whole
("PBI" / "Power BI", "USD" / "US dollars"; a number after it may be a Roman numeral in
capitals: "FCS2" / "FCS II"), a hyphenated name whose parts are each a word
or a short form of the other text ("kv-v2" / "KV version 2"), or a short form as written
when the word lists read it as another name ("U10", not the isotope "uranium-10").

Limits: only digits close the run ("Mario Kart 8 Deluxe" / "MK8DX" is not read); a
Roman numeral is a number only after an acronym's letters; a short form that is no run of
initials ("wasm" / "WebAssembly", "v6" / "IPv6") is not read.
"""

from __future__ import annotations

import re

from .lexicon import lexicon
from .numwords import ROMAN, roman_value
from .tokens import Token, analyze, text_cache

__all__ = ["long_form_named", "named_short", "short_forms"]

_MAX_WORDS = 4
_SHORT = re.compile(r"([a-z]{2,5})(\d{0,2})")


def _part(p: str) -> str:
    """A word part of a run: letters, or a number, "10s" (the under-10s) read as "10"."""
    if p.isalpha() or p.isdigit():
        return p
    return p[:-1] if p.endswith("s") and p[:-1].isdigit() else ""


@text_cache
def short_forms(text: str) -> dict[str, frozenset[str]]:
    """Every short form ``text`` spells in full, with the words it abbreviates:
    "Counter-Strike 2" -> ``{"cs2": {"counter", "strike"}, "s2": {"strike"}}``."""
    parts: list[str] = []  # word parts in order; "" breaks a run (symbols, mixed tokens)
    for tok in analyze(text).tokens:
        if tok.kind == "sym":
            parts.append("")
            continue
        parts.extend(_part(p) for p in tok.low.split("-"))
    out: dict[str, set[str]] = {}
    for j, number in enumerate(parts):
        if not number.isdigit():
            continue
        for n in range(1, _MAX_WORDS + 1):
            run = parts[max(0, j - n) : j]
            if len(run) < n or not all(p.isalpha() for p in run):
                break
            out.setdefault("".join(p[0] for p in run) + number, set()).update(run)
    return {k: frozenset(v) for k, v in out.items()}


def long_form_named(name: str, own: str, other: str) -> bool:
    """``name`` (a name of ``own``) is part of words and a number that ``other`` writes as
    their short form ("Sentinel-2" / "S2", "Counter-Strike" 2 / "cs2")."""
    parts = name.replace("-", " ").split()
    forms = [k for k, words in short_forms(own).items() if parts and parts[0] in words]
    if not forms:
        return False
    said = _said(other)  # "u10s" is a plural of "u10"
    return any(k in said for k in forms)


def named_short(name: str, own: str, other: str) -> bool:
    """``name`` (a name of ``own``) is named in ``other`` written short or in full
    (see the module docstring)."""
    if name in short_forms(other) or long_form_named(name, own, other):
        return True
    if not _short_shaped(name, own):
        return False  # "Paris", "node": no short form (most names, cheap)
    said = _said(other)
    for form in _spellings(name, own):
        bare = [form, form[:-1]] if _plural(form, own) else [form]
        if any(b in short_forms(other) or b in said or _acronym(b, other) for b in bare):
            return True
        parts = form.split("-")
        if len(parts) > 1 and all(p in said or p in short_forms(other) for p in parts):
            return True  # "kv-v2" / "KV version 2"
    return False


def _short_shaped(name: str, own: str) -> bool:
    """``name`` holds a digit or is written in capitals in ``own``, a plural "s" aside."""
    if any(c.isdigit() for c in name):
        return True
    return name.upper() in own or (name[-1:] == "s" and f"{name[:-1].upper()}s" in own)


def _spellings(name: str, own: str) -> set[str]:
    """``name`` and the words of ``own`` the word lists read as it ("U10" -> "uranium-10")."""
    out = {name}
    if any(c.isdigit() for c in name):
        lex = lexicon()
        out.update(t.low for t in _named(own) if lex.canonical_name(t.low) == name)
    return out


def _named(text: str) -> tuple[Token, ...]:
    return tuple(t for t in analyze(text).tokens if t.kind == "word")


def _plural(form: str, own: str) -> bool:
    """``form`` ends in a plural "s" after a short form: a digit or capitals before it
    ("u10s", "d20s", "GSIs")."""
    if len(form) < 3 or not form.endswith("s"):
        return False
    if any(c.isdigit() for c in form[:-1]):
        return form[-2].isdigit()
    return any(t.low == form and t.text[:-1].isupper() and t.text[-1] == "s" for t in _named(own))


@text_cache
def _said(text: str) -> frozenset[str]:
    """The words of ``text``, each also without a plural "s" after a digit ("d20s")."""
    out = set()
    for t in _named(text):
        out.add(t.low)
        if len(t.low) > 2 and t.low.endswith("s") and t.low[-2].isdigit():
            out.add(t.low[:-1])
    return frozenset(out)


def _acronym(form: str, other: str) -> bool:
    """``form`` is the initials of consecutive words of ``other`` (2-5 letters), an acronym
    among them (2-3 capitals) spelled whole, and the number written after them if it ends
    in one: "PBI" / "Power BI", "GSI" / "global secondary index", "FCS2" / "FCS II"."""
    m = _SHORT.fullmatch(form)
    if m is None:
        return False
    letters, number = m.groups()
    toks = _runs(other)
    for i in (k for k, t in enumerate(toks) if t.low[:1] == letters[0]):
        for end in _ends(letters, toks, i):
            if not number or (end < len(toks) and _number(toks[end]) == number):
                return True
    return False


def _ends(letters: str, toks: tuple[Token, ...], i: int) -> set[int]:
    """Where runs of words from ``toks[i]`` that spell ``letters`` end."""
    if not letters:
        return {i}
    if i >= len(toks) or toks[i].low[:1] != letters[0]:
        return set()
    out = _ends(letters[1:], toks, i + 1)
    w = toks[i]
    whole = w.text.isupper() and w.text.isalpha() and 2 <= len(w.text) <= 3
    if whole and letters.startswith(w.low):  # "BI" in "Power BI" spells "bi"
        out |= _ends(letters[len(w.low) :], toks, i + 1)
    return out


def _runs(text: str) -> tuple[Token, ...]:
    return tuple(t for t in analyze(text).tokens if t.kind != "sym")


def _number(tok: Token) -> str:
    """The number a token writes: digits, or a Roman numeral of two letters or more in
    capitals ("II", "XIV"; "I", "V", "X" alone are letters)."""
    if tok.low.isdigit():
        return tok.low
    return str(roman_value(tok.text)) if len(tok.text) > 1 and ROMAN.match(tok.text) else ""
