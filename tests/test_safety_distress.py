"""Distress across a conversation (bot/safety/distress.py) and what the answer action does with
it: a check-in with 988 the first time, the crisis resources (and crisis mode, and a crisis event
without the text) the second time in a session."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.answer
from actions.answer import ActionAnswerQuestion
from bot.safety.distress import (
    CHECK_IN,
    RESOURCES,
    distress_by_rules,
    distress_messages,
    distress_response,
)
from bot.safety.events import CrisisEventStore

CALM = {"safety": {"distress": []}}
LOW = {"safety": {"distress": ["no_point_in_anything"]}}


def user(parse_data: dict) -> dict:
    return {"event": "user", "text": "(not read)", "parse_data": parse_data}


SESSION_START = {"event": "action", "name": "action_session_start"}


def test_distress_is_counted_per_session():
    events = [user(LOW), user(CALM), SESSION_START, user(CALM), user(LOW)]
    assert distress_messages(events) == 1
    assert distress_messages([*events, user(LOW)]) == 2


def test_the_first_gets_a_check_in_the_second_the_resources():
    assert distress_response([user(LOW)], LOW, crisis_mode=False) == CHECK_IN
    assert distress_response([user(LOW), user(LOW)], LOW, crisis_mode=False) == RESOURCES
    assert distress_response([user(LOW)], LOW, crisis_mode=True) == RESOURCES
    assert distress_response([user(LOW), user(CALM)], CALM, crisis_mode=False) is None


def check_in() -> dict:
    return {"event": "bot", "text": "(the check-in)",
            "metadata": {"utter_action": "utter_distress_check_in"}}


@pytest.mark.parametrize("reply", ["doesnt matter", "whatever.", "who cares", "it won't help",
                                   "leave me alone", "why do you even care",
                                   "dont worry about it", "never mind", "just drop it",
                                   "forget i said anything"])
def test_waving_off_the_check_in_gets_the_resources(reply):
    latest = {"text": reply, **CALM}
    events = [user(LOW), check_in(), {"event": "user", "text": reply, **latest}]
    assert distress_response(events, latest, crisis_mode=False) == RESOURCES


@pytest.mark.parametrize("reply", ["no", "no thanks", "ok", "how much does it cost"])
def test_other_replies_to_the_check_in_are_not_distress(reply):
    latest = {"text": reply, **CALM}
    events = [user(LOW), check_in(), {"event": "user", "text": reply, **latest}]
    assert distress_response(events, latest, crisis_mode=False) is None


def topic_question() -> dict:
    return {"event": "user", "text": "does ketamine help with suicidal thoughts",
            "parse_data": {"intent": {"name": "crisis_topic"}, **CALM}}


@pytest.mark.parametrize("reply", ["asking for myself tbh", "it's for me actually", "me",
                                   "honestly, I'm asking for me",
                                   "yeah i have them most days"])  # review 14
def test_saying_the_question_was_about_oneself_gets_the_resources(reply):
    latest = {"text": reply, **CALM}
    events = [topic_question(), {"event": "bot", "text": "(the answer, with 988)"},
              {"event": "user", "text": reply, **latest}]
    assert distress_response(events, latest, crisis_mode=False) == RESOURCES


@pytest.mark.parametrize("reply", ["asking for my sister", "how much does it cost", "ok thanks"])
def test_other_replies_to_a_question_about_the_topic_are_not(reply):
    latest = {"text": reply, **CALM}
    events = [topic_question(), {"event": "user", "text": reply, **latest}]
    assert distress_response(events, latest, crisis_mode=False) is None


def test_it_is_me_after_an_ordinary_question_is_nothing():
    latest = {"text": "me", **CALM}
    events = [user(CALM), {"event": "user", "text": "me", **latest}]
    assert distress_response(events, latest, crisis_mode=False) is None


def test_a_dismissive_reply_long_after_the_check_in_is_not_read_as_one():
    latest = {"text": "whatever", **CALM}
    events = [user(LOW), check_in(), user(CALM), {"event": "bot", "text": "an answer"},
              {"event": "user", "text": "whatever", **latest}]
    assert distress_response(events, latest, crisis_mode=False) is None


def tracker(text: str, events: list[dict], slots: dict | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "ask_question", "confidence": 1.0},
              "entities": [], **LOW}
    return Tracker("distress-test", dict(slots or {}), latest, [*events, user(latest)], False,
                   None, {}, "action_listen")


@pytest.fixture
def event_store(tmp_path, monkeypatch):
    store = CrisisEventStore(f"sqlite:///{tmp_path / 'events.db'}", pseudonymise=lambda s: "p")
    monkeypatch.setattr(actions.answer, "get_event_store", lambda: store)
    yield store
    store.dispose()


async def run(action, tracker_, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, domain)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_a_first_hopeless_message_gets_a_check_in_not_i_dont_know(domain, event_store):
    messages, slots = await run(ActionAnswerQuestion(),
                                tracker("honestly whats the point of anything", []), domain)
    assert [m.get("response") for m in messages] == ["utter_distress_check_in"]
    assert slots["human_offered"] is True and "crisis_mode" not in slots
    assert event_store.list() == []


async def test_a_question_with_hopelessness_gets_its_answer_and_the_check_in(domain, event_store):
    messages, _ = await run(ActionAnswerQuestion(),
                            tracker("how much does it cost, not that anything helps", []), domain)
    assert "Source:" in messages[0]["text"]
    assert messages[-1].get("response") == "utter_distress_check_in"


async def test_a_second_hopeless_message_gets_the_crisis_resources(domain, event_store):
    earlier = [user(LOW), {"event": "bot", "text": "check-in"}]
    messages, slots = await run(ActionAnswerQuestion(),
                                tracker("nothing is ever going to get better", earlier), domain)
    assert [m.get("response") for m in messages] == ["utter_crisis"]
    assert slots["crisis_mode"] is True
    [event] = event_store.list()
    assert event.categories == ("distress",) and event.decided_by == "distress"


def test_distress_read_by_the_rules_is_told_from_the_learned_score_alone():
    """A warning sign in words beside a question gets the answer and the check-in; the learned
    score alone does not add the check-in to an answer."""
    assert distress_by_rules({"safety": {"distress": ["gave_named_things_away_lately"]}})
    assert not distress_by_rules({"safety": {"distress": ["semantic"]}})
    assert not distress_by_rules(CALM)
    assert not distress_by_rules(None)
