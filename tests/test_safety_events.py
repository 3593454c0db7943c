"""Crisis events: recorded for clinic review with time, channel and a pseudonym, nothing else."""

import base64
import sqlite3

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionNoteConsultationOffer, ActionRecordCrisisEvent
from bot.booking.store import RequestStore
from bot.privacy.crypto import Cipher, generate_key
from bot.safety import events
from bot.safety.events import CrisisEventStore

SECRET_TEXT = "I am going to kill myself tonight, call me at 555-0199, Jane Roe"


@pytest.fixture
def cipher():
    return Cipher(base64.b64decode(generate_key()))


@pytest.fixture
def store(tmp_path, cipher):
    url = f"sqlite:///{tmp_path / 'requests.db'}"
    store = CrisisEventStore(url=url, pseudonymise=lambda s: cipher.keyed_hash(s, "conversation"))
    yield store
    store.dispose()


def test_an_event_holds_time_channel_pseudonym_and_categories(store):
    event = store.record("+15555550199", "twilio_sms", ["suicidal_ideation", "third_party"],
                         "rules", None)
    assert event.channel == "twilio_sms"
    assert event.categories == ("suicidal_ideation", "third_party")
    assert event.created_at.tzinfo is not None
    assert "15555550199" not in event.conversation_ref
    assert len(event.conversation_ref) == 64
    [listed] = store.list()
    assert listed.conversation_ref == event.conversation_ref


def test_same_pseudonym_as_the_consultation_requests(tmp_path, cipher, store):
    requests = RequestStore(url=f"sqlite:///{tmp_path / 'requests.db'}", cipher=cipher)
    assert store.record("user-42", "rest").conversation_ref == requests.conversation_ref("user-42")


def test_free_text_never_reaches_the_table(store, tmp_path):
    store.record("user-1", "rest", [SECRET_TEXT], "rules", None)
    [event] = store.list()
    assert event.categories == ()
    raw = (tmp_path / "requests.db").read_bytes()
    for fragment in (b"kill myself", b"555-0199", b"Jane", b"user-1"):
        assert fragment not in raw


def test_table_lives_next_to_the_requests(store, tmp_path):
    store.record("user-1", "rest")
    with sqlite3.connect(tmp_path / "requests.db") as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
    assert "crisis_events" in tables


def test_unwritable_database_raises_a_safe_error(tmp_path):
    # The "database file" is a directory: SQLite cannot open it (root ignores permissions).
    store = CrisisEventStore(url=f"sqlite:///{tmp_path}", pseudonymise=lambda s: "x")
    with pytest.raises(events.EventStorageError) as raised:
        store.record("user-1", "rest")
    assert "user-1" not in str(raised.value)


def _crisis_tracker(tracker_for, events_list, channel="rest"):
    tracker = tracker_for(SECRET_TEXT, intent="crisis", sender_id="patient-7",
                          events=events_list)
    tracker.latest_message["safety"] = {
        "crisis": {"level": "crisis", "categories": ["suicidal_ideation"], "rules": ["x"]},
        "decided_by": "rules",
    }
    return tracker


async def test_action_records_the_event_without_text(monkeypatch, store, tracker_for, domain,
                                                     tmp_path):
    monkeypatch.setattr(events, "get_event_store", lambda: store)
    monkeypatch.setattr("actions.safety.get_event_store", lambda: store)
    user = {"event": "user", "text": SECRET_TEXT, "input_channel": "twilio_sms"}
    tracker = _crisis_tracker(tracker_for, [user])
    dispatcher = CollectingDispatcher()
    result = await ActionRecordCrisisEvent().run(dispatcher, tracker, domain)
    assert result == []              # no form was interrupted: nothing to clear
    assert dispatcher.messages == []  # the reply is utter_crisis, sent by Rasa itself
    [event] = store.list()
    assert event.channel == "twilio_sms"
    assert event.categories == ("suicidal_ideation",)
    assert b"kill" not in (tmp_path / "requests.db").read_bytes()


async def test_action_clears_what_an_interrupted_form_collected(monkeypatch, store, tracker_for,
                                                                domain):
    monkeypatch.setattr("actions.safety.get_event_store", lambda: store)
    monkeypatch.setenv("BOT_DATA_KEY", generate_key())
    history = [
        {"event": "active_loop", "name": "consultation_form"},
        {"event": "slot", "name": "full_name", "value": "Jane Roe"},
        {"event": "user", "text": SECRET_TEXT, "input_channel": "rest"},
        {"event": "action", "name": "utter_crisis"},
        {"event": "action", "name": "action_deactivate_loop"},
        {"event": "active_loop", "name": None},
    ]
    tracker = _crisis_tracker(tracker_for, history)
    result = await ActionRecordCrisisEvent().run(CollectingDispatcher(), tracker, domain)
    cleared = {e["name"]: e["value"] for e in result if e.get("event") == "slot"}
    assert cleared.get("full_name", "missing") is None
    assert store.list()[0].during_form == "consultation_form"


async def test_action_survives_a_broken_database(monkeypatch, tracker_for, domain, tmp_path):
    broken = CrisisEventStore(url=f"sqlite:///{tmp_path}", pseudonymise=lambda s: "x")
    monkeypatch.setattr("actions.safety.get_event_store", lambda: broken)
    tracker = _crisis_tracker(tracker_for, [{"event": "user", "text": "x"}])
    assert await ActionRecordCrisisEvent().run(CollectingDispatcher(), tracker, domain) == []


async def test_medical_refusal_makes_a_yes_start_the_form(tracker_for, domain):
    result = await ActionNoteConsultationOffer().run(
        CollectingDispatcher(), tracker_for("how much ketamine should I take"), domain)
    slots = {e["name"]: e["value"] for e in result}
    assert slots == {"booking_offered": True, "human_offered": False}
    assert "booking_offered" in domain["slots"]


def test_the_database_file_is_readable_by_its_owner_only_when_events_create_it(tmp_path, cipher):
    import stat

    path = tmp_path / "sub" / "requests.db"
    store = CrisisEventStore(
        url=f"sqlite:///{path}", pseudonymise=lambda s: cipher.keyed_hash(s, "conversation")
    )
    store.record("web-1", "webchat", ["suicidal_ideation"])
    store.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
