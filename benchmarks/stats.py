"""The one percentile definition every latency figure of the project uses.

Nearest rank: the p-th percentile of n samples is the smallest sample with at least p% of the
samples at or below it (so p50 of [1, 2, 3, 4] is 2, p95 of 20 samples is the 19th). Every
figure in the README and docs/performance.md, ``bot bench``, the benchmark, the load test and
the end-to-end latency test is computed here, so they can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of ``values``; 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), math.ceil(len(ordered) * pct / 100)))
    return float(ordered[rank - 1])


def latency_summary(samples_ms: Sequence[float]) -> dict:
    """n, p50, p95, mean and max of millisecond samples, rounded for a report."""
    if not samples_ms:
        return {"n": 0}
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
    }
