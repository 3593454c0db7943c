"""Does retraining change what the NLU decides? Trains the NLU pipeline N times from scratch and
compares every decision on the clinic evaluation set and the safety panels.

    .venv-rasa/bin/python scripts/nlu_stability.py --runs 3

Prints, per run, the training time, and the number of messages whose intent differs from the
first run's (and the largest confidence difference). The pipeline has no random initialisation
(docs/nlu.md), so the expected answer is 0; run it on another machine to see the CPU's effect.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def messages() -> list[str]:
    """Every evaluation question and panel message, in a fixed order."""
    data = yaml.safe_load((ROOT / "tests/eval/clinic_questions.yml").read_text(encoding="utf-8"))
    texts = [item["q"] for item in data["in_scope"]] + list(data["out_of_scope"])
    for path in sorted((ROOT / "tests/panels").glob("*.yml")):
        panel = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [m["text"] for m in panel["messages"]]
    return texts


async def decide(model: Path, texts: list[str]) -> list[tuple[str, float]]:
    """(intent, confidence) of each text with the model at ``model``."""
    from rasa.core.agent import load_agent

    # Rasa's debug log (structlog) quotes every message it parses; the panels include held-out
    # texts, which must not be printed (only the counts below are).
    quiet_logs()
    agent = await load_agent(str(model))
    quiet_logs()
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        out.append((parsed["intent"]["name"], float(parsed["intent"]["confidence"] or 0.0)))
    return out


def quiet_logs() -> None:
    """Warnings and errors only, from the standard loggers and from Rasa's structlog."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    for name in ("", "rasa", "bot"):
        logging.getLogger(name).setLevel(logging.WARNING)


def train(target: Path) -> float:
    """Train the NLU model into ``target``; the seconds it took."""
    started = time.perf_counter()
    # A cache of its own per run: Rasa would otherwise reuse the components trained before.
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(target / "cache")}
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--out", str(target),
         "--fixed-model-name", "nlu", "--quiet"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    return time.perf_counter() - started


def main() -> int:
    """Train, decide, compare; exit status 1 when any decision differs."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = messages()
    first: list[tuple[str, float]] | None = None
    differing_runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, args.runs + 1):
            seconds = train(Path(tmp) / str(run))
            decided = asyncio.run(decide(Path(tmp) / str(run) / "nlu.tar.gz", texts))
            if first is None:
                first = decided
            changed = sum(a[0] != b[0] for a, b in zip(first, decided, strict=True))
            spread = max(abs(a[1] - b[1]) for a, b in zip(first, decided, strict=True))
            differing_runs += changed > 0
            print(f"run {run}: trained in {seconds:.1f} s; {changed} of {len(texts)} intents "
                  f"differ from run 1; largest confidence difference {spread:.2e}")
    return 1 if differing_runs else 0


if __name__ == "__main__":
    raise SystemExit(main())
