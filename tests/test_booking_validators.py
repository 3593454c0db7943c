"""The form's validators, as tables of what patients type."""

from datetime import date

import pytest

from bot.booking.validators import (
    Contact,
    Invalid,
    form_step_answer,
    normalize_us_phone,
    parse_preferred_time,
    validate_contact,
    validate_email,
    validate_full_name,
)

# A Tuesday, so weekday arithmetic is visible in the expectations.
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe", "Jane Doe"),
        ("  jane   doe ", "jane doe"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("Sam Kowalski then", "Sam Kowalski"),  # review 18 stored "then" with the name
        ("Sam Kowalski, Thanks!", "Sam Kowalski"),
        ("Ty Then", "Ty Then"),  # a capital: part of the name
        ("Anne-Marie d’Arcy", "Anne-Marie d’Arcy"),
        ("J. R. Smith", "J. R. Smith"),
        ("José Álvarez García", "José Álvarez García"),
        ("Maria Lindqvist. actually put Maria Teresa Lindqvist", "Maria Teresa Lindqvist"),
        ("Nguyễn Thị Minh", "Nguyễn Thị Minh"),
        ("My name is Jane Doe", "Jane Doe"),
        ("I'm Sam Lee", "Sam Lee"),
        ("it's Will Turner", "Will Turner"),
        ("Martin Luther King Jr.", "Martin Luther King Jr"),
        ("I already told you my name, it's Priya Raman", "Priya Raman"),
        ("sorry, my name is Jo Lee", "Jo Lee"),
        ("ok. Aisha Rahman", "Aisha Rahman"),
        ("sure, Tom Reyes", "Tom Reyes"),
    ],
)
def test_full_name_accepted(text, expected):
    assert validate_full_name(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Jane", "single_word"),
        ("Jo3 Smith", "not_a_name"),
        ("555-123-4567", "not_a_name"),
        ("jane@example.com", "not_a_name"),
        ("how much does it cost?", "question"),
        ("What is ketamine", "question"),
        ("Can you call me back", "question"),
        ("I want to book an appointment", "sentence"),
        ("I don't know", "sentence"),
        ("yes please", "sentence"),
        ("no thanks", "sentence"),
        ("never mind", "sentence"),
        ("the ketamine therapy", "sentence"),
        ("a b c d e f g h", "sentence"),
        ("Jane Doe <script>", "not_a_name"),
        ("Jane " + "x" * 90, "too_long"),
        ("J K", "too_short"),
    ],
)
def test_full_name_rejected(text, reason):
    with pytest.raises(Invalid) as err:
        validate_full_name(text)
    assert err.value.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "(312) 555-0199",
        "312-555-0199",
        "312.555.0199",
        "312 555 0199",
        "3125550199",
        "+1 312 555 0199",
        "+13125550199",
        "1-312-555-0199",
        "1 (312) 555-0199",
        "312/555-0199",
        "312-555-0199 ext. 12",
    ],
)
def test_us_phone_formats_normalised_to_e164(text):
    assert normalize_us_phone(text) == "+13125550199"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("555-0199", "phone_length"),
        ("312-555-019", "phone_length"),
        ("312-555-01999", "phone_length"),
        ("+44 20 7946 0958", "not_us_phone"),
        ("+1 312 555 01", "phone_length"),
        ("012-555-0199", "phone_invalid"),  # area codes never start with 0 or 1
        ("312-155-0199", "phone_invalid"),  # nor exchanges
        ("911-555-0199", "phone_invalid"),  # N11 codes are service codes
        ("222-222-2222", "phone_invalid"),
        ("312-555-CALL", "not_a_phone"),
    ],
)
def test_invalid_phone_rejected(text, reason):
    with pytest.raises(Invalid) as err:
        normalize_us_phone(text)
    assert err.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane.doe@example.com", Contact("email", "jane.doe@example.com")),
        ("Jane.Doe+clinic@Example.COM", Contact("email", "Jane.Doe+clinic@example.com")),
        ("email me at jo@mail.example.org please", Contact("email", "jo@mail.example.org")),
        ("<jo_x@example.co.uk>", Contact("email", "jo_x@example.co.uk")),
        ("(312) 555-0199", Contact("phone", "+13125550199")),
        ("my number is 312.555.0199", Contact("phone", "+13125550199")),
        ("call me at +1 312 555 0199 after 5", Contact("phone", "+13125550199")),
        ("cell: 3125550199.", Contact("phone", "+13125550199")),
    ],
)
def test_contact_accepted(text, expected):
    assert validate_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("you can call me", "not_a_contact"),
        ("555-0199", "phone_length"),  # seven digits: no area code
        ("12345", "not_a_contact"),
        ("jane@", "email_invalid"),
        ("jane@example", "email_invalid"),
        ("@example.com", "email_invalid"),
        ("jane@exa mple.com", "email_invalid"),
        ("a@example.com or b@example.com", "several_contacts"),
        ("312-555-0199 or 773-555-0123", "several_contacts"),
        ("+44 20 7946 0958", "not_us_phone"),
        ("012-555-0199", "phone_invalid"),
        ("x" * 301, "too_long"),
        ("this number is fine", "this_number"),  # the sender's number is never passed on
        ("use the one i'm texting from", "this_number"),
    ],
)
def test_contact_rejected(text, reason):
    with pytest.raises(Invalid) as err:
        validate_contact(text)
    assert err.value.reason == reason


