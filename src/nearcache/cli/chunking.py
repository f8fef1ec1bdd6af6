"""Split text and code into overlapping, line-aligned chunks that stay stable under edits.

Why not fixed windows: with windows of N characters, inserting one line near the top of a
file shifts every later window, so every later chunk gets a new hash and is embedded
again. Here chunk boundaries are chosen by the content itself:

1. The text is cut into *blocks* at blank lines (paragraphs, functions, list items). A
   block longer than ``chunk_size`` is cut into line groups, and a line longer than
   ``chunk_size`` into slices, all within the block.
2. Blocks are packed into chunks of at most ``chunk_size`` characters. A block whose
   CRC-32 is divisible by ``ANCHOR_EVERY`` is an *anchor*: it ends its chunk (once the
   chunk holds a third of ``chunk_size``, so headings do not become chunks of their own),
   and packing restarts there whatever happened before it.

An edit therefore changes only the chunks around it, up to the next anchor that ends a
chunk in both versions (plus the next chunk's overlap); everything else keeps its hash
and is served from the embedding cache.
Each chunk starts with up to ``overlap`` characters of whole lines from the end of the
previous chunk, so a sentence cut by a boundary is still seen whole by one chunk.

Line numbers are 1-based and inclusive.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..errors import InvalidInputError

__all__ = [
    "ANCHOR_EVERY",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_OVERLAP",
    "Chunk",
    "chunk_text",
    "split_lines",
]

#: Characters per chunk. all-MiniLM-L6-v2 reads at most 256 word pieces; English prose
#: averages about 4 characters per piece and code about 3, so 700 characters stay under
#: the cap for prose and are rarely truncated for code.
DEFAULT_CHUNK_SIZE = 700
#: Characters of whole lines repeated from the end of the previous chunk.
DEFAULT_OVERLAP = 100
#: About one block in this many ends a chunk regardless of size (see module docstring).
ANCHOR_EVERY = 4


@dataclass(frozen=True)
class Chunk:
    """A piece of a file: its text and the lines it spans (1-based, inclusive)."""

    text: str
    start_line: int
    end_line: int


# A segment is (line number, text): a whole line, or a slice of a line longer than
# chunk_size.
_Segment = tuple[int, str]


def _blocks(lines: list[str]) -> list[list[_Segment]]:
    """Runs of non-blank lines, each with the blank lines after it."""
    blocks: list[list[_Segment]] = []
    current: list[_Segment] = []
    has_text = False
    after_blank = False
    for number, line in enumerate(lines, start=1):
        blank = not line.strip()
        if blank:
            after_blank = has_text
        elif after_blank:
            blocks.append(current)
            current, has_text, after_blank = [], False, False
        current.append((number, line))
        has_text = has_text or not blank
    if current:
        blocks.append(current)
    return blocks


def _fit(block: list[_Segment], chunk_size: int) -> list[list[_Segment]]:
    """Cut a block into pieces of at most ``chunk_size`` characters."""
    pieces: list[list[_Segment]] = []
    piece: list[_Segment] = []
    size = 0
    for number, line in block:
        slices = [line[i : i + chunk_size] for i in range(0, len(line), chunk_size)] or [""]
        for part in slices:
            if piece and size + len(part) > chunk_size:
                pieces.append(piece)
                piece, size = [], 0
            piece.append((number, part))
            size += len(part)
    if piece:
        pieces.append(piece)
    return pieces


def split_lines(text: str) -> list[str]:
    """Lines as editors and ``grep -n`` count them: split on ``\\n`` only, ends kept.

    ``str.splitlines`` also splits on form feeds, vertical tabs and Unicode separators,
    which would shift every later line number of a file that contains one.
    """
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _is_anchor(piece: list[_Segment]) -> bool:
    crc = zlib.crc32("".join(text for _, text in piece).encode("utf-8", "surrogatepass"))
    return crc % ANCHOR_EVERY == 0


def chunk_text(
    text: str, chunk_size: int = DEFAULT_CHUNK_SIZE, overlap: int = DEFAULT_OVERLAP
) -> list[Chunk]:
    """Cut ``text`` into chunks of about ``chunk_size`` characters (see module docstring).

    Args:
        text: the file's text.
        chunk_size: most characters of a chunk's own lines (the overlap comes on top).
        overlap: most characters of whole lines repeated from the previous chunk.

    Returns:
        The chunks in file order; whitespace-only chunks are left out.

    >>> [(c.start_line, c.end_line) for c in chunk_text("ab\\ncd\\n\\nef\\n", 8, 0)]
    [(1, 3), (4, 4)]
    """
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidInputError("chunk_size must be a positive int")
    if not isinstance(overlap, int) or overlap < 0:
        raise InvalidInputError("overlap must be a non-negative int")
    if overlap >= chunk_size:
        raise InvalidInputError("overlap must be smaller than chunk_size")
    lines = split_lines(text)
    min_size = chunk_size // 3
    groups: list[list[_Segment]] = []
    current: list[_Segment] = []
    size = 0
    for block in _blocks(lines):
        for piece in _fit(block, chunk_size):
            piece_size = sum(len(t) for _, t in piece)
            if current and size + piece_size > chunk_size:
                groups.append(current)
                current, size = [], 0
            current.extend(piece)
            size += piece_size
            if size >= min_size and _is_anchor(piece):
                groups.append(current)
                current, size = [], 0
    if current:
        groups.append(current)

    chunks: list[Chunk] = []
    previous: list[_Segment] = []
    for group in groups:
        lead: list[_Segment] = []
        budget = overlap
        for segment in reversed(previous):
            if len(segment[1]) > budget:
                break
            lead.insert(0, segment)
            budget -= len(segment[1])
        previous = group
        body = "".join(t for _, t in group)
        if not body.strip():
            continue
        segments = lead + group
        chunks.append(Chunk("".join(t for _, t in segments), segments[0][0], segments[-1][0]))
    return chunks
