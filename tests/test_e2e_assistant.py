"""End to end: the real Rasa server and action server, driven over the REST channel.

Questions come from the project's evaluation set (tests/eval/clinic_questions.yml); the right
answer text is the expected entry's answer as the retrieval layer serves it. Reply latency per
message is measured and printed (docs/e2e.md records a run).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from servers import ROOT

from benchmarks.stats import percentile
from bot import replies
from bot.config import load_clinic
from bot.retrieval.retriever import get_retriever

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EVAL_FILE = ROOT / "tests" / "eval" / "clinic_questions.yml"
ARTIFACTS = ROOT / "test-artifacts"
MIN_CORRECT = 200
# Entries another feature rightly answers in its own way: booking questions start the form,
# contact questions get the contact details, individual advice gets the safety refusal.
OTHER_FEATURES = {
    "how_to_book", "consultation_process", "contact_clinic", "locations_hours",
    "medications_current", "is_it_right_for_me",
}  # fmt: skip
# Rasa must not lose an answer the retrieval layer gets right on its own (a question mistaken for
# greet/thanks, say). Nothing in the pipeline is random, so this holds for any retraining.
MAX_LOST_TO_DIALOGUE = 0


def _eval_set() -> dict:
    return yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))


def _article_titles() -> dict[str, str]:
    titles = {}
    for path in (ROOT / "knowledge" / "articles").glob("*.md"):
        front = path.read_text(encoding="utf-8").split("---")[1]
        meta = yaml.safe_load(front)
        titles[meta["id"]] = meta["title"]
    return titles


def _texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _norm(text: str) -> str:
    # Channels send each paragraph as its own message (the source line comes separately).
    return " ".join(text.split())


def _is_right_answer(reply: str, expected: list[str], titles: dict[str, str]) -> bool:
    retriever = get_retriever()
    for entry in expected:
        if entry.startswith("article:"):
            title = titles.get(entry.split(":", 1)[1])
            if title and re.search(rf"^Source: {re.escape(title)}( - |$)", reply, re.M):
                return True
        else:
            candidate = retriever.get(entry)
            if candidate is None:
                continue
            expected_text = replies.format_answer(candidate.answer, candidate.source)
            if _norm(expected_text) in _norm(reply):
                return True
    return False


def test_the_first_reply_is_the_disclaimer(assistant):
    messages = assistant.send("e2e-disclaimer", "hi")

    first = messages[0]["text"]
    assert "automated assistant" in first and "not a clinician" in first and "911" in first
    assert len(messages) >= 2, "the greeting itself is answered after the disclaimer"
    # Only the first reply of a conversation carries it.
    assert "911" not in _texts(assistant.send("e2e-disclaimer", "what is ketamine therapy"))


def test_questions_from_the_evaluation_set_get_the_right_answer(assistant):
    questions = [
        item
        for item in _eval_set()["in_scope"]
        if not OTHER_FEATURES & set(item["expected"])
    ]
    titles = _article_titles()
    retriever = get_retriever()
    right, right_in_process, lost = 0, 0, []
    for number, item in enumerate(questions):
        # A fresh conversation per question: each is judged on its own, like a new visitor.
        reply = _texts(assistant.send(f"e2e-question-{number}", item["q"]))
        ok = _is_right_answer(reply, item["expected"], titles)
        decision = retriever.decide(item["q"])
        direct = ""
        if decision.kind == "answer" and decision.best:
            direct = replies.format_answer(decision.best.answer, decision.best.source)
        ok_in_process = _is_right_answer(direct, item["expected"], titles)
        right += ok
        right_in_process += ok_in_process
        if ok_in_process and not ok:
            lost.append(item["q"])
    print(
        f"\nE2E answers: {right}/{len(questions)} right over REST "
        f"(retrieval alone: {right_in_process}/{len(questions)})"
    )
    assert right >= MIN_CORRECT
    assert len(lost) <= MAX_LOST_TO_DIALOGUE, f"right in retrieval, wrong over REST: {lost}"


def test_out_of_scope_messages_get_an_honest_i_dont_know_with_the_phone(assistant):
    profile = load_clinic()
    retriever = get_retriever()
    # Every out-of-scope message the retrieval layer declines must reach the patient as the
    # honest reply (its false positives are measured in docs/retrieval.md, not here).
    declined = [m for m in _eval_set()["out_of_scope"] if retriever.decide(m).kind == "none"]
    wrong = []
    for number, message in enumerate(declined):
        reply = _texts(assistant.send(f"e2e-oos-{number}", message))
        honest = "don't know" in reply and profile.phone_display in reply
        if not honest or "Source:" in reply:
            wrong.append((message, reply))
    honest = len(declined) - len(wrong)
    print(f"\nE2E out of scope: {honest}/{len(declined)} honest over REST; others: {wrong}")
    assert honest >= 5
    # Never an answer from the knowledge base. The NLU model still takes an occasional chit-chat
    # message for another intent ("how to cook rice in a microwave" starts the booking form: an
    # offer the patient can decline, measured in docs/e2e.md); at most one in ten.
    assert not any("Source:" in reply for _, reply in wrong), wrong
    assert len(wrong) <= len(declined) // 10, wrong


def test_a_clarify_button_payload_yields_the_chosen_answer(assistant):
    retriever = get_retriever()
    candidates = [item["q"] for item in _eval_set()["in_scope"]]
    candidates += ["how long", "side effects", "sessions", "ketamine"]
    query = next((q for q in candidates if retriever.decide(q).kind == "clarify"), None)
    assert query, "no question in the evaluation set makes the retrieval layer ask to clarify"

    offer = assistant.send("e2e-clarify", query)[-1]
    buttons = offer.get("buttons") or []
    assert 2 <= len(buttons) <= 3, offer
    chosen = buttons[-1]
    match = re.fullmatch(r"/choose_answer(\{.*\})", chosen["payload"])
    assert match, chosen
    answer_id = json.loads(match.group(1))["answer_id"]

    reply = _texts(assistant.send("e2e-clarify", chosen["payload"]))
    expected = retriever.get(answer_id)
    assert _norm(reply) == _norm(replies.format_answer(expected.answer, expected.source))
    assert chosen["title"] == expected.title


def test_asking_for_a_person_gives_the_contact_details(assistant):
    profile = load_clinic()
    reply = assistant.send("e2e-human", "can I talk to a real person please")[-1]["text"]
    assert profile.phone_display in reply and profile.email in reply


def test_reply_latency_is_measured(assistant):
    """p50/p95 of the REST round trip over a mix of questions, out-of-scope and small talk."""
    data = _eval_set()
    messages = [item["q"] for item in data["in_scope"][1::7]] + data["out_of_scope"][::4]
    messages += ["hello", "thanks", "are you a bot?", "bye"]
    start = len(assistant.latencies)
    for number, text in enumerate(messages):
        assistant.send(f"e2e-latency-{number % 5}", text)
    latencies = assistant.latencies[start:]
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    summary = {
        "messages": len(latencies),
        "p50_ms": round(p50 * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }
    print(f"\nE2E reply latency over REST: {summary}")
    ARTIFACTS.mkdir(exist_ok=True)
    Path(ARTIFACTS / "e2e_latency.json").write_text(json.dumps(summary, indent=2))
    assert len(latencies) >= 40
    assert p95 < 5.0, "a patient should not wait more than a few seconds for a reply"
