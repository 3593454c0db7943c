"""Out-of-fold crisis detection on the training data: rules + semantic score, per setting.

Chooses the semantic crisis model's settings from the training data only (no panel in
tests/panels/ is read): the NLU examples of data/nlu/ and the FAQ questions of knowledge/ are
split into folds; for each fold the semantic crisis model is fitted on the other folds exactly as
``SemanticIntentClassifier`` fits it, and each held-out message is decided as the safety
component decides it (rules first, then the semantic vote). Prints, per setting, the recall on
crisis examples and the false alarms on everything else, both beyond the rules.

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


def load_examples() -> tuple[list[str], np.ndarray]:
    """Every NLU example and FAQ question, with whether it is a crisis example."""
    data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    texts = [m.get("text") for m in data.intent_examples]
    crisis = [m.get("intent") in CRISIS_INTENTS for m in data.intent_examples]
    faq = [q for entry in load_faq_yaml(KNOWLEDGE_DIR / "faq.yml") for q in entry.questions
           if q.strip()]
    return texts + faq, np.array(crisis + [False] * len(faq))


def main(argv: list[str] | None = None) -> int:
    """Print recall and false alarms per setting, out of fold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    texts, is_crisis = load_examples()
    vectors = OnnxEncoder("fp32", threads=1).encode(texts)
    by_rules = np.array([detect_crisis(t).needs_resources or is_urgent(t) for t in texts])
    figure = np.array([has_figure_or_denial(t) for t in texts])
    print(f"{len(texts)} texts, {int(is_crisis.sum())} crisis examples; the rules alone catch "
          f"{int((by_rules & is_crisis).sum())} of them and mark {int((by_rules & ~is_crisis).sum())}"
          " others")
    thresholds = [0.5, 0.6, 0.7, 0.8, 0.9]
    for seed in args.seeds:
        scores = np.zeros((len(texts), 3))
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=seed)
        for train, test in folds.split(vectors, is_crisis):
            model = CrisisModel.fit(vectors[train], is_crisis[train])
            scores[test] = model.scores(vectors[test])
        missed_by_rules = is_crisis & ~by_rules
        clean = ~is_crisis & ~by_rules
        line = []
        for threshold in thresholds:
            vote = ((scores[:, 0] >= threshold) & (scores[:, 1] >= 0.4)
                    & (scores[:, 1] > scores[:, 2]) & ~figure)
            line.append(f"{threshold}: +{int((vote & missed_by_rules).sum())}/"
                        f"{int(missed_by_rules.sum())} fa {int((vote & clean).sum())}/"
                        f"{int(clean.sum())}")
        print(f"seed {seed}: " + " | ".join(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
