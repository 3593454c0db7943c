"""The staff report, from a SQLite tracker store written by the product's tracker store.

The bot messages are what the real answer action returns for each question (real retriever,
real knowledge); Rasa's own code (create_bot_utterance, in .venv-rasa) and the product's
ResilientSQLTrackerStore turn them into sealed stored events, exactly as a running Rasa server
does; the report opens them with the data key.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerQuestion
from bot.privacy.crypto import generate_key
from bot.staff.cli import main
from bot.staff.report import build_report, redact, render_html, render_text, to_dict

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
WRITER = Path(__file__).with_name("rasa_tracker_writer.py")

WEATHER = [
    "what's the weather in Dallas tomorrow",
    "will it rain in Dallas tomorrow",
    "weather forecast for dallas this weekend",
]
PIZZA = ["where can I order a pizza nearby", "best pizza delivery near me"]
CRISIS_TEXT = "I want to end my life tonight"
FORM_ANSWER = "Jane Roe"


async def answer(domain, tracker_for, text: str, intent: str = "ask_question", **kw) -> dict:
    """The message the real answer action sends for ``text``."""
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, tracker_for(text, intent=intent, **kw), domain)
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


def turn(text: str, message: dict, intent: str = "ask_question") -> list[dict]:
    return [{"user": text, "intent": intent}, {"action": "action_answer_question"},
            {"bot": message}, {"action": "action_listen"}]


@pytest.fixture(autouse=True)
def data_key(monkeypatch) -> str:
    """The data key the conversations are sealed with, also the report's."""
    key = generate_key()
    monkeypatch.setenv("BOT_DATA_KEY", key)
    return key


def write_store(db: Path, conversations: dict) -> str:
    """Save the conversations with the product's tracker store; returns the SQLAlchemy URL."""
    subprocess.run(
        [str(RASA_PYTHON), str(WRITER), str(db)],
        input=json.dumps({"conversations": conversations}), text=True, check=True,
        capture_output=True, timeout=300, cwd=ROOT,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": str(ROOT), "BOT_DATA_KEY": os.environ["BOT_DATA_KEY"]},
    )
    return f"sqlite:///{db}"


async def test_the_report_groups_gaps_and_counts_answers_bookings_and_crises(
    domain, tracker_for, tmp_path
):
    fast = await answer(domain, tracker_for, "how quickly does ketamine start to work")
    assert fast["retrieval"]["decision"] == "answer"
    fast_id = fast["retrieval"]["entry"]
    weather = [await answer(domain, tracker_for, q) for q in WEATHER]
    pizza = [await answer(domain, tracker_for, q) for q in PIZZA]
    for message in weather + pizza:
        assert message["retrieval"]["decision"] == "none"  # clearly outside the knowledge
    private = "call me on 555 123 4567, is it going to snow tomorrow in Dallas"
    private_msg = await answer(domain, tracker_for, private)
    chosen = await answer(domain, tracker_for, '/choose_answer{"answer_id":"cost"}',
                          intent="choose_answer",
                          entities=[{"entity": "answer_id", "value": "cost"}])
    assert chosen["retrieval"] == {"decision": "chosen", "entry": "cost",
                                   "index": chosen["retrieval"]["index"]}
    crisis_reply = {"text": "Please call or text 988 now.", "custom": {"kind": "crisis"}}

    conversations = {
        "patient-a": turn("how quickly does ketamine start to work", fast)
        + turn(WEATHER[0], weather[0]) + turn(PIZZA[0], pizza[0]),
        "patient-b": turn(WEATHER[1], weather[1]) + turn("/choose_answer", chosen, "choose_answer")
        + [{"user": "I'd like to book a consultation", "intent": "book_consultation"},
           {"action": "consultation_form"}, {"active_loop": "consultation_form"},
           {"user": FORM_ANSWER, "intent": "inform"}, {"action": "consultation_form"},
           {"active_loop": None}, {"action": "action_submit_consultation_request"},
           {"bot": {"text": "Your request is saved.", "booking_outcome": "stored"}}],
        "patient-c": turn(WEATHER[2], weather[2]) + turn(PIZZA[1], pizza[1])
        + turn(private, private_msg)
        + [{"user": "book me in", "intent": "book_consultation"},
           {"action": "consultation_form"}, {"active_loop": "consultation_form"},
           {"user": "cancel", "intent": "cancel_booking"}, {"active_loop": None}],
        "patient-d": turn("how quickly does ketamine start to work", fast)
        + [{"user": CRISIS_TEXT, "intent": "crisis"}, {"action": "utter_crisis"},
           {"bot": crisis_reply}],
        "patient-d~twilio_sms": [{"slot": ["page", 1]}],
    }
    url = write_store(tmp_path / "rasa.db", conversations)

    summary = build_report(url)
    numbers = to_dict(summary)
    assert numbers["conversations"] == 4
    assert numbers["answers"] == {fast_id: 2, "cost": 1}
    assert numbers["decisions"]["none"] == 6
    assert numbers["bookings"] == {"started": 2, "submitted": 1, "stored": 1,
                                   "outcomes": {"stored": 1}}
    assert numbers["crisis"] == {"messages": 1, "conversations": 1, "replies": 1}

    groups = {c.count: c for c in summary.clusters}
    assert len(summary.clusters) == 2, [c.examples for c in summary.clusters]
    weather_group, pizza_group = groups[4], groups[2]
    assert all("weather" in x.lower() or "rain" in x.lower() or "snow" in x.lower()
               for x in weather_group.examples)
    assert all("pizza" in x.lower() for x in pizza_group.examples)
    assert weather_group.decisions == {"none": 4}

    text, page = render_text(summary), render_html(summary)
    for shown in (text, page):
        assert CRISIS_TEXT not in shown and "end my life" not in shown
        assert FORM_ANSWER not in shown
        # Without the hex conversation references the report lists ("956e855559ed@..."), in
        # which "555" can occur by chance, no part of the number may appear.
        visible = re.sub(r"\b[0-9a-f]{12}@\d{8}T\d{6}Z", "", shown)
        assert "555" not in visible and "4567" not in visible
    assert "x4" in text and "x2" in text
    assert "Bookings: started 2, submitted 1, stored 1" in text
    assert "Crisis: 1 crisis messages in 1 conversations; 1 crisis replies sent" in text
    print(text)


