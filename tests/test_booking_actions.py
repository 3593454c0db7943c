"""The booking actions against the real domain, a CollectingDispatcher and a real database."""

from __future__ import annotations

import importlib
import logging
import sqlite3
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.booking.store import RequestStore
from bot.channels.formatting import render_turn
from bot.channels.offers import resolve_number
from bot.config import load_clinic
from bot.privacy.crypto import generate_key

NAME = "Evelyn Hartwell-Quinn"
PHONE = "+15552010187"
FILLED = {
    "booking_consent": True,
    "full_name": NAME,
    "contact": PHONE,
    "contact_kind": "phone",
    "preferred_time": "weekday mornings",
    "preferred_time_normalized": "weekdays morning",
    "location": "north",
    "booking_review": "submit",
    "requested_slot": None,
}
ACTIVATION = {"event": "active_loop", "name": "consultation_form", "timestamp": 1764000000.5}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A data key and a fresh database for each test."""
    db = tmp_path / "requests.db"
    monkeypatch.setenv("BOT_DATA_KEY", generate_key())
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.delenv("BOT_SMTP_HOST", raising=False)
    return db


@pytest.fixture
def booking(env):
    """actions.booking, imported with a key configured (it refuses to load without one)."""
    return importlib.import_module("actions.booking")


@pytest.fixture(scope="module")
def domain() -> dict:
    return yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())


def tracker(
    slots=None, text="", intent=None, entities=None, events=None, active_loop="consultation_form"
):
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
    }
    return Tracker(
        sender_id="web-7f3a9c",
        slots=dict(slots or {}),
        latest_message=latest,
        events=list(events or [ACTIVATION, {"event": "user", "input_channel": "rest"}]),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select id, name_encrypted from consultation_requests").fetchall()


def test_the_action_server_refuses_to_start_without_a_key(monkeypatch, tmp_path):
    """The action server cannot start without a key outside development mode; importing the
    actions does nothing (no work at import time)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "BOT_ENV": "production", "PYTHONPATH": str(root)}
    imported = subprocess.run(
        [sys.executable, "-c", "import actions.booking, actions.readiness"],
        capture_output=True, text=True, cwd=root, env=env, timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr[-2000:]
    result = subprocess.run(
        [sys.executable, "-m", "bot.reliability.action_server", "--port", "0"],
        capture_output=True, text=True, cwd=root, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "KeyConfigurationError" in result.stderr and "BOT_DATA_KEY is not set" in result.stderr


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("value", "slot_values", "said"),
    [
        ("555-0187", {"contact": None, "contact_kind": None}, "area code"),
        ("+44 20 7946 0958", {"contact": None, "contact_kind": None}, "only take US phone"),
        ("jane@", {"contact": None, "contact_kind": None}, "email address doesn't look complete"),
        ("(555) 201-0187", {"contact": PHONE, "contact_kind": "phone"}, ""),
        ("Jane.Doe@Example.ORG", {"contact": "Jane.Doe@example.org", "contact_kind": "email"}, ""),
    ],
)
async def test_contact_validation(booking, domain, value, slot_values, said):
    dispatcher = CollectingDispatcher()
    form = booking.ValidateConsultationForm()
    result = await form.validate_contact(value, dispatcher, tracker(), domain)
    assert result == slot_values
    if said:
        assert said in texts(dispatcher)
        assert value not in texts(dispatcher)  # the re-ask never echoes what was typed
    else:
        assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("value", "expected", "said"),
    [
        ("my name is Jane Doe", "Jane Doe", ""),
        ("Jane", None, "first and last name"),
        ("I want to book an appointment", None, "only need your name"),
        ("12345", None, "doesn't look like a name"),
    ],
)
async def test_name_validation(booking, domain, value, expected, said):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_full_name(
        value, dispatcher, tracker(), domain
    )
    assert result == {"full_name": expected}
    assert (said in texts(dispatcher)) if said else dispatcher.messages == []


