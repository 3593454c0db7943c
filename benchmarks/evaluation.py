"""Retrieval evaluation: the clinic's own question set and public FAQ benchmarks.

Metrics, over in-scope questions: P@1 (the top-ranked candidate is a correct entry), MRR@10,
Recall@3, the clarify and "none" rates, and *top-1 correct*, the stricter number a patient
feels: the decision is ``answer`` or ``clarify`` **and** its top-ranked candidate is correct (a
clarify whose first option is right counts, one whose first option is wrong does not). Over
out-of-scope questions: the share rejected (decision ``none``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

CLINIC_SET = PROJECT_ROOT / "tests" / "eval" / "clinic_questions.yml"


@dataclass(frozen=True)
class Question:
    """One evaluation question and the ids that are correct top-1 answers."""

    text: str
    expected: tuple[str, ...]


@dataclass
class EvalReport:
    """Numbers from one evaluation run (see the module docstring for their meaning)."""

    name: str
    in_scope: int = 0
    p_at_1: float = 0.0
    top1_correct: float = 0.0
    mrr_at_10: float = 0.0
    recall_at_3: float = 0.0
    clarify_rate: float = 0.0
    none_rate: float = 0.0
    out_of_scope: int = 0
    oos_rejected: float | None = None
    seconds: float = 0.0
    misses: list[dict] = field(default_factory=list)
    false_answers: list[dict] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [
            f"{self.name}: {self.in_scope} in-scope questions, {self.out_of_scope} out-of-scope",
            "  top-1 correct (answered or clarified, first candidate right): "
            f"{self.top1_correct:.3f}",
            f"  P@1 {self.p_at_1:.3f}   MRR@10 {self.mrr_at_10:.3f}   "
            f"Recall@3 {self.recall_at_3:.3f}",
            f"  clarify rate {self.clarify_rate:.3f}   'none' rate (in scope) {self.none_rate:.3f}",
        ]
        if self.oos_rejected is not None:
            lines.append(f"  out-of-scope rejected {self.oos_rejected:.3f}")
        lines.append(f"  ({self.seconds:.1f} s)")
        if self.unknown_ids:
            lines.append(f"  WARNING: expected ids not in the index: {', '.join(self.unknown_ids)}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready numbers (without the per-question lists)."""
        return {
            key: value
            for key, value in self.__dict__.items()
            if key not in ("misses", "false_answers")
        }


def load_clinic_set(path: Path = CLINIC_SET) -> tuple[list[Question], list[str]]:
    """The clinic's evaluation set: ``(in-scope questions, out-of-scope messages)``."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    in_scope = [
        Question(str(item["q"]), tuple(str(e) for e in item["expected"]))
        for item in data.get("in_scope", [])
    ]
    return in_scope, [str(q) for q in data.get("out_of_scope", [])]


def load_queries(path: Path) -> list[Question]:
    """Benchmark queries: JSONL lines ``{"query", "faq_id"}`` (``faq_id`` may be a list)."""
    questions = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            ids = record["faq_id"] if isinstance(record["faq_id"], list) else [record["faq_id"]]
            questions.append(Question(str(record["query"]), tuple(str(i) for i in ids)))
    return questions


def _correct(retriever, candidate_id: str, expected: Sequence[str]) -> bool:
    return candidate_id in expected or f"article:{retriever.group_of(candidate_id)}" in expected


def evaluate(retriever, in_scope: Sequence[Question], out_of_scope: Sequence[str] = (),
             name: str = "evaluation") -> EvalReport:
    """Run every question through ``retriever.decide`` and compute the metrics."""
    report = EvalReport(name=name, in_scope=len(in_scope), out_of_scope=len(out_of_scope))
    report.unknown_ids = sorted({e for q in in_scope for e in q.expected} - retriever.known_ids())
    started = time.perf_counter()
    hits1 = top1 = hits3 = clarify = none = 0
    reciprocal = 0.0
    for question in in_scope:
        decision = retriever.decide(question.text)
        ranks = [
            i for i, c in enumerate(decision.candidates[:10])
            if _correct(retriever, c.id, question.expected)
        ]
        rank = ranks[0] if ranks else None
        hits1 += rank == 0
        hits3 += rank is not None and rank < 3
        reciprocal += 1.0 / (rank + 1) if rank is not None else 0.0
        clarify += decision.kind == "clarify"
        none += decision.kind == "none"
        if decision.kind != "none" and rank == 0:
            top1 += 1
        else:
            report.misses.append({
                "q": question.text,
                "expected": list(question.expected),
                "decision": decision.kind,
                "got": [(c.id, c.score) for c in decision.candidates[:3]],
            })
    rejected = 0
    for text in out_of_scope:
        decision = retriever.decide(text)
        if decision.kind == "none":
            rejected += 1
        else:
            report.false_answers.append({
                "q": text,
                "decision": decision.kind,
                "got": [(c.id, c.score) for c in decision.candidates[:2]],
            })
    n = max(1, len(in_scope))
    report.p_at_1, report.top1_correct = hits1 / n, top1 / n
    report.mrr_at_10, report.recall_at_3 = reciprocal / n, hits3 / n
    report.clarify_rate, report.none_rate = clarify / n, none / n
    report.oos_rejected = rejected / len(out_of_scope) if out_of_scope else None
    report.seconds = time.perf_counter() - started
    return report
