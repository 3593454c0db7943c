"""Hot reload: a live retriever follows a rebuilt index without being recreated."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import pytest
import yaml

from bot.retrieval.embedding import get_encoder
from bot.retrieval.index import build_index
from bot.retrieval.knowledge import load_knowledge
from bot.retrieval.reload import HotIndex, disk_version, version_of
from bot.retrieval.retriever import Retriever

SESSION_V1 = "A session lasts about forty-five minutes in the treatment chair."
SESSION_V2 = "A session now lasts about one hour, including a short check afterwards."


def faq(session_answer: str) -> list[dict]:
    """A small clinic FAQ on three unrelated topics."""
    return [
        {
            "id": "session_length",
            "question": "How long does a ketamine session take?",
            "paraphrases": ["how many minutes is one treatment", "length of an infusion session"],
            "answer": session_answer,
            "source": "Test FAQ",
            "reviewed": "2026-11-20",
        },
        {
            "id": "parking",
            "question": "Where can I park my car at the clinic?",
            "paraphrases": ["is there parking", "car park near the office"],
            "answer": "There is free parking behind the building.",
            "source": "Test FAQ",
            "reviewed": "2026-11-20",
        },
        {
            "id": "privacy",
            "question": "Is my personal information kept private?",
            "paraphrases": ["do you share my data", "who sees my details"],
            "answer": "Your details are encrypted and never shared.",
            "source": "Test FAQ",
            "reviewed": "2026-11-20",
        },
    ]


def write_and_index(knowledge_dir: Path, index_dir: Path, session_answer: str) -> None:
    """Staff's workflow: edit faq.yml, then run the index command (here its function)."""
    knowledge_dir.mkdir(parents=True, exist_ok=True)
    (knowledge_dir / "faq.yml").write_text(yaml.safe_dump(faq(session_answer)), encoding="utf-8")
    build_index(load_knowledge(knowledge_dir), index_dir, get_encoder(), progress=False)


@pytest.fixture
def live(tmp_path):
    knowledge_dir, index_dir = tmp_path / "knowledge", tmp_path / "var" / "index"
    write_and_index(knowledge_dir, index_dir, SESSION_V1)
    hot = HotIndex(
        lambda: Retriever.load(index_dir, knowledge_dir=knowledge_dir), index_dir, check_every=0
    )
    # A running action server has loaded its index before staff edit anything; without this the
    # first load could race the edit below and (rightly) refuse a half-updated knowledge base.
    hot.current()
    return hot, knowledge_dir, index_dir


def test_a_rebuilt_index_is_served_by_the_same_retriever(live, caplog):
    hot, knowledge_dir, index_dir = live
    first = hot.decide("how long is a ketamine session")
    assert (first.kind, first.best.id) == ("answer", "session_length")
    assert first.best.answer == SESSION_V1
    old_version = hot.version

    caplog.set_level(logging.INFO, logger="bot.retrieval.reload")
    write_and_index(knowledge_dir, index_dir, SESSION_V2)
    assert hot.wait_for_reload(timeout=60)

    second = hot.decide("how long is a ketamine session")
    assert (second.kind, second.best.id) == ("answer", "session_length")
    assert second.best.answer == SESSION_V2
    assert hot.version != old_version
    assert f"from version {old_version} to {hot.version}" in caplog.text


def test_queries_during_the_swap_all_get_a_complete_answer(live):
    hot, knowledge_dir, index_dir = live
    question = "how many minutes is one treatment"
    results: list = []
    errors: list = []
    swapped = threading.Event()
    after_swap = threading.Event()

    def ask_repeatedly():
        while not after_swap.is_set():
            try:
                results.append((swapped.is_set(), hot.decide(question)))
            except Exception as error:  # a failed request is what this test must catch
                errors.append(error)

    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for asker in askers:
        asker.start()
    write_and_index(knowledge_dir, index_dir, SESSION_V2)
    assert hot.wait_for_reload(timeout=60)
    swapped.set()
    deadline = time.monotonic() + 60
    while sum(1 for was_swapped, _ in results if was_swapped) < 6:
        assert time.monotonic() < deadline and any(a.is_alive() for a in askers), errors
        time.sleep(0.01)
    after_swap.set()
    for asker in askers:
        asker.join(30)

    assert errors == []
    assert len(results) >= 6
    for _, decision in results:
        assert decision.kind == "answer" and decision.best.id == "session_length"
        assert decision.best.answer in (SESSION_V1, SESSION_V2)
    answers = [d.best.answer for _, d in results]
    assert SESSION_V1 in answers  # served while the new build loaded
    assert all(d.best.answer == SESSION_V2 for was_swapped, d in results if was_swapped)


def test_an_index_that_no_longer_matches_the_knowledge_is_refused(live, caplog):
    hot, knowledge_dir, index_dir = live
    assert hot.decide("is there parking").best.id == "parking"
    old_version = hot.version
    # Staff index an edit, then edit again without re-indexing: the new build is stale.
    write_and_index(knowledge_dir, index_dir, SESSION_V2)
    (knowledge_dir / "faq.yml").write_text(yaml.safe_dump(faq("Edited again.")), encoding="utf-8")

    caplog.set_level(logging.WARNING, logger="bot.retrieval.reload")
    assert not hot.wait_for_reload(timeout=60)
    assert hot.version == old_version
    still = hot.decide("how long is a ketamine session")
    assert still.best.answer == SESSION_V1
    assert "still serving version" in caplog.text


def test_the_version_names_the_knowledge_and_build(live):
    hot, _, index_dir = live
    retriever = hot.current()
    assert disk_version(index_dir) is not None
    meta = retriever.index.meta
    assert version_of(retriever).startswith(meta["knowledge_hash"][:12] + "@")
    assert version_of(object()) is None


async def test_the_answer_action_follows_a_rebuilt_index_without_a_restart(
    tmp_path, monkeypatch, domain, tracker_for, caplog
):
    """The action server's path: get_retriever() -> HotIndex -> the newest complete build."""
    from rasa_sdk.executor import CollectingDispatcher

    import bot.retrieval.retriever
    from actions.answer import ActionAnswerQuestion

    knowledge_dir, index_dir = tmp_path / "knowledge", tmp_path / "var" / "index"
    write_and_index(knowledge_dir, index_dir, SESSION_V1)
    monkeypatch.setenv("BOT_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.setenv("BOT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("BOT_INDEX_RELOAD_SECONDS", "0")
    bot.retrieval.retriever.reset_retriever()
    action = ActionAnswerQuestion()  # created once, like the running action server's
    caplog.set_level(logging.INFO, logger="actions.answer")

    async def reply() -> dict:
        dispatcher = CollectingDispatcher()
        tracker = tracker_for("how long is a ketamine session", intent="ask_question")
        await action.run(dispatcher, tracker, domain)
        return dispatcher.messages[0]

    try:
        first = await reply()
        assert SESSION_V1 in first["text"]
        old = first["retrieval"]["index"]
        assert f"index={old}" in caplog.text

        write_and_index(knowledge_dir, index_dir, SESSION_V2)
        deadline = time.monotonic() + 60
        while SESSION_V2 not in (latest := await reply())["text"]:
            assert SESSION_V1 in latest["text"]  # the old answer, complete, until the swap
            assert time.monotonic() < deadline, "the new index was not picked up"
            await asyncio.sleep(0.2)
        assert latest["retrieval"]["index"] not in (None, old)
        assert f"index={latest['retrieval']['index']}" in caplog.text
        assert "how long is a ketamine session" not in caplog.text  # no patient text in logs
    finally:
        bot.retrieval.retriever.reset_retriever()
