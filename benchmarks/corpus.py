"""Real text for benchmarks: distinct chunks of code and docs that ship with Python.

The chunks are cut by ``nearcache embed``'s own chunker (:func:`nearcache.cli.chunking.
chunk_text`) from the files of the running interpreter's standard library and then its
site-packages (``.py``, ``.md``, ``.rst``, ``.txt``), in sorted path order, so a given
environment always yields the same chunks; a duplicate chunk is kept once. Being source
code and prose, they carry the newlines and indentation that real chunks have (which
the keys' whitespace normalization has to collapse).

The list is cached as JSON lines under ``~/.cache/nearcache-bench/`` (outside git),
keyed by the chunk settings and the interpreter; delete the file to rebuild it.

    python benchmarks/corpus.py 200000 --size 700      # build (or check) a cache file
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

from nearcache.cli.chunking import chunk_text

CACHE = Path.home() / ".cache" / "nearcache-bench"
SUFFIXES = (".py", ".md", ".rst", ".txt")
MAX_FILE_BYTES = 2_000_000


def source_files() -> Iterator[Path]:
    """Files of the standard library, then of site-packages, each in sorted order."""
    paths = sysconfig.get_paths()
    roots = [Path(paths["stdlib"]), Path(paths["purelib"])]
    for i, root in enumerate(roots):
        other = roots[1 - i]
        for path in sorted(root.rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            if other in path.parents or "site-packages" in path.relative_to(root).parts:
                continue  # a root inside the other one: each file once, from its own root
            if path.stat().st_size <= MAX_FILE_BYTES:
                yield path


def _generate(n: int, size: int, overlap: int) -> Iterator[str]:
    seen: set[bytes] = set()
    count = 0
    for path in source_files():
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for chunk in chunk_text(text, size, overlap):
            body = chunk.text
            digest = hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            if digest in seen or not body.strip():
                continue
            seen.add(digest)
            yield body
            count += 1
            if count >= n:
                return


def cache_path(size: int, overlap: int) -> Path:
    tag = f"{sys.version_info.major}.{sys.version_info.minor}-{sys.prefix}"
    key = hashlib.blake2b(tag.encode(), digest_size=6).hexdigest()
    return CACHE / f"chunks-{size}-{overlap}-{key}.jsonl"


def chunks(n: int, *, size: int = 700, overlap: int = 100) -> list[str]:
    """The first ``n`` distinct chunks (fewer if the environment has less text)."""
    path = cache_path(size, overlap)
    have: list[str] = []
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                have.append(json.loads(line))
                if len(have) >= n:
                    return have
        complete = path.with_suffix(".complete").exists()
        if complete:
            return have
    out = list(_generate(n, size, overlap))
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for text in out:
            fh.write(json.dumps(text, ensure_ascii=False) + "\n")
    tmp.replace(path)
    if len(out) < n:  # everything there is: remember, so a bigger n is not regenerated
        path.with_suffix(".complete").touch()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--size", type=int, default=700)
    ap.add_argument("--overlap", type=int, default=100)
    args = ap.parse_args()
    got = chunks(args.n, size=args.size, overlap=args.overlap)
    mean = sum(map(len, got)) / max(1, len(got))
    print(f"{len(got):,} chunks, mean {mean:.0f} characters: {cache_path(args.size, args.overlap)}")


if __name__ == "__main__":
    main()