def test_contact_details_in_examples_are_masked():
    masked = redact("call me on (555) 123-4567 or jane.roe@example.com, is parking free")
    assert masked == "call me on [number] or [email], is parking free"


def test_names_patients_introduce_themselves_with_are_masked():
    for said, shown in [
        ("Hi, my name is Quentin Marlowe, can I bring my dog", "Hi, my name is [name], can I "
         "bring my dog"),
        ("I'm Ottilie and I wonder if parking is free", "I'm [name] and I wonder if parking is "
         "free"),
        ("this is Evander Quist. do you take Aetna?", "this is [name]. do you take Aetna?"),
        ("i am worried about the cost", "i am worried about the cost"),  # not a name
        ("Is Ketamine Safe", "Is Ketamine Safe"),
    ]:  # fmt: skip
        assert redact(said) == shown


async def test_the_report_is_a_self_contained_page_and_a_cli(domain, tracker_for, tmp_path):
    weather = await answer(domain, tracker_for, WEATHER[0])
    url = write_store(tmp_path / "rasa.db", {
        "p1": turn("<script>alert(1)</script> weather?", weather),
        "p2": [{"user": "book", "intent": "book_consultation"},
               {"active_loop": "consultation_form"},
               {"action": "action_submit_consultation_request"},
               {"bot": {"text": "Saved."}}],
    })
    html_path = tmp_path / "out" / "report.html"
    assert main(["report", "--tracker-store", url, "--html", str(html_path)]) == 0

    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page
    assert "<script" not in page.lower()  # the patient's text is escaped, never markup
    assert not re.search(r"\b(src|href)=|@import|<link|url\(", page)
    # The submit action here did not mark its outcome: the report says so instead of guessing.
    assert "not recorded by the submit action" in page

    assert main(["report", "--tracker-store", f"sqlite:///{tmp_path}/none.db"]) == 2


async def test_a_name_typed_at_the_form_s_question_is_never_shown(domain, tracker_for, tmp_path):
    name = "Quentin Marlowe"
    dont_know = await answer(domain, tracker_for, name)  # what a misread name once got
    url = write_store(tmp_path / "rasa.db", {
        "form-patient": [
            {"active_loop": "consultation_form"}, {"slot": ["requested_slot", "full_name"]},
            *turn(name, dont_know),
        ],
    })
    report = build_report(url, encoder=None)
    shown = json.dumps(to_dict(report)) + render_text(report) + render_html(report)
    assert "Quentin" not in shown and "Marlowe" not in shown
    assert report.private_gaps == 1  # counted, never shown


async def test_stored_conversations_are_sealed_and_need_the_key(
    domain, tracker_for, tmp_path, monkeypatch, capsys
):
    question = "call me on 214 555 0142 about the weather in Dallas tomorrow"
    url = write_store(tmp_path / "rasa.db", {
        "p1": turn(question, await answer(domain, tracker_for, question)),
    })
    with sqlite3.connect(tmp_path / "rasa.db") as db:
        stored = "\n".join(row[0] for row in db.execute("select data from events"))
    assert "555 0142" not in stored and "Dallas" not in stored and "weather" not in stored
    assert build_report(url, encoder=None).user_messages == 1  # opened with the key

    monkeypatch.setenv("BOT_DATA_KEY", generate_key())  # not the key it was sealed with
    assert main(["report", "--tracker-store", url, "--html", str(tmp_path / "r.html")]) == 2
    assert "cannot be opened with this data key" in capsys.readouterr().err
