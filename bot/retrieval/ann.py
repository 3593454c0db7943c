"""Choose the FAISS index for a set of unit vectors: exact below a size limit, IVF above it.

Up to :data:`EXACT_LIMIT` vectors, ``IndexFlatIP`` scores every vector: exact, no training, and
a single query stays within a few milliseconds on 2 cores. Above it, an inverted-file index
(k-means cells, only the ``nprobe`` cells nearest the query are scanned) keeps search time
nearly flat as the corpus grows. IVF rather than HNSW because on this 2-core machine HNSW's
graph construction was far slower (100k vectors: 9 minutes for HNSW32 against 41 s for IVF),
and a rebuild must stay cheap.

The default IVF encoding ("pq4fs") stores each vector as a product-quantisation code of 4 bits
per two dimensions (``IndexIVFPQFastScan``, 96 bytes for 384 dimensions), which FAISS scans
with SIMD lookup tables held in registers, and re-ranks the best ``k_factor * k`` candidates
with an 8-bit scalar-quantised copy (``IndexRefine``). Scanning the cells is then no longer
bound by memory bandwidth: at 1e6 vectors the plain 8-bit IVF ("sq8") needed p50 15 ms /
p95 60 ms for recall@10 0.97, this one p50 1.5 ms / p95 1.9 ms (docs/performance.md).
``k_factor`` is calibrated for the top 10; asked for more rows (the retriever fuses its top
1,000 with BM25), :func:`search` keeps the re-rank budget at ``k_factor * 10`` candidates, or
the rows asked for when that is more, instead of ``k_factor`` times the rows.

``nprobe`` (and ``k_factor``) are not guessed: :func:`build` calibrates them against exact
search, with corpus vectors as queries (each one's own row left out): ``nprobe`` doubles until
recall@10 reaches ``target_recall`` (with :data:`MAX_K_FACTOR` candidates re-ranked), then
``k_factor`` halves while the recall holds. The measured recall is returned with the index so
it can be recorded next to it. FAISS saves ``nprobe`` and ``k_factor`` inside the index file,
so a loaded index searches with the calibrated values.

Vectors are unit length, so inner product equals cosine similarity.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# Exact search reads every vector, so beyond the CPU cache it is memory-bound (measured on the
# 2-core server: 10,000 vectors 0.25 ms, 100,000 50 ms). It stays the choice up to 1e5: with
# IVF the 47k-entry MedQuAD index (95k vectors) lost a point of MRR@10 on TREC LiveQA, and
# at that size the fused BM25 scoring costs more per query than the exact search does.
EXACT_LIMIT = 100_000
# Calibrated a little above the 0.95 the project promises (docs/performance.md).
TARGET_RECALL = 0.96
CALIBRATION_QUERIES = 300
RECALL_K = 10
MAX_TRAINING_POINTS_PER_CELL = 40  # FAISS's k-means wants >= 39 points per cell
ENCODINGS = ("pq4fs", "sq8", "flat")
DEFAULT_ENCODING = "pq4fs"
# Re-ranked candidates per wanted result (pq4fs): calibration starts here and halves while the
# recall holds. At 1e6 vectors, 16 and 32 gave recall@10 0.970 and 0.973; each candidate is
# one random read of 384 bytes.
MAX_K_FACTOR = 32


@dataclass
class AnnInfo:
    """How an index was built and how well it agrees with exact search."""

    kind: str  # "flat" | "ivf-pq4fs" | "ivf-sq8" | "ivf-flat"
    vectors: int
    nlist: int = 0
    nprobe: int = 0
    k_factor: float = 0.0  # candidates re-ranked per result (ivf-pq4fs); 0: no re-ranking
    recall_at_10: float = 1.0  # measured against exact search on calibration queries
    calibration_queries: int = 0
    train_seconds: float = 0.0
    build_seconds: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready copy (stored in the index metadata)."""
        return asdict(self)


def default_nlist(count: int) -> int:
    """Number of IVF cells: about ``2 * sqrt(count)``, rounded to a power of two."""
    return int(2 ** round(math.log2(max(16.0, 2 * math.sqrt(count)))))