@pytest.mark.parametrize(
    "text", ["jane..doe@example.com", "jane@-example.com", "a" * 65 + "@example.com"]
)
def test_email_syntax_edge_cases(text):
    with pytest.raises(Invalid):
        validate_email(text)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("weekday mornings", "weekdays morning"),
        ("Weekdays, after 3pm", "weekdays after 15:00"),
        ("during the week in the afternoon", "weekdays afternoon"),
        ("Mon-Fri evenings", "weekdays evening"),
        ("weekends", "weekends"),
        ("Saturday or Sunday morning", "weekends morning"),
        ("mornings", "any day morning"),
        ("any time after 10:30am", "any day after 10:30"),
        ("around noon", "any day midday"),
        ("tomorrow", "2026-11-25"),
        ("tomorrow afternoon", "2026-11-25 afternoon"),
        ("day after tomorrow at 9am", "2026-11-26 09:00"),
        ("today after work", "2026-11-24 evening"),
        ("next Tuesday", "2026-12-01"),  # said on a Tuesday: the one a week later
        ("Tuesday", "2026-12-01"),
        ("this friday morning", "2026-11-27 morning"),
        ("thurs at 2 pm", "2026-11-26 14:00"),
        ("Tuesdays", "tuesdays"),
        ("on mondays after 4pm", "mondays after 16:00"),
        ("Dec 3", "2026-12-03"),
        ("December 3rd in the morning", "2026-12-03 morning"),
        ("the 3rd of December", "2026-12-03"),
        ("3 Dec", "2026-12-03"),
        ("12/03", "2026-12-03"),
        ("12/3/2026", "2026-12-03"),
        ("1/5", "2027-01-05"),  # January has passed this year: next January
        ("Nov 2", "2027-11-02"),
        ("2027-01-15", "2027-01-15"),
        ("next week", "week of 2026-11-30"),
        # days the patient cannot do are no preference (suite 16)
        ("sunday afternoons, i work weekdays", "2026-11-29 afternoon"),
        ("not fridays, thursday is good", "2026-11-26"),
        ("i work weekends so weekdays are best", "weekdays"),
        ("sunday afternoons, he works weekdays", "2026-11-29 afternoon"),  # suite 21, for a dad
        ("asap", "asap"),
        ("as soon as possible please", "asap"),
        ("whenever works", "any day"),
        ("Is Tuesday morning OK?", "2026-12-01 morning"),
    ],
)
def test_preferred_time_normalised(text, normalized):
    result = parse_preferred_time(text, TODAY)
    assert result.normalized == normalized
    assert result.text == " ".join(text.split())


def test_an_ok_before_the_time_is_not_kept():
    """Review 18 stored "ok. weekday afternoons" as the preferred time."""
    result = parse_preferred_time("ok. weekday afternoons", TODAY)
    assert (result.text, result.normalized) == ("weekday afternoons", "weekdays afternoon")


