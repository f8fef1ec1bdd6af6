"""Guards: the same things must be named (entities), and nothing that narrows the
question may be added or dropped (scope).

**Entities.** "Capital of Austria" / "capital of Australia", "reverse a list in Python" /
"... in Java", "read config.yaml" / "read config.json": the answer is about another thing.
A word is a name when it is capitalized away from a sentence start, written in capitals
(``AWS``), shaped like code (``snake_case``, ``camelCase``, ``os.path.join``, ``f()``,
`` `x` ``), a file name (``main.py``), holds digits (``ipv4``), or is a known name even in
lower case (``data/names.txt``: programming languages, tools, countries, cities, languages,
pets and farm animals, medicines; aliases such as "js" = "javascript", "puppies" = "dog",
"Advil" = "ibuprofen"). When each text names something the other does not
(after aliases and one-letter misspellings), the guard rejects.

**Scope.** "How do I install Python" / "... Python on Windows"; "sort a list" / "sort a
nested list". Content words that only one text has (:func:`nearcache.judge.align.align`:
stems, synonyms, misspellings, abbreviations) narrow or widen the question. A name on one
side only is reported by the entity guard; the scope guard reports the other extra words.
Both are *soft* by default: the verifier weighs them (a context sentence such as "I'm new
to Python." also adds words without changing the answer).

Code identifiers are compared in any case and style: ``getMonth`` / ``get_month``,
``5w30`` / ``5W-30``, ``list.sort`` inside ``mylist.sort`` (an identifier of 3+ letters
and digits found in the other text with its separators removed is named there). Query
keywords written in capitals (``SELECT``, ``COUNT``, ``SET``, ``EX``: SQL and Redis) are
code, not names.

Limits: names are found by their shape, so a lowercase name missing from the list is
only seen as an extra content word; two names that are misspellings of each other by one
letter ("Austria"/"Austrla") count as the same. English capitalization rules.
"""

from __future__ import annotations

import re

from .align import align, similar_spelling
from .asks import cause_or_method
from .calls import call_named, classes, receiver_types
from .careful import careful_variant
from .dates import time_info
from .doers import role_changed
from .kinship import generation_changed
from .lexicon import lexicon
from .literals import (
    command_changed,
    example_changed,
    literal_changed,
    prime_changed,
    quote_changed,
    setting_changed,
    sheet_error_changed,
    symbols_changed,
)
from .oneword import one_word_changed
from .phrasenames import listed_swap, phrase_names
from .qualifiers import count_widened, qualifier_added
from .relations import gender_changed
from .shortnames import named_short
from .spellings import similar_code, squeeze
from .tails import tail_added
from .tokens import STOPWORDS, Text, Token, analyze, text_cache, word_cache, wordset
from .types import NEUTRAL, PASS, REJECT, GuardResult
from .variants import variant_named
from .weighed import reworded, snippet_asked

__all__ = ["PROPER_SWAP", "entities", "guard_entities", "guard_scope"]

#: How the entity guard says that each text names a proper name of no listed kind the other
#: does not, inside a rewording ("Was it Rafa who won against Roger?" / "Did Nadal beat
#: Federer?", "the Hijri calendar" / "the Islamic calendar"): soft -- the verifier weighs
#: it (the ``names_swapped`` feature). When the names are the whole difference the guard
#: still rejects.
PROPER_SWAP = "different proper names"

_CODE = re.compile(r"[a-z][A-Z]|_|\w\.\w|\(\)|::")
_FILE = re.compile(r"^\w[\w-]*\.[a-z][a-z0-9]{0,4}$")
#: What ends a file name (or a directory, a host) rather than an attribute or a method:
#: "Main.java", "README.md", "a.out"; "Object.seal" and "Math.floor" are code.
_EXTENSIONS = frozenset(
    (  # noqa: SIM905
        "py pyc pyi ipynb js mjs cjs ts jsx tsx json yaml yml toml ini cfg conf env lock txt md "
        "rst csv tsv sql db sqlite sh bash zsh fish ps1 bat cmd exe dll so dylib a o out c h "
        "cc cpp hpp java class jar war kt go mod rs rb php pl swift scala r lua html htm css "
        "scss sass less xml svg png jpg jpeg gif webp bmp ico pdf doc docx xls xlsx ppt pptx "
        "odt zip tar gz tgz bz2 xz rar whl egg log pem key crt cer csr pfx p12 pub mp3 mp4 "
        "wav flac mov avi mkv iso img dmg deb rpm apk ipa tf tfvars hcl proto graphql vue "
        "svelte d local daily weekly monthly service socket timer conf com org net io dev me"
    ).split()
)
_ROMAN = re.compile(r"^[IVX]+$")
#: Value literals of programming languages, as they are written in code ("frozen=True",
#: "stringsAsFactors = FALSE", "rows with NaN"): values, not names of things.
_VALUES = frozenset(["True", "False", "None", "NaN", "TRUE", "FALSE", "NULL", "Null", "NONE"])
#: Query keywords written in capitals: code, not names ("SELECT COUNT(DISTINCT col)").
_KEYWORDS = frozenset(
    (  # noqa: SIM905
        "select from where count distinct join inner outer left right full cross group by "
        "order having limit offset insert into values update set delete create drop alter "
        "table index view null not and or as on union all exists between like in is asc "
        "desc primary key foreign references default vacuum explain analyze begin commit "
        "rollback returning case when then else end get del ex px nx xx expire ttl incr"
    ).split()
)
#: Nouns after which a language construct is named: "the *let* function", "the *in*
#: operator", "the *with* statement".
_CONSTRUCTS = wordset(
    "function functions keyword keywords operator operators statement statements "
    "method methods macro macros clause clauses builtin builtins directive directives"
)
#: Stopwords that describe a construct rather than name one ("the best function", "the
#: same method", "the right operator").
_DESCRIBING = wordset(
    "able another any best correct easiest easy every good only other possible proper "
    "quick right same simple simplest such this that these those their your my our his "
    "her its all both each either some very"
)

