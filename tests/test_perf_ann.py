"""The index chooser: exact search for small corpora, IVF with measured recall above the limit."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from bot import ann


def clustered(count: int, dimension: int = 64, clusters: int = 100, seed: int = 0) -> np.ndarray:
    """Unit vectors in topic-like clusters (cosine ~0.7 to their centre), as embeddings are.

    The centres are the same for every ``seed``: queries and corpus share their topics.
    """
    centres = np.random.default_rng(12345).standard_normal((clusters, dimension))
    centres = (centres / np.linalg.norm(centres, axis=1, keepdims=True)).astype(np.float32)
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((count, dimension)).astype(np.float32) / np.sqrt(dimension)
    points = centres[rng.integers(0, clusters, count)] + noise
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    order = np.argsort(-(queries @ vectors.T), axis=1)
    return order[:, :k]


def test_small_corpus_gets_exact_search_with_the_true_neighbours():
    vectors = clustered(2_000)
    queries = clustered(50, seed=1)
    index, info = ann.build(vectors, exact_limit=5_000)
    assert info.kind == "flat" and isinstance(index, faiss.IndexFlatIP)
    _, found = index.search(queries, 10)
    assert ann.recall_at_k(exact_top(vectors, queries), found) == 1.0


def test_large_corpus_gets_ivf_whose_recall_holds_on_unseen_queries():
    vectors = clustered(30_000)
    index, info = ann.build(vectors, exact_limit=10_000)
    assert info.kind == "ivf-sq8" and isinstance(index, faiss.IndexIVFScalarQuantizer)
    # Calibration stopped before scanning everything, or the index would be pointless.
    assert 1 <= info.nprobe < info.nlist
    assert info.recall_at_10 >= ann.TARGET_RECALL
    # Queries the calibration never saw, from the same kind of distribution.
    queries = clustered(200, seed=7)
    _, found = index.search(queries, 10)
    assert ann.recall_at_k(exact_top(vectors, queries), found) >= 0.95


def test_float32_ivf_is_available_and_as_accurate():
    vectors = clustered(20_000)
    index, info = ann.build(vectors, exact_limit=10_000, encoding="flat")
    assert info.kind == "ivf-flat" and isinstance(index, faiss.IndexIVFFlat)
    queries = clustered(200, seed=7)
    _, found = index.search(queries, 10)
    assert ann.recall_at_k(exact_top(vectors, queries), found) >= 0.95


def test_calibrated_nprobe_survives_a_save_and_load(tmp_path):
    vectors = clustered(12_000)
    index, info = ann.build(vectors, exact_limit=5_000)
    path = tmp_path / "index.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    assert faiss.extract_index_ivf(loaded).nprobe == info.nprobe
    assert "IVF" in ann.describe(loaded) and f"nprobe {info.nprobe}" in ann.describe(loaded)


@pytest.mark.parametrize("count", [1, 10, 99])
def test_a_handful_of_vectors_is_indexed_exactly(count):
    vectors = clustered(count, clusters=3)
    index, info = ann.build(vectors)
    assert info.kind == "flat" and index.ntotal == count


def test_recall_counts_shared_ids_per_query():
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    approx = np.array([[4, 3, 2, 1], [5, 9, 9, 9]])
    assert ann.recall_at_k(exact, approx, k=4) == pytest.approx((1.0 + 0.25) / 2)


def test_nlist_grows_with_the_square_root_of_the_corpus():
    assert ann.default_nlist(1_000_000) == 2048
    assert ann.default_nlist(250_000) == 1024
    assert ann.default_nlist(100) == 16


def test_duplicate_vectors_count_as_equally_right_answers():
    vectors = clustered(3_000, clusters=30)
    doubled = np.vstack([vectors, vectors])  # every text indexed twice, as FAQ rows can be
    queries = clustered(20, clusters=30, seed=3)
    truth = exact_top(vectors, queries, 10)  # exact search happened to return first copies
    twins = truth + 3_000  # the index returned the second copies: the same texts
    rows = np.full(len(queries), -1)
    assert ann.recall_excluding_self(rows, truth, twins) == 0.0  # by ids alone: all "wrong"
    assert ann.recall_excluding_self(rows, truth, twins, queries=queries,
                                     vectors=doubled) == pytest.approx(1.0)
    worse = exact_top(vectors, queries, 30)[:, 20:]  # rows ranked 21-30: really wrong
    assert ann.recall_excluding_self(rows, truth, worse, queries=queries, vectors=doubled) < 0.2
