"""The reply that replaces a failed custom action: once per turn, and it closes an open form."""

from __future__ import annotations

import yaml
from servers import ROOT

from bot.config import load_clinic
from bot.reliability.fallback import (
    UNAVAILABLE_RESPONSE,
    already_told,
    fallback_answer,
    form_only_slots,
)

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def user(text):
    return {"event": "user", "text": text}


def told():
    return {"event": "bot", "text": "...", "metadata": {"utter_action": UNAVAILABLE_RESPONSE}}


def action(name):
    return {"event": "action", "name": name}


def body(next_action, events, active_loop=None):
    return {
        "next_action": next_action,
        "tracker": {"events": events, "active_loop": {"name": active_loop} if active_loop else {}},
        "domain": DOMAIN,
    }


def test_the_reply_names_the_clinic_from_its_configuration():
    answer = fallback_answer(body("action_answer_question", [user("hi")]))
    clinic = load_clinic()
    [response] = answer["responses"]
    assert response["response"] == UNAVAILABLE_RESPONSE
    assert response["clinic_phone"] == clinic.phone_display
    assert response["clinic_name"] == clinic.name
    assert answer["events"] == []
    # The domain's text uses exactly these placeholders.
    text = DOMAIN["responses"][UNAVAILABLE_RESPONSE][0]["text"]
    assert "{clinic_phone}" in text and "{clinic_name}" in text and "911" in text


def test_said_once_per_turn():
    assert not already_told([user("a")])
    assert already_told([user("a"), action("action_answer_question"), told()])
    # The session start that opened this turn already said it.
    opening = [action("action_session_start"), told(), {"event": "session_started"},
               action("action_listen"), user("first message")]  # fmt: skip
    assert already_told(opening)
    # The previous turn said it: this turn must say it again.
    earlier = [user("a"), action("action_answer_question"), told(), action("action_listen"),
               user("b")]  # fmt: skip
    assert not already_told(earlier)


def test_a_failure_in_the_form_closes_it_and_clears_what_it_collected():
    answer = fallback_answer(body("validate_consultation_form", [user("x")], "consultation_form"))
    cleared = {e["name"] for e in answer["events"] if e["event"] == "slot" and e["value"] is None}
    for slot in ("full_name", "contact", "contact_kind", "preferred_time",
                 "preferred_time_normalized", "location", "booking_review", "requested_slot"):
        assert slot in cleared, slot  # fmt: skip
    assert {"event": "active_loop", "name": None} in answer["events"]


def test_a_failed_session_start_still_starts_the_session_silently():
    answer = fallback_answer(body("action_session_start", []))
    kinds = [e["event"] for e in answer["events"]]
    assert kinds == ["session_started", "action"]
    # A crisis reply must not come after "our system isn't responding": the next action that
    # fails says it.
    assert not answer["responses"]


def test_a_failed_crisis_record_is_silent_and_still_closes_the_form():
    answer = fallback_answer(body("action_record_crisis_event", [user("x")], "consultation_form"))
    assert not answer["responses"]  # the patient already has the crisis resources
    assert {"event": "active_loop", "name": None} in answer["events"]


def test_form_only_slots_come_from_the_domain():
    slots = form_only_slots(DOMAIN, "consultation_form")
    assert slots[: len(DOMAIN["forms"]["consultation_form"]["required_slots"])] == list(
        DOMAIN["forms"]["consultation_form"]["required_slots"]
    )
    assert "contact_kind" in slots and "preferred_time_normalized" in slots  # set by validation
    assert "answer_id" not in slots  # filled from a button's entity, not by an action