Name = tuple[str, str]  # (canonical lowercase name, kind)

#: Words an initialism may skip ("ICC": International Certificate of Competence).
_LINKS = frozenset({"of", "the", "and", "for", "a", "an", "in", "on", "to", "de"})

#: A capitalized identifier written as a call or after "new": a class of the code
#: (``Path("x")``, ``new Date(...)``), not a proper name of the world.
_CONSTRUCTED = re.compile(r"\bnew\s+([A-Z]\w*)|\b([A-Z]\w*)\(")


@word_cache  # a token recurs at the same place of many texts ("What", first)
def _kind(tok: Token) -> str | None:
    """The kind of name ``tok`` is, or None when it is an ordinary word."""
    if tok.kind != "word" or len(tok.text) < 2:
        return None
    text, low = tok.text, tok.low.removesuffix("'s")
    if text in _VALUES:
        return None
    lex = lexicon()
    if text in lex.cased:
        return lex.names.get(lex.cased[text], "name")
    listed = lex.names.get(low)
    if listed is not None and (low not in STOPWORDS or text.isupper()):
        return listed
    if text.isalpha() and text.islower():
        return None  # an ordinary lowercase word (most of them): not a name
    if _FILE.match(low) and (text.islower() or low.rsplit(".", 1)[-1] in _EXTENSIONS):
        return "file"  # "Object.seal", "Math.floor": code (lowercase ones stay files)
    if _CODE.search(text):
        return "code"
    if any(c.isdigit() for c in text):
        return "id"
    if _ROMAN.match(text) or low in STOPWORDS or (text.isupper() and low in _KEYWORDS):
        return None
    if text.isupper() or tok.capitalized:
        return "proper"
    return None


def _construct(toks: tuple[Token, ...], i: int) -> bool:
    """A stopword at ``i`` names a language construct: "the *let* function", "the *also*
    function", "the *in* operator" (a stopword never modifies such a noun, so it names
    one; Kotlin's ``let`` and ``also`` are two functions)."""
    tok = toks[i]
    return (
        0 < i < len(toks) - 1
        and tok.kind == "word"
        and tok.low in STOPWORDS
        and tok.low not in _DESCRIBING
        and toks[i - 1].low == "the"
        and toks[i + 1].low in _CONSTRUCTS
    )


@text_cache
def entities(text: str) -> tuple[Name, ...]:
    """The names in ``text`` with their kind; adjacent capitalized words form one name
    ("New York City"), and aliases are resolved (``js`` -> ``javascript``); a stopword
    naming a construct ("the let function") is code."""
    t = analyze(text)
    lex = lexicon()
    dated = time_info(text).consumed
    built = {m.lower() for pair in _CONSTRUCTED.findall(text) for m in pair if m}
    out: list[Name] = []
    run: list[str] = []
    # a construct needs "the" before it and a construct noun after it (read once per text)
    constructs = "the" in t.words and not _CONSTRUCTS.isdisjoint(t.words)
    for tok in (*t.tokens, None):
        kind = _kind(tok) if tok is not None and tok.index not in dated else None
        if kind is None and tok is not None and constructs and _construct(t.tokens, tok.index):
            kind = "code"
        if kind == "proper" and tok is not None and tok.low in built:
            kind = "code"
        if tok is not None and kind == "proper" and not tok.text.isupper():
            run.append(tok.low.removesuffix("'s"))
            continue
        if run:
            joined = " ".join(run)
            canon = lex.canonical_name(joined)
            out.append((canon, lex.names.get(canon, "proper")))
            run = []
        if tok is not None and kind is not None:
            low = tok.low.removesuffix("'s").removesuffix("()")
            canon = lex.cased.get(tok.text) or lex.canonical_name(low)
            out.append((canon, lex.names.get(canon, kind)))
    return tuple(dict.fromkeys((*out, *phrase_names(text))))  # "field player"


