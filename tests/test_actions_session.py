"""ActionSessionStart: the disclaimer comes first, Rasa's session-start events are kept."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart


def test_it_replaces_rasas_session_start(domain):
    assert ActionSessionStart().name() == "action_session_start"
    assert "action_session_start" in domain["actions"]


async def test_a_new_conversation_opens_with_the_disclaimer(domain, tracker_for):
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker_for(), domain)

    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert "automated assistant" in text
    assert "not a clinician" in text
    assert "911" in text
    assert [e["event"] for e in events] == ["session_started", "action"]
    assert events[-1]["name"] == "action_listen"


async def test_slots_of_the_previous_session_carry_over_after_session_started(domain, tracker_for):
    previous = [
        {"event": "action", "name": "action_listen"},
        {"event": "slot", "name": "human_offered", "value": True},
        {"event": "slot", "name": "session_started_metadata", "value": {"channel": "web"}},
    ]
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker_for(events=previous), domain)

    assert events[0]["event"] == "session_started"
    assert [(e["name"], e["value"]) for e in events if e["event"] == "slot"] == [
        ("human_offered", True),
        ("session_started_metadata", {"channel": "web"}),
    ]
    assert events[-1] == {"event": "action", "name": "action_listen", "policy": None,
                          "confidence": None, "timestamp": None}  # fmt: skip


async def test_no_slots_carry_over_when_the_domain_says_so(domain, tracker_for):
    domain = {**domain, "session_config": {"carry_over_slots_to_new_session": False}}
    previous = [{"event": "slot", "name": "human_offered", "value": True}]
    events = await ActionSessionStart().run(
        CollectingDispatcher(), tracker_for(events=previous), domain
    )
    assert [e["event"] for e in events] == ["session_started", "action"]


async def test_a_consultation_request_does_not_carry_over(domain, tracker_for):
    # Details of an unfinished form, or kept for a retry after a failed submit, end with the
    # session; other slots (the crisis mode, offers) still carry over.
    previous = [
        {"event": "slot", "name": "crisis_mode", "value": True},
        {"event": "slot", "name": "full_name", "value": "Evelyn Hartwell-Quinn"},
        {"event": "slot", "name": "contact", "value": "+15552010187"},
        {"event": "slot", "name": "booking_attempt_key", "value": "k"},
        {"event": "slot", "name": "requested_slot", "value": "booking_review"},
    ]
    events = await ActionSessionStart().run(
        CollectingDispatcher(), tracker_for(events=previous), domain
    )
    assert [(e["name"], e["value"]) for e in events if e["event"] == "slot"] == [
        ("crisis_mode", True)
    ]
