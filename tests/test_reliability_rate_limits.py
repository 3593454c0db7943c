"""Message limits per conversation and per client address, on REST, the widget and SMS.

The servers run with the product's default limits (20 messages a minute per conversation, 120
per address) and Sanic told to trust one proxy's ``X-Real-IP`` header, as docs/deployment.md
sets it behind nginx: each test client poses as its own address through that header. A sender
over a limit gets a reply with the clinic's phone and the crisis numbers (REST: 429 and
``Retry-After``); a crisis message is never held back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import requests
from channel_clients import PollingSocket, send_sms
from reliability_harness import running_stack

from bot.config import load_clinic
from bot.privacy.crypto import generate_key
from bot.reliability.rate_limit import Limit, MessageLimits, SlidingWindow

TOO_FAST = "faster than I can read them"
CRISIS = "I can't go on anymore, I want to kill myself"
REST_PATH = "/webhooks/rest/webhook"
PER_CONVERSATION = 20  # the product's default
PER_ADDRESS = 120


# --- the limiter -----------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limits_parse_and_refuse_malformed_values():
    assert Limit.parse("20/60") == Limit(20, 60.0)
    assert Limit.parse(" 5/0.5 ") == Limit(5, 0.5)
    for bad in ("", "20", "0/60", "20/0", "-1/60", "a/b", "20/inf", "20/60/1"):
        with pytest.raises(ValueError, match="COUNT/SECONDS"):
            Limit.parse(bad, "RATE_LIMIT_PER_CONVERSATION")


def test_a_malformed_setting_stops_the_channel_at_start(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS", "lots")
    with pytest.raises(ValueError, match="RATE_LIMIT_PER_ADDRESS"):
        MessageLimits.from_env()


def test_a_conversation_is_served_again_once_its_window_has_passed():
    clock = Clock()
    limits = MessageLimits(Limit(3, 60), Limit(100, 60), clock)
    assert [limits.admit("a", "10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert limits.admit("a", "10.0.0.1") == 60  # the oldest of the three leaves in 60 s
    clock.now += 30
    assert limits.admit("a", "10.0.0.1") == 30
    assert limits.admit("b", "10.0.0.1") == 0  # another conversation from the same address
    clock.now += 30
    assert limits.admit("a", "10.0.0.1") == 0  # refused messages were not counted


def test_an_address_is_limited_across_new_conversations():
    clock = Clock()
    limits = MessageLimits(Limit(3, 60), Limit(5, 60), clock)
    assert all(limits.admit(f"new-{i}", "10.0.0.9") == 0 for i in range(5))
    assert limits.admit("new-5", "10.0.0.9") > 0
    assert limits.admit("new-5", "10.0.0.10") == 0  # another address is not affected
    assert limits.admit("sms-number") == 0  # no address (SMS): only its conversation counts


def test_memory_stays_bounded_under_a_flood_of_new_senders():
    window = SlidingWindow(Limit(2, 60), Clock(), max_keys=100)
    for i in range(10_000):
        window.record(f"sender-{i}")
    assert len(window._times) == 100
    assert window.wait_seconds("sender-9999") == 0  # the recent ones are kept, under the limit


# --- through the channels --------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[SimpleNamespace]:
    workdir = tmp_path_factory.mktemp("rate-limits")
    env = {
        "RATE_LIMIT_PER_CONVERSATION": "",  # the product's defaults, not the suite's
        "RATE_LIMIT_PER_ADDRESS": "",
        "SANIC_PROXIES_COUNT": "1",
        "SANIC_REAL_IP_HEADER": "x-real-ip",
        "BOT_ENV": "test",
        "BOT_DATA_KEY": generate_key(),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
    }
    with running_stack(workdir, extra_env=env) as rasa:
        yield SimpleNamespace(rasa_url=rasa.url)


def rest(stack, sender: str, text: str, address: str) -> requests.Response:
    return requests.post(stack.rasa_url + REST_PATH, json={"sender": sender, "message": text},
                         headers={"X-Real-IP": address}, timeout=120)  # fmt: skip


_addresses = iter(f"10.77.{n // 250}.{n % 250 + 1}" for n in range(10**5))


def new_address() -> str:
    """A client address no other test of this module has used."""
    return next(_addresses)


def reply_text(response: requests.Response) -> str:
    return "\n".join(m.get("text") or "" for m in response.json())


def assert_told_to_slow_down(text: str) -> None:
    profile = load_clinic()
    assert TOO_FAST in text and profile.phone_display in text, text
    assert "988" in text and "911" in text


def test_rest_a_conversation_over_its_limit_gets_429_but_a_crisis_still_gets_help(stack):
    sender, address = "fast-" + secrets.token_hex(4), new_address()
    for _ in range(PER_CONVERSATION):
        served = rest(stack, sender, "what are your hours", address)
        assert served.status_code == 200 and TOO_FAST not in reply_text(served)
    refused = rest(stack, sender, "what are your hours", address)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_told_to_slow_down(reply_text(refused))

    crisis = rest(stack, sender, CRISIS, address)
    assert crisis.status_code == 200
    assert "988" in reply_text(crisis) and TOO_FAST not in reply_text(crisis)

    other = rest(stack, "calm-" + secrets.token_hex(4), "what are your hours", address)
    assert other.status_code == 200  # the same address, another conversation: still served


def test_rest_an_address_opening_conversation_after_conversation_is_stopped(stack):
    address = new_address()
    for i in range(PER_ADDRESS):
        served = rest(stack, f"script-{i}-{secrets.token_hex(3)}", "hi", address)
        assert served.status_code == 200, i
    refused = rest(stack, "script-next", "I'd like to book a consultation", address)
    assert refused.status_code == 429
    assert_told_to_slow_down(reply_text(refused))
    assert rest(stack, "someone-else", "hi", new_address()).status_code == 200


def test_widget_a_session_over_its_limit_is_told_but_a_crisis_still_gets_help(stack):
    socket = PollingSocket(stack.rasa_url)
    try:
        socket.start_session()
        for _ in range(PER_CONVERSATION):
            socket.emit("user_uttered", {"message": "thanks"})
            while "welcome" not in (reply := socket.wait_for("bot_uttered").get("text", "")):
                assert TOO_FAST not in reply  # the greeting, notes: anything but "slow down"
        socket.emit("user_uttered", {"message": "thanks"})
        assert_told_to_slow_down(socket.wait_for("bot_uttered")["text"])
        socket.emit("user_uttered", {"message": CRISIS})
        crisis = socket.wait_for("bot_uttered")
        assert "988" in crisis["text"] and TOO_FAST not in crisis["text"]
    finally:
        socket.close()


def test_sms_a_number_over_its_limit_is_told_but_a_crisis_still_gets_help(stack):
    phone = "+1555" + str(secrets.randbelow(10**7)).zfill(7)
    for _ in range(PER_CONVERSATION):
        assert TOO_FAST not in " ".join(send_sms(stack, phone, "thanks"))
    assert_told_to_slow_down(" ".join(send_sms(stack, phone, "thanks")))
    crisis = " ".join(send_sms(stack, phone, CRISIS))
    assert "988" in crisis and TOO_FAST not in crisis
