"""SMS end to end: Twilio-signed webhooks through the real Rasa server and action server.

Requests are signed with the official ``twilio`` library's RequestValidator for the public URL
configured in credentials.yml (TWILIO_WEBHOOK_URL), while the test posts to 127.0.0.1, as a
reverse proxy would forward them. Nothing is replaced: the reply is TwiML in the webhook's own
response, so no Twilio REST call exists to stub.
"""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import urlencode

import pytest
from channel_clients import (
    channel_settings,
    post_webhook,
    send_sms,
    sign,
    sms_params,
    twiml_messages,
)
from servers import ROOT, start_assistant

from bot import replies
from bot.channels.formatting import MORE_HINT, segment_count
from bot.channels.keywords import NOTHING_MORE_REPLY as NOTHING_MORE
from bot.channels.session_token import keyed_sender_id
from bot.config import load_clinic
from bot.retrieval.retriever import get_retriever

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAX_SEGMENTS = 4  # credentials.yml


def new_phone() -> str:
    """A fresh conversation: a random US number."""
    return "+1555" + str(secrets.randbelow(10**7)).zfill(7)


def one(messages: list[str]) -> str:
    assert len(messages) == 1, messages
    return messages[0]


# --- signatures ----------------------------------------------------------------------------
def test_a_signed_question_gets_an_answer_in_twiml(assistant):
    disclaimer, reply = send_sms(assistant, new_phone(), "what are the common side effects")
    assert "automated assistant" in disclaimer  # the first reply of a conversation: its own SMS
    assert "dizz" in reply.lower() or "nausea" in reply.lower() or "sick" in reply.lower()
    assert segment_count(reply) <= MAX_SEGMENTS and segment_count(disclaimer) <= MAX_SEGMENTS


def test_unsigned_requests_are_refused(assistant):
    params = sms_params(new_phone(), "hello")
    assert post_webhook(assistant.rasa_url, params, signature=None).status_code == 403


@pytest.mark.parametrize("forgery", ["wrong token", "tampered body", "other url", "garbage"])
def test_forged_signatures_are_refused(assistant, forgery):
    params = sms_params(new_phone(), "what is ketamine therapy")
    if forgery == "wrong token":
        signature = sign(params, token=secrets.token_hex(16))
    elif forgery == "tampered body":
        signature = sign(params)
        params["Body"] = "/inform{\"phone\": \"+15550000000\"}"
    elif forgery == "other url":
        signature = sign(params, url="https://attacker.example/webhooks/twilio_sms/webhook")
    else:
        signature = "bm90IGEgc2lnbmF0dXJl"
    response = post_webhook(assistant.rasa_url, params, signature)
    assert response.status_code == 403
    assert "<Message>" not in response.text


# --- malformed requests: 4xx, never 500 ----------------------------------------------------
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no body", 400),
        ("json body", 400),
        ("invalid utf-8", 400),
        ("repeated field", 400),
        ("missing From", 400),
        ("From is not a number", 400),
        ("missing Body", 400),
        ("Body too long", 413),
    ],
)
def test_malformed_requests_get_a_4xx(assistant, case, expected):
    params = sms_params(new_phone(), "hello")
    content_type = "application/x-www-form-urlencoded"
    if case == "no body":
        response = post_webhook(assistant.rasa_url, b"", sign({}))
    elif case == "json body":
        content_type = "application/json"
        body = json.dumps(params).encode()
        response = post_webhook(assistant.rasa_url, body, sign({}), content_type)
    elif case == "invalid utf-8":
        body = urlencode(params).encode() + b"&Extra=%FF%FE\xff"
        response = post_webhook(assistant.rasa_url, body, sign(params))
    elif case == "repeated field":
        body = (urlencode(params) + "&Body=again").encode()
        response = post_webhook(assistant.rasa_url, body, sign(params))
    else:
        if case == "missing From":
            del params["From"]
        elif case == "From is not a number":
            params["From"] = "<script>alert(1)</script>"
        elif case == "missing Body":
            del params["Body"]
        elif case == "Body too long":
            params["Body"] = "a" * 1601
        response = post_webhook(assistant.rasa_url, params, sign(params))
    assert response.status_code == expected, (case, response.status_code, response.text[:200])


# --- SMS style -----------------------------------------------------------------------------
def _clarify_question() -> str:
    retriever = get_retriever()
    for query in ["how long", "side effects", "sessions", "ketamine", "does ketamine help "
                  "depression quickly", "what does it treat", "is it safe"]:
        if retriever.decide(query).kind == "clarify":
            return query
    raise AssertionError("no probe question makes the retrieval layer ask to clarify")


