"""Messages about the request itself typed mid-form (bot/booking/midform.py), and what the name
step refuses (bot/booking/validators.py)."""

from datetime import date

import pytest

from bot.booking.midform import asks_if_sent, asks_what_was_given, correction_in
from bot.booking.on_behalf import relation_in
from bot.booking.replies import changed_detail_ack
from bot.booking.validators import Invalid, validate_full_name
from bot.config import Location

TODAY = date(2026, 12, 4)
LOCATIONS = (Location(id="main", name="Main Street office", address="100 Main Street"),
             Location(id="north", name="North office", address="42 North Avenue"))


def test_a_correction_of_another_detail_gives_its_new_value():
    field, values = correction_in("actually wait, switch that to Thursday mornings at 8",
                                  "location", TODAY, LOCATIONS)
    assert field == "preferred_time"
    assert values["preferred_time_normalized"] == "2026-12-10 morning"  # the next Thursday
    field, values = correction_in("my number is actually 555-201-0187", "preferred_time",
                                  TODAY, LOCATIONS)
    assert (field, values["contact"]) == ("contact", "+15552010187")
    field, values = correction_in("can we do the North office instead", "preferred_time",
                                  TODAY, LOCATIONS)
    assert (field, values) == ("location", {"location": "north"})
    # suite 10: at the summary, a name given again with "sorry" and a hyphen
    field, values = correction_in("oh sorry, her full name is Evelyn Marsh-Collins",
                                  "booking_review", TODAY, LOCATIONS)
    assert (field, values) == ("full_name", {"full_name": "Evelyn Marsh-Collins"})
    # suite 20: at the summary, "can we do ... instead" got the menu of details
    field, values = correction_in("actually can we do thursday afternoons instead",
                                  "booking_review", TODAY, LOCATIONS)
    assert (field, values["preferred_time"]) == ("preferred_time", "thursday afternoons")


@pytest.mark.parametrize("text, step", [
    ("Thursday mornings", "preferred_time"),  # an answer to this step, not a correction
    ("switch that to Thursday mornings", "preferred_time"),  # the step's own detail
    ("what time do you open on thursday", "location"),  # no word that says it is a correction
    ("actually, how long does a session take?", "location"),  # no value
])
def test_answers_questions_and_the_steps_own_detail_are_no_correction(text, step):
    assert correction_in(text, step, TODAY, LOCATIONS) is None


@pytest.mark.parametrize("text", ["what did I tell you my name was?",
                                  "what number did I give you", "what do you have so far?",
                                  "can you read it back", "did you get my email"])
def test_asking_what_was_given(text):
    assert asks_what_was_given(text)


@pytest.mark.parametrize("text", ["what is ketamine", "what did the research find",
                                  "Priya Nair"])
def test_other_messages_do_not_ask_for_the_details(text):
    assert not asks_what_was_given(text)


@pytest.mark.parametrize("text", ["Fridays after lunch", "tomorrow morning",
                                  "weekday mornings", "next tuesday pls"])
def test_a_time_is_not_a_name(text):
    with pytest.raises(Invalid) as refused:
        validate_full_name(text)
    assert refused.value.reason == "time_not_name"


@pytest.mark.parametrize("text, name", [
    ("Sunday Rose", "Sunday Rose"), ("Tuesday Weld", "Tuesday Weld"),
    ("it should be Priyanka Desai Moore, no hyphen", "Priyanka Desai Moore"),
    ("it's actually Ann Lee", "Ann Lee"), ("Hall, Ivy", "Hall Ivy"),
])
def test_names_with_day_words_and_names_with_a_remark(text, name):
    assert validate_full_name(text) == name


def test_the_relation_named_before_a_pronoun():
    assert relation_in("my son is 24 and his meds stopped working. can someone call me at "
                       "555-555-0188 about a consultation for him?") == "son"
    assert relation_in("can i book for her? she doesnt do computers") == "someone else"


def test_a_detail_given_for_the_first_time_is_noted_not_changed():
    assert changed_detail_ack("contact", had_value=False) == (
        "Thanks, I've noted your phone number or email.")
    assert changed_detail_ack("contact").startswith("Done, I've changed")


