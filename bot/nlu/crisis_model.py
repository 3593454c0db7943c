"""The semantic crisis score: how close a message is in meaning to the crisis examples.

A class-balanced logistic regression (crisis examples against every other example and FAQ
question) on the MiniLM sentence vector and character 2-4-gram tf-idf (the spelling of the
message: "kms", "unalive", "pastillas"), plus the similarity of the nearest crisis example and
of the nearest other example. The safety component (``bot.safety.nlu_component``) decides with
these three numbers; this module only computes them. ``scripts/crisis_cv.py`` measures the
settings out of fold on the training data (docs/nlu.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


@dataclass
class CrisisModel:
    """A fitted semantic crisis model; ``scores`` gives the numbers the safety layer reads."""

    regression: LogisticRegression
    characters: TfidfVectorizer
    crisis_examples: np.ndarray
    other_examples: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, texts: Sequence[str], is_crisis: np.ndarray,
            C: float = 30.0) -> CrisisModel:
        """Fit on unit sentence vectors, their texts and a boolean crisis label per text."""
        is_crisis = np.asarray(is_crisis, dtype=bool)
        characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                     sublinear_tf=True).fit(texts)
        regression = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        regression.fit(_features(vectors, texts, characters), is_crisis)
        return cls(regression, characters, vectors[is_crisis], vectors[~is_crisis])

    def scores(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Per text: [crisis probability, nearest crisis similarity, nearest other one]."""
        probability = self.regression.predict_proba(
            _features(vectors, texts, self.characters))[:, 1]
        nearest = np.max(vectors @ self.crisis_examples.T, axis=1)
        nearest_other = np.max(vectors @ self.other_examples.T, axis=1)
        return np.column_stack([probability, nearest, nearest_other])

    def score(self, vector: np.ndarray, text: str) -> dict[str, Any]:
        """The scores of one message, as stored on the parse (``semantic_crisis``)."""
        probability, nearest, nearest_other = self.scores(vector[None, :], [text])[0]
        return {"probability": round(float(probability), 4),
                "nearest_similarity": round(float(nearest), 4),
                "nearest_other_similarity": round(float(nearest_other), 4)}


def _features(vectors: np.ndarray, texts: Sequence[str],
              characters: TfidfVectorizer) -> csr_matrix:
    return hstack([csr_matrix(vectors), characters.transform(list(texts))]).tocsr()
