"""Dense sentence features from the exported all-MiniLM-L6-v2 ONNX model (the retrieval encoder).

The same vectors the retrieval layer searches with, so the intent model and the knowledge base
see a message the same way. Runs with ONNX Runtime on one thread (the Rasa process serves many
conversations; one short message takes a few milliseconds) and keeps a small per-text cache:
button payloads, "yes", "thanks" and retries repeat often.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, cast

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.clauses import split_clauses
from bot.retrieval.onnx_backend import OnnxEncoder

CLAUSE_VECTORS = "clause_vectors"


class EmbeddingCache:
    """A bounded least-recently-used map from text to its embedding (thread-safe)."""

    def __init__(self, size: int) -> None:
        """Keep at most ``size`` texts."""
        self._size = max(0, int(size))
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def get(self, text: str) -> np.ndarray | None:
        """The cached vector of ``text``, or None."""
        with self._lock:
            vector = self._items.get(text)
            if vector is not None:
                self._items.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        """Remember ``vector`` for ``text``, forgetting the least recently used beyond the size."""
        if not self._size:
            return
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 384-dimensional, unit-length sentence feature for the text of each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``cache_size``: texts whose vectors are kept; ``threads``: ONNX Runtime threads."""
        return {**DenseFeaturizer.get_default_config(), "cache_size": 4096, "threads": 1}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check beyond the defaults."""

    @staticmethod
    def required_packages() -> list[str]:
        """What must be installed in the Rasa environment."""
        return ["onnxruntime", "tokenizers"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = OnnxEncoder("fp32", threads=int(config.get("threads") or 1))
        self._cache = EmbeddingCache(config.get("cache_size", 4096))
        # Load the ONNX session now, while Rasa loads the model, not on a patient's first message.
        self._encoder.encode(["hello"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMSentenceFeaturizer:
        """A featurizer with the pipeline's configuration."""
        return cls(config, execution_context.node_name)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors of ``texts`` (rows in order), from the cache where possible."""
        if not texts:
            return np.zeros((0, self._encoder.dimension), dtype=np.float32)
        vectors: list[np.ndarray | None] = [self._cache.get(t) for t in texts]
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            fresh = self._encoder.encode([texts[i] for i in missing])
            for i, row in zip(missing, fresh, strict=True):
                vectors[i] = row
                self._cache.put(texts[i], row)
        # Every row is filled by now (from the cache or just encoded).
        return np.vstack(cast("list[np.ndarray]", vectors)).astype(np.float32)

    def _featurize(self, messages: list[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = self.embed([m.get(TEXT) for m in with_text])
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(None, vector[None, :], TEXT, message)

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages, and the clauses of a message that has several
        (``CLAUSE_VECTORS``: read by the semantic crisis score and the clause act, never
        stored)."""
        self._featurize(messages)
        for message in messages:
            clauses = split_clauses(message.get(TEXT) or "")
            if clauses:
                message.set(CLAUSE_VECTORS, self.embed(clauses))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example (one batched pass)."""
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data