@pytest.mark.parametrize(("value", "contact", "kind"), [
    ("my cell is 847-555-0133", "+18475550133", "phone"),  # review 12: dropped before
    ("rk@example.org", "rk@example.org", "email"),
])
async def test_a_contact_typed_at_the_name_question_is_kept_and_the_name_asked_again(
        booking, domain, value, contact, kind):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_full_name(
        value, dispatcher, tracker(), domain)
    assert result == {"full_name": None, "contact": contact, "contact_kind": kind}
    assert "I've noted that" in texts(dispatcher) and value not in texts(dispatcher)


async def test_preferred_time_keeps_text_and_normalised_form(booking, domain):
    result = await booking.ValidateConsultationForm().validate_preferred_time(
        "weekday mornings after 9am", CollectingDispatcher(), tracker(), domain
    )
    assert result == {
        "preferred_time": "weekday mornings after 9am",
        "preferred_time_normalized": "weekdays after 09:00",
    }


@pytest.mark.parametrize(("value", "note"), [
    ("saturday mornings", "closed on that day"),
    ("weekday evenings", "closed at that time"),
    ("after 6pm on weekdays", "closed at that time"),
    ("tuesday afternoon", None),
    ("asap", None),
])
async def test_a_time_when_the_clinic_is_closed_is_kept_with_a_gentle_note(booking, domain,
                                                                          value, note):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_preferred_time(
        value, dispatcher, tracker(), domain
    )
    assert result["preferred_time"] == value  # kept: the care team decides
    if note:
        [message] = texts(dispatcher).splitlines() or [""]
        assert note in message and load_clinic().hours_text in message
    else:
        assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("north", "north"), ("main", "main"), ("the North office", "north"),
     ("Main Street please", "main"), ("downtown", None), ("office", None)],
)  # fmt: skip
async def test_location_validation_uses_the_clinic_profile(booking, domain, value, expected):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_location(
        value, dispatcher, tracker(), domain
    )
    assert result == {"location": expected}
    if expected is None:
        assert "choose one of our locations" in texts(dispatcher)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("fine by me", True), ("ok, go ahead", True),
     ("I'd rather not", False), ("no problem", True), ("banana", None)],
)  # fmt: skip
async def test_consent_validation(booking, domain, value, expected):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_booking_consent(
        value, dispatcher, tracker(), domain
    )
    assert result == {"booking_consent": expected}
    if expected is None:
        assert "yes or no" in texts(dispatcher)


async def test_no_consent_means_no_further_questions(booking, domain):
    form = booking.ValidateConsultationForm()
    required = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(),
        tracker(slots={"booking_consent": False}), domain,
    )  # fmt: skip
    assert required == []
    required = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(),
        tracker(slots={"booking_consent": True}), domain,
    )  # fmt: skip
    assert required == [
        "booking_consent", "full_name", "contact", "preferred_time", "location", "booking_review"
    ]  # fmt: skip


async def test_a_no_at_the_summary_asks_what_to_change(booking, domain):
    form = booking.ValidateConsultationForm()
    assert await form.validate_booking_review(
        "change", CollectingDispatcher(), tracker(), domain
    ) == {"booking_review": None}
    assert await form.validate_booking_review(
        "looks good", CollectingDispatcher(), tracker(), domain
    ) == {"booking_review": "submit"}
    dispatcher = CollectingDispatcher()
    await booking.ActionAskBookingReview().run(
        dispatcher, tracker(slots=FILLED, intent="deny", text="no"), domain
    )
    [message] = dispatcher.messages
    assert "Which detail" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert '/correct_booking{"booking_field":"contact"}' in payloads
    assert "/cancel_booking" in payloads and "/affirm" not in payloads


# ------------------------------------------------------------------ prompts


async def test_location_buttons_come_from_the_clinic_profile(
    booking, domain, tmp_path, monkeypatch
):
    clinic = yaml.safe_load((Path(__file__).resolve().parent.parent / "knowledge" / "clinic.yml")
                           .read_text())  # fmt: skip
    clinic["clinic"]["locations"] = [
        {"id": "lakeside", "name": "Lakeside office", "address": "9 Shore Road"},
        {"id": "uptown", "name": "Uptown office", "address": "1 High Street"},
        {"id": "west", "name": "West clinic", "address": "77 Sunset Blvd"},
    ]
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(clinic))
    monkeypatch.setenv("BOT_CLINIC_FILE", str(path))
    dispatcher = CollectingDispatcher()
    await booking.ActionAskLocation().run(dispatcher, tracker(), domain)
    [message] = dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == [
        "Lakeside office (9 Shore Road)", "Uptown office (1 High Street)",
        "West clinic (77 Sunset Blvd)",
    ]  # fmt: skip
    assert message["buttons"][2]["payload"] == '/inform{"location_id":"west"}'
    result = await booking.ValidateConsultationForm().validate_location(
        "uptown please", CollectingDispatcher(), tracker(), domain
    )
    assert result == {"location": "uptown"}


