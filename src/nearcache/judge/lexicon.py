"""The judge's English word lists, read once from the text files in ``data/``.

Kept as data (one entry a line, comments say why) so a reviewer reads and extends them
without touching code: ``antonyms.txt`` (opposites), ``synonyms.txt`` (words that ask for
the same thing), ``names.txt`` (names that are entities even in lower case, with
aliases), ``converses.txt`` (one relation seen from its two ends) and ``symmetric.txt``
(relations whose two ends can trade places), ``families.txt`` (a name and what it belongs
to: "iphone" -> "ios"). Entries are stored by stem, so inflections match without being
listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from .tokens import STOPWORDS, stem, wordset

__all__ = ["Lexicon", "data_lines", "lexicon"]


def data_lines(name: str) -> list[str]:
    """The lines of ``data/<name>`` that are neither blank nor comments, stripped."""
    text = resources.files(__package__).joinpath("data").joinpath(name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


#: A names.txt section header that sets its kind: "# Places ... [proper]: ...".
_KIND = re.compile(r"\[(\w+)\]")
#: An isotope written with its element's symbol: "c14", "c-14", "u235" (two or three digits).
_ISOTOPE = re.compile(r"^([a-z]{1,2})-?(\d{2,3})$")
#: Symbols of the elements whose isotopes questions name (carbon dating, reactors, medicine).
_ELEMENTS = {
    "c": "carbon",
    "u": "uranium",
    "pu": "plutonium",
    "i": "iodine",
    "co": "cobalt",
    "sr": "strontium",
    "cs": "cesium",
    "k": "potassium",
    "n": "nitrogen",
    "o": "oxygen",
    "f": "fluorine",
    "tc": "technetium",
    "ra": "radium",
    "rn": "radon",
    "th": "thorium",
}
#: Marks a converses.txt line whose two ends are also opposites (read with antonyms.txt).
_ALSO_OPPOSITE = "opposite:"
#: What opens the object of a verb that names the relation itself ("sponsor *a* spouse",
#: "hire *my* cousin"); "the" is left out ("taste *the* same as").
_INDEFINITE = frozenset(["a", "an", "my", "your", "his", "her", "our", "their"])


class Lexicon:
    """Opposites, synonym groups and known names, indexed by stem."""

    def __init__(self) -> None:
        self.opposites: dict[str, set[str]] = {}
        self.poles: dict[str, set[tuple[int, int]]] = {}  # stem -> {(line, side)}
        self.groups: dict[str, set[int]] = {}
        self.names: dict[str, str] = {}  # name -> its kind (the section it is listed in)
        self.alias: dict[str, str] = {}
        self.cased: dict[str, str] = {}  # spellings that name something only as written
        self.converses: set[frozenset[str]] = set()
        #: Symmetric relations (``symmetric.txt``) by where they count: between the
        #: terms, also before them, or between them with "with"; "duration" words
        #: count before them in a question about how long a trip takes.
        self.symmetric: dict[str, set[str]] = {
            "": set(),
            "lead": set(),
            "with": set(),
            "duration": set(),
        }
        self._load_opposites()
        for gid, line in enumerate(data_lines("synonyms.txt")):
            for w in line.split():
                self.groups.setdefault(stem(w.replace("-", " ")), set()).add(gid)
        self._load_names()
        #: What each name belongs to (``families.txt``): "iphone" -> {"ios"}.
        self.families: dict[str, set[str]] = {}
        for line in data_lines("families.txt"):
            family, _, members = line.partition(":")
            for m in members.split():
                self.families.setdefault(m, set()).add(family.strip())
        for line in data_lines("converses.txt"):
            left, _, right = line.removeprefix(_ALSO_OPPOSITE).partition("|")
            for x in left.split():
                for y in right.split():
                    self.converses.add(frozenset((stem(x), stem(y))))
        for line in data_lines("symmetric.txt"):
            where, _, words = line.rpartition(":")
            where = where.strip()
            # lead words as written: by stem, "the *fare*" would read as "how *far*"
            self.symmetric[where].update(w if where == "lead" else stem(w) for w in words.split())
        self.name_stems = frozenset(stem(w) for w in self.names if " " not in w)
        #: Names written over several words ("new york", "united kingdom"): the runs of
        #: words worth looking up.
        self.phrases = frozenset(w for w in (*self.names, *self.alias) if " " in w)
        self.phrase_starts = frozenset(w.split()[0] for w in self.phrases)
        self._known = (
            frozenset(self.names)
            | self.name_stems
            | frozenset(self.opposites)
            | frozenset(self.groups)
            | STOPWORDS
        )

    def _load_opposites(self) -> None:
        # Relation nouns seen from two ends are listed once, in converses.txt, marked
        # "opposite:": with the roles kept they are opposites too ("son" / "father").
        also = [ln.removeprefix(_ALSO_OPPOSITE) for ln in data_lines("converses.txt")]
        converse_opposites = [ln for ln, raw in zip(also, data_lines("converses.txt")) if ln != raw]
        for n, line in enumerate(data_lines("antonyms.txt") + converse_opposites):
            left, _, right = line.partition("|")
            lw = {stem(w.replace("-", " ")) for w in left.split()}
            rw = {stem(w.replace("-", " ")) for w in right.split()}
            for side, ws in ((0, lw), (1, rw)):
                for w in ws:
                    self.poles.setdefault(w, set()).add((n, side))
            for a in lw:
                self.opposites.setdefault(a, set()).update(rw - lw)
            for b in rw:
                self.opposites.setdefault(b, set()).update(lw - rw)

    def _load_names(self) -> None:
        kind, fixed = "name", False
        text = resources.files(__package__).joinpath("data").joinpath("names.txt")
        for raw in text.read_text("utf-8").splitlines():
            line = raw.strip()
            if line.startswith("# "):
                bracket = _KIND.search(line)
                fixed = bracket is not None
                kind = bracket.group(1) if bracket else line[2:].split()[0].lower()
            elif line and not line.startswith("#"):
                self._name_line(line, kind, fixed)

    def _name_line(self, line: str, kind: str, fixed: bool = False) -> None:
        """One line of names.txt: bare names of ``kind``, or ``canon = aliases``. A canon
        not listed before is of kind "name", or of ``kind`` when its section header gives
        the kind in brackets (``fixed``)."""
        if "=" not in line:
            for w in line.lower().split():
                self.names.setdefault(w, kind)
            return
        head, _, rest = line.partition("=")
        canon = " ".join(head.split()).lower()
        written = [" ".join(s.split()) for s in rest.split(",")]
        for w in written:
            if w != w.lower():  # "golang = Go": only when written so
                self.cased[w] = canon
        spellings = [canon, *(w.lower() for w in written if w == w.lower())]
        for w in spellings[1:]:
            self.alias[w] = canon
        for w in spellings:
            self.names.setdefault(w, self.names.get(canon, kind if fixed else "name"))

    def known(self, word: str) -> bool:
        """Whether ``word`` (or its stem) is a listed word: a name, an opposite, a synonym
        or a function word. Two different known words are never typos of each other."""
        return word in self._known

    def family(self, a: str, b: str) -> bool:
        """Whether one of two canonical names belongs to the other ("iphone" / "ios")."""
        return a in self.families.get(b, ()) or b in self.families.get(a, ())

    def is_name(self, word: str) -> bool:
        """Whether ``word`` (or its stem) is a listed name."""
        return word in self.names or word in self.name_stems

    def opposite(self, a: str, b: str) -> bool:
        """Whether stems ``a`` and ``b`` are listed as opposites."""
        found = self.opposites.get(a)
        return found is not None and b in found

    def converse(self, a: str, b: str) -> bool:
        """Whether words ``a`` and ``b`` name one relation from its two ends ("before" /
        "after", "buy" / "sell"): exchanging the terms around them keeps the meaning."""
        return frozenset((stem(a.lower()), stem(b.lower()))) in self.converses

    def symmetric_relation(self, between: Sequence[str], lead: Sequence[str] = ()) -> str | None:
        """The word naming a symmetric relation ("meet", "equal to", "mix ... with") among
        ``between`` (the lowercase words between two exchanged terms, in order), or a
        relation noun or distance word among ``lead`` (the words before the first term:
        "How far is ..."); None when there is none, or when a comparison ("than") or a
        substitution ("instead of") stands between: one end is then measured against, or
        put in place of, the other ("a GP near my work instead of my home")."""
        if "than" in between or "instead" in between:
            return None  # "Are bats more closely related to humans than to birds"
        sym = self.symmetric
        with_ok = "with" in between
        acted_on = _object_of_verb(lead)
        passive = False
        for n, w in enumerate(between):
            s = stem(w)
            nxt = between[n + 1] if n + 1 < len(between) else ""
            if acted_on and w in _LIKENESS:
                continue  # "give my dog the same food as my cat": the dog receives
            if n > 0 and between[n - 1] in _ARTICLES and not _compared_to(between[n + 1 :]):
                continue  # "to the equivalent dose of Y": it picks out a noun, no relation
            if s in sym[""] or f"{w}_{nxt}" in sym[""] or (with_ok and s in sym["with"]):
                if passive and between[n - 1] == "to":
                    break  # "X be converted up to compare with Y": X is what is converted
                return w
            passive = passive or (n > 0 and between[n - 1] in _BE and w.endswith(("ed", "en")))
            if w not in STOPWORDS and nxt in _INDEFINITE and s not in sym["with"]:
                break  # a verb with its own object names the relation: "X sponsors a spouse"
        found = next((w for w in lead if w in sym["lead"]), None)
        if found is None and _asks_duration(lead, sym["duration"]):
            found = next((w for w in lead if stem(w) in sym["duration"]), None)
        return found

    def synonyms(self, a: str, b: str) -> bool:
        """Whether stems ``a`` and ``b`` share a synonym group."""
        ga = self.groups.get(a)
        gb = self.groups.get(b)
        return ga is not None and gb is not None and not ga.isdisjoint(gb)

    def canonical_name(self, word: str) -> str:
        """The canonical spelling of a known name (``js`` -> ``javascript``, an isotope by
        its element's symbol ``c14`` / ``C-14`` -> ``carbon-14``)."""
        found = self.alias.get(word)
        if found is not None:
            return found
        if word[-1:].isdigit() and (m := _ISOTOPE.match(word)) and m[1] in _ELEMENTS:
            return f"{_ELEMENTS[m[1]]}-{m[2]}"
        return word


#: Likeness words: symmetric between two compared terms ("Is a yam the same as a sweet
#: potato"), not when the first term is the object of a verb ("give my dog the same
#: treatment as my cat", "treat X the same as Y": what is done to X is modelled on Y).
_LIKENESS = wordset("same similar identical equal equivalent alike comparable")
_BE = wordset("is are was were be been being")
_ARTICLES = wordset("the a an")
#: Words that complete a likeness after its word ("the same *as*", "equal *to*").
_COMPLEMENTS = wordset("as to with from of")


def _compared_to(rest: Sequence[str]) -> bool:
    """``rest`` (the words after a symmetric word that follows an article) goes on to
    what the first term is set against: "the same *as*", "a sibling *of*", "the same
    plant *as*" -- not "the matching value from column A", "the equivalent dose of",
    where the word only picks out a noun of its own clause."""
    return (bool(rest) and rest[0] in _COMPLEMENTS) or "as" in rest[:3]


_NOT_VERBS = wordset(
    "is are was were be been being am do does did can could will would should shall may "
    "might must how what which why when where who whether if and or but vs i you we they "
    "he she it me us them to of for in on at with by from than as that this these those "
    "there not"
)


_DURATION_UNITS = wordset("hours minutes days")


def _asks_duration(lead: Sequence[str], trip: set[str]) -> bool:
    """The words before the first term ask how long a trip takes: "how long", "how many
    hours", "driving time" (not "what time": a timetable differs by direction)."""
    pairs = list(zip(lead, (*lead[1:], ""), (*lead[2:], "", "")))
    return any(
        (w == "how" and (nxt == "long" or (nxt == "many" and third in _DURATION_UNITS)))
        or (nxt == "time" and stem(w) in trip)
        for w, nxt, third in pairs
    )


def _object_of_verb(lead: Sequence[str]) -> bool:
    """The word before the first term (articles and possessives aside) is a verb that
    acts on it: a content word, not a copula, an auxiliary or a question word."""
    for w in reversed(lead):
        if w in ("a", "an", "the", "my", "your", "his", "her", "our", "their", "its"):
            continue
        return w.isalpha() and w not in _NOT_VERBS
    return False


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shared lexicon (loaded on first use, a few milliseconds)."""
    return Lexicon()
