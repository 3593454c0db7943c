"""The ONNX backend gives the PyTorch model's embeddings, faster, without importing torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bot.retrieval.embedding import MODEL_NAME, SentenceTransformerEncoder
from bot.retrieval.onnx_backend import ONNX_MODEL_DIR, OnnxEncoder, export, is_exported

SAMPLES = [
    "How fast does ketamine start working?",
    "is it safe if i have high blood pressure",
    "Can I drive home after my infusion, or should someone pick me up?",
    "what does nmda mean",
    "Ketamine blocks NMDA receptors, which leads to more glutamate being released and to new "
    "connections between brain cells; traditional antidepressants act on serotonin instead.",
    "ok",
]


@pytest.fixture(scope="module")
def exported():
    export(ONNX_MODEL_DIR, quantize=True)  # a no-op when `make onnx` already ran
    return ONNX_MODEL_DIR


@pytest.fixture(scope="module")
def torch_vectors():
    return SentenceTransformerEncoder().encode(SAMPLES)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_fp32_onnx_matches_pytorch_and_keeps_the_model_name(exported, torch_vectors):
    encoder = OnnxEncoder("fp32", exported)
    vectors = encoder.encode(SAMPLES)
    assert vectors.shape == (len(SAMPLES), 384) and vectors.dtype == np.float32
    assert cosines(vectors, torch_vectors).min() > 0.9999
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Same vectors, same name: an index built with PyTorch serves ONNX queries and vice versa.
    assert encoder.name == MODEL_NAME


def test_int8_onnx_stays_close_to_pytorch_under_its_own_name(exported, torch_vectors):
    encoder = OnnxEncoder("int8", exported)
    vectors = encoder.encode(SAMPLES)
    assert cosines(vectors, torch_vectors).min() > 0.95
    assert cosines(vectors, torch_vectors).mean() > 0.98
    assert encoder.name != MODEL_NAME  # an index of int8 vectors refuses fp32 queries


def test_batches_sorted_by_length_come_back_in_input_order(exported):
    encoder = OnnxEncoder("fp32", exported)
    one_by_one = np.vstack([encoder.encode([text]) for text in SAMPLES])
    batched = encoder.encode(SAMPLES, batch_size=2)
    assert cosines(one_by_one, batched).min() > 0.9999
    assert encoder.encode([]).shape == (0, 384)


def test_onnx_encoding_does_not_import_torch(exported):
    script = (
        "import sys\n"
        "from bot.retrieval.onnx_backend import OnnxEncoder\n"
        "OnnxEncoder('fp32').encode(['is ketamine addictive'])\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "False"


def test_export_is_complete_and_not_redone(exported):
    assert is_exported(exported, "fp32") and is_exported(exported, "int8")
    before = (exported / "export.json").read_text()
    export(exported, quantize=True)
    assert (exported / "export.json").read_text() == before


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="fp16"):
        OnnxEncoder("fp16")
