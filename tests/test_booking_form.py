"""The consultation form's rules (bot/booking/form.py), without a tracker."""

from __future__ import annotations

from datetime import date

import pytest

from bot.booking.form import (
    forgotten_slots,
    form_run,
    looks_like_details,
    looks_like_question,
    match_location,
    request_from_slots,
    step_answer,
)
from bot.booking.request_words import asks_only_to_book, asks_to_book, asks_to_book_in_spanish
from bot.config import load_clinic

PROFILE = load_clinic()
TODAY = date(2026, 12, 4)
SLOTS = {"full_name": "Jane Roe", "contact": "(214) 555-0142", "preferred_time": "mornings",
         "preferred_time_normalized": None, "location": "main"}  # fmt: skip


def test_a_location_is_matched_by_id_name_or_a_distinctive_word_only():
    assert match_location("north", PROFILE.locations).id == "north"
    assert match_location("Main Street office", PROFILE.locations).id == "main"
    assert match_location("the one on main street please", PROFILE.locations).id == "main"
    assert match_location("the office", PROFILE.locations) is None  # every location is one
    # review 15: typos of a distinctive word; an ordinary word one letter away is none
    assert match_location("mian street", PROFILE.locations).id == "main"
    assert match_location("nroth", PROFILE.locations).id == "north"
    assert match_location("i am in pain", PROFILE.locations) is None
    assert match_location("downtown", PROFILE.locations) is None


def test_a_request_is_built_only_from_valid_complete_answers():
    request = request_from_slots(SLOTS.get, PROFILE, "web-1", "webchat")
    assert request is not None
    assert (request.full_name, request.contact, request.contact_kind) == (
        "Jane Roe", "+12145550142", "phone")  # fmt: skip
    for slot, bad in [("full_name", "Jane"), ("contact", "555-0142"), ("preferred_time", " "),
                      ("location", "elsewhere")]:  # fmt: skip
        assert request_from_slots({**SLOTS, slot: bad}.get, PROFILE, "web-1", "webchat") is None


def test_a_retried_submit_of_one_form_run_is_recognised_and_a_new_run_is_not():
    request = request_from_slots(SLOTS.get, PROFILE, "web-1", "webchat")
    first = [{"event": "active_loop", "name": "consultation_form", "timestamp": 10.0}]
    later = [*first, {"event": "active_loop", "name": None, "timestamp": 20.0},
             {"event": "active_loop", "name": "consultation_form", "timestamp": 30.0}]  # fmt: skip
    assert form_run(first, "web-1", request) == form_run(list(first), "web-1", request)
    assert form_run(later, "web-1", request) != form_run(first, "web-1", request)
    assert form_run(first, "web-2", request) != form_run(first, "web-1", request)


def test_leaving_the_form_forgets_every_answer_and_details_are_recognised():
    forgotten = forgotten_slots()
    assert all(forgotten[slot] is None for slot in SLOTS) and forgotten["requested_slot"] is None
    assert looks_like_details("jane.roe@example.org") and looks_like_details("Jane Roe")
    assert not looks_like_details("will it rain this weekend")


def test_a_booking_for_someone_named_by_relation_is_a_booking_request():
    assert asks_to_book("hi, booking on behalf of my husband, he's a firefighter with bad PTSD "
                        "and won't do it himself")
    assert asks_to_book("I'm booking for my mom")
    assert not asks_to_book("what is the booking process for my dad like?")
    assert not asks_to_book("my husband has PTSD, does ketamine help?")
    assert asks_to_book("whatever. can i still book or not")
    assert not asks_to_book("no, I don't want to book a consultation")


