"""Faults with honest replies, and health endpoints that tell the truth (real servers).

The Rasa server talks to the real action server through :class:`FaultProxy`, which can be
switched to answer 500 or to answer too late; at the end the action server is killed. In each
case the patient must get the honest "call us" reply with the clinic's phone number, a form in
progress must be closed with its personal slots cleared, nothing may claim a request was saved,
and ``/health/ready`` must say "not ready" while ``/health/live`` stays up.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_harness import (
    FaultProxy,
    RasaHandle,
    _stop,
    action_server_command,
    base_env,
    credentials_requiring_a_persistent_store,
    free_port,
    get_json,
    model_for_tests,
    rasa_command,
    run_until_it_stops,
    spawn,
    texts,
    wait_for_action_server,
    wait_for_rasa,
    wait_for_ready,
    write_config,
)
from servers import ROOT

from bot.config import load_clinic
from bot.privacy.crypto import generate_key

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ACTION_TIMEOUT = 8  # seconds; the proxy's "slow" mode waits twice as long
UNAVAILABLE = "isn't responding"
CONFIRMED = "has been sent"
PERSONAL_SLOTS = ("full_name", "contact", "preferred_time", "location")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[dict]:
    """Action server, fault proxy in front of it, Rasa server pointed at the proxy."""
    workdir: Path = tmp_path_factory.mktemp("reliability-faults")
    model = model_for_tests()
    env = base_env(
        {
            "BOT_ENV": "production",
            "BOT_DATA_KEY": generate_key(),
            "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
        }
    )
    action_port, rasa_port = free_port(), free_port()
    action_url = f"http://127.0.0.1:{action_port}"
    actions = spawn("actions", action_server_command(action_port), workdir, env)
    processes = [actions]
    try:
        wait_for_action_server(action_url, actions, workdir)
        with FaultProxy(action_url, slow_seconds=ACTION_TIMEOUT * 2) as proxy:
            credentials = (ROOT / "credentials.yml").read_text()
            credentials = credentials.replace(
                "action_timeout_seconds: 15", f"action_timeout_seconds: {ACTION_TIMEOUT}"
            )
            assert f"action_timeout_seconds: {ACTION_TIMEOUT}" in credentials
            write_config(workdir, credentials=credentials)
            rasa = spawn(
                "rasa",
                rasa_command(rasa_port, workdir, model),
                workdir,
                {**env, "ACTION_SERVER_URL": f"{proxy.url}/webhook"},
            )
            processes.append(rasa)
            url = f"http://127.0.0.1:{rasa_port}"
            wait_for_rasa(url, rasa, workdir)
            wait_for_ready(url, rasa, workdir)
            yield {
                "rasa": RasaHandle(url, rasa, workdir),
                "proxy": proxy,
                "actions": actions,
                "workdir": workdir,
            }
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.fixture(autouse=True)
def healthy_proxy(stack) -> Iterator[None]:
    stack["proxy"].mode = "pass"
    yield
    stack["proxy"].mode = "pass"


def requests_stored(workdir: Path) -> int:
    path = workdir / "requests.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return conn.execute("select count(*) from consultation_requests").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def assert_honest(reply: str) -> None:
    clinic = load_clinic()
    assert UNAVAILABLE in reply, reply
    assert clinic.phone_display in reply and clinic.name in reply, reply
    assert "988" in reply and "911" in reply
    assert CONFIRMED not in reply and "Source:" not in reply
    assert reply.count(UNAVAILABLE) == 1, "said once per turn, however many actions failed"


def book_until_summary(rasa: RasaHandle, sender: str) -> None:
    for text, expected in [
        ("I'd like to book a consultation", "encrypted"),
        ("yes", "full name"),
        ("Marguerite Okonkwo-Hale", "phone number or email"),
        ("(555) 201-0199", "When would suit you"),
        ("weekday mornings", ""),
    ]:
        status, body, _ = rasa.send(sender, text)
        assert status == 200 and expected in texts(body), (text, body)
    location_button = body[-1]["buttons"][0]["payload"]
    status, body, _ = rasa.send(sender, location_button)
    assert "Marguerite" in texts(body)  # the summary


def test_healthy_stack_answers_and_is_ready(stack):
    rasa: RasaHandle = stack["rasa"]
    status, body, _ = rasa.send("faults-healthy", "what is ketamine therapy")
    assert status == 200 and "Source:" in texts(body)

    status, ready = get_json(f"{rasa.url}/health/ready")
    assert status == 200 and ready["ready"] is True, ready
    assert ready["checks"]["action_server"]["detail"].startswith("index loaded")
    status, live = get_json(f"{rasa.url}/health/live")
    assert status == 200 and live["live"] is True


def test_action_server_error_gets_the_honest_reply(stack):
    rasa: RasaHandle = stack["rasa"]
    stack["proxy"].mode = "error"
    # A new conversation: the session start and the answer both fail; one honest message.
    status, body, _ = rasa.send("faults-error", "how long does a session take?")
    assert status == 200
    assert_honest(texts(body))

    status, ready = get_json(f"{rasa.url}/health/ready")
    assert status == 503 and ready["checks"]["action_server"]["ok"] is False
    assert get_json(f"{rasa.url}/health/live")[0] == 200

    stack["proxy"].mode = "pass"  # back: the same conversation is answered again
    status, body, _ = rasa.send("faults-error", "how long does a session take?")
    assert "Source:" in texts(body)


def test_slow_action_server_gets_the_honest_reply_within_the_timeout(stack):
    rasa: RasaHandle = stack["rasa"]
    rasa.send("faults-slow", "hello")
    stack["proxy"].mode = "slow"
    status, body, seconds = rasa.send("faults-slow", "what are the side effects of ketamine?")
    assert status == 200
    assert_honest(texts(body))
    assert seconds < ACTION_TIMEOUT * 2, f"waited {seconds:.1f} s for a {ACTION_TIMEOUT} s timeout"


def test_failure_mid_booking_closes_the_form_and_claims_nothing(stack):
    rasa: RasaHandle = stack["rasa"]
    sender = "faults-booking"
    before = requests_stored(stack["workdir"])
    book_until_summary(rasa, sender)

    stack["proxy"].mode = "error"
    status, body, _ = rasa.send(sender, "yes, send it")
    assert status == 200
    assert_honest(texts(body))
    assert requests_stored(stack["workdir"]) == before

    tracker = rasa.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name"), tracker["active_loop"]
    for slot in PERSONAL_SLOTS:
        assert tracker["slots"].get(slot) is None, slot

    stack["proxy"].mode = "pass"
    status, body, _ = rasa.send(sender, "yes")
    assert CONFIRMED not in texts(body)
    assert requests_stored(stack["workdir"]) == before


def test_killed_action_server_gets_the_honest_reply(stack):
    rasa: RasaHandle = stack["rasa"]
    sender = "faults-killed"
    status, body, _ = rasa.send(sender, "what is ketamine therapy")
    assert "Source:" in texts(body)

    os.killpg(stack["actions"].pid, signal.SIGKILL)
    stack["actions"].wait(timeout=10)
    status, body, _ = rasa.send(sender, "is ketamine addictive?")
    assert status == 200
    assert_honest(texts(body))

    status, ready = get_json(f"{rasa.url}/health/ready")
    assert status == 503 and ready["ready"] is False
    assert ready["checks"]["model"]["ok"] is True
    assert get_json(f"{rasa.url}/health/live")[0] == 200


# --- start-up checks: a server that cannot work must not start -------------------------------


def test_rasa_server_without_a_usable_model_stops_with_a_clear_message(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"this is not a model archive")
    write_config(tmp_path)
    code, log = run_until_it_stops(tmp_path, broken)
    assert code == 78, log[-2000:]
    assert "No model is loaded" in log and "make train" in log


def test_a_misspelled_tracker_store_stops_a_production_server_instead_of_using_memory(tmp_path):
    # Rasa replaces a tracker store type it cannot import with memory after a warning; with
    # require_persistent_tracker_store (credentials.prod.yml) the server stops instead.
    endpoints = (ROOT / "endpoints.yml").read_text() + (
        "\ntracker_store:\n  type: bot.reliability.tracker_store.ResilientSQLTrackerStoer\n"
    )
    write_config(tmp_path, credentials_requiring_a_persistent_store(), endpoints)
    code, log = run_until_it_stops(tmp_path, model_for_tests())
    assert code == 78, log[-2000:]
    assert "tracker store is in memory" in log and "endpoints file" in log


def test_patient_channels_refuse_to_run_without_the_reliability_layer(tmp_path):
    credentials = (ROOT / "credentials.yml").read_text()
    header = "bot.reliability.health_channel.HealthInput:"
    assert header in credentials
    # The entry and its indented options removed: what an operator's edited copy could be.
    kept, skipping = [], False
    for line in credentials.splitlines():
        if line.startswith(header):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    write_config(tmp_path, "\n".join(kept) + "\n", (ROOT / "endpoints.yml").read_text())
    code, log = run_until_it_stops(tmp_path, model_for_tests())
    assert code == 78, log[-2000:]
    assert "needs the reliability layer" in log and header.rstrip(":") in log


def test_action_server_without_an_index_refuses_to_start(tmp_path):
    # The real action server, with BOT_INDEX_DIR pointed at an empty directory (the same as a
    # deleted var/index).
    empty = tmp_path / "no-index"
    empty.mkdir()
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.reliability.action_server",
         "--port", str(free_port())],
        cwd=ROOT, env=base_env({"BOT_DATA_KEY": generate_key(), "BOT_ENV": "production",
                                "BOT_INDEX_DIR": str(empty)}),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "The action server cannot start" in output and "make index" in output


# The crisis reply is composed by the Rasa server itself; the actions on its path (the session
# start of a new conversation, recording the event) have short deadlines of their own
# (bot/reliability/action_endpoint.py), so a hanging action server cannot hold it back. The
# limit is the product's reply budget, not a benchmark: Twilio gives up after 15 s.
CRISIS_REPLY_BUDGET_SECONDS = 2.5


def test_a_crisis_reply_does_not_wait_for_a_hanging_action_server(stack):
    rasa = stack["rasa"]
    ongoing = "crisis-budget-ongoing"
    assert rasa.send(ongoing, "hi")[0] == 200
    stack["proxy"].mode = "slow"
    for sender in (ongoing, "crisis-budget-new"):
        status, body, seconds = rasa.send(sender, "I want to end my life tonight")
        reply = texts(body)
        print(f"\ncrisis reply with a hanging action server ({sender}): {seconds:.2f} s")
        assert status == 200 and "988" in reply and "911" in reply, reply
        assert UNAVAILABLE not in reply.split("988")[0], "nothing else comes before the resources"
        assert seconds <= CRISIS_REPLY_BUDGET_SECONDS, seconds
