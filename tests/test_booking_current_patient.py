"""A current patient's booking request is for a session with their care team, booked by phone
(bot/booking/current_patient.py); a consultation asked for in so many words opens the form."""

import pytest

from bot.booking.current_patient import is_current_patient, wants_a_session_booked


@pytest.mark.parametrize("texts, current", [
    (["hi im already a patient, had my 3rd infusion last wednesday. when is my next one"], True),
    (["finished my 6 infusions last month and felt amazing but its wearing off"], True),
    (["what does it cost", "i had my second infusion yesterday"], True),
    (["im a patient person but this wait is long"], False),
    (["im not a patient yet"], False),
    (["would my next session be covered by insurance if i start"], False),
    (["how much is a consult"], False),
])
def test_who_says_they_are_a_current_patient(texts, current):
    assert is_current_patient(texts) is current


@pytest.mark.parametrize("text, session", [
    ("can't you just book it for me for next thursday", True),  # suite 19
    ("how do i schedule one", True),  # suite 20, after a question about boosters
    ("i want to book a consultation for my wife", False),
    ("can i request a consult for my brother", False),
    ("book a new patient appointment", False),
])
def test_a_session_or_a_consultation(text, session):
    assert wants_a_session_booked(text) is session