async def test_summary_shows_every_detail_with_change_buttons(booking, domain):
    dispatcher = CollectingDispatcher()
    await booking.ActionAskBookingReview().run(
        dispatcher, tracker(slots=FILLED, intent="inform"), domain
    )
    [message] = dispatcher.messages
    for shown in (NAME, "(555) 201-0187", "weekday mornings", "North office"):
        assert shown in message["text"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles[0] == "Yes, send it"
    assert {"Change name", "Change phone number or email", "Change preferred time",
            "Change location", "Cancel the request"} <= set(titles)  # fmt: skip


async def test_change_clears_the_detail_and_its_companion(booking, domain):
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "booking_field", "value": "contact"}]
    events = await booking.ActionChangeConsultationField().run(
        dispatcher, tracker(slots=FILLED, intent="correct_booking", entities=entities), domain
    )
    assert events == [
        SlotSet("contact", None), SlotSet("contact_kind", None), SlotSet("booking_review", None),
        SlotSet("booking_attempt_key", None),  # a changed request is a new request
    ]  # fmt: skip
    assert "change your phone number or email" in texts(dispatcher)


async def test_change_without_a_form_points_to_the_phone(booking, domain):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionChangeConsultationField().run(
        dispatcher, tracker(intent="correct_booking", active_loop=None), domain
    )
    assert events == []
    assert load_clinic().phone_display in texts(dispatcher)


# ------------------------------------------------------------------ submit and cancel


def all_cleared(events) -> bool:
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e.get("value") is None}
    return set(FILLED) - {"requested_slot"} <= cleared and "requested_slot" in cleared


async def test_submit_stores_once_then_confirms_and_clears(booking, domain, env, caplog):
    profile = load_clinic()
    caplog.set_level(logging.DEBUG)
    dispatcher = CollectingDispatcher()
    events = await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots=FILLED), domain
    )
    reply = texts(dispatcher)
    assert "has been sent" in reply and "reference #1" in reply
    assert profile.booking_note in reply
    assert profile.hours_text in reply and profile.phone_display in reply
    assert all_cleared(events)

    store = RequestStore()
    [stored] = store.list()
    assert (stored.full_name, stored.contact, stored.location_id) == (NAME, PHONE, "north")
    assert stored.preferred_time_normalized == "weekdays morning"
    assert stored.channel == "rest"
    assert stored.conversation_ref == store.cipher.keyed_hash("web-7f3a9c", "conversation")

    # Rasa re-running the same submit (same form run) must not create a second request.
    again = CollectingDispatcher()
    await booking.ActionSubmitConsultationRequest().run(again, tracker(slots=FILLED), domain)
    assert "reference #1" in texts(again)
    assert len(store.list()) == 1
    # A new run of the form is a new request.
    later = dict(ACTIVATION, timestamp=ACTIVATION["timestamp"] + 600)
    await booking.ActionSubmitConsultationRequest().run(
        CollectingDispatcher(), tracker(slots=FILLED, events=[later]), domain
    )
    assert len(store.list()) == 2
    store.dispose()
    for secret in (NAME, PHONE, "5552010187", "weekday mornings", "web-7f3a9c"):
        assert secret not in caplog.text


