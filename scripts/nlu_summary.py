"""Summarise `rasa test nlu --cross-validation --successes` output for docs/nlu.md.

Prints intent accuracy and F1, the routing accuracy (ask_question, out_of_scope and
nlu_fallback all go to the retrieval layer, so confusing them costs nothing), and how many
messages were misrouted. The intent classifier merges out_of_scope into ask_question by design
(the retrieval layer decides what is in scope), so accuracy is also given with the two counted
as one intent.
Usage: python scripts/nlu_summary.py results/nlu-cv
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RETRIEVAL = {"ask_question", "out_of_scope", "nlu_fallback"}
THRESHOLDS = (0.0,)
MERGED = {"out_of_scope": "ask_question"}


def route(intent: str) -> str:
    """Where a message with this intent ends up."""
    return "retrieval" if intent in RETRIEVAL else intent


def main(results: Path) -> None:
    """Print the summary of one cross-validation run."""
    report = json.loads((results / "intent_report.json").read_text())
    rows = []
    for name in ("intent_errors.json", "intent_successes.json"):
        path = results / name
        if path.exists():
            rows += json.loads(path.read_text())
    print(f"messages: {len(rows)}  intents: {sum(1 for k in report if k not in _AVERAGES)}")
    print(f"intent accuracy: {report['accuracy']:.3f}")
    merged_right = sum(MERGED.get(r["intent"], r["intent"])
                       == MERGED.get(r["intent_prediction"]["name"], r["intent_prediction"]["name"])
                       for r in rows)
    print(f"intent accuracy, out_of_scope = ask_question: {merged_right / len(rows):.3f}")
    print(
        f"macro F1: {report['macro avg']['f1-score']:.3f}  "
        f"weighted F1: {report['weighted avg']['f1-score']:.3f}"
    )
    print("per intent (F1, support):")
    for intent, values in sorted(report.items()):
        if intent not in _AVERAGES:
            print(f"  {intent:15} {values['f1-score']:.3f}  {values['support']}")
    print("threshold  routing-acc  questions-kept-from-retrieval  small-talk-sent-to-retrieval")
    for threshold in THRESHOLDS:
        right = lost = over = 0
        for row in rows:
            predicted = row["intent_prediction"]
            name = predicted["name"] if predicted["confidence"] >= threshold else "nlu_fallback"
            truth = route(row["intent"])
            right += route(name) == truth
            lost += truth == "retrieval" and route(name) != "retrieval"
            over += truth != "retrieval" and route(name) == "retrieval"
        print(
            f"  {threshold:.1f}      {right / len(rows):.3f}        {lost:3d}"
            f"                            {over:3d}"
        )
    # The crisis reply and the emergency reply both give help now (988 and 911); the panels
    # count either as the crisis reply (bot/safety/panels.py). Reported beside, not instead.
    help_now = sum(_help_now(route(r["intent"])) == _help_now(route(r["intent_prediction"]["name"]))
                   for r in rows)
    print(f"routing accuracy, crisis and urgent_medical as one route (help now): "
          f"{help_now / len(rows):.3f}")


def _help_now(destination: str) -> str:
    return "help_now" if destination in {"crisis", "urgent_medical"} else destination


_AVERAGES = {"accuracy", "macro avg", "weighted avg", "micro avg"}

if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "results/nlu-cv"))