def test_clarify_options_are_numbered_and_a_number_picks_one(assistant):
    phone = new_phone()
    question = _clarify_question()
    options = get_retriever().decide(question).options[:3]
    offer = send_sms(assistant, phone, question)[-1]
    for position, option in enumerate(options, 1):
        assert f"{position}) {option.title}" in offer
    assert "Reply with a number." in offer
    assert "/choose_answer" not in offer

    chosen = options[1]
    reply = one(send_sms(assistant, phone, "2"))
    full = reply
    while full.endswith(MORE_HINT):
        full = full.removesuffix(MORE_HINT).rstrip() + " " + one(send_sms(assistant, phone, "MORE"))
    expected = replies.format_answer(chosen.answer, chosen.source)
    assert _words(expected) == _words(full)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_a_number_without_an_offer_is_just_text(assistant):
    phone = new_phone()
    send_sms(assistant, phone, "hello")
    reply = " ".join(send_sms(assistant, phone, "2"))
    assert "/choose_answer" not in reply and "/ask_human" not in reply


def test_i_dont_know_offers_a_person_as_option_1(assistant):
    profile = load_clinic()
    phone = new_phone()
    offer = send_sms(assistant, phone, "what's the weather in Dallas tomorrow")[-1]
    assert profile.phone_display in offer
    assert "1) Talk to a person" in offer
    contact = one(send_sms(assistant, phone, "1"))
    assert profile.phone_display in contact and profile.email in contact


@pytest.fixture(scope="module")
def tight_sms(tmp_path_factory):
    """The servers with SMS replies limited to 2 segments, so that answers need MORE."""
    credentials = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    credentials = re.sub(r"max_segments: \d+", "max_segments: 2", credentials)
    assert "max_segments: 2" in credentials
    with start_assistant(tmp_path_factory.mktemp("tight-sms"), credentials_yaml=credentials) as a:
        yield a


def test_a_long_reply_is_paged_and_more_sends_the_rest(tight_sms):
    retriever = get_retriever()
    question = "what is ketamine therapy"
    best = retriever.decide(question).best
    full = replies.format_answer(best.answer, best.source)
    assert segment_count(full) > 2
    phone = new_phone()
    disclaimer, first = send_sms(tight_sms, phone, question)
    assert "automated assistant" in disclaimer
    assert first.endswith("Reply MORE for the rest.")
    assert segment_count(first) <= 2
    pages = [first.removesuffix(MORE_HINT)]
    reply = first
    while reply.endswith(MORE_HINT):
        reply = one(send_sms(tight_sms, phone, "more"))
        assert segment_count(reply) <= 2
        pages.append(reply.removesuffix(MORE_HINT))
    assert len(pages) >= 2
    assert _words(" ".join(pages)) == _words(full)
    assert pages[-1].strip().endswith(best.source)
    # Nothing is left: MORE is now an ordinary message, not a repeat of the answer.
    assert best.answer[:40] not in " ".join(send_sms(tight_sms, phone, "MORE"))


def test_markup_never_reaches_the_phone(assistant):
    reply = " ".join(send_sms(assistant, new_phone(), "<b>what is ketamine therapy</b>"))
    assert "<" not in reply and "**" not in reply


# --- carrier keywords ----------------------------------------------------------------------
def test_stop_confirms_once_then_nothing_until_start(assistant):
    profile = load_clinic()
    phone = new_phone()
    assert send_sms(assistant, phone, "hello")
    confirmation = one(send_sms(assistant, phone, "STOP"))
    assert "unsubscribed" in confirmation and "START" in confirmation
    assert send_sms(assistant, phone, "what is ketamine therapy") == []
    assert send_sms(assistant, phone, "stop") == []  # confirmed once already
    assert send_sms(assistant, phone, "yes") != []  # YES opts back in, like START
    assert send_sms(assistant, phone, "Unsubscribe") != []
    assert send_sms(assistant, phone, "hello again") == []
    help_text = one(send_sms(assistant, phone, "HELP"))  # HELP is always answered
    assert profile.name in help_text and profile.phone_display in help_text
    assert "988" in help_text
    welcome = one(send_sms(assistant, phone, "START"))
    assert "subscribed" in welcome and "STOP" in welcome
    assert "ketamine" in one(send_sms(assistant, phone, "what is ketamine therapy")).lower()


def test_mid_booking_a_sentence_cancels_the_request_but_cancel_alone_unsubscribes(assistant):
    """Carriers reserve the single word CANCEL (opt-out); a sentence reaches the booking form."""
    phone = new_phone()
    consent = " ".join(send_sms(assistant, phone, "I'd like to book a consultation"))
    assert "1) Yes, that's OK" in consent and "2) No, thanks" in consent
    assert MORE_HINT not in consent
    assert "full name" in one(send_sms(assistant, phone, "1")).lower()  # numbered option
    cancelled = one(send_sms(assistant, phone, "cancel the booking please"))
    assert "nothing you entered has been saved" in cancelled
    assert "unsubscribed" not in cancelled

    send_sms(assistant, phone, "I'd like to book a consultation")
    send_sms(assistant, phone, "1")
    send_sms(assistant, phone, "Jane Example")
    opted_out = one(send_sms(assistant, phone, "CANCEL"))
    assert "unsubscribed" in opted_out and "request was stopped" in opted_out
    assert send_sms(assistant, phone, "Jane Example") == []  # nothing more is sent
    # Back after START: the interrupted request is gone, not waiting at its next step.
    send_sms(assistant, phone, "START")
    reply = " ".join(send_sms(assistant, phone, "hi"))
    assert "phone number or email" not in reply and "full name" not in reply, reply


