"""The default model's per-piece hidden states for the judge's labeled texts, cached once.

    HF_HUB_OFFLINE=1 python benchmarks/token_signal.py states --cache DIR   # the last layer
    HF_HUB_OFFLINE=1 python benchmarks/token_signal.py states --cache DIR --layers 2,6

Used by ``token_signal.py``: a split's distinct texts, their word-piece ids and each piece's
contextual state (unit rows, float16) in one ``.npz`` per split and layer, named by the
split file's content so an edited split is read again. Never a blind split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import string
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from judge_pairs import DATA, load_pairs

# Pieces that carry no content of their own: the model's markers and punctuation.
_SKIP = {"[CLS]", "[SEP]", "[PAD]", *string.punctuation}


def _refuse_blind(split: str) -> None:
    if split.startswith("blind"):
        sys.exit("blind splits are never read")


# ---------------------------------------------------------------- token states
def _digest(split: str) -> str:
    return hashlib.sha1((DATA / f"{split}.jsonl").read_bytes()).hexdigest()[:12]


def state_file(cache: Path, split: str) -> Path:
    return cache / f"{split}-{_digest(split)}.npz"


def _encoder(threads: int) -> Any:
    from nearcache.embedders.default import default_embedder

    return default_embedder(threads=threads)


def hidden_states(
    emb: Any, texts: list[str], outputs: list[str] | None = None
) -> tuple[list[list[np.ndarray]], list[list[int]]]:
    """Per graph output (default: the last hidden state) and text: its states (pieces x
    dim, unit rows); and each text's piece ids."""
    names = outputs or [emb._output]
    ids = emb._pieces.ids(texts)
    out: list[list[np.ndarray]] = [[np.zeros(0)] * len(texts) for _ in names]
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), 32):
        rows = order[start : start + 32]
        width = max(len(ids[i]) for i in rows)
        x = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(x)
        for j, i in enumerate(rows):
            x[j, : len(ids[i])] = ids[i]
            mask[j, : len(ids[i])] = 1
        feeds = {"input_ids": x, "attention_mask": mask}
        if "token_type_ids" in emb._inputs:
            feeds["token_type_ids"] = np.zeros_like(x)
        for n, hidden in enumerate(emb._session.run(names, feeds)):
            for j, i in enumerate(rows):
                h = np.asarray(hidden[j, : len(ids[i])], dtype=np.float32)
                out[n][i] = h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)
    return out, ids


def layer_cache(cache: Path, layer: int) -> Path:
    """Where layer ``layer``'s states go: DIR for the last (6th), DIR-lN for the others."""
    return cache if layer == 6 else cache.with_name(f"{cache.name}-l{layer}")


def _with_layers(emb: Any, layers: list[int], work: Path) -> tuple[Any, list[str]]:
    """A session whose outputs include each layer's output (its second LayerNorm), made by
    adding graph outputs to a copy of the model (needs ``pip install onnx``)."""
    if layers == [6]:
        return emb, [emb._output]
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(emb.model_path))
    norms = [n for n in model.graph.node if n.op_type == "LayerNormalization"]
    names = [norms[2 * layer].output[0] for layer in layers]  # norms[0] is the embeddings'
    for name in names:
        info = onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        model.graph.output.append(info)
    path = work / f"layers-{'-'.join(map(str, layers))}.onnx"
    onnx.save(model, str(path))
    options = ort.SessionOptions()
    options.intra_op_num_threads = emb.threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    view = argparse.Namespace(
        _pieces=emb._pieces, _inputs=emb._inputs, _output=names[0], _session=session
    )
    return view, names


def cmd_states(cache: Path, splits: list[str], threads: int, layers: list[int]) -> None:
    for split in splits:
        _refuse_blind(split)
    caches = [layer_cache(cache, layer) for layer in layers]
    for c in caches:
        c.mkdir(parents=True, exist_ok=True)
    emb, outputs = _with_layers(_encoder(threads), layers, caches[0])
    for split in splits:
        if all(state_file(c, split).exists() for c in caches):
            continue
        pairs = load_pairs(split)
        texts = sorted({p[k] for p in pairs for k in ("asked", "stored")})
        started = time.perf_counter()
        per_output, ids = hidden_states(emb, texts, outputs)
        for c, states in zip(caches, per_output):
            np.savez(
                state_file(c, split),
                texts=np.array(texts, dtype=str),
                offsets=np.cumsum([0] + [len(s) for s in states]),
                ids=np.concatenate([np.asarray(i, dtype=np.int32) for i in ids]),
                states=np.concatenate(states).astype(np.float16),
            )
        print(f"{split}: {len(texts)} texts in {time.perf_counter() - started:.1f}s", flush=True)


class Texts:
    """Token states and piece ids of the cached texts of some splits."""

    def __init__(self, cache: Path, splits: list[str], vocab: list[str]) -> None:
        self.rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.vocab = vocab
        for split in splits:
            self.add(cache, split)

    def add(self, cache: Path, split: str) -> None:
        """Read one split's cached states."""
        _refuse_blind(split)
        data = np.load(state_file(cache, split))  # texts are a str array: nothing unpickled
        offsets, ids, states = data["offsets"], data["ids"], data["states"]
        for n, text in enumerate(data["texts"]):
            a, b = offsets[n], offsets[n + 1]
            self.rows[str(text)] = (states[a:b].astype(np.float32), ids[a:b])

    def types(self, size: int) -> None:
        """Each piece's mean state over the cached texts (no labels used)."""
        dim = next(iter(self.rows.values()))[0].shape[1]
        total = np.zeros((size, dim))
        count = np.zeros(size)
        for states, ids in self.rows.values():
            np.add.at(total, ids, states)
            np.add.at(count, ids, 1)
        self.type_vecs = total / np.maximum(count, 1)[:, None]

    def residual(self, states: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """States minus their pieces' types, unit rows."""
        r = states - self.type_vecs[ids]
        out: np.ndarray = r / np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-6)
        return out

    def content(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """States and ids of the pieces that carry content (no markers, no punctuation)."""
        states, ids = self.rows[text]
        keep = np.array([self.vocab[i] not in _SKIP for i in ids], dtype=bool)
        if not keep.any():
            keep[:] = True
        return states[keep], ids[keep]


# ---------------------------------------------------------------- pair features


def _vocab() -> list[str]:
    from nearcache.embedders.default import tokenizer_path

    data = json.loads(tokenizer_path().read_text("utf-8"))
    vocab = data["model"]["vocab"]
    words = [""] * (max(vocab.values()) + 1)
    for w, i in vocab.items():
        words[i] = w
    return words
