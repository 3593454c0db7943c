"""Staff command line: ``python -m bot <command>`` (index, ask, eval, bench, and extensions).

Subcommands come from the modules in :data:`COMMAND_MODULES`; each defines
``add_parser(subparsers)``, which adds its parser(s) and sets ``handler=<function(args) -> int>``
with ``set_defaults``. Those modules must import nothing heavy at module level (``--help`` and
the other commands stay fast); handlers import what they need.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

from bot.config import DEFAULT_INDEX_DIR, PROJECT_ROOT
from bot.settings import served_index_dir, served_knowledge_dir

# Other features add their module here (one line each), e.g. "bot.staff.requests_cli".
COMMAND_MODULES: list[str] = [
    "bot.staff.cli",
    "bot.safety.cli",
    "bot.staff.requests_cli",
    "bot.staff.keygen_cli",
    "bot.staff.retention_cli",
    "bot.staff.importer",
    "bot.staff.check",
    "bot.staff.report",
    "benchmarks.benchmark",
    "bot.privacy.rotation",
    "bot.staff.console.cli",
]

EVAL_INDEX_ROOT = PROJECT_ROOT / "var" / "eval-index"


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Clinic FAQ assistant: staff commands."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit status."""
    _offline()
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


# --- the retrieval commands -------------------------------------------------------------------


