"""Retention and "forget me": the staff commands on real databases (SQLite and PostgreSQL).

Conversations are written by Rasa's own ``SQLTrackerStore`` (run in .venv-rasa, as the Rasa
server writes them), consultation requests and crisis events by the project's stores; then
``python -m bot retention`` / ``python -m bot forget`` run as staff run them, and the test
reads the databases to see what is left.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from db_servers import postgres_server
from servers import ROOT
from sqlalchemy import create_engine, text, update

from bot.booking.store import ConsultationRequestRow, NewRequest, RequestStore
from bot.privacy.crypto import generate_key
from bot.safety.events import CrisisEventStore

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
DAY = 86400.0

# The product's tracker store (events sealed with the data key), as the Rasa server runs it.
WRITE_CONVERSATIONS = r"""
import asyncio, json, sys
from bot.reliability.tracker_store import ResilientSQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

spec = json.loads(sys.argv[1])

async def main():
    store = ResilientSQLTrackerStore(Domain.empty(), **spec["store"])
    for conversation in spec["conversations"]:
        sender = conversation["sender"]
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
        ts = conversation["timestamp"]
        for i, said in enumerate(conversation["texts"]):
            tracker.update(UserUttered(said, timestamp=ts + i))
            tracker.update(ActionExecuted("action_listen", timestamp=ts + i))
            tracker.update(BotUttered("ok", timestamp=ts + i))
        await store.save(tracker)

