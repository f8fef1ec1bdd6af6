"""Which application's files are opened in which (formats.py, read by the direction guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.formats import format_roles, format_swapped


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I open Photoshop files in GIMP?", "does photoshop open .xcf files"),
        ("Can Keynote open PowerPoint files?", "can I open a .key file in PowerPoint"),
        ("How do I edit Illustrator designs with Inkscape?", "Can Illustrator import .svg files?"),
        # The exporting application is where the files come from.
        ("Can Blender export .skp files?", "How do I open SketchUp files in Blender?"),
        ("Can Krita save .psd files?", "does krita open photoshop files"),
    ],
)
def test_format_and_program_exchanged_reject(a: str, b: str) -> None:
    assert format_swapped(a, b) is not None and format_swapped(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I open Photoshop files in GIMP?", "does gimp import .psd files"),
        ("Can Keynote open PowerPoint files?", "open a .pptx file in Keynote"),
        ("Can I open Photoshop files in GIMP?", "Can I open Photoshop files in Krita?"),
        ("How do I word a cover letter in pages?", "How do I word a cover letter?"),
        ("Can Blender export .skp files?", "Can I import Blender files into SketchUp?"),
        ("How do I import from Krita into Photoshop?", "can Krita export .psd files"),
    ],
)
def test_the_same_conversion_or_no_roles_pass(a: str, b: str) -> None:
    assert format_swapped(a, b) is None and format_swapped(b, a) is None


def test_roles_read_from_a_text() -> None:
    assert format_roles("does Sketch import *.xd files") == ({"xd"}, {"sketch"})
    assert format_roles("Can Figma open Sketch designs?") == ({"sketch"}, {"figma"})
    assert format_roles("export the numbers to excel") == (frozenset(), {"excel"})
    assert format_roles("Can Figma export .sketch files?") == ({"figma"}, {"sketch"})
    assert format_roles("import from Sketch into Figma") == ({"sketch"}, {"figma"})
