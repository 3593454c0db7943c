"""Out-of-fold crisis detection on the training data: rules + semantic score, per setting.

Chooses the semantic crisis settings from the training data only (no panel in tests/panels/ is
read): the NLU examples of data/nlu/ and the FAQ questions of knowledge/ are split into folds;
for each fold ``CrisisModel`` is fitted on the other folds exactly as the intent classifier fits
it, and each held-out message is decided as the safety component decides it (the rules first,
then the semantic vote on what the rules leave). Prints, per fold seed, threshold and margin,
how many of the crisis examples the rules miss the semantic vote adds, and how many of the
other messages the rules leave alone it marks (false alarms).

    .venv-rasa/bin/python scripts/crisis_cv.py [--folds 5] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT  # noqa: E402
from bot.nlu.crisis_model import CrisisModel  # noqa: E402
from bot.retrieval.knowledge import load_faq_yaml  # noqa: E402
from bot.retrieval.onnx_backend import OnnxEncoder  # noqa: E402
from bot.safety.crisis import detect_crisis, has_figure_or_denial  # noqa: E402
from bot.safety.urgent import is_urgent  # noqa: E402

CRISIS_INTENTS = {"crisis"}
THRESHOLDS = (0.7, 0.8, 0.85, 0.9)
MARGINS = (0.0, 0.03, 0.06)
MIN_SIMILARITY = 0.4


def load_examples() -> tuple[list[str], np.ndarray]:
    """Every NLU example and FAQ question, with whether it is a crisis example."""
    data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    texts = [m.get("text") for m in data.intent_examples]
    crisis = [m.get("intent") in CRISIS_INTENTS for m in data.intent_examples]
    faq = [q for entry in load_faq_yaml(KNOWLEDGE_DIR / "faq.yml") for q in entry.questions
           if q.strip()]
    return texts + faq, np.array(crisis + [False] * len(faq))


def out_of_fold_scores(vectors: np.ndarray, texts: list[str], is_crisis: np.ndarray,
                       folds: int, seed: int) -> np.ndarray:
    """[probability, nearest crisis, nearest other] for every text, from models that did not
    see it."""
    scores = np.zeros((len(texts), 3))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(vectors, is_crisis):
        model = CrisisModel.fit(vectors[train], [texts[i] for i in train], is_crisis[train])
        scores[test] = model.scores(vectors[test], [texts[i] for i in test])
    return scores


def main(argv: list[str] | None = None) -> int:
    """Print recall and false alarms per setting, out of fold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    texts, is_crisis = load_examples()
    vectors = OnnxEncoder("fp32", threads=1).encode(texts)
    verdicts = [detect_crisis(t) for t in texts]
    urgent = np.array([is_urgent(t) for t in texts])
    rule_crisis = np.array([v.is_crisis for v in verdicts]) | urgent
    handled = np.array([v.needs_resources for v in verdicts]) | urgent
    figure = np.array([has_figure_or_denial(t) for t in texts])
    missed = is_crisis & ~handled
    clean = ~is_crisis & ~handled
    print(f"{len(texts)} texts, {int(is_crisis.sum())} crisis examples: the rules give the "
          f"crisis reply to {int((rule_crisis & is_crisis).sum())} of them and to "
          f"{int((rule_crisis & ~is_crisis).sum())} other messages; left to the semantic vote: "
          f"{int(missed.sum())} crisis examples, {int(clean.sum())} others")
    for seed in args.seeds:
        scores = out_of_fold_scores(vectors, texts, is_crisis, args.folds, seed)
        cells = []
        for threshold in THRESHOLDS:
            for margin in MARGINS:
                vote = ((scores[:, 0] >= threshold) & (scores[:, 1] >= MIN_SIMILARITY)
                        & (scores[:, 1] > scores[:, 2] - margin) & ~figure)
                cells.append(f"{threshold}/{margin}: +{int((vote & missed).sum())} "
                             f"fa {int((vote & clean).sum())}")
        print(f"seed {seed} (threshold/margin): " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