async def test_storage_failure_is_told_honestly_and_keeps_the_details_for_a_retry(
    booking, domain, env, tmp_path, monkeypatch
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{blocked}/requests.db")
    dispatcher = CollectingDispatcher()
    events = await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots=FILLED), domain
    )
    reply = texts(dispatcher)
    assert "NOT saved" in reply and load_clinic().phone_display in reply
    assert "has been sent" not in reply and "reference" not in reply
    assert "try sending it again" in reply
    # The form is active again at its last question; no detail is cleared.
    [key] = [e["value"] for e in events if e.get("name") == "booking_attempt_key"]
    assert key and NAME not in key and PHONE not in key
    assert events[-1] == ActiveLoop("consultation_form")
    assert {e["name"] for e in events if e.get("event") == "slot"} == {
        "booking_attempt_key", "booking_review"
    }  # fmt: skip

    # The database is back: the retry stores the request once, under the failed attempt's key,
    # and a second retry (a lost reply, a double tap) returns the same request.
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{env}")
    retry = tracker(slots={**FILLED, "booking_attempt_key": key})
    for _ in range(2):
        again = CollectingDispatcher()
        events = await booking.ActionSubmitConsultationRequest().run(again, retry, domain)
        assert "has been sent" in texts(again) and "reference #1" in texts(again)
        assert all_cleared(events) and SlotSet("booking_attempt_key", None) in events
    store = RequestStore()
    [stored] = store.list()
    assert store.find_by_idempotency_key(key).id == stored.id
    store.dispose()


async def test_a_confirmation_after_a_crisis_keeps_988_in_view(booking, domain, env):
    """Review 15: after a crisis earlier in the conversation, the confirmation had no 988."""
    dispatcher = CollectingDispatcher()
    await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots={**FILLED, "crisis_mode": True}), domain)
    assert "has been sent" in texts(dispatcher)
    assert [m.get("response") for m in dispatcher.messages][-1] == "utter_safety_resources"
    calm = CollectingDispatcher()
    later = dict(ACTIVATION, timestamp=ACTIVATION["timestamp"] + 900)
    await booking.ActionSubmitConsultationRequest().run(
        calm, tracker(slots=FILLED, events=[later]), domain)
    assert "utter_safety_resources" not in [m.get("response") for m in calm.messages]


async def test_the_retry_question_after_a_failed_submit(booking, domain):
    pending = {**FILLED, "booking_review": None, "booking_attempt_key": "k", "requested_slot":
               "booking_review"}  # fmt: skip
    dispatcher = CollectingDispatcher()
    await booking.ActionAskBookingReview().run(dispatcher, tracker(slots=pending), domain)
    [message] = dispatcher.messages
    assert "try to send your request again" in message["text"]
    assert NAME not in message["text"]  # not the whole summary again
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/cancel_booking"]
    # Over SMS the buttons are numbered options, and "1" is the first button's payload.
    sms = render_turn(dispatcher.messages).text
    assert "1) Try again" in sms and "2) No, delete my details" in sms
    assert resolve_number("1", message["buttons"]).text == "/affirm"

    form = booking.ValidateConsultationForm()
    for value, intent, expected in [
        ("submit", "affirm", "submit"),  # the button, "yes", "try again"
        ("try again", "nlu_fallback", "submit"),  # typed, whatever NLU made of it
        ("change", "deny", "discard"),  # "no": the details are deleted
        ("no thanks", "inform", "discard"),
        ("bye", "goodbye", "discard"),
    ]:
        result = await form.validate_booking_review(
            value, CollectingDispatcher(), tracker(slots=pending, intent=intent, text=value),
            domain,
        )  # fmt: skip
        assert result == {"booking_review": expected}, value
    # Without a failed submit, a "no" at the summary still means "change something".
    assert await form.validate_booking_review(
        "change", CollectingDispatcher(), tracker(slots=FILLED, intent="deny"), domain
    ) == {"booking_review": None}


async def test_a_declined_retry_deletes_the_details_and_stores_nothing(booking, domain, env):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionSubmitConsultationRequest().run(
        dispatcher,
        tracker(slots={**FILLED, "booking_review": "discard", "booking_attempt_key": "k"}),
        domain,
    )
    assert "deleted the details" in texts(dispatcher) and "has been sent" not in texts(dispatcher)
    assert load_clinic().phone_display in texts(dispatcher)
    assert all_cleared(events) and SlotSet("booking_attempt_key", None) in events
    assert not env.exists() or rows(env) == []


