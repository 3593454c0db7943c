"""The semantic crisis score: how close a message is in meaning to the crisis examples.

A class-balanced logistic regression (crisis examples against every other example and FAQ
question) on the MiniLM sentence vector, plus the similarity of the nearest crisis example and
of the nearest other example. The safety component (``bot.safety.nlu_component``) decides with
these three numbers; this module only computes them. ``scripts/crisis_cv.py`` measures the
settings out of fold on the training data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression


@dataclass
class CrisisModel:
    """A fitted semantic crisis model; ``scores`` gives the numbers the safety layer reads."""

    regression: LogisticRegression
    crisis_examples: np.ndarray
    other_examples: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, is_crisis: np.ndarray, C: float = 30.0) -> CrisisModel:
        """Fit on unit sentence vectors and a boolean crisis label per vector."""
        is_crisis = np.asarray(is_crisis, dtype=bool)
        regression = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        regression.fit(vectors, is_crisis)
        return cls(regression, vectors[is_crisis], vectors[~is_crisis])

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Per vector: [crisis probability, nearest crisis similarity, nearest other one]."""
        probability = self.regression.predict_proba(vectors)[:, 1]
        nearest = np.max(vectors @ self.crisis_examples.T, axis=1)
        nearest_other = np.max(vectors @ self.other_examples.T, axis=1)
        return np.column_stack([probability, nearest, nearest_other])

    def score(self, vector: np.ndarray) -> dict[str, Any]:
        """The scores of one message, as stored on the parse (``semantic_crisis``)."""
        probability, nearest, nearest_other = self.scores(vector[None, :])[0]
        return {"probability": round(float(probability), 4),
                "nearest_similarity": round(float(nearest), 4),
                "nearest_other_similarity": round(float(nearest_other), 4)}
