"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, offline.

:class:`Encoder` is the whole interface the index and the retriever use (``name``,
``dimension``, ``encode``), so another backend (ONNX, OpenVINO) only has to provide those.
ONNX Runtime (:mod:`bot.retrieval.onnx_backend`) is the default backend;
``BOT_EMBEDDING_BACKEND=torch``
selects PyTorch. Nothing heavy is imported until the first ``encode``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.retrieval.model import MODEL_DIMENSION, MODEL_NAME, model_path
from bot.settings import settings

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

QUERY_THREADS = settings().torch_threads
BATCH_THREADS = os.cpu_count() or 1
# Encoding at least this many texts at once counts as a batch (all cores).
BATCH_SIZE_FOR_ALL_CORES = 32


class Encoder(Protocol):
    """What an embedding backend provides."""

    name: str
    dimension: int

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def known_words() -> frozenset[str]:
    """Whole English words in the model's WordPiece vocabulary (no model load: one text file).

    The query speller treats them as correctly spelt.
    """
    path = os.path.join(model_path(), "vocab.txt")
    try:
        with open(path, encoding="utf-8") as handle:
            return frozenset(w for w in (line.strip() for line in handle) if w.isalpha())
    except OSError:
        return frozenset()


class SentenceTransformerEncoder:
    """The packaged MiniLM through sentence-transformers on PyTorch (CPU), loaded lazily."""

    def __init__(self, path: str | None = None, name: str = MODEL_NAME):
        """Prepare the encoder; the model itself loads on first use."""
        self.name = name
        self.dimension = MODEL_DIMENSION
        self._path = path
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                # The model ships in a Python package: never let the hub client go online.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                import torch
                from sentence_transformers import SentenceTransformer

                # One thread per query: a short query gains little from a second thread, and on
                # a busy 2-core server OpenMP threads waiting for each other cost 10x (measured
                # in docs/retrieval.md). Batches (index builds) use every core, see encode().
                torch.set_num_threads(QUERY_THREADS)
                model = SentenceTransformer(self._path or model_path(), device="cpu")
                self.dimension = model.get_embedding_dimension()
                self._model = model
        return self._model

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Normalised embeddings (float32, shape ``(len(texts), dimension)``).

        Vectors are unit length, so the index's inner product equals cosine similarity.
        """
        import numpy as np

        model = self._model or self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) >= BATCH_SIZE_FOR_ALL_CORES and BATCH_THREADS > QUERY_THREADS:
            import torch

            torch.set_num_threads(BATCH_THREADS)
            try:
                return self._encode(model, texts, batch_size, progress)
            finally:
                torch.set_num_threads(QUERY_THREADS)
        return self._encode(model, texts, batch_size, progress)

    def _encode(self, model, texts: Sequence[str], batch_size: int, progress: bool) -> np.ndarray:
        import numpy as np

        if not progress:
            vectors = model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
            return np.ascontiguousarray(vectors, dtype=np.float32)
        from tqdm import tqdm

        parts = []
        with tqdm(total=len(texts), desc="Embedding", unit="text") as bar:
            for start in range(0, len(texts), batch_size):
                batch = list(texts[start : start + batch_size])
                parts.append(
                    model.encode(
                        batch, batch_size=batch_size, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=False,
                    )
                )
                bar.update(len(batch))
        return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)


_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


BACKENDS = ("onnx", "onnx-int8", "torch")
# ONNX Runtime computes the PyTorch model's vectors (cosine >= 0.9999) in a third of the time
# per query, without importing torch (docs/performance.md); `make onnx` exports it at set-up.
DEFAULT_BACKEND = "onnx"


def get_encoder(backend: str | None = None) -> Encoder:
    """The process-wide encoder for ``backend`` (default ``BOT_EMBEDDING_BACKEND`` or "onnx").

    "onnx": the packaged model exported to ONNX (bot/retrieval/onnx_backend.py), same vectors as
    "torch";
    "onnx-int8": its int8-quantised copy (other vectors, so its own model name); "torch":
    sentence-transformers on PyTorch.
    """
    backend = backend or settings().embedding_backend or DEFAULT_BACKEND
    with _encoders_lock:
        if backend not in _encoders:
            if backend == "torch":
                _encoders[backend] = SentenceTransformerEncoder()
            elif backend in ("onnx", "onnx-int8"):
                from bot.retrieval.onnx_backend import OnnxEncoder

                _encoders[backend] = OnnxEncoder("fp32" if backend == "onnx" else "int8")
            else:
                raise ValueError(
                    f"unknown embedding backend {backend!r} (available: {', '.join(BACKENDS)})"
                )
        return _encoders[backend]
