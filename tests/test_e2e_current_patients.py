"""End to end over REST and signed SMS: patients who already have sessions at the clinic.

Review 18 (thirteenth round) met them as new patients: the next session got the first
appointment's answer, "can you just do it for me?" got the pricing answer, feeling more
depressed after a second infusion got the offer of a new consultation, a psychiatrist who is
hard to reach got the referral answer, and "how do i get my records" opened the booking form.
"""

import secrets
import uuid

import pytest
from channel_clients import send_sms

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _text(replies: list[dict]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def _sender() -> str:
    return f"current-patient-{uuid.uuid4().hex[:8]}"


def test_the_next_session_and_a_change_are_for_the_care_team_by_phone(assistant):
    sender = _sender()
    first = _text(assistant.send(sender, "had my first session tuesday, feel a lot better "
                                         "actually! when should i book the next one"))
    assert "care team" in first and "(555) 555-0100" in first, first
    assistant.send(sender, "i need to move my thursday appt to friday")
    again = _text(assistant.send(sender, "can you just do it for me? my name is Tom Becker"))
    assert "can't see or change appointments" in again and "pricing" not in again, again


def test_feeling_worse_after_a_second_infusion_goes_to_the_care_team_with_988(assistant):
    phone = "+1555" + str(secrets.randbelow(10**7)).zfill(7)
    send_sms(assistant, phone, "had my 2nd infusion yesterday and today im super nauseous, is "
                               "that normal?")
    reply = " ".join(send_sms(assistant, phone, "ok. also i feel kinda more depressed today "
                                                "than before, is that a thing"))
    assert "care team" in reply and "988" in reply, reply
    assert "request a consultation" not in reply, reply


def test_a_prescriber_out_of_reach_after_a_medication_question(assistant):
    sender = _sender()
    assistant.send(sender, "Can I stop my zoloft once I start ketamine? I hate the side effects")
    reply = _text(assistant.send(sender, "my psychiatrist is hard to reach tho"))
    assert "don't stop or change a medicine on your own" in reply and "pharmacist" in reply, reply


def test_records_are_asked_of_the_clinic_not_a_new_request(assistant):
    reply = _text(assistant.send(_sender(), "ok how do i get my records from you guys"))
    assert "records" in reply and "Is that OK with you?" not in reply, reply


def test_feeling_low_the_day_after_a_session_goes_to_the_care_team(assistant):
    """Found in the final read of round 13: "honestly feeling really low today" after "had my
    2nd infusion yesterday" got "I don't know"."""
    sender = _sender()
    assistant.send(sender, "had my 2nd infusion yesterday")
    reply = _text(assistant.send(sender, "honestly feeling really low today"))
    assert "care team" in reply and "988" in reply and "don't know" not in reply, reply
