"""The retrieval decision: answer / clarify / none, thresholds and ties, bad input, the API."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from bot.config import load_clinic, load_retrieval_settings
from bot.retrieval.retriever import (
    MAX_QUERY_CHARS,
    Decision,
    RetrievalUnavailable,
    Retriever,
    clean_query,
    get_retriever,
    reset_retriever,
)


@pytest.fixture(scope="module")
def small_retriever(retrieval_small_index, retrieval_encoder) -> Retriever:
    """The tiny test index with the clinic's configured thresholds."""
    return Retriever.load(retrieval_small_index, encoder=retrieval_encoder)


def _with(retriever: Retriever, **settings) -> Retriever:
    return Retriever(
        retriever.index, retriever.encoder, replace(retriever.settings, **settings),
        retriever.placeholders,
    )


def test_a_clear_question_is_answered_with_filled_placeholders(small_retriever):
    decision = small_retriever.decide("how many minutes does one session take")
    assert decision.kind == "answer"
    assert decision.best.id == "session_length"
    assert decision.best.source == "Test FAQ: Sessions"
    clinic = load_clinic()
    assert clinic.name in decision.best.answer and clinic.phone_display in decision.best.answer
    assert "{" not in decision.best.answer
    assert decision.candidates[0] == decision.best
    scores = [c.score for c in decision.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(small_retriever.entries)


def test_tied_entries_end_in_clarify_with_both_options(small_retriever):
    decision = small_retriever.decide("how much does treatment cost")
    assert decision.kind == "clarify"
    assert {o.id for o in decision.options} >= {"cost", "cost_twin"}
    assert 2 <= len(decision.options) <= 3
    assert decision.best == decision.options[0]
    assert decision.options[0].score == decision.options[1].score
    # An exact tie is ordered by knowledge order, so the same question gets the same reply.
    assert [o.id for o in decision.options[:2]] == ["cost", "cost_twin"]


def test_a_safety_first_entry_among_the_options_is_the_answer(small_retriever, monkeypatch):
    """Suite 11: "my buddy gave me some ketamine to try" got a choice that hid the answer with
    911 and Poison Control; an entry marked safety-first is given instead of offered."""
    import yaml
    from servers import ROOT

    import bot.retrieval.retriever as retriever_module

    faq_ids = {entry["id"] for entry in yaml.safe_load(
        (ROOT / "knowledge" / "faq.yml").read_text(encoding="utf-8"))}
    assert retriever_module.SAFETY_FIRST_ENTRIES <= faq_ids  # every one is a real entry
    monkeypatch.setattr(retriever_module, "SAFETY_FIRST_ENTRIES", frozenset({"cost_twin"}))
    decision = small_retriever.decide("how much does treatment cost")
    assert decision.kind == "answer" and decision.best.id == "cost_twin"


def test_threshold_above_every_score_says_none(small_retriever):
    strict = _with(small_retriever, answer_threshold=1.01)
    decision = strict.decide("how many minutes does one session take")
    assert decision.kind == "none" and decision.best is None and decision.notice is None
    assert decision.candidates, "the ranking is still reported for staff"


def test_margin_decides_between_answer_and_clarify(small_retriever):
    # "blood pressure" matches one passage clearly; a huge margin turns any answer into options.
    assert small_retriever.decide("does my blood pressure go up").kind == "answer"
    loose = _with(small_retriever, clarify_margin=5.0, max_options=3)
    decision = loose.decide("does my blood pressure go up")
    assert decision.kind == "clarify" and len(decision.options) == 3
    # Passages of one article never compete with each other as options.
    groups = [loose.group_of(o.id) for o in decision.options]
    assert len(groups) == len(set(groups))


def test_out_of_scope_question_is_not_answered(small_retriever):
    assert small_retriever.decide("who won the football game last night").kind == "none"


@pytest.mark.parametrize(
    ("message", "notice_words"),
    [
        ("", "type your question"),
        ("   \n\t ", "type your question"),
        ("x" * 100_000, "too long"),
        ("how long " * 300, "too long"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "can't read"),
        ("\x00\x01\x02binary\x03\x04", "can't read"),
        ("😀😀🙏", "written in words"),
        ("?!... :)", "written in words"),
        ("<b></b>", "type your question"),
    ],
)
def test_bad_input_gets_none_with_a_clear_notice(small_retriever, message, notice_words):
    decision = small_retriever.decide(message)
    assert decision.kind == "none"
    assert decision.notice and notice_words in decision.notice
    assert decision.candidates == [] and decision.best is None
    assert len(decision.query) <= MAX_QUERY_CHARS


def test_html_is_stripped_and_the_question_still_answered(small_retriever):
    clean, notice = clean_query("<p>How long does a <b>session</b> take?</p>&nbsp;")
    assert notice is None and clean == "How long does a session take?"
    assert small_retriever.decide("<p>How long does a <b>session</b> take?</p>").best.id == (
        "session_length"
    )


def test_misspelt_question_still_finds_its_answer(small_retriever):
    assert small_retriever.decide("how long is a sesion").best.id == "session_length"


def test_get_returns_an_entry_for_clarify_buttons(small_retriever):
    chosen = small_retriever.get("cost_twin")
    assert chosen.id == "cost_twin" and chosen.kind == "faq" and chosen.answer
    passage = small_retriever.get("side-effects")  # an article id: its first passage
    assert passage.kind == "article" and passage.id.startswith("side-effects#")
    assert passage.source.startswith("Side effects explained - ")
    assert small_retriever.get("no_such_entry") is None


def test_decision_is_json_ready(small_retriever):
    data = small_retriever.decide("what is the price").to_dict()
    assert set(data) == {"kind", "query", "best", "options", "candidates", "notice"}
    assert isinstance(Decision(kind="none", query="x").to_dict()["candidates"], list)


def test_thresholds_come_from_the_clinic_configuration(small_retriever):
    settings = load_retrieval_settings()
    assert small_retriever.settings == settings
    assert 0 < settings.answer_threshold < 1 and 0 <= settings.clarify_margin < 0.2
    assert small_retriever.lexical_weight == settings.extra["lexical_weight"]


def test_get_retriever_is_one_lazy_thread_safe_instance(
    monkeypatch, retrieval_small_index, retrieval_small_kb, retrieval_encoder
):
    monkeypatch.setenv("BOT_INDEX_DIR", str(retrieval_small_index))
    monkeypatch.setenv("BOT_KNOWLEDGE_DIR", str(retrieval_small_kb))
    reset_retriever()
    try:
        results: list[Retriever] = []
        threads = [threading.Thread(target=lambda: results.append(get_retriever()))
                   for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 6 and len({id(r) for r in results}) == 1
        assert get_retriever().decide("what is the price").kind in ("answer", "clarify")
    finally:
        reset_retriever()


def test_missing_index_raises_retrieval_unavailable_and_recovers(
    monkeypatch, tmp_path, retrieval_small_index, retrieval_small_kb
):
    monkeypatch.setenv("BOT_INDEX_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("BOT_KNOWLEDGE_DIR", str(retrieval_small_kb))
    reset_retriever()
    try:
        with pytest.raises(RetrievalUnavailable, match="make index"):
            get_retriever()
        # After staff build the index, the next call succeeds (failures are not cached).
        monkeypatch.setenv("BOT_INDEX_DIR", str(retrieval_small_index))
        assert get_retriever().get("cost") is not None
    finally:
        reset_retriever()