@text_cache
def _words(text: str) -> frozenset[str]:
    """Every word of ``text`` and its parts, canonical ("js" -> "javascript", "France's"
    -> "france"), with the names spelled over up to three words."""
    lex = lexicon()
    t = analyze(text)
    out: set[str] = set()
    for tok in t.tokens:
        if tok.kind == "sym":
            continue
        low = tok.low.removesuffix("'s").removesuffix("()")
        canon = lex.cased.get(tok.text) or lex.canonical_name(low)
        out.add(canon)
        out.update(lex.families.get(canon, ()))  # "iphone" names "ios" (families.txt)
        out.update(lex.canonical_name(p) for p in low.split("-") if p)
    words = t.words
    for i, w in enumerate(words):
        if w in lex.phrase_starts:
            for n in (2, 3, 4):
                phrase = " ".join(words[i : i + n])
                if phrase in lex.phrases:
                    out.add(lex.canonical_name(phrase))
    return frozenset(out)


def _initials(name: str, t: Text) -> bool:
    """``name`` (written in capitals) abbreviates consecutive words of ``t``: "LOTR" is
    "Lord of the Rings", "NY" is "New York", "ICC" "International Certificate of
    Competence" (the linking words counted or skipped)."""
    letters = name.replace(" ", "")
    if not (2 <= len(letters) <= 5 and letters.isalpha()):
        return False
    n = len(letters)
    for words in (t.words, [w for w in t.words if w not in _LINKS]):  # "ICC": "... of ..."
        firsts = [w[0] for w in words if w]
        if any("".join(firsts[i : i + n]) == letters for i in range(len(firsts) - n + 1)):
            return True
    return False


@text_cache
def _squeezed(text: str) -> str:
    """``text`` lowercased with every separator removed: identifiers in any style."""
    return squeeze(text.lower())


def _same_identifier(name: str, kind: str, other: str) -> bool:
    """A code identifier or id that ``other`` writes in another case or style."""
    if kind not in ("code", "id"):
        return False
    bare = squeeze(name)
    if len(bare) < 3 or bare not in _squeezed(other):
        return False
    # inside one token it must end it: "list.sort" in "mylist.sort", not "Array.flat" in
    # "Array.flatMap" (another method); across words it may stand anywhere ("get month")
    held = [w for w in _squeezed_words(other) if bare in w]
    return not held or any(w.endswith(bare) for w in held)


@text_cache
def _squeezed_words(text: str) -> tuple[str, ...]:
    """Each whitespace-separated word of ``text`` squeezed as :func:`_squeezed` does."""
    return tuple(squeeze(w) for w in text.lower().split())


def _unmatched(
    names: tuple[Name, ...], other: str, known: frozenset[str] = frozenset(), own: str = ""
) -> list[Name]:
    words = _words(other)
    t = analyze(other)
    joined = "".join(t.words)
    named = entities(other)
    coded = [n for n, kind in named if kind in ("code", "file")]
    dotted = [n for n in coded if "." in n]
    typed = receiver_types(dotted)  # "pd.read_csv" names pandas
    out = []
    for n, kind in names:
        if n in STOPWORDS and n not in coded and not _same_identifier(n, kind, other):
            out.append((n, kind))  # "the in operator": any other "in" is no construct
            continue
        if n in words or (" " in n and n.replace(" ", "") in joined):
            continue
        if _same_identifier(n, kind, other) or n in typed:
            continue
        if kind in ("code", "file") and (
            any(similar_code(n, c) for c in coded) or call_named(n, coded, words, known)
        ):
            continue  # "sesion.execute" / "session.execute", "arr.sort" / "Array...sort"
        parts = [lexicon().canonical_name(p) for p in n.replace("-", " ").split()]
        if len(parts) > 1 and all(p in words for p in parts):
            continue  # "French Revolution" / "France's revolution", "ACID-compliant" / "ACID"
        if any(
            similar_spelling(n, w) and not _acronyms(n, w, own, other)  # the cheap test first
            for w in words
            if len(w) >= 5
        ):
            continue
        if _initials(n, t) or named_short(n, own, other):
            continue  # "LOTR" / "Lord of the Rings", "CS2" / "Counter-Strike 2"
        out.append((n, kind))
    return out