asyncio.run(main())
"""

PHONE_TYPED = "(555) 301-7788"
PHONE = "+15553017788"
EMAIL = "Rosa.Delgado@Example.org"
NAME = "Rosa Delgado"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Iterator[dict]:
    """Where the tracker store and the requests database live for one test."""
    env = {"BOT_DATA_KEY": generate_key(), "BOT_ENV": "production",
           "SMS_SENDER_KEY": secrets.token_hex(32)}  # fmt: skip
    if request.param == "sqlite":
        tracker = tmp_path / "tracker.db"
        yield {
            **env,
            "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'requests.db'}",
            "BOT_TRACKER_DB_URL": f"sqlite:///{tracker}",
            "store": {"dialect": "sqlite", "db": str(tracker)},
        }
        return
    with postgres_server(tmp_path / "pg", databases=("clinic", "rasa")) as pg:
        yield {
            **env,
            "BOT_DATABASE_URL": pg.url(),
            "BOT_TRACKER_DB_URL": pg.url(database="rasa"),
            "store": {"dialect": "postgresql", "host": "127.0.0.1", "port": pg.port,
                      "db": "rasa", "username": "clinic", "password": "clinic"},
        }  # fmt: skip


@pytest.fixture
def env(backend, monkeypatch) -> dict:
    for key in ("BOT_DATA_KEY", "BOT_ENV", "SMS_SENDER_KEY", "BOT_DATABASE_URL"):
        monkeypatch.setenv(key, backend[key])
    from bot.privacy.crypto import _cached_cipher

    _cached_cipher.cache_clear()
    return backend


def write_conversations(backend: dict, conversations: list[dict]) -> None:
    spec = {"store": backend["store"], "conversations": conversations}
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", WRITE_CONVERSATIONS, json.dumps(spec)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def stored_event_data(backend: dict) -> str:
    """Every ``data`` value of the events table, as the database holds it."""
    engine = create_engine(backend["BOT_TRACKER_DB_URL"])
    try:
        with engine.connect() as conn:
            return "\n".join(row[0] for row in conn.execute(text("select data from events")))
    finally:
        engine.dispose()


def conversations_left(backend: dict) -> set[str]:
    engine = create_engine(backend["BOT_TRACKER_DB_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select distinct sender_id from events"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()


def staff(backend: dict, *args: str) -> subprocess.CompletedProcess:
    keys = ("BOT_DATA_KEY", "BOT_ENV", "SMS_SENDER_KEY", "BOT_DATABASE_URL", "BOT_TRACKER_DB_URL")
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, **{k: backend[k] for k in keys}},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def add_request(store: RequestStore, sender: str, name: str, contact: str, kind: str) -> int:
    request = NewRequest(
        full_name=name, contact=contact, contact_kind=kind, preferred_time="mornings",
        preferred_time_normalized="morning", location_id="main", sender_id=sender, channel="rest",
    )  # fmt: skip
    stored, _ = store.submit(request, idempotency_key=secrets.token_hex(8))
    return stored.id


def age_request(store: RequestStore, request_id: int, days: float) -> None:
    store._session_factory()
    with store._engine.begin() as conn:
        moment = datetime.now(timezone.utc) - timedelta(days=days)
        conn.execute(
            update(ConsultationRequestRow)
            .where(ConsultationRequestRow.id == request_id)
            .values(created_at=moment)
        )


def test_retention_deletes_old_conversations_and_requests_only(env):
    now = time.time()
    write_conversations(
        env,
        [
            {"sender": "old-visitor", "timestamp": now - 45 * DAY, "texts": ["hi", "bye"]},
            {"sender": "old-visitor~sms", "timestamp": now - 45 * DAY, "texts": ["x"]},
            {"sender": "recent-visitor", "timestamp": now - 2 * DAY, "texts": ["what is it"]},
            # Started long ago but still talking: kept whole.
            {"sender": "long-talker", "timestamp": now - 40 * DAY, "texts": ["a"]},
        ],
    )
    write_conversations(
        env, [{"sender": "long-talker", "timestamp": now - 60, "texts": ["still here"]}]
    )
    store = RequestStore()
    old_id = add_request(store, "old-visitor", "Ann Old", "+15550000001", "phone")
    new_id = add_request(store, "recent-visitor", "Bo New", "+15550000002", "phone")
    age_request(store, old_id, 100)
    age_request(store, new_id, 3)

    dry = staff(env, "retention", "--conversations-days", "30", "--requests-days", "90",
                "--dry-run").stdout  # fmt: skip
    assert "would delete 1 (" in dry and "consultation requests: would delete 1" in dry
    assert conversations_left(env) == {"old-visitor", "old-visitor~sms", "recent-visitor",
                                       "long-talker"}  # fmt: skip

    out = staff(env, "retention", "--conversations-days", "30", "--requests-days", "90").stdout
    assert "conversations: deleted 1" in out and "consultation requests: deleted 1" in out
    assert conversations_left(env) == {"recent-visitor", "long-talker"}
    assert [r.id for r in store.list()] == [new_id]
    for secret in ("Ann Old", "+15550000001"):
        assert secret not in out
    store.dispose()


def test_forget_deletes_everything_about_one_patient(env):
    from bot.channels.session_token import keyed_sender_id

    now = time.time()
    sms_sender = keyed_sender_id(env["SMS_SENDER_KEY"].encode(), PHONE)
    write_conversations(
        env,
        [
            # Booked by phone over the widget.
            {"sender": "web-booked", "timestamp": now - DAY, "texts": [NAME, PHONE_TYPED]},
            {"sender": "web-booked~webchat", "timestamp": now - DAY, "texts": ["state"]},
            # Typed the number, then cancelled: no request, but the text is theirs.
            {"sender": "web-cancelled", "timestamp": now - DAY, "texts": ["it's 555.301.7788"]},
            # Wrote by SMS from that number.
            {"sender": sms_sender, "timestamp": now - DAY, "texts": ["hours?"]},
            # Booked with e-mail: someone else as far as the phone is concerned.
            {"sender": "web-email", "timestamp": now - DAY, "texts": [EMAIL]},
            {"sender": "stranger", "timestamp": now - DAY, "texts": ["what is ketamine"]},
        ],
    )
    store = RequestStore()
    add_request(store, "web-booked", NAME, PHONE, "phone")
    email_id = add_request(store, "web-email", "R. Delgado", EMAIL.lower(), "email")
    other_id = add_request(store, "stranger", "Sam Other", "+15550000009", "phone")
    events = CrisisEventStore()
    events.record("web-booked", "rest", ["suicidal_ideation"])
    events.record("stranger", "rest", ["self_harm"])

    stored = stored_event_data(env)
    for secret in (NAME, PHONE_TYPED, EMAIL, "555.301.7788", "what is ketamine"):
        assert secret not in stored  # sealed at rest; forget finds them with the key
    out = staff(env, "forget", "--phone", "555 301 7788").stdout
    assert "conversations: deleted 3" in out, out
    assert "consultation requests: deleted 1" in out and "crisis events: deleted 1" in out
    assert conversations_left(env) == {"web-email", "stranger"}
    assert sorted(r.id for r in store.list()) == [email_id, other_id]
    assert [e.conversation_ref for e in events.list()] == [store.conversation_ref("stranger")]
    for secret in (PHONE, PHONE_TYPED, NAME, "7788"):
        assert secret not in out

    out = staff(env, "forget", "--email", EMAIL).stdout
    assert "conversations: deleted 1" in out and "consultation requests: deleted 1" in out
    assert conversations_left(env) == {"stranger"}
    assert [r.id for r in store.list()] == [other_id]
    store.dispose()


def test_forget_refuses_an_unusable_contact(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "forget", "--phone", "12"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"},
    )  # fmt: skip
    assert done.returncode == 1 and "not a valid phone number" in done.stderr


def test_retention_needs_a_limit(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "retention"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 2 and "--conversations-days" in done.stderr


def test_conversation_history_of_the_rest_is_untouched(env):
    """Nothing older than the limit: nothing deleted (no off-by-one on "now")."""
    write_conversations(env, [{"sender": "today", "timestamp": time.time(), "texts": ["hi"]}])
    out = staff(env, "retention", "--conversations-days", "0.5").stdout
    assert "conversations: deleted 0" in out
    assert conversations_left(env) == {"today"}
