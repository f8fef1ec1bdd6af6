"""A benchmark fixture of real model vectors: chunks of code and docs embedded once.

Embeds ``N`` distinct chunks of real text (:mod:`corpus`: the standard library and
site-packages of this interpreter, cut by ``nearcache embed``'s chunker) with the default
embedder (all-MiniLM-L6-v2, int8 ONNX), plus two query sets for recall measurements:

* ``held_out``: further chunks that are not stored (a new question about the same code);
* ``edited``: stored chunks with their first or last line dropped (a near-duplicate of a
  stored entry: what a semantic cache is asked most), with the index of their source.

The fixture lives outside git, in ``~/.cache/nearcache-bench/real-<N>-<size>/``
(``vectors.npy`` is N x 384 float32: 1.5 GB at a million). Embedding is resumable: it
writes in blocks and records its progress, so an interrupted run continues where it
stopped. On this 2-core machine a million ~240-character chunks take hours; run it once.

    python benchmarks/real_vectors.py --n 1000000          # build or resume
    python benchmarks/real_vectors.py --n 20000 --check    # say what is there
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE, chunks

DIM = 384
BLOCK = 2048
QUERIES = 10_000


def fixture_dir(n: int, size: int) -> Path:
    return CACHE / f"real-{n}-{size}"


def _edit(text: str, i: int) -> str:
    """The chunk without its first (even i) or last (odd i) non-empty line."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return text[: max(1, len(text) * 3 // 4)]
    return "\n".join(lines[1:] if i % 2 == 0 else lines[:-1])


def _embed_into(path: Path, texts: list[str], done_file: Path, embed: Any) -> None:
    """Embed ``texts`` into the .npy at ``path`` block by block, resuming at ``done_file``."""
    n = len(texts)
    if path.exists():
        out = np.lib.format.open_memmap(path, mode="r+")
    else:
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    done = int(done_file.read_text()) if done_file.exists() else 0
    started, first = time.perf_counter(), done
    while done < n:
        stop = min(n, done + BLOCK)
        out[done:stop] = embed(texts[done:stop])
        out.flush()
        done = stop
        done_file.write_text(str(done))
        rate = (done - first) / (time.perf_counter() - started)
        left = (n - done) / rate if rate else 0
        print(
            f"  {path.name}: {done:,}/{n:,} ({rate:.0f} texts/s, ~{left / 60:.0f} min left)",
            file=sys.stderr,
            flush=True,
        )
    del out


def build(n: int, size: int, queries: int = QUERIES) -> Path:
    from nearcache.embedders.default import default_embedder

    root = fixture_dir(n, size)
    root.mkdir(parents=True, exist_ok=True)
    texts = chunks(n + queries, size=size, overlap=0)
    if len(texts) < n + queries:
        raise SystemExit(f"only {len(texts):,} distinct chunks in this environment")
    stored, held = texts[:n], texts[n : n + queries]
    rng = np.random.default_rng(7)
    sources = np.sort(rng.choice(n, queries, replace=False))
    edited = [_edit(stored[int(s)], int(s)) for s in sources]
    np.save(root / "edited_sources.npy", sources)
    emb = default_embedder()
    meta = {"n": n, "size": size, "model": emb.fingerprint, "queries": queries}
    (root / "meta.json").write_text(json.dumps(meta, indent=2))
    for name, items in (("held_out", held), ("edited", edited), ("vectors", stored)):
        _embed_into(root / f"{name}.npy", items, root / f"{name}.done", emb.embed)
    (root / "COMPLETE").write_text("ok")
    return root


def load(n: int, size: int = 240) -> dict[str, Any]:
    """The fixture's arrays (memory-mapped), or SystemExit naming the command to build it."""
    root = fixture_dir(n, size)
    if not (root / "COMPLETE").exists():
        raise SystemExit(
            f"no real-vector fixture at {root}; build it with "
            f"python benchmarks/real_vectors.py --n {n} --size {size}"
        )
    return {
        "vectors": np.load(root / "vectors.npy", mmap_mode="r"),
        "held_out": np.load(root / "held_out.npy"),
        "edited": np.load(root / "edited.npy"),
        "edited_sources": np.load(root / "edited_sources.npy"),
        "meta": json.loads((root / "meta.json").read_text()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="stored chunks")
    ap.add_argument("--size", type=int, default=240, help="characters per chunk")
    ap.add_argument("--queries", type=int, default=QUERIES, help="queries of each kind")
    ap.add_argument("--check", action="store_true", help="only report what is there")
    args = ap.parse_args()
    root = fixture_dir(args.n, args.size)
    if args.check:
        for f in sorted(root.glob("*")) if root.exists() else []:
            print(f"{f.name}: {f.stat().st_size:,} bytes")
        print("complete" if (root / "COMPLETE").exists() else "incomplete")
        return
    print(f"fixture ready: {build(args.n, args.size, args.queries)}")


if __name__ == "__main__":
    main()