def _acronyms(n: str, w: str, own: str, other: str) -> bool:
    """``n`` and ``w`` of other lengths, each written in capitals in its text ("HTTP" /
    "HTTPS", "FTP" / "SFTP"): a letter more in an acronym names another thing, not a typo."""
    return (
        len(n) != len(w)
        and re.search(rf"\b{re.escape(n.upper())}\b", own) is not None
        and re.search(rf"\b{re.escape(w.upper())}\b", other) is not None
    )


def _compatible(a: str, b: str) -> bool:
    """Two names of these kinds can stand for each other (a substitution)."""
    if a == b:
        return True
    loose = {"proper"}
    return (a in loose and b not in ("code", "file")) or (b in loose and a not in ("code", "file"))


def guard_entities(a: str, b: str) -> GuardResult:
    """Reject when each text names something the other does not, of a compatible kind."""
    ea, eb = entities(a), entities(b)
    other = gender_changed(a, b)
    if other is not None:
        return GuardResult(REJECT, f"another person: {other[0]!r} vs {other[1]!r}")
    older = generation_changed(a, b)
    if older is not None:
        return GuardResult(REJECT, f"another relative: {older[0]!r} vs {older[1]!r}")
    narrowed = qualifier_added(a, b)
    if narrowed is not None:
        return GuardResult(REJECT, f"scope: {narrowed!r} restricts one text only")
    counted = count_widened(a, b)
    if counted is not None:
        return GuardResult(REJECT, f"scope: {counted!r} counts another set in one text only")
    variant = variant_named(a, b)
    if variant is not None:
        what = f"{variant[0]!r} {variant[1]!r}"
        return GuardResult(REJECT, f"another product: {what} on one side only")
    asked = cause_or_method(a, b)
    if asked is not None:
        return GuardResult(REJECT, f"another question: {asked[0]!r} vs {asked[1]!r}")
    roles = role_changed(a, b)
    if roles is not None:
        return GuardResult(REJECT, f"another person: who does {roles[0]!r} vs {roles[1]!r}")
    code = literal_changed(a, b) or command_changed(a, b) or quote_changed(a, b)
    code = code or symbols_changed(a, b) or example_changed(a, b)
    code = code or setting_changed(a, b) or sheet_error_changed(a, b) or prime_changed(a, b)
    if code is not None:
        return GuardResult(REJECT, f"other code: {code[0]!r} vs {code[1]!r}")
    spelled = careful_variant(a, b)
    if spelled is not None:
        what = f"{spelled[0]!r} vs {spelled[1]!r}"
        return GuardResult(REJECT, f"another word: {what}, one letter apart in two careful texts")
    swapped = one_word_changed(a, b)
    if swapped is not None:
        return GuardResult(REJECT, f"another word: {swapped[0]!r} vs {swapped[1]!r}, the rest kept")
    added = tail_added(a, b)
    if added is not None:
        return GuardResult(REJECT, f"scope: one text adds a restriction at its end ({added})")
    if not ea and not eb:
        return GuardResult(NEUTRAL, "no names")
    known = classes(a) | classes(b)  # receivers written as classes: "Model.save"
    ua = _unmatched(ea, b, known, a)
    ub = _unmatched(eb, a, known, b)
    show_a = ", ".join(n for n, _ in ua)
    show_b = ", ".join(n for n, _ in ub)
    clash = [(ka, kb) for _, ka in ua for _, kb in ub if _compatible(ka, kb)]
    if clash and all(ka == kb == "proper" for ka, kb in clash) and reworded(a, b, ua + ub):
        return GuardResult(NEUTRAL, f"{PROPER_SWAP}: {show_a} vs {show_b}")
    if clash and not listed_swap(ua, ub, a, b) and snippet_asked(a, b, ea, eb):
        return GuardResult(NEUTRAL, f"names read in code against a question: {show_a} vs {show_b}")
    if clash:
        return GuardResult(REJECT, f"different names: {show_a} vs {show_b}")
    if ua or ub:
        return GuardResult(NEUTRAL, f"named on one side only: {show_a or '-'} / {show_b or '-'}")
    return GuardResult(PASS, f"same names: {', '.join(n for n, _ in ea or eb)}")


def guard_scope(a: str, b: str) -> GuardResult:
    """Report content words that only one text has (soft; see the module docstring)."""
    ta, tb = analyze(a), analyze(b)
    if ta.empty or tb.empty:
        return GuardResult(NEUTRAL, "nothing to compare")
    al = align(a, b)
    if not al.only_a and not al.only_b:
        return GuardResult(PASS, "every content word has a counterpart")
    parts = []
    if al.only_a:
        parts.append(f"only in the first: {', '.join(al.only_a)}")
    if al.only_b:
        parts.append(f"only in the second: {', '.join(al.only_b)}")
    outcome = REJECT if al.only_a and al.only_b and not al.matched else NEUTRAL
    return GuardResult(outcome, "; ".join(parts))
