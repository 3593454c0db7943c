"""The action server answers only the Rasa server: a shared token, loopback by default.

A real guarded action server (``python -m bot.reliability.action_server``) on a free port: a
call without the token (or with a wrong one) runs nothing and gets 401; /health stays open for
monitoring; on a public interface without a token it refuses to start.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from servers import ACTION_PYTHON, ROOT, _action_server_healthy, free_port, prepare_model

from bot.privacy.crypto import generate_key
from bot.reliability.action_server import EX_CONFIG, is_loopback, token_matches

pytestmark = [pytest.mark.e2e]

TOKEN = "test-token-0123456789abcdef"
CALL = {  # what Rasa sends to run an action
    "next_action": "action_give_contact_details",
    "sender_id": "guard-test",
    "tracker": {"sender_id": "guard-test", "slots": {}, "latest_message": {}, "events": [],
                "paused": False, "followup_action": None, "active_loop": {},
                "latest_action_name": "action_listen"},
    "domain": {},
    "version": "3.6.21",
}


def _post(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{url}/webhook", data=json.dumps(CALL).encode(), method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    prepare_model()  # the action server needs the retrieval index
    port = free_port()
    log = open(tmp_path_factory.mktemp("guard") / "actions.log", "wb")  # noqa: SIM115
    env = {**os.environ, "ACTION_SERVER_TOKEN": TOKEN, "BOT_ENV": "test",
           "BOT_DATA_KEY": generate_key(), "ACTION_SERVER_HOST": "127.0.0.1"}
    process = subprocess.Popen([str(ACTION_PYTHON), "-m", "bot.reliability.action_server",
                                "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if _action_server_healthy(url):
                break
            assert process.poll() is None, "the action server exited"
            subprocess.run(["sleep", "0.2"], check=True)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)
        log.close()


def test_a_call_without_the_token_runs_nothing(guarded):
    assert _post(guarded, {}) == 401
    assert _post(guarded, {"X-Action-Token": "wrong"}) == 401


def test_the_rasa_server_s_call_with_the_token_runs(guarded):
    assert _post(guarded, {"X-Action-Token": TOKEN}) == 200


def test_health_stays_open_for_monitoring(guarded):
    assert _action_server_healthy(guarded)


def test_a_public_interface_without_a_token_is_refused():
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    result = subprocess.run(
        [str(ACTION_PYTHON), "-m", "bot.reliability.action_server", "--port", str(free_port())],
        cwd=ROOT, env={**env, "ACTION_SERVER_HOST": "0.0.0.0"}, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == EX_CONFIG
    assert "ACTION_SERVER_TOKEN" in result.stderr


def test_loopback_and_token_comparison():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")
    assert token_matches("abc", "abc") and not token_matches("abc", "abd")
    assert not token_matches("", "")


def test_the_root_answers_plainly(guarded):
    with urllib.request.urlopen(f"{guarded}/", timeout=10) as answer:
        assert answer.status == 200 and json.loads(answer.read()) == {"status": "ok"}