@pytest.mark.parametrize("text, asks", [
    ("my wife keeps telling me to try it so lets book i guess", True),  # review 10
    ("fine, sign me up", True),
    ("let's not book yet", False),
    ("don't sign me up for anything", False),
    ("i guess ill book then", True),  # review 18: "not sure how I can help"
    ("ok imma book one", True),
    ("ill book later, thanks", False),
    ("maybe ill book after the holidays", False),
    ("if i book will they call me", False),
])
def test_lets_book_and_sign_me_up_are_booking_requests(text, asks):
    assert asks_to_book(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("I'm setting this up for my husband. He's a Marine vet with PTSD and he hates phones.",
     True),  # conversation suite 10
    ("can you sign him up", True),
    ("book her in for a consult please", True),
    ("we set it up for my son last year, he liked it", False),
    ("its slowing down now. can i still become a patient at your clinic after this", True),
    ("if i book do you keep my phone number forever", False),  # review 12: a question
    ("can we keep going with the booking", True),  # review 14, after a crisis stopped the form
    ("ok. can yall still see me", True),  # review 14, after a crisis reply
    ("can you see me if i am on lithium", False),
    ("can i get a note for work", False),  # review 14: it had opened the form
    ("can i get in this week", True),

    ("setting up my new phone for my mom", False),
])
def test_setting_it_up_for_someone_is_a_booking_request(text, asks):
    assert asks_to_book(text) is asks


@pytest.mark.parametrize("text, step, taken", [
    ("North Avenue is closer for me", "location", True),  # read as a question by the NLU
    ("whichever one is on Main Street", "location", True),
    ("is the north office closer to the highway?", "location", False),  # a question
    ("North Avenue is closer for me", "preferred_time", False),  # not this step's answer
    ("my cell is 847-555-0133", "booking_consent", True),  # the form: nothing kept yet
    ("my cell is 847-555-0133", "full_name", True),  # the form keeps it for its step
])
def test_a_location_named_at_its_step_is_the_answer_whatever_the_nlu_read(text, step, taken):
    answer = step_answer(step, "ask_question", text, TODAY, PROFILE.locations)
    assert (answer == text) is taken


@pytest.mark.parametrize("text, question", [
    ("ok but does it hurt", True),  # suite 10: taken as consent before
    ("yes but what happens to my data", True),
    ("no wait, is it private", True),
    ("ok whats the email to ask about privacy stuff", True),  # review 12: taken as consent
    ("ok whens the earliest someone would call me if i request now", True),  # review 18

    ("ok sure thing", False),
    ("sure, but only if you dont share it", False),
    ("yes", False),
])
def test_a_question_after_but_or_wait_needs_no_question_mark(text, question):
    assert looks_like_question(text) is question


@pytest.mark.parametrize("text, only", [
    ("need a consult for myself, my anxiety is bad lately", True),  # suite 11: got an answer
    ("book me in please, main street works", True),
    ("if i book a consult am i locked in to doing it", False),  # a question about booking
    ("i want to book. does it hurt?", False),
])
def test_a_booking_request_that_asks_nothing_else(text, only):
    assert asks_only_to_book(text) is only



@pytest.mark.parametrize("text, pause", [
    ("hold on let me check with my wife first", True),  # review 14: it had deleted the request
    ("one sec", True),
    ("i need to talk to my husband first", True),
    ("hold on, cancel it", False),
    ("wait did it go through?", False),
    ("i need to talk to someone", False),
    ("The school won't let me talk to him", False),  # review 28: a helper blocked, no pause
])
def test_asking_the_form_to_wait_is_a_pause(text, pause):
    from bot.booking.request_words import asks_for_a_pause

    assert asks_for_a_pause(text) is pause


@pytest.mark.parametrize("text, wants", [
    ("wait no i wanted to send it", True),  # review 14, after a cancel: "No problem"
    ("i didnt mean to cancel", True),
    ("i want to send a photo of my prescription", False),
])
def test_wanting_the_request_sent(text, wants):
    from bot.booking.request_words import wants_it_sent

    assert wants_it_sent(text) is wants


@pytest.mark.parametrize("text, asks", [
    ("quiero hacer una cita", True),
    ("¿puedo pedir una consulta?", True),
    ("quisiera agendar para mi mamá", True),
    ("no quiero una cita", False),
    ("me quiero morir", False),
    ("cuánto cuesta la consulta", False),
])
def test_a_booking_asked_for_in_spanish(text, asks):
    assert asks_to_book_in_spanish(text) is asks

