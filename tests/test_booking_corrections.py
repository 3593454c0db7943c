"""Corrections that name their new value (bot/booking/corrections.py)."""

from datetime import date

import pytest

from bot.booking.corrections import given_up_front, inline_value, name_with_contact
from bot.config import load_clinic

TODAY = date(2026, 12, 4)  # a Friday
LOCATIONS = load_clinic().locations


@pytest.mark.parametrize(("field", "text", "expected"), [
    ("contact", "wait, can you change the email to jlee77@example.org",
     ("contact", {"contact": "jlee77@example.org", "contact_kind": "email"})),
    (None, "actually hold on, use my phone instead: 555-778-1200",
     ("contact", {"contact": "+15557781200", "contact_kind": "phone"})),
    (None, "actually can we make it Thursday morning instead?",
     ("preferred_time", {"preferred_time": "Thursday morning",
                         "preferred_time_normalized": "2026-12-10 morning"})),
    (None, "actually wait, make that Thursday mornings instead",
     ("preferred_time", {"preferred_time": "Thursday mornings",
                         "preferred_time_normalized": "2026-12-10 morning"})),
    ("full_name", "change my name to Ivy Hall", ("full_name", {"full_name": "Ivy Hall"})),
    ("full_name", "sorry I misspelled my name, it's John Smyth",
     ("full_name", {"full_name": "John Smyth"})),
    ("full_name", "my name is actually Jon Smith", ("full_name", {"full_name": "Jon Smith"})),
    ("location", f"switch it to the {LOCATIONS[-1].name}",
     ("location", {"location": LOCATIONS[-1].id})),
])
def test_the_new_value_is_read(field, text, expected):
    assert inline_value(field, text, TODAY, LOCATIONS) == expected


@pytest.mark.parametrize(("field", "text"), [
    ("contact", "my number is wrong"),
    (None, "can I change something"),
    ("contact", "change the phone to 555-0187"),        # no area code: asked again instead
    ("preferred_time", "change the time to something else"),  # no time to read
])
def test_without_a_valid_new_value_the_form_asks_again(field, text):
    assert inline_value(field, text, TODAY, LOCATIONS) is None


def test_a_contact_and_a_location_given_up_front_are_read():
    north = next(loc for loc in LOCATIONS if "north" in loc.name.lower())
    given = given_up_front(f"can I book at the {north.name}? my cell is 555-201-0187", LOCATIONS)
    assert given == {"contact": "+15552010187", "contact_kind": "phone", "location": north.id}
    assert given_up_front("I called on Tuesday and nobody answered, can I book?", LOCATIONS) == {}


def test_a_name_introduced_up_front_is_read():
    given = given_up_front("hi im Marcus Oyelaran, 312-555-0199, want a consult thursday "
                           "mornings at the North office", LOCATIONS)
    assert given["full_name"] == "Marcus Oyelaran" and given["contact"] == "+13125550199"
    assert given_up_front("my name is Tom Reyes and i want to book", LOCATIONS) == {
        "full_name": "Tom Reyes"}
    assert "preferred_time" not in given  # without today no time is read
    for text in ("I'm feeling Low, can I book", "I am Very Anxious", "im tom reyes want appt",
                 "Hi I'm Sarah. Can I book?"):
        assert "full_name" not in given_up_front(text, LOCATIONS), text


@pytest.mark.parametrize("text, said", [
    ("hi im Marcus Oyelaran, 312-555-0199, want a consult thursday mornings", "thursday mornings"),
    ("book me for tuesday afternoon please", "tuesday afternoon"),
    ("can i get an appointment next monday at 3pm", "next monday at 3pm"),
    ("could someone call me back tomorrow morning", "tomorrow morning"),
    ("book a consult for saturdays or sundays", "saturdays or sundays"),
])
def test_a_time_right_after_the_request_is_read_up_front(text, said):
    assert given_up_front(text, LOCATIONS, TODAY)["preferred_time"] == said


@pytest.mark.parametrize("text", [
    "I called on Tuesday and nobody answered, can I book?",
    "my appointment on Monday got cancelled, can i book another",
    "I had an appointment on friday, can I book again",
    "I missed my session monday",
    "I want to book. I work mornings so afternoons are best",
    "book for my mom, she is free on fridays",
    # suite 14: a greeting, not a time
    "Good afternoon. I would like to request a consultation for myself, please.",
    "hi good morning, can i book",
])
def test_a_day_that_is_not_the_time_asked_for_is_not_read(text):
    assert "preferred_time" not in given_up_front(text, LOCATIONS, TODAY)


@pytest.mark.parametrize("text, said", [
    ("hi im Marcus Delacroix-Webb, 555-418-2290, want a consult at the North office, mornings "
     "before 10", "mornings before 10"),
    ("can i book. i'm free on tuesday", "i'm free on tuesday"),
    ("book me in please, any day after 3pm", "any day after 3pm"),
])
def test_a_clause_that_is_only_a_time_is_read_up_front(text, said):
    assert given_up_front(text, LOCATIONS, TODAY)["preferred_time"] == said


def test_a_labelled_opening_message_gives_every_detail():
    given = given_up_front(
        "Hi I'd like to request a consultation. Name: Tomás Herrera, best # is this one or "
        "tomas.h@protonmail.test, weekday afternoons, North office. I have treatment resistant "
        "depression", LOCATIONS, TODAY)
    assert given["full_name"] == "Tomás Herrera" and given["contact"] == "tomas.h@protonmail.test"
    assert given["preferred_time"] == "weekday afternoons" and given["location"] == "north"


@pytest.mark.parametrize("text, name, contact", [
    ("Marcus Bell, 414-555-0190", "Marcus Bell", "+14145550190"),
    ("my name is Marcus Bell and my number is 414-555-0190", "Marcus Bell", "+14145550190"),
    ("Ana Ruiz ana.ruiz@example.com", "Ana Ruiz", "ana.ruiz@example.com"),
])
def test_a_name_and_a_contact_in_one_message_are_both_read(text, name, contact):
    both = name_with_contact(text)
    assert both is not None and both[0] == name and both[1].value == contact


@pytest.mark.parametrize("text", ["call me at 414-555-0190", "Marcus Bell", "Marcus Bell, 555-01"])
def test_without_both_a_name_and_a_contact_nothing_is_read(text):
    assert name_with_contact(text) is None


@pytest.mark.parametrize("text", ["wait actually put her full name Rosa Maria Delgado",
                                  "change the name to Rosa Maria Delgado"])
def test_a_correction_that_says_name_takes_the_new_name(text):
    assert inline_value(None, text, TODAY, LOCATIONS) == (
        "full_name", {"full_name": "Rosa Maria Delgado"})


def test_a_name_complaint_without_a_new_name_gives_no_value():
    assert inline_value(None, "my name is wrong", TODAY, LOCATIONS) is None