def test_this_number_at_the_contact_step_is_asked_for_in_digits(assistant):
    """The channel never passes the sender's number on: the patient is told so, not just
    asked again."""
    phone = new_phone()
    send_sms(assistant, phone, "I'd like to book a consultation")
    send_sms(assistant, phone, "1")
    assert "phone number or email" in " ".join(send_sms(assistant, phone, "Jane Example"))
    reply = " ".join(send_sms(assistant, phone, "this number is fine"))
    assert "can't see the number you're writing from" in reply, reply
    # "this number" alone is the same answer, not a question about the clinic's number
    reply = " ".join(send_sms(assistant, phone, "this number"))
    assert "can't see the number you're writing from" in reply, reply
    assert "You can reach the team" not in reply and "Source:" not in reply, reply
    send_sms(assistant, phone, "cancel the booking please")


def test_more_at_the_summary_with_nothing_held_back_sends_nothing(assistant):
    """Review 14: "more" at the summary was read as a yes and sent the request. With nothing
    held back, MORE gets a short note; only the patient's yes sends."""
    phone = new_phone()
    send_sms(assistant, phone, "I'd like to book a consultation")
    send_sms(assistant, phone, "1")
    send_sms(assistant, phone, "Jamie Fox")
    send_sms(assistant, phone, "jamie.fox@example.com")
    send_sms(assistant, phone, "mondays")
    summary = " ".join(send_sms(assistant, phone, "2"))
    assert "Shall I send it" in summary and "1) Yes, send it" in summary, summary
    for word in ("more", "MORE"):
        reply = " ".join(send_sms(assistant, phone, word))
        assert reply == NOTHING_MORE, reply
    sent = " ".join(send_sms(assistant, phone, "1"))
    assert "has been sent" in sent, sent


@pytest.mark.parametrize("word", ["STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"])
def test_carrier_opt_out_synonyms(assistant, word):
    phone = new_phone()
    assert "unsubscribed" in one(send_sms(assistant, phone, word))
    assert send_sms(assistant, phone, "hello") == []


def test_info_is_help(assistant):
    reply = one(send_sms(assistant, new_phone(), "info"))
    assert "988" in reply and load_clinic().phone_display in reply


def test_keyword_inside_a_sentence_goes_to_the_assistant(assistant):
    phone = new_phone()
    reply = " ".join(send_sms(assistant, phone, "can you help me understand side effects"))
    assert "unsubscribed" not in reply and "Msg&data" not in reply
    assert send_sms(assistant, phone, "what is ketamine therapy") != []


# --- privacy -------------------------------------------------------------------------------
def test_conversations_are_kept_under_a_keyed_hash_not_the_phone_number(assistant):
    phone = new_phone()
    send_sms(assistant, phone, "hello")
    assert phone not in assistant.logs()
    # The conversation exists under the keyed id (no second disclaimer) and not under the number.
    key = channel_settings().sms_sender_key.encode()
    disclaimer = "automated assistant"
    under_hash = assistant.send(keyed_sender_id(key, phone), "hello")
    under_phone = assistant.send(phone, "hello")
    assert not any(disclaimer in m.get("text", "") for m in under_hash)
    assert any(disclaimer in m.get("text", "") for m in under_phone)


def test_a_reply_is_twiml_even_when_empty(assistant):
    phone = new_phone()
    send_sms(assistant, phone, "STOP")
    params = sms_params(phone, "hello?")
    response = post_webhook(assistant.rasa_url, params, sign(params))
    assert response.status_code == 200
    assert twiml_messages(response.text) == []


def test_a_repeated_message_sid_is_answered_once(assistant):
    phone = new_phone()
    params = sms_params(phone, "what are the common side effects")
    first = post_webhook(assistant.rasa_url, params, sign(params))
    again = post_webhook(assistant.rasa_url, params, sign(params))  # Twilio's retry, or a replay
    assert first.status_code == again.status_code == 200
    assert twiml_messages(first.text)  # answered
    assert twiml_messages(again.text) == []  # not processed again: no second reply
    # The conversation goes on normally after it: no second disclaimer, a real answer.
    later = " ".join(send_sms(assistant, phone, "how long is a session"))
    assert "automated assistant" not in later


def test_seen_messages_forget_after_their_time():
    from bot.channels.replays import SeenMessages

    seen = SeenMessages(ttl_seconds=10, capacity=3)
    assert seen.first_time("SM1", now=0) and not seen.first_time("SM1", now=5)
    assert seen.first_time("SM1", now=20)  # forgotten after the time-to-live
    for number in range(2, 6):
        assert seen.first_time(f"SM{number}", now=21)
    assert seen.first_time("SM1", now=22)  # the oldest go first when the set is full


def test_a_crisis_after_stop_still_gets_the_resources(assistant):
    phone = new_phone()
    send_sms(assistant, phone, "STOP")
    assert send_sms(assistant, phone, "what is ketamine therapy") == []  # opted out: silence
    reply = " ".join(send_sms(assistant, phone, "i want to kill myself tonight"))
    assert "988" in reply and "911" in reply
