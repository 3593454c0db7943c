"""LiveQA scoring follows the published protocol: unjudged answers count as Incorrect."""

from __future__ import annotations

import pytest

from benchmarks import liveqa

QRELS = {
    "1": {"a": 4, "b": 2, "c": 3},
    "2": {"x": 1, "y": 3},
    "3": {"p": 2},
}


def test_average_score_uses_the_top_answer_and_counts_unjudged_as_incorrect():
    rankings = {"1": ["a", "b"], "2": ["unjudged", "y"], "3": ["p"]}
    numbers = liveqa.score(rankings, QRELS, ["1", "2", "3"])
    # (4-1) + (1-1) + (2-1) over 3 questions
    assert numbers["average_score"] == pytest.approx(4 / 3, abs=1e-3)
    # relevant = label >= 3: question 1 at rank 1, question 2 at rank 2, question 3 never
    assert numbers["p_at_1"] == pytest.approx(1 / 3, abs=1e-3)
    assert numbers["mrr_at_10"] == pytest.approx((1 + 1 / 2 + 0) / 3, abs=1e-3)


def test_a_question_without_any_ranking_scores_zero():
    numbers = liveqa.score({}, QRELS, ["1"])
    assert numbers == {"questions": 1, "average_score": 0.0, "p_at_1": 0.0, "mrr_at_10": 0.0}


def test_relevant_answers_below_rank_ten_do_not_count():
    rankings = {"1": [f"n{i}" for i in range(10)] + ["a"]}
    assert liveqa.score(rankings, QRELS, ["1"])["mrr_at_10"] == 0.0


def test_the_real_test_set_is_read_as_people_wrote_it():
    questions = liveqa.load_questions()
    qrels = liveqa.load_qrels()
    # One question has no judged answer at all; it still counts (as 0) in every average.
    assert len(questions) == 104 and len(qrels) == 103
    assert {q["qid"] for q in questions} >= set(qrels)
    first = questions[0]
    assert first["text"].startswith("Noonan syndrome. What are the references")
    assert all(q["text"] for q in questions)


def test_back_filled_answers_of_unpublished_subsets_are_not_indexed():
    records = [
        {"id": "ADAM_1", "question": "What is (are) X ?", "answer": "judged text",
         "source": "ADAM"},
        {"id": "GHR_1", "question": "What is (are) Y ?", "answer": "published text",
         "source": "GHR"},
    ]
    kb = liveqa.knowledge(records)
    assert [e.text for e in kb.entries] == ["", "published text"]
    assert [e.text for e in liveqa.knowledge(records, answers=False).entries] == ["", ""]
