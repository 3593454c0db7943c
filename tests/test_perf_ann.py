"""The index chooser: exact search for small corpora, IVF with measured recall above the limit."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from bot.retrieval import ann


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
    # The default: 4-bit PQ fast-scan codes, candidates re-ranked with 8-bit vectors.
    assert info.kind == "ivf-pq4fs" and isinstance(index, faiss.IndexRefine)
    base = faiss.downcast_index(index.base_index)
    assert isinstance(base, faiss.IndexIVFPQFastScan) and base.pq.M == 32 and base.pq.nbits == 4
    assert isinstance(faiss.downcast_index(index.refine_index), faiss.IndexScalarQuantizer)
    # Calibration stopped before scanning everything, or the index would be pointless.
    assert 1 <= info.nprobe < info.nlist
    assert 1 <= info.k_factor <= ann.MAX_K_FACTOR and index.k_factor == info.k_factor
    assert info.recall_at_10 >= ann.TARGET_RECALL
    # Queries the calibration never saw, from the same kind of distribution.
    queries = clustered(200, seed=7)
    _, found = index.search(queries, 10)
    assert ann.recall_at_k(exact_top(vectors, queries), found) >= 0.95


@pytest.mark.parametrize(("encoding", "kind"), [("sq8", faiss.IndexIVFScalarQuantizer),
                                                ("flat", faiss.IndexIVFFlat)])
def test_other_ivf_encodings_are_available_and_as_accurate(encoding, kind):
    vectors = clustered(20_000)
    index, info = ann.build(vectors, exact_limit=10_000, encoding=encoding)
    assert info.kind == f"ivf-{encoding}" and isinstance(index, kind) and info.k_factor == 0
    queries = clustered(200, seed=7)
    _, found = index.search(queries, 10)
    assert ann.recall_at_k(exact_top(vectors, queries), found) >= 0.95


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="pq4fs"):
        ann.build(clustered(200), exact_limit=10, encoding="pq8")


def test_calibrated_values_survive_a_save_and_load(tmp_path):
    vectors = clustered(12_000)
    index, info = ann.build(vectors, exact_limit=5_000)
    path = tmp_path / "index.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    # FAISS writes nprobe into the IVF header and k_factor into the IndexRefine record.
    assert faiss.extract_index_ivf(loaded).nprobe == info.nprobe
    assert isinstance(loaded, faiss.IndexRefine) and loaded.k_factor == info.k_factor
    described = ann.describe(loaded)
    assert "IVF-PQ32x4fs" in described and f"nprobe {info.nprobe}" in described
    assert f"re-rank x{info.k_factor:g}" in described
    queries = clustered(50, seed=5)
    assert np.array_equal(loaded.search(queries, 10)[1], index.search(queries, 10)[1])


def test_calibrated_nprobe_of_sq8_survives_a_save_and_load(tmp_path):
    vectors = clustered(12_000)
    index, info = ann.build(vectors, exact_limit=5_000, encoding="sq8")
    path = tmp_path / "index.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    assert faiss.extract_index_ivf(loaded).nprobe == info.nprobe
    assert ann.describe(loaded).startswith(f"IVF-SQ8 (nlist {info.nlist}, nprobe {info.nprobe},")


def test_pq_code_has_one_subquantizer_per_two_dimensions():
    assert ann.pq_subquantizers(384) == 192
    assert ann.pq_subquantizers(64) == 32
    assert ann.pq_subquantizers(30) == 15
    assert ann.pq_subquantizers(7) == 1  # odd prime: one code for the whole vector


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


def test_a_long_result_list_keeps_the_top_ten_of_a_short_one():
    """Asked for 1,000 rows (the retriever's fusion), the re-rank budget stays that of the top
    10, and the top 10 are still those of the calibrated search."""
    import faiss
    import numpy as np

    from bot.retrieval import ann

    rng = np.random.default_rng(7)
    centres = rng.standard_normal((60, 64)).astype("float32")
    vectors = centres[rng.integers(0, 60, 20_000)] + 0.3 * rng.standard_normal((20_000, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype("float32")
    index = faiss.index_factory(64, "IVF64,PQ32x4fs,Refine(SQ8)", faiss.METRIC_INNER_PRODUCT)
    index.train(vectors)
    index.add(vectors)
    faiss.extract_index_ivf(index).nprobe = 16
    index.k_factor = 16.0
    queries = vectors[20:70]
    _, truth = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    _, top10 = ann.search(index, queries, 10)
    _, top1000 = ann.search(index, queries, 1000)
    assert top1000.shape == (50, 1000) and (top1000 >= 0).all()
    # Its candidates include the short search's, so its top 10 is at least as close to exact.
    assert ann.recall_at_k(truth, top1000[:, :10]) >= ann.recall_at_k(truth, top10)
    assert index.k_factor == 16.0  # the stored calibration is untouched