async def test_locked_database_is_told_honestly(booking, domain, env):
    RequestStore().count()  # creates the table
    blocker = sqlite3.connect(env, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        dispatcher = CollectingDispatcher()
        await booking.ActionSubmitConsultationRequest().run(
            dispatcher, tracker(slots=FILLED), domain
        )
    finally:
        blocker.rollback()
        blocker.close()
    assert "NOT saved" in texts(dispatcher) and "has been sent" not in texts(dispatcher)
    assert rows(env) == []


async def test_no_consent_stores_nothing(booking, domain, env):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots={"booking_consent": False}), domain
    )
    assert "haven't collected or saved anything" in texts(dispatcher)
    assert load_clinic().phone_display in texts(dispatcher)
    assert all_cleared(events)
    # a yes afterwards starts the form again ("ok fine yes", review 13)
    assert {"event": "slot", "name": "booking_offered", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    assert not env.exists() or rows(env) == []


async def test_no_consent_after_a_crisis_keeps_the_resources_in_view(booking, domain, env):
    dispatcher = CollectingDispatcher()
    await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots={"booking_consent": False, "crisis_mode": True}), domain
    )
    assert [m.get("response") for m in dispatcher.messages][-1] == "utter_safety_resources"


async def test_incomplete_form_is_never_confirmed(booking, domain, env):
    dispatcher = CollectingDispatcher()
    await booking.ActionSubmitConsultationRequest().run(
        dispatcher, tracker(slots={**FILLED, "contact": None}), domain
    )
    assert "have not sent it" in texts(dispatcher)
    assert "has been sent" not in texts(dispatcher)
    assert not env.exists() or rows(env) == []


async def test_cancel_stores_nothing_and_forgets_everything(booking, domain, env):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionCancelConsultationRequest().run(
        dispatcher, tracker(slots={**FILLED, "requested_slot": "booking_review"}), domain
    )
    assert ActiveLoop(None) in events
    assert all_cleared(events)
    assert "nothing you entered has been saved" in texts(dispatcher)
    assert not env.exists() or rows(env) == []


@pytest.mark.parametrize("text", ["Jane Doe", "jo@example.com", "call me at 312-555-0142"])
async def test_details_typed_outside_the_form_get_the_offer(booking, domain, text):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionOfferConsultation().run(
        dispatcher, tracker(text=text, active_loop=None, intent="inform"), domain
    )
    assert SlotSet("booking_offered", True) in events
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_details_with_the_request_in_words_start_the_form(booking, domain):
    """"hi im Marcus Webb, 555-418-2290, want a consult at the North office": no offer, the
    request is in the message."""
    dispatcher = CollectingDispatcher()
    text = "hi im Marcus Webb, 555-418-2290, want a consult at the North office"
    events = await booking.ActionOfferConsultation().run(
        dispatcher, tracker(text=text, active_loop=None, intent="inform"), domain)
    assert {"event": "followup", "name": "consultation_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]
    assert dispatcher.messages == []


async def test_a_sentence_mistaken_for_details_is_answered_honestly(booking, domain):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionOfferConsultation().run(
        dispatcher,
        tracker(text="will it rain this weekend", active_loop=None, intent="inform"),
        domain,
    )
    assert SlotSet("booking_offered", True) not in events
    assert "don't know" in texts(dispatcher)


def test_action_names_match_the_domain(booking, domain):
    names = {
        cls().name()
        for cls in (
            booking.ValidateConsultationForm, booking.ActionAskLocation,
            booking.ActionAskBookingReview, booking.ActionChangeConsultationField,
            booking.ActionCancelConsultationRequest, booking.ActionOfferConsultation,
            booking.ActionSubmitConsultationRequest,
        )
    }  # fmt: skip
    assert names <= set(domain["actions"])
    assert set(domain["forms"]["consultation_form"]["required_slots"]) <= set(domain["slots"])


async def test_a_no_to_a_form_question_explains_how_to_stop(booking, domain):
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_full_name(
        "no", dispatcher, tracker(text="no", intent="deny"), domain
    )
    assert result == {"full_name": None}
    assert "never mind" in texts(dispatcher)


async def test_typed_time_classified_as_a_pick_is_still_a_time(booking, domain):
    # "the 20th" is sometimes classified as choose_answer; with no options offered it is a time.
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_preferred_time(
        "the 20th", dispatcher, tracker(text="the 20th", intent="choose_answer"), domain
    )
    assert result["preferred_time"] == "the 20th"
    assert dispatcher.messages == []


@pytest.mark.skipif(
    not (Path(__file__).resolve().parent.parent / "var" / "index" / "index.json").exists(),
    reason="needs the retrieval index (make index)",
)
async def test_a_tapped_answer_option_mid_form_is_answered_not_stored(booking, domain):
    entities = [{"entity": "answer_id", "value": "how_to_book"}]
    text = '/choose_answer{"answer_id":"how_to_book"}'
    dispatcher = CollectingDispatcher()
    result = await booking.ValidateConsultationForm().validate_preferred_time(
        text, dispatcher, tracker(text=text, intent="choose_answer", entities=entities), domain
    )
    assert result["preferred_time"] is None and result["preferred_time_normalized"] is None
    assert result["human_offered"] is False  # the answer action's own slots are kept
    assert "Source:" in texts(dispatcher)


def test_the_closed_now_note_says_when_the_clinic_reopens_and_offers_988():
    from datetime import datetime, timezone

    from bot.booking.replies import closed_now_note

    profile = load_clinic()
    saturday_night = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)  # 2 am Central
    note = closed_now_note(profile, saturday_night)
    assert "closed now" in note and "Monday at 8:00 am" in note and "988" in note
    thursday_afternoon = datetime(2026, 12, 3, 16, 0, tzinfo=timezone.utc)
    assert closed_now_note(profile, thursday_afternoon) == ""


