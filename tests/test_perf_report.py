"""The search-against-size table of docs/performance.md, rendered from the benchmark JSON."""

from __future__ import annotations

from benchmarks.perf_report import render

TIMES = {"p50_ms": 1.5, "p95_ms": 1.9}


def ann_results(**ivf) -> dict:
    row = {
        "vectors": 1_000_000,
        "exact": {"p50_ms": 112.2, "p95_ms": 118.3, "mb": 1465},
        "ivf": {
            "nprobe": 256,
            "nlist": 2048,
            "build_s": 120.5,
            "recall_at_10": 0.97,
            "mb": 471,
            **TIMES,
            **ivf,
        },
    }
    return {"ann": {"distribution": "d", "queries": "q", "calibration": "c", "curve": [row]}}


def test_a_re_ranking_index_shows_its_k_factor_and_the_retriever_sized_search():
    text = render(
        ann_results(
            k_factor=16.0,
            top1000={"p50_ms": 8.2, "p95_ms": 8.9},
            sweep=[{"nprobe": 256, "k_factor": 8.0, "recall_at_10": 0.965, **TIMES}],
        )
    )
    assert (
        "| 1,000,000 | 112.20 / 118.30 | 1,465 | 256 / 2048 | 16 | 120.5 | 0.970 | "
        "1.50 / 1.90 | 8.20 / 8.90 | 471 |"
    ) in text
    assert "| 256 | 8 | 0.965 | 1.50 / 1.90 |" in text


def test_results_of_the_older_benchmark_still_render():
    text = render(ann_results(sweep=[{"nprobe": 128, "recall_at_10": 0.956, **TIMES}]))
    assert "| 256 / 2048 | - | 120.5 | 0.970 | 1.50 / 1.90 | - | 471 |" in text
    assert "| 128 | - | 0.956 | 1.50 / 1.90 |" in text
    assert "8-bit scalar quantisation" in text  # the encoding those results were measured with


def test_one_percentile_definition_nearest_rank():
    from benchmarks.stats import latency_summary, percentile

    assert percentile([4, 1, 3, 2], 50) == 2 and percentile([4, 1, 3, 2], 100) == 4
    assert percentile(list(range(1, 21)), 95) == 19 and percentile([], 95) == 0.0
    assert latency_summary([10.0, 20.0, 30.0]) == {
        "n": 3, "p50_ms": 20.0, "p95_ms": 30.0, "mean_ms": 20.0, "max_ms": 30.0}
