"""Embedding cache: each distinct text reaches the model once; a rebuild re-embeds only edits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.retrieval.embed_cache import KEYS_FILE, CachedEncoder, EmbeddingCache, text_key
from bot.retrieval.onnx_backend import ONNX_MODEL_DIR, OnnxEncoder, export


class CountingEncoder:
    """A real encoder that records every text it is asked to embed."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.name = encoder.name
        self.dimension = encoder.dimension
        self.calls: list[list[str]] = []

    def encode(self, texts, batch_size=64, progress=False):
        self.calls.append(list(texts))
        return self.encoder.encode(texts, batch_size=batch_size, progress=progress)

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]


@pytest.fixture(scope="module")
def real_encoder():
    export(ONNX_MODEL_DIR, quantize=True)
    return OnnxEncoder("fp32")


TEXTS = [
    "What is ketamine therapy?",
    "How long is one session?",
    "Is ketamine addictive?",
    "What is ketamine therapy?",  # a duplicate
    "Who should not have ketamine?",
]


def test_duplicates_are_embedded_once_and_rows_keep_their_order(tmp_path, real_encoder):
    counting = CountingEncoder(real_encoder)
    cached = CachedEncoder(counting, tmp_path)
    vectors = cached.encode(TEXTS)
    assert sorted(counting.embedded) == sorted(set(TEXTS))
    np.testing.assert_allclose(vectors[0], vectors[3])
    direct = real_encoder.encode(TEXTS)
    assert ((vectors * direct).sum(axis=1) > 0.9999).all()


def test_a_rebuild_embeds_only_the_edited_text(tmp_path, real_encoder):
    first = CachedEncoder(CountingEncoder(real_encoder), tmp_path)
    before = first.encode(TEXTS)
    first.save()

    edited = list(TEXTS)
    edited[1] = "How long does one session take?"
    counting = CountingEncoder(real_encoder)
    second = CachedEncoder(counting, tmp_path)  # a new process: the cache comes from disk
    after = second.encode(edited)
    assert counting.embedded == ["How long does one session take?"]
    assert second.stats.hits == 3 and second.stats.embedded == 1
    np.testing.assert_array_equal(after[[0, 2, 3, 4]], before[[0, 2, 3, 4]])
    assert float(after[1] @ before[1]) < 0.999  # the edit got its own, new vector

    unchanged = CountingEncoder(real_encoder)
    third = CachedEncoder(unchanged, tmp_path)
    second.save()
    third.encode(edited)
    assert unchanged.calls == []  # nothing changed: the model is not called at all


def test_cache_is_stored_without_pickle_and_per_model(tmp_path, real_encoder):
    cached = CachedEncoder(real_encoder, tmp_path)
    cached.encode(TEXTS)
    cached.save()
    header = json.loads((tmp_path / KEYS_FILE).read_text())
    assert header["model"] == real_encoder.name and len(header["keys"]) == 4
    stored = np.load(tmp_path / header["vectors"], allow_pickle=False)
    assert stored.shape == (4, 384) and stored.dtype == np.float32
    assert text_key("model-a", "same text") != text_key("model-b", "same text")
    # Another model reading this directory finds nothing it may use.
    other = EmbeddingCache(tmp_path, "another-model", 384)
    assert len(other) == 0


def test_each_save_switches_to_a_new_vectors_file_and_drops_the_old(tmp_path, real_encoder):
    cached = CachedEncoder(real_encoder, tmp_path)
    cached.encode(TEXTS[:2])
    cached.save()
    first = json.loads((tmp_path / KEYS_FILE).read_text())["vectors"]
    cached.encode(TEXTS)
    cached.save()
    second = json.loads((tmp_path / KEYS_FILE).read_text())["vectors"]
    assert first != second
    assert sorted(p.name for p in tmp_path.glob("vectors-*.npy")) == [second]
    assert len(EmbeddingCache(tmp_path, real_encoder.name, 384)) == 4


def test_pruning_drops_texts_no_longer_in_the_knowledge(tmp_path, real_encoder):
    first = CachedEncoder(real_encoder, tmp_path)
    first.encode(TEXTS)
    first.save()
    second = CachedEncoder(real_encoder, tmp_path)
    second.encode(TEXTS[:2])
    second.save(prune=True)
    assert len(EmbeddingCache(tmp_path, real_encoder.name, 384)) == 2


def test_a_damaged_cache_is_ignored_not_trusted(tmp_path, real_encoder):
    cached = CachedEncoder(real_encoder, tmp_path)
    cached.encode(TEXTS)
    cached.save()
    header = json.loads((tmp_path / KEYS_FILE).read_text())
    np.save(tmp_path / header["vectors"], np.zeros((2, 384), dtype=np.float32))  # rows lost
    counting = CountingEncoder(real_encoder)
    again = CachedEncoder(counting, tmp_path)
    vectors = again.encode(TEXTS)
    assert sorted(counting.embedded) == sorted(set(TEXTS))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