@pytest.mark.parametrize(
    "text",
    ["when my sister can drive me", "after my shift ends", "Feb 30", "13/45", "the usual"],
)
def test_preferred_time_kept_as_said_when_not_parsable(text):
    result = parse_preferred_time(text, TODAY)
    assert result.text == text
    assert result.normalized is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("what times do you have?", "question"),
        ("12/03/2020", "past_date"),
        ("x" * 201, "too_long"),
        # review 16: a yes or a summary button typed at the time step is no time
        ("ok", "not_a_time"),
        ("Yes, send it", "not_a_time"),
        ("change location", "not_a_time"),
        ("idk", "not_a_time"),  # review 17
        ("whatever", "not_a_time"),  # review 19 stored it after "giving my stuff away"
    ],
)
def test_preferred_time_rejected(text, reason):
    with pytest.raises(Invalid) as err:
        parse_preferred_time(text, TODAY)
    assert err.value.reason == reason


def test_relative_dates_follow_today():
    assert parse_preferred_time("tomorrow", date(2026, 12, 31)).normalized == "2027-01-01"
    assert parse_preferred_time("friday", date(2026, 11, 27)).normalized == "2026-12-04"
    assert parse_preferred_time("Feb 29", date(2027, 3, 1)).normalized == "2028-02-29"


@pytest.mark.parametrize("slot, intent, text, taken", [
    ("full_name", "ask_question", "Will Cost", True),
    ("full_name", "crisis", "Hope Walker", False),          # a crisis always wins
    ("full_name", "cancel_booking", "Mercy Stone", False),  # so does a cancel
    ("full_name", "ask_question", "how much does it cost", False),
    ("contact", "ask_question", "her cell is 555-618-0427", True),
    ("contact", "ask_question", "why do you need that?", False),
    ("contact", "ask_question", "this number", True),  # the form explains it needs it typed
    ("full_name", "ask_question", "this number", True),  # not the clinic's contact card
    ("full_name", "ask_question", "put my full name Jennifer Okafor", True),
    ("full_name", "ask_question", "looks good", False),  # review 11: was stored as a name
    ("contact", "ask_question", "before I give my number, how long is a session?", False),
    ("booking_review", "ask_question", "Looks good, submit it", True),
    ("booking_consent", "ask_question", "no thanks, I'll ask my psychiatrist first", True),
    ("booking_consent", "ask_question", "what happens to my data?", False),
    ("preferred_time", "ask_question", "how long till someone calls me back", False),
    ("preferred_time", "ask_question", "Tuesday evenings, it's the only time my shift is off",
     True),
    ("preferred_time", "ask_question", "whatever works for you guys is fine", False),
    (None, "ask_question", "Will Cost", False),
])
def test_a_form_step_takes_its_own_answer_whatever_the_nlu_read(slot, intent, text, taken):
    assert (form_step_answer(slot, intent, text) is not None) is taken


@pytest.mark.parametrize("text", [
    "how long till someone actually calls me back usually", "what times do you have",
])
def test_a_question_at_the_time_step_is_not_a_time(text):
    with pytest.raises(Invalid):
        parse_preferred_time(text, date(2026, 12, 3))


def test_markup_typed_as_a_time_is_not_stored_or_echoed():
    parsed = parse_preferred_time("<b>tuesday</b> morning<script>alert(1)</script>",
                                  date(2026, 12, 3))
    assert "<" not in parsed.text and ">" not in parsed.text
    assert parsed.text.startswith("tuesday morning")


@pytest.mark.parametrize("text", ["looks good", "sounds good", "ok great", "send it"])
def test_replies_to_a_summary_are_no_names(text):
    """Review 11: "looks good" typed at the name step was stored as the patient's name."""
    with pytest.raises(Invalid):
        validate_full_name(text)


def test_put_my_full_name_gives_the_name():
    assert validate_full_name("put my full name Jennifer Okafor") == "Jennifer Okafor"


@pytest.mark.parametrize("text, kept", [
    ("do you have evening appointments?", False),
    ("are you open saturdays", False),
    ("can we do tuesday morning?", True),
    ("weekday evenings after 5", True),
])
def test_a_question_about_the_clinics_times_is_not_the_preferred_time(text, kept):
    """Review 27: "do you have evening appointments?" was stored as the preferred time."""
    from bot.booking.validators import form_step_answer

    assert (form_step_answer("preferred_time", "ask_question", text) is not None) is kept


@pytest.mark.parametrize("text", ["si", "sí", "claro"])
def test_a_spanish_yes_is_a_yes(text):
    """Review 27: "si" at the privacy question of the English form got "I don't know"."""
    from bot.booking.validators import read_yes_no

    assert read_yes_no(text) is True