def pq_subquantizers(dimension: int) -> int:
    """Sub-vectors of the 4-bit PQ code: one per two dimensions (the largest divisor of
    ``dimension`` up to ``dimension / 2``). 96 (one per four) lost too much: at 1e6 vectors
    recall@10 stayed below 0.95 even with 64 candidates re-ranked per result.
    """
    return next(m for m in range(max(1, dimension // 2), 0, -1) if dimension % m == 0)


def recall_at_k(exact_ids: np.ndarray, approx_ids: np.ndarray, k: int = RECALL_K) -> float:
    """Mean fraction of the exact top-``k`` ids that the approximate top-``k`` also holds."""
    total = 0.0
    for exact, approx in zip(exact_ids[:, :k], approx_ids[:, :k], strict=True):
        total += len(set(exact.tolist()) & set(approx.tolist())) / k
    return total / max(1, len(exact_ids))


def calibration_sample(count: int, sample: int, seed: int = 0) -> np.ndarray:
    """Row numbers of the corpus vectors used as calibration queries (sorted, distinct)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(count, size=min(sample, count), replace=False))


def recall_excluding_self(rows, truth, found, k: int = RECALL_K, queries=None, vectors=None,
                          tolerance: float = 1e-5) -> float:
    """Recall@k when each query may be a corpus vector: its own row is dropped from both lists.

    A stored vector is its own nearest neighbour and would flatter the recall; the question
    is whether the index finds the *other* vectors near it, as it must for a patient's
    question that resembles stored ones. With ``queries`` and ``vectors``, a found row counts
    when its exact similarity reaches the exact k-th best (minus ``tolerance``): a corpus with
    duplicate texts has ties, and any of the tied rows is an equally right answer.
    """
    import numpy as np

    total = 0.0
    for n, (row, exact, approx) in enumerate(zip(rows, truth, found, strict=True)):
        exact = [i for i in exact.tolist() if i != row and i >= 0][:k]
        approx = [i for i in approx.tolist() if i != row and i >= 0][:k]
        if queries is None or vectors is None or not exact:
            total += len(set(exact) & set(approx)) / max(1, len(exact))
            continue
        kth = float(vectors[exact[-1]] @ queries[n])
        sims = vectors[approx] @ queries[n] if approx else np.zeros(0)
        total += min(len(exact), int((sims >= kth - tolerance).sum())) / len(exact)
    return total / max(1, len(rows))


def build(
    vectors: np.ndarray,
    *,
    exact_limit: int = EXACT_LIMIT,
    target_recall: float = TARGET_RECALL,
    nlist: int | None = None,
    encoding: str = DEFAULT_ENCODING,
    queries: np.ndarray | None = None,
    seed: int = 0,
):
    """A searchable FAISS index of ``vectors`` (float32, unit rows) and its :class:`AnnInfo`.

    ``len(vectors) <= exact_limit``: ``IndexFlatIP``. Otherwise an IVF index with ``nlist``
    cells (default :func:`default_nlist`), trained on a sample, and ``nprobe`` the smallest
    power of two whose recall@10 on calibration queries reaches ``target_recall`` (for "pq4fs",
    then ``k_factor`` the smallest power of two up to :data:`MAX_K_FACTOR` that keeps it).
    ``encoding``: "pq4fs" (default) stores each vector as a 4-bit PQ fast-scan code and
    re-ranks ``k_factor`` times the wanted number of candidates with 8-bit scalar-quantised
    vectors (``IndexRefine``; 96 + 384 bytes per 384-dimensional vector), "sq8" as 384 bytes
    (``IndexIVFScalarQuantizer``, 8 bits per dimension), "flat" as float32 (``IndexIVFFlat``).

    ``queries``: realistic query vectors to calibrate on (e.g. user questions kept
    aside); by default, corpus vectors are the queries, each with its own row left out.
    """
    import faiss
    import numpy as np

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dimension = vectors.shape
    started = time.perf_counter()
    if count <= exact_limit:
        index: faiss.Index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return index, AnnInfo("flat", count, build_seconds=time.perf_counter() - started)

    nlist = nlist or default_nlist(count)
    rng = np.random.default_rng(seed)
    sample = min(count, nlist * MAX_TRAINING_POINTS_PER_CELL)
    training = vectors[np.sort(rng.choice(count, size=sample, replace=False))]
    if encoding == "pq4fs":
        index = faiss.index_factory(
            dimension, f"IVF{nlist},PQ{pq_subquantizers(dimension)}x4fs,Refine(SQ8)",
            faiss.METRIC_INNER_PRODUCT,
        )
    elif encoding == "sq8":
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dimension), dimension, nlist, faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
    elif encoding == "flat":
        index = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT
        )
    else:
        raise ValueError(f"unknown IVF encoding {encoding!r} (available: {', '.join(ENCODINGS)})")
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.seed = seed
    ivf.cp.niter = 10
    # The cells first (k-means: large matrix products, worth every core), then the rest with
    # one thread: PQ training is 192 tiny k-means whose short parallel loops, on 2 cores shared
    # with other work, mostly wait for each other (30k vectors: 1.3 s on one thread, 3 to 27 s
    # on two). FAISS skips the k-means it would otherwise redo when the quantizer is full.
    faiss.Clustering(dimension, nlist, ivf.cp).train(training, ivf.quantizer)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        index.train(training)
    finally:
        faiss.omp_set_num_threads(threads)
    trained = time.perf_counter()
    index.add(vectors)

    if queries is None:
        rows = calibration_sample(count, CALIBRATION_QUERIES, seed)
        queries = vectors[rows]
    else:
        rows = np.full(len(queries), -1)  # outside queries: nothing to leave out
        queries = np.ascontiguousarray(queries, dtype=np.float32)
    # Brute force straight over the array: no second copy of a corpus that may be gigabytes.
    _, truth = faiss.knn(queries, vectors, RECALL_K + 1, metric=faiss.METRIC_INNER_PRODUCT)

    def recall() -> float:
        _, found = index.search(queries, RECALL_K + 1)
        return recall_excluding_self(rows, truth, found, queries=queries, vectors=vectors)

    refine = index if isinstance(index, faiss.IndexRefine) else None
    if refine is not None:
        refine.k_factor = float(MAX_K_FACTOR)
    nprobe = 1
    while True:
        ivf.nprobe = nprobe
        reached = recall()
        if reached >= target_recall or nprobe >= nlist:
            break
        nprobe = min(nlist, nprobe * 2)
    if refine is not None:
        # Fewer candidates to re-rank while the recall holds: each one is a random read.
        while reached >= target_recall and refine.k_factor > 1:
            refine.k_factor /= 2
            fewer = recall()
            if fewer < target_recall:
                refine.k_factor *= 2
                break
            reached = fewer
    info = AnnInfo(
        f"ivf-{encoding}", count, nlist=nlist, nprobe=nprobe,
        k_factor=float(refine.k_factor) if refine is not None else 0.0,
        recall_at_10=round(reached, 4), calibration_queries=len(queries),
        train_seconds=round(trained - started, 2),
        build_seconds=round(time.perf_counter() - started, 2),
    )
    return index, info


def describe(index) -> str:
    """A short human-readable name of a FAISS index ("exact (flat, 1,234 vectors)")."""
    import faiss

    refine = index if isinstance(index, faiss.IndexRefine) else None
    base = faiss.downcast_index(index.base_index) if refine is not None else index
    if isinstance(base, faiss.IndexIVF):
        if isinstance(base, faiss.IndexIVFPQFastScan):
            kind = f"IVF-PQ{base.pq.M}x4fs"
        elif isinstance(base, faiss.IndexIVFScalarQuantizer):
            kind = "IVF-SQ8"
        else:
            kind = "IVF-Flat"
        rerank = f", SQ8 re-rank x{refine.k_factor:g}" if refine is not None else ""
        return (f"{kind} (nlist {base.nlist}, nprobe {base.nprobe}{rerank}, "
                f"{index.ntotal:,} vectors)")
    return f"exact (flat, {index.ntotal:,} vectors)"


def search(index, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``index.search(vectors, k)``, with a re-ranking index's budget fixed for ``k`` > 10.

    The calibrated ``k_factor`` makes the top 10 right; the rows after them only feed the
    lexical fusion, so re-ranking ``k_factor * k`` candidates for a large ``k`` would spend
    most of the time on rows whose exact order nobody reads.
    """
    k_factor = getattr(index, "k_factor", 0)
    if not k_factor or k <= RECALL_K:
        return index.search(vectors, k)
    import faiss

    params = faiss.IndexRefineSearchParameters()
    params.k_factor = max(1.0, float(k_factor) * RECALL_K / k)
    return index.search(vectors, k, params=params)