async def test_the_consent_question_carries_the_closed_note_once_per_request(booking, domain,
                                                                             monkeypatch):
    monkeypatch.setattr(booking.replies, "closed_now_note", lambda profile: "CLOSED NOTE")
    action = booking.ActionAskBookingConsent()
    first = CollectingDispatcher()
    await action.run(first, tracker(), domain)
    assert [m.get("response") for m in first.messages][0] == "utter_ask_booking_consent"
    assert "CLOSED NOTE" in texts(first)
    again = CollectingDispatcher()
    said = [ACTIVATION, {"event": "bot", "text": "CLOSED NOTE"}, {"event": "user"}]
    await action.run(again, tracker(events=said), domain)
    assert "CLOSED NOTE" not in texts(again)


async def test_a_corrected_time_outside_the_hours_gets_the_same_note(booking, domain):
    dispatcher = CollectingDispatcher()
    events = await booking.ActionChangeConsultationField().run(
        dispatcher, tracker(text="can we make it Saturday morning instead?",
                            intent="correct_booking", slots={"booking_consent": True}), domain)
    assert {"event": "slot", "name": "preferred_time", "value": "Saturday morning"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events]
    assert "changed your preferred time" in texts(dispatcher)
    assert "closed" in texts(dispatcher).lower()


async def test_a_correction_before_consent_takes_nothing(booking, domain):
    """"the phone should be 555-418-2209" at the privacy question: no detail before a yes."""
    dispatcher = CollectingDispatcher()
    events = await booking.ActionChangeConsultationField().run(
        dispatcher, tracker(text="the phone should be 555-418-2209, i swapped digits",
                            intent="correct_booking"), domain)
    assert events == []
    assert "clear yes or no" in texts(dispatcher) and "changed" not in texts(dispatcher)


async def test_a_cancel_after_a_request_was_sent_points_to_the_phone(booking, domain):
    sent = [{"event": "bot", "text": "sent", "metadata": {"booking_outcome": "stored"}}]
    dispatcher = CollectingDispatcher()
    await booking.ActionCancelOutsideForm().run(dispatcher, tracker(events=sent), domain)
    assert "already been sent" in texts(dispatcher)
    assert load_clinic().phone_display in texts(dispatcher)

    nothing_sent = CollectingDispatcher()
    await booking.ActionCancelOutsideForm().run(nothing_sent, tracker(), domain)
    assert [m.get("response") for m in nothing_sent.messages] == ["utter_no_problem"]