def add_parser(subparsers) -> None:
    """Register ``index``, ``ask``, ``eval`` and ``bench``."""
    p = subparsers.add_parser("index", help="build or refresh the retrieval index")
    p.add_argument("--faq", type=Path, help="index this FAQ (JSONL or CSV: id, question, answer) "
                   "instead of the clinic's knowledge; needs --index-dir")
    p.add_argument("--index-dir", type=Path, help=f"where to write (default {DEFAULT_INDEX_DIR})")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_index)

    p = subparsers.add_parser("ask", help="ask questions; prints decision, answer, source, score")
    p.add_argument("question", nargs="*", help="the question; none: one question per stdin line")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--index-dir", type=Path, help="query this index instead of the clinic's")
    p.set_defaults(handler=cmd_ask)

    p = subparsers.add_parser("eval", help="P@1, MRR@10, Recall@3, out-of-scope, clarify rate")
    p.add_argument("--set", type=Path,
                   help="clinic-style YAML set (default tests/eval/clinic_questions.yml)")
    p.add_argument("--faq", type=Path, help="benchmark FAQ (JSONL/CSV); indexed on demand")
    p.add_argument("--queries", type=Path, help="benchmark queries JSONL {query, faq_id}")
    p.add_argument("--index-dir", type=Path, help="index to use (default: the clinic's, or a "
                   f"per-benchmark one under {EVAL_INDEX_ROOT} with --faq)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.add_argument("--show-misses", type=int, default=0, metavar="N",
                   help="list up to N missed / wrongly answered questions")
    p.set_defaults(handler=cmd_eval)

    p = subparsers.add_parser("bench", help="latency per question (p50/p95) over a batch")
    p.add_argument("-n", type=int, default=200, help="questions in the batch (default 200)")
    p.add_argument("--index-dir", type=Path, help="index to use (default: the clinic's)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(handler=cmd_bench)


def _fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _ensure_index(knowledge, index_dir: Path, *, force: bool, quiet: bool) -> tuple[bool, dict]:
    """Build ``index_dir`` unless it is already an index of ``knowledge``."""
    from bot.retrieval.embedding import get_encoder
    from bot.retrieval.index import build_index, is_up_to_date, read_meta

    encoder = get_encoder()
    if not force and is_up_to_date(index_dir, knowledge, encoder.name):
        return False, read_meta(index_dir) or {}
    return True, build_index(knowledge, index_dir, encoder, progress=not quiet)


def cmd_index(args) -> int:
    """Build the index (clinic knowledge, or ``--faq FILE`` into ``--index-dir``)."""
    from bot.retrieval.knowledge import KnowledgeError, load_faq_file, load_knowledge

    if args.faq and not args.index_dir:
        return _fail("--faq needs --index-dir (the default directory holds the clinic's index)")
    index_dir = args.index_dir or served_index_dir()
    try:
        knowledge = load_faq_file(args.faq) if args.faq else load_knowledge(served_knowledge_dir())
    except (KnowledgeError, OSError) as error:
        return _fail(str(error))
    started = time.perf_counter()
    built, meta = _ensure_index(knowledge, index_dir, force=args.force, quiet=args.quiet)
    kinds = [e.kind for e in knowledge.entries]
    what = f"{kinds.count('faq')} FAQ entries, {kinds.count('article')} article passages"
    if not built:
        print(f"Index in {index_dir} is up to date ({what}; knowledge {knowledge.hash[:12]}, "
              f"built {meta.get('built_at')}). Use --force to rebuild.")
    else:
        print(f"Indexed {what} ({meta['vector_count']} vectors, model {meta['model']}) in "
              f"{time.perf_counter() - started:.1f} s -> {index_dir}")
    return 0


def _load_retriever(index_dir: Path | None):
    from bot.retrieval.retriever import RetrievalUnavailable, Retriever, get_retriever

    try:
        return get_retriever() if index_dir is None else Retriever.load(index_dir)
    except RetrievalUnavailable as error:
        raise SystemExit(_fail(str(error))) from error


def decision_json(question: str, decision) -> dict:
    """The ``ask --json`` object for one question (the documented contract)."""
    best = decision.best
    answered = decision.kind == "answer"
    top = decision.candidates[0] if decision.candidates else None
    return {
        "question": question,
        "decision": decision.kind,
        "answer": best.answer if answered else None,
        "source": best.source if answered else None,
        "id": best.id if answered else None,
        "score": top.score if top else None,
        "notice": decision.notice,
        "options": [{"id": c.id, "title": c.title, "score": c.score} for c in decision.options],
        "candidates": [{"id": c.id, "score": c.score} for c in decision.candidates],
    }


def _print_decision(question: str, decision) -> None:
    print(f"Q: {question}")
    top = decision.candidates[0].score if decision.candidates else None
    score = f" (score {top:.3f})" if top is not None else ""
    print(f"Decision: {decision.kind}{score}")
    if decision.notice:
        print(f"Notice:   {decision.notice}")
    if decision.kind == "answer":
        print(f"Answer:   {decision.best.answer}")
        print(f"Source:   {decision.best.source}  [{decision.best.id}]")
    elif decision.kind == "clarify":
        print("Options:")
        for option in decision.options:
            print(f"  - {option.title}  [{option.id}, {option.score:.3f}]")
    elif decision.candidates:
        print("Answer:   (none: below the answer threshold, the assistant says it does not know)")
    runners = decision.candidates[1:6] if decision.kind == "answer" else decision.candidates[:5]
    if runners:
        print("Runners-up:" if decision.kind == "answer" else "Ranked:")
        for c in runners:
            print(f"  {c.score:.3f}  {c.id}  ({c.title})")
    print()


def cmd_ask(args) -> int:
    """Answer questions from the arguments, or one per line from stdin (model loaded once)."""
    questions = [" ".join(args.question)] if args.question else None
    if questions is None and sys.stdin.isatty():
        print("Type one question per line (Ctrl-D to finish).", file=sys.stderr)
    retriever = _load_retriever(args.index_dir)
    lines = questions if questions is not None else (line.rstrip("\n") for line in sys.stdin)
    for question in lines:
        if questions is None and not question.strip():
            continue
        decision = retriever.decide(question)
        if args.json:
            print(json.dumps(decision_json(question, decision), ensure_ascii=False), flush=True)
        else:
            _print_decision(question, decision)
    return 0


def cmd_eval(args) -> int:
    """Evaluate on the clinic set, or on a benchmark with ``--faq`` and ``--queries``."""
    from benchmarks.evaluation import CLINIC_SET, evaluate, load_clinic_set, load_queries
    from bot.retrieval.knowledge import KnowledgeError, load_faq_file

    if bool(args.faq) != bool(args.queries):
        return _fail("--faq and --queries go together")
    if args.faq:
        try:
            knowledge = load_faq_file(args.faq)
        except (KnowledgeError, OSError) as error:
            return _fail(str(error))
        name = args.faq.parent.name if args.faq.stem == "faq" else args.faq.stem
        index_dir = args.index_dir or EVAL_INDEX_ROOT / name
        _ensure_index(knowledge, index_dir, force=False, quiet=True)
        retriever = _load_retriever(index_dir)
        report = evaluate(retriever, load_queries(args.queries), (), name=f"benchmark {name}")
    else:
        path = args.set or CLINIC_SET
        in_scope, out_of_scope = load_clinic_set(path)
        retriever = _load_retriever(args.index_dir)
        report = evaluate(retriever, in_scope, out_of_scope, name=f"clinic set {path.name}")
    settings = retriever.settings
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(report.summary())
        print(f"  thresholds: answer {settings.answer_threshold}, clarify margin "
              f"{settings.clarify_margin}")
    for item in (report.misses + report.false_answers)[: args.show_misses]:
        print("  MISS" if "expected" in item else "  FALSE", json.dumps(item, ensure_ascii=False))
    return 0


def cmd_bench(args) -> int:
    """Time ``decide`` per question over a batch (clinic evaluation questions, cycled)."""
    from benchmarks.evaluation import load_clinic_set

    in_scope, out_of_scope = load_clinic_set()
    pool = [q.text for q in in_scope] + list(out_of_scope)
    if not pool:
        return _fail("no questions in the clinic evaluation set to benchmark with")
    batch = [pool[i % len(pool)] for i in range(max(1, args.n))]
    retriever = _load_retriever(args.index_dir)
    for text in batch[:5]:
        retriever.decide(text)  # warm caches (tokenizer, BLAS threads) before timing
    wall, cpu = [], []
    load_before = os.getloadavg()[0]
    for text in batch:
        started, started_cpu = time.perf_counter(), time.thread_time()
        retriever.decide(text)
        wall.append((time.perf_counter() - started) * 1000)
        # CPU time of this thread (queries run torch on one thread): what the query costs,
        # independent of other processes competing for the cores.
        cpu.append((time.thread_time() - started_cpu) * 1000)

    from benchmarks.stats import percentile

    def pct(values: list[float], p: float) -> float:
        return round(percentile(values, p), 2)

    numbers = {
        "questions": len(wall),
        "p50_ms": pct(wall, 50),
        "p95_ms": pct(wall, 95),
        "mean_ms": round(sum(wall) / len(wall), 2),
        "max_ms": round(max(wall), 2),
        "cpu_p50_ms": pct(cpu, 50),
        "cpu_p95_ms": pct(cpu, 95),
        "vectors": retriever.index.count,
        "cpus": os.cpu_count(),
        "load_average": round(max(load_before, os.getloadavg()[0]), 2),
    }
    if args.json:
        print(json.dumps(numbers))
    else:
        print(f"decide() over {numbers['questions']} questions ({numbers['vectors']} vectors, "
              f"{numbers['cpus']} CPUs, load average {numbers['load_average']}):\n"
              f"  wall clock p50 {numbers['p50_ms']:.1f} ms, p95 {numbers['p95_ms']:.1f} ms, "
              f"mean {numbers['mean_ms']:.1f} ms, max {numbers['max_ms']:.1f} ms\n"
              f"  CPU time   p50 {numbers['cpu_p50_ms']:.1f} ms, "
              f"p95 {numbers['cpu_p95_ms']:.1f} ms")
        if numbers["load_average"] > numbers["cpus"]:
            print("  note: the machine is busier than its cores; wall-clock times include waiting")
    return 0
