"""Bad input over SMS and the widget's socket: the same table as the REST channel's tests.

SMS through Twilio-signed webhooks; the widget's socket.io protocol spoken directly (what a
hostile script could send; the widget itself is driven in Chromium in test_channels_webchat.py).
Both through the real Rasa server and action server: a clear reply, never a failure, never
markup or control characters echoed, never a slot the form did not ask for.
"""

from __future__ import annotations

import secrets

import pytest
import requests
from bad_input import ASK_AGAIN, CLEAR_REPLIES, NEVER_ECHOED, ODD_BUT_READABLE
from channel_clients import PollingSocket, send_sms

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SMS_CANNOT_READ = "I can only read text messages"  # bot/channels/sms.py (imports Rasa)
USER_EVENT, BOT_EVENT = "user_uttered", "bot_uttered"  # the widget's socket.io events
SOMETHING_WENT_WRONG = "something went wrong"


def new_phone() -> str:
    return "+1555" + str(secrets.randbelow(10**7)).zfill(7)


def assert_clean(case: str, reply: str) -> None:
    assert reply.strip(), f"{case}: silence"
    assert SOMETHING_WENT_WRONG not in reply, (case, reply)
    for dangerous in NEVER_ECHOED:
        assert dangerous not in reply, (case, dangerous, reply)


# --- SMS -----------------------------------------------------------------------------------

SMS_EMPTY_CASES = [c for c in CLEAR_REPLIES if c[2] == ASK_AGAIN]


@pytest.mark.parametrize("case, message", ODD_BUT_READABLE, ids=[c[0] for c in ODD_BUT_READABLE])
def test_odd_sms_get_a_clean_reply(assistant, case, message):
    assert_clean(case, " ".join(send_sms(assistant, new_phone(), message)))


@pytest.mark.parametrize("case", [c[0] for c in SMS_EMPTY_CASES])
def test_an_sms_without_readable_text_gets_asked_for_text(assistant, case):
    message = dict((c[0], c[1]) for c in CLEAR_REPLIES)[case]
    assert SMS_CANNOT_READ in " ".join(send_sms(assistant, new_phone(), message))


def test_a_typed_intent_by_sms_fills_no_slot(assistant):
    phone = new_phone()
    send_sms(assistant, phone, '/inform{"full_name": "Mallory Example"}')
    send_sms(assistant, phone, "I'd like to book a consultation")
    # Had the typed intent set the name, the form would skip this question.
    assert "full name" in " ".join(send_sms(assistant, phone, "1")).lower()


# --- the widget's socket -------------------------------------------------------------------


def widget_reply(assistant, data: object) -> str:
    """Send one ``user_uttered`` event with ``data`` in a new conversation; the first reply."""
    socket = PollingSocket(assistant.rasa_url)
    try:
        socket.start_session()
        socket.emit(USER_EVENT, data)
        reply = socket.wait_for(BOT_EVENT)
    finally:
        socket.close()
    assert isinstance(reply, dict), reply
    return reply.get("text") or ""


@pytest.mark.parametrize(
    "case, message, expected", CLEAR_REPLIES, ids=[c[0] for c in CLEAR_REPLIES]
)
def test_unusable_widget_messages_get_a_clear_reply(assistant, case, message, expected):
    assert expected in widget_reply(assistant, {"message": message})


@pytest.mark.parametrize("case, message", ODD_BUT_READABLE, ids=[c[0] for c in ODD_BUT_READABLE])
def test_odd_widget_messages_get_a_clean_reply(assistant, case, message):
    assert_clean(case, widget_reply(assistant, {"message": message}))


WRONG_SHAPES = [
    ("a number", 42),
    ("a list", ["what is ketamine"]),
    ("null", None),
    ("message a number", {"message": 12}),
    ("message an object", {"message": {"text": "hi"}}),
    ("no message", {"session_id": "x"}),
]


@pytest.mark.parametrize("case, data", WRONG_SHAPES, ids=[c[0] for c in WRONG_SHAPES])
def test_wrongly_shaped_widget_events_get_asked_for_a_question(assistant, case, data):
    assert "Please type a question" in widget_reply(assistant, data)


def test_a_100kb_widget_message_is_refused_before_anything_reads_it(assistant):
    socket = PollingSocket(assistant.rasa_url)
    try:
        socket.start_session()
        with pytest.raises(requests.HTTPError) as refused:
            socket.emit(USER_EVENT, {"message": "ketamine " * 11_400})
        assert refused.value.response.status_code == 413
    finally:
        socket.close()


def test_a_widget_message_before_any_session_gets_no_conversation(assistant):
    socket = PollingSocket(assistant.rasa_url)
    try:
        socket.emit(USER_EVENT, {"message": "what is ketamine"})
        assert socket.wait_for("session_required") == {}
    finally:
        socket.close()
