"""Evaluation numbers asserted against the targets of issue 2, on real indexes built here.

Clinic set (tests/eval/clinic_questions.yml): top-1 correct >= 0.90 (answered or clarified with
the right entry first), out-of-scope rejected >= 0.90. CovidFAQ (68 FAQ, 1,387 real queries,
nothing tuned on them): P@1 >= 0.60, MRR@10 >= 0.75. The numbers are printed in the test output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.evaluation import evaluate, load_clinic_set, load_queries
from bot.retrieval.index import build_index
from bot.retrieval.knowledge import load_faq_file
from bot.retrieval.retriever import Retriever

COVIDFAQ = Path(__file__).resolve().parents[2] / "shared" / "data" / "covidfaq"
if not COVIDFAQ.exists():  # the shared data sits next to the checkout; also accept /work/shared
    COVIDFAQ = Path("/work/shared/data/covidfaq")


def test_clinic_set_meets_the_targets(clinic_retriever, capsys):
    in_scope, out_of_scope = load_clinic_set()
    assert len(in_scope) >= 150 and len(out_of_scope) >= 30
    report = evaluate(clinic_retriever, in_scope, out_of_scope, name="clinic set")
    with capsys.disabled():
        print("\n" + report.summary())
    assert not report.unknown_ids, f"eval set names ids the knowledge lacks: {report.unknown_ids}"
    assert report.top1_correct >= 0.90
    assert report.oos_rejected >= 0.90
    assert report.p_at_1 >= report.top1_correct  # ranking alone is never worse than the decision


@pytest.mark.slow
@pytest.mark.skipif(not COVIDFAQ.exists(), reason="shared CovidFAQ data not present")
def test_covidfaq_benchmark_meets_the_targets(tmp_path, retrieval_encoder, capsys):
    knowledge = load_faq_file(COVIDFAQ / "faq.jsonl")
    build_index(knowledge, tmp_path / "index", retrieval_encoder, progress=False)
    retriever = Retriever.load(tmp_path / "index", encoder=retrieval_encoder)
    queries = load_queries(COVIDFAQ / "queries.jsonl")
    assert len(queries) == 1387 and len(knowledge.entries) == 68
    report = evaluate(retriever, queries, (), name="CovidFAQ (held out)")
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.p_at_1 >= 0.60
    assert report.mrr_at_10 >= 0.75


@pytest.mark.parametrize("question", ["do you treat teenagers", "is there a minimum age",
                                      "am i too old for this"])
def test_questions_about_age_get_the_honest_age_entry(clinic_retriever, question):
    decision = clinic_retriever.decide(question)
    assert decision.kind == "answer" and decision.best.id == "age_eligibility"
    assert "clinician's decision" in decision.best.answer


def test_a_question_about_someone_elses_teenager_and_braces_is_not_answered(clinic_retriever):
    assert clinic_retriever.decide("how much do braces cost for a teenager").kind != "answer"
