"""Which application's files are opened in which: "open Sketch files in Figma" against
"does Sketch import .fig files" (or "can Figma export .sketch files").

An application is either the *format* a question asks about ("Sketch files", "a .fig
file": a file extension names the application that writes it) or the *program* that
opens it ("in Figma", "with GIMP", "Can Figma open ...", "does Sketch import ..."). Two
texts where one application is the format in one and the program in the other, and
another application the other way round, ask about the opposite conversion; the
direction guard rejects them even when the wording differs (the word-order rules only
compare texts that share their words).

The verb's own direction is read: an application right before "export" or "save" is
where the files come from, and the formats it names are where they go ("Can Figma export
.sketch files" is the reverse of "open Sketch files in Figma"); so is an application
after "from" ("import from Sketch").

Limits: only the applications and extensions listed here (design, office, image and
3D tools); an exporting verb away from its application ("export a Figma design as
.sketch") is not read as one; "Word", "Pages", "Numbers" and "Keynote" count only when
capitalized; a program named anywhere else in the sentence ("I use Figma. Can I open
Sketch files?") is not read. English only.
"""

from __future__ import annotations

from .tokens import Token, analyze, text_cache, wordset

__all__ = ["format_swapped", "format_roles"]

#: File extension -> the application whose files it names.
_EXTENSIONS = {
    "fig": "figma",
    "sketch": "sketch",
    "psd": "photoshop",
    "ai": "illustrator",
    "indd": "indesign",
    "xd": "xd",
    "xcf": "gimp",
    "svg": "inkscape",
    "docx": "word",
    "doc": "word",
    "xlsx": "excel",
    "xls": "excel",
    "pptx": "powerpoint",
    "ppt": "powerpoint",
    "key": "keynote",
    "pages": "pages",
    "numbers": "numbers",
    "odt": "libreoffice",
    "ods": "libreoffice",
    "dwg": "autocad",
    "blend": "blender",
    "skp": "sketchup",
    "afdesign": "affinity",
    "kra": "krita",
    "procreate": "procreate",
}
_APPS = frozenset(_EXTENSIONS.values()) | {"canva", "lightroom", "gimp", "inkscape"}
_LISTED = _APPS | frozenset(_EXTENSIONS)
_NONE: frozenset[str] = frozenset()
#: Applications that are also everyday words: read only when capitalized.
_CASED = frozenset({"word", "pages", "numbers", "keynote", "affinity", "key"})
_FILES = wordset("file files document documents project projects design designs format")
_PROGRAM_BEFORE = wordset("in into with using via to")
_OPENS = wordset(
    "open opens import imports read reads support supports load loads edit edits convert "
    "converts handle handles"
)
#: Verbs whose subject is the application the files come *from* ("Figma exports .sketch
#: files": Figma's designs end up as Sketch files).
_EXPORTS = wordset("export exports exported save saves")


def _app(tok: Token) -> str | None:
    """The application ``tok`` names, or None."""
    low = tok.low
    if tok.kind != "word" or low not in _APPS:
        return None
    if low in _CASED and not tok.text[:1].isupper():
        return None
    return low


@text_cache
def format_roles(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The applications ``text`` names as a file format and as the program opening it."""
    t = analyze(text)
    if _LISTED.isdisjoint(t.words):
        return _NONE, _NONE  # most texts name no application: one set test
    toks = t.tokens
    formats: set[str] = set()
    programs: set[str] = set()
    exporters: set[str] = set()
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if prev is not None and prev.low in (".", "*.") and tok.low in _EXTENSIONS:
            formats.add(_EXTENSIONS[tok.low])  # ".fig", "*.psd"
            continue
        app = _app(tok)
        if app is None:
            continue
        if nxt in _FILES or (prev is not None and prev.low == "from"):
            formats.add(app)  # "Sketch files", "import from Sketch": where files come from
        elif nxt in _EXPORTS:
            exporters.add(app)  # "Figma exports": Figma's files go out
        elif (prev is not None and prev.low in _PROGRAM_BEFORE) or nxt in _OPENS:
            programs.add(app)  # "in Figma", "Sketch imports"
    if exporters:  # the named formats are where the exporter's files go
        return frozenset(exporters), frozenset((formats | programs) - exporters)
    return frozenset(formats), frozenset(programs)


def format_swapped(a: str, b: str) -> tuple[str, str] | None:
    """Two applications, each the format in one text and the program in the other:
    ``(format of a, program of a)``, or None."""
    fa, pa = format_roles(a)
    if not fa or not pa:
        return None
    fb, pb = format_roles(b)
    x, y = fa & pb, pa & fb
    if not x or not y:
        return None
    return min(x), min(y)