def test_a_changed_time_is_repeated_back_a_contact_is_not():
    assert changed_detail_ack("preferred_time", value="friday afternoons") == (
        "Done, I've changed your preferred time to friday afternoons.")
    assert changed_detail_ack("location", value="north") == "Done, I've changed your location."
    assert changed_detail_ack("contact", value="555-0100") == (
        "Done, I've changed your phone number or email.")


def test_a_short_then_with_a_new_time_after_the_closed_day_note_changes_the_time():
    """Review 10: "oh ur closed weekends? then mondays" at the location step, right after the
    note that the clinic is closed on Saturdays, was lost and "saturdays" was sent."""
    found = correction_in("oh ur closed weekends? then mondays", "location", TODAY, LOCATIONS)
    assert found is not None and found[0] == "preferred_time"
    assert found[1]["preferred_time"] == "mondays"
    assert correction_in("ok then", "location", TODAY, LOCATIONS) is None


@pytest.mark.parametrize("text, value", [
    ("no wait tuesday morning", "tuesday morning"),       # review 11, at the location step
    ("ok wednesday afternoon then", "wednesday afternoon"),
])
def test_a_bare_new_time_with_correction_words_changes_the_time(text, value):
    found = correction_in(text, "location", TODAY, LOCATIONS)
    assert found is not None and found[0] == "preferred_time"
    assert found[1]["preferred_time"] == value


@pytest.mark.parametrize("text", ["no wait", "ok then", "wait what"])
def test_correction_words_alone_change_nothing(text):
    assert correction_in(text, "location", TODAY, LOCATIONS) is None


@pytest.mark.parametrize("text, asks", [
    ("wait did my booking even go thru", True),  # suite 10, after a crisis stopped the form
    ("was my request sent?", True),
    ("did you get my request", True),
    ("is the north office open", False),
    ("was it ok to book at 5", False),
    ("did the booking for him go through", True),  # suite 20
    ("did the clinic call you back yet", False),
])
def test_asking_whether_the_request_went_through(text, asks):
    assert asks_if_sent(text) is asks


def test_did_it_go_through_after_the_confirmation_finds_the_reference():
    """"did it go through?" right after the confirmation: yes, with its reference (review 13 had
    "I don't know"); after a later form that stored nothing, no reference."""
    from bot.booking import replies
    from bot.booking.midform import asks_if_sent, sent_reference
    from bot.config import load_clinic

    profile = load_clinic()
    confirmation = {"event": "bot", "text": replies.confirmed(profile, 5)}
    assert asks_if_sent("so did it go through?")
    assert sent_reference([{"event": "user", "text": "yes, send it"}, confirmation]) == "5"
    for ending in (replies.cancelled(profile), replies.not_saved(profile),
                   replies.incomplete(profile), replies.request_not_sent(profile),
                   replies.consent_declined(profile)):
        assert sent_reference([confirmation, {"event": "bot", "text": ending}]) is None
    assert sent_reference([{"event": "bot", "text": "Hello"}]) is None
    assert "#5" in replies.request_was_sent(profile, "5")


@pytest.mark.parametrize("text, current, corrected", [
    ("my last name is spelled Whitfeld, no i", "Dana Whitfield", "Dana Whitfeld"),
    ("her first name is actually Evelyn", "Eveline Marsh", "Evelyn Marsh"),
    ("my middle name is Lee", "Ann Park", "Ann Lee Park"),
    ("actually its Ethan James Moore", "Ethan Moore", "Ethan James Moore"),
    ("my last name is spelled wrong", "Dana Whitfield", None),  # no new value
    ("actually its my mom, Rosa Diaz", "Ethan Moore", None),  # shares no word with the name
    ("sorry its tuesday morning", "Ethan Moore", None),
    ("my last name is Whitfeld", None, None),  # no name given yet
])
def test_a_part_of_the_name_or_the_whole_name_corrected_later(text, current, corrected):
    from bot.booking.corrections import corrected_name

    assert corrected_name(text, current) == corrected
    found = correction_in(text, "contact", TODAY, LOCATIONS, current)
    if corrected:
        assert found == ("full_name", {"full_name": corrected})


def test_an_invalid_number_in_a_correction_says_why():
    from bot.booking.corrections import invalid_contact_reason

    assert invalid_contact_reason("oh sorry its 555-123-4567") == "phone_invalid"
    assert invalid_contact_reason("oh sorry its 555-223-4567") is None
    assert invalid_contact_reason("change the time to monday") is None

