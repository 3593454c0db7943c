"""Storage outages with real servers: PostgreSQL stopped and started under a running assistant.

The production configuration (endpoints.prod.yml: conversations in PostgreSQL through
``bot.reliability.tracker_store.ResilientSQLTrackerStore``, Redis lock store) with two real
PostgreSQL servers, one for the conversations (Rasa's tracker store) and one for the
consultation requests (the action server's ``BOT_DATABASE_URL``), so that each can fail alone.

- Both databases are down when the servers start: neither server crash-loops, ``/health/ready``
  names what is missing, a patient gets an honest answer, and once PostgreSQL is back everything
  works without a restart.
- The requests database goes down at the moment of submitting: the patient is told it was NOT
  saved, the details are kept, "try again" after the database is back stores exactly one
  request (under the failed attempt's idempotency key), and a retry after that stores nothing
  more. A question, a "no" or a crisis message instead of the retry: the details do not stay.
- The conversation database goes down mid-form: an honest 503, then the same conversation goes
  on where it was, every event once.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from db_servers import Postgres, postgres_server, redis_server
from reliability_harness import (
    RasaHandle,
    _stop,
    action_server_command,
    credentials_requiring_a_persistent_store,
    free_port,
    get_json,
    logs,
    model_for_tests,
    production_env,
    rasa_command,
    spawn,
    texts,
    wait_for_action_server,
    wait_for_ready,
    write_config,
)
from servers import ROOT, _wait_until
from sqlalchemy import create_engine, text

from bot.config import load_clinic
from bot.privacy.crypto import Cipher
from bot.privacy.tracker_events import open_event

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REDIS_PASSWORD = secrets.token_hex(12)
CONFIRMED = "has been sent"
NOT_SAVED = "NOT saved"
RETRY_QUESTION = "try to send your request again"
PERSONAL_SLOTS = ("full_name", "contact", "preferred_time", "location", "booking_attempt_key")
# Every name and number this file types, for the log check at the end.
TYPED: list[str] = []


@dataclass
class Stack:
    rasa: RasaHandle
    actions: subprocess.Popen
    conversations_db: Postgres
    requests_db: Postgres
    workdir: Path
    data_key: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """Both servers, started while both PostgreSQL servers are down (see the first test)."""
    workdir: Path = tmp_path_factory.mktemp("storage-outage")
    model = model_for_tests()
    with (
        postgres_server(databases=("rasa",)) as conversations_db,
        postgres_server(databases=("clinic",)) as requests_db,
        redis_server(workdir / "redis-data", password=REDIS_PASSWORD) as redis_port,
    ):
        env = production_env(
            requests_db.url(), conversations_db.port, redis_port, REDIS_PASSWORD
        )
        conversations_db.stop()
        requests_db.stop()
        processes: list[subprocess.Popen] = []
        try:
            action_port = free_port()
            action_url = f"http://127.0.0.1:{action_port}"
            actions = spawn("actions", action_server_command(action_port), workdir, env)
            processes.append(actions)
            wait_for_action_server(action_url, actions, workdir)
            credentials = credentials_requiring_a_persistent_store()
            endpoints = (ROOT / "endpoints.prod.yml").read_text()
            write_config(workdir, credentials=credentials, endpoints=endpoints)
            port = free_port()
            rasa = spawn(
                "rasa",
                rasa_command(port, workdir, model),
                workdir,
                {**env, "ACTION_SERVER_URL": f"{action_url}/webhook"},
            )
            processes.append(rasa)
            url = f"http://127.0.0.1:{port}"
            _wait_until(lambda: _answers(f"{url}/health/live"), {"rasa": rasa}, workdir, "live")
            yield Stack(RasaHandle(url, rasa, workdir), actions, conversations_db, requests_db,
                        workdir, env["BOT_DATA_KEY"])  # fmt: skip
        finally:
            for process in reversed(processes):
                _stop(process)


def _answers(url: str) -> bool:
    try:
        return get_json(url, timeout=10)[0] == 200
    except OSError:
        return False


@pytest.fixture
def up(stack: Stack) -> Stack:
    """Both databases running and the assistant ready (whatever an earlier test left)."""
    stack.conversations_db.start()
    stack.requests_db.start()
    wait_for_ready(stack.rasa.url, stack.rasa.process, stack.workdir)
    return stack


def readiness(stack: Stack) -> tuple[int, dict]:
    return get_json(f"{stack.rasa.url}/health/ready", timeout=30)


def say(stack: Stack, sender: str, message: str, status: int = 200) -> tuple[str, list]:
    """Send one message; the reply texts and the body (asserting the HTTP status)."""
    code, body, _ = stack.rasa.send(sender, message)
    assert code == status, (message, code, body)
    return texts(body), body


def book_until_summary(stack: Stack, sender: str, name: str, phone: str) -> None:
    TYPED.extend([name, phone])
    for message, expected in [
        ("I'd like to book a consultation", "encrypted"),
        ("yes", "full name"),
        (name, "phone number or email"),
        (phone, "When would suit you"),
    ]:
        reply, _ = say(stack, sender, message)
        assert expected in reply, (message, reply)
    reply, body = say(stack, sender, "weekday mornings")
    reply, _ = say(stack, sender, body[-1]["buttons"][0]["payload"])  # a location button
    assert name in reply, reply  # the summary


def requests_rows(db: Postgres) -> list[dict[str, Any]]:
    engine = create_engine(db.url())
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(text(
                "select id, idempotency_key, name_encrypted, contact_encrypted "
                "from consultation_requests order by id"))]  # fmt: skip
    finally:
        engine.dispose()


def stored_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """The conversation's rows: ``sealed`` as stored, ``data`` opened with the data key."""
    cipher = Cipher(base64.b64decode(stack.data_key))
    engine = create_engine(stack.conversations_db.url(database="rasa"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("select id, type_name, timestamp, data from events where sender_id = :s "
                     "order by id"), {"s": sender},
            )  # fmt: skip
            return [
                {**row._mapping, "sealed": row.data,
                 "data": json.dumps(open_event(row.data, sender, row.type_name, cipher))}
                for row in rows
            ]  # fmt: skip
    finally:
        engine.dispose()


def assert_honest_failure(reply: str) -> None:
    clinic = load_clinic()
    assert reply.strip(), "never an empty answer"
    assert clinic.phone_display in reply and "988" in reply and "911" in reply, reply
    assert CONFIRMED not in reply and "Source:" not in reply


def slots(stack: Stack, sender: str) -> tuple[dict, str | None]:
    tracker = stack.rasa.tracker(sender)
    return tracker["slots"], (tracker.get("active_loop") or {}).get("name")


# --- 1. both databases down at start ----------------------------------------------------------


def test_servers_start_with_both_databases_down_and_recover_without_a_restart(stack: Stack):
    # The Rasa server serves HTTP: no wait at start, no exit, no crash loop.
    assert get_json(f"{stack.rasa.url}/health/live")[0] == 200
    # The action server's first readiness answer loads its model: wait for it, not for the
    # databases.
    deadline = time.monotonic() + 180
    while True:
        status, ready = readiness(stack)
        if ready["checks"].get("action_server", {}).get("ok") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 503 and ready["ready"] is False, ready
    checks = ready["checks"]
    assert checks["model"]["ok"] and checks["action_server"]["ok"], checks
    assert checks["tracker_store"] == {
        "ok": False, "detail": "tracker store failed (TrackerStoreUnavailable)"
    }, checks  # fmt: skip
    # Reported, not required: questions could still be answered without it.
    assert checks["requests_db"]["ok"] is False and checks["requests_db"]["required"] is False
    assert "OperationalError" in checks["requests_db"]["detail"]
    assert set(ready["degraded"]) == {"tracker_store", "requests_db"}

    # A patient gets an honest answer, not silence and not a conversation kept in memory.
    reply, _ = say(stack, "outage-start", "what is ketamine therapy", status=503)
    assert_honest_failure(reply)
    time.sleep(2)
    assert stack.rasa.process.poll() is None and stack.actions.poll() is None

    # PostgreSQL is back (the conversations database still without its table): no restart.
    stack.conversations_db.start()
    stack.requests_db.start()
    wait_for_ready(stack.rasa.url, stack.rasa.process, stack.workdir)
    status, ready = readiness(stack)
    assert status == 200 and ready["degraded"] == [], ready
    assert ready["checks"]["tracker_store"]["detail"] == "ResilientSQLTrackerStore"

    sender = "outage-start-" + secrets.token_hex(3)
    reply, _ = say(stack, sender, "what is ketamine therapy")
    assert "Source:" in reply
    book_until_summary(stack, sender, "Rosalind Achterberg", "(555) 301-4471")
    reply, _ = say(stack, sender, "yes, send it")
    assert CONFIRMED in reply, reply
    [row] = requests_rows(stack.requests_db)
    assert "Rosalind" not in row["name_encrypted"] and "3014471" not in row["contact_encrypted"]
    events = stored_events(stack, sender)
    said = [e["data"] for e in events if e["type_name"] == "user"]
    assert len(said) == 8 and "what is ketamine therapy" in said[0]
    sealed = "\n".join(e["sealed"] for e in events)  # as the database holds them
    assert "Rosalind" not in sealed and "301-4471" not in sealed and "ketamine" not in sealed


# --- 2. the requests database fails at the moment of submitting --------------------------------


def test_requests_database_down_at_submit_then_a_retry_stores_exactly_once(up: Stack):
    stack, sender = up, "outage-submit-" + secrets.token_hex(3)
    before = len(requests_rows(stack.requests_db))
    book_until_summary(stack, sender, "Cornelius Vandermeer", "(555) 302-8812")

    stack.requests_db.stop()
    reply, body = say(stack, sender, "yes, send it")
    clinic = load_clinic()
    assert NOT_SAVED in reply and clinic.phone_display in reply and CONFIRMED not in reply
    assert RETRY_QUESTION in reply, reply
    buttons = body[-1]["buttons"]
    assert [b["payload"] for b in buttons] == ["/affirm", "/cancel_booking"]
    kept, form = slots(stack, sender)
    assert form == "consultation_form" and kept["full_name"] == "Cornelius Vandermeer"
    attempt = kept["booking_attempt_key"]
    assert attempt

    # Typed, while the database is still down: honest again, the same attempt.
    reply, _ = say(stack, sender, "try again")
    assert NOT_SAVED in reply and RETRY_QUESTION in reply
    assert slots(stack, sender)[0]["booking_attempt_key"] == attempt

    stack.requests_db.start()
    reply, _ = say(stack, sender, buttons[0]["payload"])  # the "Try again" button
    assert CONFIRMED in reply, reply
    rows = requests_rows(stack.requests_db)
    assert len(rows) == before + 1
    assert rows[-1]["idempotency_key"] == attempt, "stored under the failed attempt's key"
    assert f"#{rows[-1]['id']}" in reply, "confirmed with the real id"
    cleared, form = slots(stack, sender)
    assert form is None and all(cleared[s] is None for s in PERSONAL_SLOTS)

    # Retrying once more (typed, or a stale button) stores nothing more.
    reply, _ = say(stack, sender, "try again")
    assert CONFIRMED not in reply
    assert len(requests_rows(stack.requests_db)) == before + 1


@pytest.mark.parametrize(
    ("instead", "expected"),
    [
        ("no", "deleted the details"),
        ("goodbye", "deleted the details"),
        ("I want to end my life", "988"),
    ],
    ids=["no", "goodbye", "crisis"],
)
def test_kept_details_do_not_stay_when_the_patient_does_not_retry(up: Stack, instead, expected):
    stack, sender = up, f"outage-{instead.split()[0].lower()}-" + secrets.token_hex(3)
    before = len(requests_rows(stack.requests_db))
    book_until_summary(stack, sender, "Philippa Oyelaran", "(555) 303-6620")
    stack.requests_db.stop()
    reply, _ = say(stack, sender, "yes, send it")
    assert NOT_SAVED in reply

    if instead == "no":
        # A question first: answered, and the retry question is asked again.
        reply, _ = say(stack, sender, "how long does a session take?")
        assert "Source:" in reply and RETRY_QUESTION in reply, reply
        assert slots(stack, sender)[0]["full_name"] == "Philippa Oyelaran"
    reply, _ = say(stack, sender, instead)
    assert expected in reply, reply
    assert CONFIRMED not in reply

    cleared, form = slots(stack, sender)
    assert form is None
    assert all(cleared[s] is None for s in PERSONAL_SLOTS), cleared
    stack.requests_db.start()
    reply, _ = say(stack, sender, "try again")
    assert CONFIRMED not in reply
    assert len(requests_rows(stack.requests_db)) == before


# --- 3. the conversation database fails mid-form ----------------------------------------------


def test_tracker_store_down_mid_form_then_the_same_conversation_goes_on(up: Stack):
    stack, sender = up, "outage-tracker-" + secrets.token_hex(3)
    name, phone = "Leopold Abernathy-Cho", "(555) 304-9931"
    TYPED.extend([name, phone])
    before_requests = len(requests_rows(stack.requests_db))
    sent = ["I'd like to book a consultation", "yes", name]
    for message in sent:
        say(stack, sender, message)
    before = stored_events(stack, sender)

    stack.conversations_db.stop()
    reply, _ = say(stack, sender, phone, status=503)
    assert_honest_failure(reply)
    assert "When would suit you" not in reply
    status, ready = readiness(stack)
    assert status == 503 and ready["checks"]["tracker_store"]["ok"] is False
    assert get_json(f"{stack.rasa.url}/health/live")[0] == 200

    stack.conversations_db.start()
    wait_for_ready(stack.rasa.url, stack.rasa.process, stack.workdir)
    # The form goes on at the question the patient was answering.
    reply, _ = say(stack, sender, phone)
    assert "When would suit you" in reply, reply
    reply, body = say(stack, sender, "weekday afternoons")
    location = body[-1]["buttons"][0]["payload"]
    reply, _ = say(stack, sender, location)
    assert name in reply and "(555) 304-9931" in reply
    reply, _ = say(stack, sender, "yes, send it")
    assert CONFIRMED in reply, reply
    sent += [phone, "weekday afternoons", location, "yes, send it"]

    after = stored_events(stack, sender)
    assert after[: len(before)] == before, "nothing written before the outage was lost"
    users = [e for e in after if e["type_name"] == "user"]
    assert len(users) == len(sent), "every message once; the one that failed was not stored"
    for event, message in zip(users, sent, strict=True):
        assert f'"text": "{message}"' in event["data"] or message.startswith("/"), event["data"]
    keys = [(e["type_name"], e["timestamp"], e["data"]) for e in after]
    assert len(keys) == len(set(keys)), "no event written twice"
    assert len(requests_rows(stack.requests_db)) == before_requests + 1


def test_no_personal_data_in_the_logs(stack: Stack):
    written = logs(stack.workdir)
    assert "tracker store unavailable" in written  # the outages were logged, by error type
    for secret in TYPED:
        assert secret not in written
        digits = "".join(ch for ch in secret if ch.isdigit())
        if digits:
            assert digits not in written
