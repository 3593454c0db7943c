"""Consultation requests end to end: the real Rasa server and action server, over REST.

A patient books through the REST channel; the request lands in the database encrypted, the
staff command shows it decrypted, staff get an e-mail without contact details (real SMTP server
on 127.0.0.1), a database that cannot be written gives the honest reply and no confirmation,
and no name, phone number or e-mail address appears in either server's log.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from servers import ROOT, Assistant, free_port, start_assistant

from bot.config import load_clinic
from bot.privacy.crypto import generate_key

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NAME = "Evelyn Hartwell-Quinn"
PHONE_TYPED = "(555) 201-0187"
PHONE_E164 = "+15552010187"
SECOND_NAME = "Omar Haddad"
EMAIL = "omar.haddad@example.org"
SECRETS = [
    NAME, "Hartwell", PHONE_TYPED, PHONE_E164, "5552010187", "555-201-0187", "201-0187",
    SECOND_NAME, "Haddad", EMAIL, "omar.haddad", "Dolores Whitfield", "caller.whitfield",
]  # fmt: skip


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"




@pytest.fixture(scope="module")
def booking_env(tmp_path_factory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("booking-e2e")
    return {
        "BOT_ENV": "production",
        "BOT_DATA_KEY": generate_key(),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
        "WORKDIR": str(workdir),
    }


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def booking_assistant(booking_env, inbox) -> Iterator[Assistant]:
    _, smtp_port = inbox
    env = {k: v for k, v in booking_env.items() if k != "WORKDIR"}
    env.update(
        BOT_SMTP_HOST="127.0.0.1",
        BOT_SMTP_PORT=str(smtp_port),
        BOT_SMTP_STARTTLS="false",
        BOT_SMTP_FROM="assistant@example-clinic.test",
        BOT_SMTP_TO="frontdesk@example-clinic.test",
    )
    with start_assistant(Path(booking_env["WORKDIR"]) / "servers", extra_env=env) as running:
        yield running


def db_path(booking_env) -> str:
    return booking_env["BOT_DATABASE_URL"].removeprefix("sqlite:///")


def say(assistant: Assistant, sender: str, text: str) -> tuple[str, list[dict]]:
    """Send one message; returns the bot's texts joined and all buttons offered."""
    replies = assistant.send(sender, text)
    texts = "\n".join(r.get("text") or "" for r in replies)
    buttons = [b for r in replies for b in (r.get("buttons") or [])]
    return texts, buttons


ASK_TIME_END = 'or "Dec 3".'  # the end of the preferred-time question


def from_knowledge(text: str, buttons: list[dict]) -> bool:
    """An answer from the retrieval layer: an answer with its source, or a choice of answers."""
    return "Source:" in text or any(b["payload"].startswith("/choose_answer") for b in buttons)


def staff(booking_env, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, **booking_env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "requests", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def count_requests(booking_env) -> int:
    path = db_path(booking_env)
    if not os.path.exists(path):
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return conn.execute("select count(*) from consultation_requests").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def stored_request(booking_env, full_name: str) -> dict:
    """The one stored request for ``full_name``, as the staff command lists it (decrypted)."""
    listed = staff(booking_env, "list", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    [row] = [r for r in rows if r["full_name"] == full_name]
    return row


def test_booking_lands_in_the_database_encrypted(booking_assistant, booking_env, inbox):
    clinic = load_clinic()
    sender = "e2e-booking-happy"

    text, buttons = say(booking_assistant, sender, "I'd like to book a consultation")
    assert "encrypted" in text and "never shared" in text  # the privacy notice comes first
    assert {b["payload"] for b in buttons} == {"/affirm", "/deny"}

    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text

    text, _ = say(booking_assistant, sender, NAME)
    assert "phone number or email" in text

    text, _ = say(booking_assistant, sender, "555-0187")  # no area code
    assert "area code" in text and "phone number or email" in text

    text, _ = say(booking_assistant, sender, PHONE_TYPED)
    assert "When would suit you" in text

    # A question in the middle is answered from the knowledge base; the form asks again.
    text, buttons = say(booking_assistant, sender, "what are the common side effects?")
    assert from_knowledge(text, buttons)
    assert text.rstrip().endswith(ASK_TIME_END)

    text, buttons = say(booking_assistant, sender, "weekday mornings")
    assert [b["title"].split(" (")[0] for b in buttons] == [loc.name for loc in clinic.locations]

    text, buttons = say(booking_assistant, sender, buttons[-1]["payload"])
    assert NAME in text and PHONE_TYPED in text and "weekday mornings" in text
    assert clinic.locations[-1].name in text
    assert "/affirm" in {b["payload"] for b in buttons}

    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text and "reference #1" in text
    assert clinic.booking_note in text
    assert clinic.phone_display in text and clinic.hours_text in text
    # Changing one's mind afterwards: not "No problem", the request is already with the clinic.
    text, _ = say(booking_assistant, sender, "actually I changed my mind, cancel that")
    assert "already been sent" in text and clinic.phone_display in text, text

    assert count_requests(booking_env) == 1
    raw = open(db_path(booking_env), "rb").read()
    for secret in SECRETS[:6] + ["weekday mornings", sender]:
        assert secret.encode() not in raw, secret

    listed = staff(booking_env, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["full_name"] == NAME and row["contact"] == PHONE_E164
    assert row["preferred_time"] == "weekday mornings"
    assert row["preferred_time_normalized"] == "weekdays morning"
    assert row["location_id"] == clinic.locations[-1].id and row["channel"] == "rest"

    # Staff were told, without the patient's details.
    handler, _ = inbox
    deadline = time.monotonic() + 20
    while not handler.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    [mail] = handler.messages
    assert b"#1" in mail
    for secret in SECRETS[:6]:
        assert secret.encode() not in mail


def test_cancel_stores_nothing(booking_assistant, booking_env):
    sender = "e2e-booking-cancel"
    before = count_requests(booking_env)
    say(booking_assistant, sender, "can someone call me")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, SECOND_NAME)
    text, _ = say(booking_assistant, sender, "never mind")
    assert "nothing you entered has been saved" in text
    assert count_requests(booking_env) == before
    # The form is closed: the next message is an ordinary question again.
    text, buttons = say(booking_assistant, sender, "how long does a session take?")
    assert from_knowledge(text, buttons)
    assert "When would suit you" not in text and "full name" not in text

def test_a_caller_books_for_someone_else(booking_assistant, booking_env):
    """The patient's name, the caller's contact and who the patient is to the caller."""
    sender = "e2e-booking-for-mom"
    text, _ = say(booking_assistant, sender,
                  "can i book for my mom? she doesnt really do computers")  # fmt: skip
    assert "Is that OK with you?" in text
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name of the person the consultation is for (your mom)" in text
    text, _ = say(booking_assistant, sender, "her name is Dolores Whitfield")
    assert "reach you about it" in text
    text, _ = say(booking_assistant, sender, "caller.whitfield@example.org")
    assert ASK_TIME_END in text
    text, buttons = say(booking_assistant, sender, "weekday mornings")
    text, buttons = say(booking_assistant, sender, buttons[0]["payload"])
    assert "- For: your mom" in text and "- Name: Dolores Whitfield" in text
    assert "- Email: caller.whitfield@example.org" in text
    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text
    raw = open(db_path(booking_env), "rb").read()
    assert b"Whitfield" not in raw and b"caller.whitfield" not in raw  # all of it encrypted
    with sqlite3.connect(db_path(booking_env)) as conn:
        [stored] = conn.execute("select relationship_encrypted from consultation_requests "
                                "where relationship_encrypted is not null").fetchone()
    assert stored.startswith("v2.")  # a sealed token, not the word
    row = stored_request(booking_env, "Dolores Whitfield")
    assert row["relationship"] == "mom" and row["contact"] == "caller.whitfield@example.org"



def test_details_typed_before_consent_are_not_kept_and_the_privacy_question_is_shorter(
        booking_assistant):
    """A phone number typed at the privacy question is not kept, the patient is told so, and
    the question comes back in a short form; after "yes" the form asks for every detail."""
    sender = "e2e-booking-details-before-consent"
    text, _ = say(booking_assistant, sender, "I'd like to book a consultation")
    assert "word on privacy" in text, text
    text, _ = say(booking_assistant, sender, "you can call me on 312-555-0147, im her daughter")
    assert "haven't kept that" in text and "As I said above" in text, text
    assert "word on privacy" not in text and "Is that OK with you?" in text, text
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text, text
    say(booking_assistant, sender, "cancel")


def test_book_him_in_after_naming_the_relation_earlier_books_for_him(booking_assistant):
    """"my dad ... hes 72" first, "ok book him in pls" later: the booking is for the dad."""
    sender = "e2e-booking-him-after-dad"
    say(booking_assistant, sender, "hi, asking for my dad, hes 72 and doesnt do texting")
    text, _ = say(booking_assistant, sender, "ok book him in pls")
    assert "Is that OK with you?" in text, text
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name of the person the consultation is for (your dad)" in text, text
    say(booking_assistant, sender, "cancel")


def test_a_name_and_a_phone_number_typed_together_fill_both_steps(booking_assistant):
    """"Marcus Bell, 414-555-0190" at the name step: the contact step is not asked."""
    sender = "e2e-booking-name-and-phone"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    text, _ = say(booking_assistant, sender, "Marcus Bell, 414-555-0190")
    assert "When would suit you best?" in text, text
    say(booking_assistant, sender, "weekday mornings")
    text, _ = say(booking_assistant, sender, "North office")
    assert "- Name: Marcus Bell" in text and "- Phone: (414) 555-0190" in text, text
    say(booking_assistant, sender, "cancel")


def test_a_correction_that_names_the_new_value_takes_it(booking_assistant, booking_env):
    """'make it Thursday morning instead' at the location step, 'change the email to ...' at the
    summary: the new value is taken, not asked for again, and the summary shows it."""
    sender = "e2e-booking-corrections"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Jordan Lee")
    say(booking_assistant, sender, "jordan.lee@example.org")
    text, buttons = say(booking_assistant, sender, "tuesday afternoon")
    assert buttons, text  # the location question
    text, buttons = say(booking_assistant, sender,
                        "actually can we make it Thursday morning instead?")
    assert "changed your preferred time" in text and buttons, text  # the location again
    text, _ = say(booking_assistant, sender, buttons[0]["payload"])
    assert "Thursday morning" in text and "tuesday afternoon" not in text
    text, _ = say(booking_assistant, sender, "wait, can you change the email to jlee77@example.org")
    assert "changed your phone number or email" in text, text
    assert "- Email: jlee77@example.org" in text and "jordan.lee@example.org" not in text
    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text


def test_a_time_correction_typed_at_the_location_step_and_a_read_back(booking_assistant,
                                                                         booking_env):
    """'switch that to Thursday mornings' with no 'make it' at the location step is applied,
    "what did I tell you my name was?" reads the details back, a time at the name step is
    no name, and the stored request has the corrected time."""
    sender = "e2e-booking-midform"
    say(booking_assistant, sender, "i wana bok a apointmnt plz")
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text, text
    text, _ = say(booking_assistant, sender, "Fridays after lunch")
    assert "sounds like a time" in text and "full name" in text, text
    say(booking_assistant, sender, "Priya Nair-Holt")
    text, _ = say(booking_assistant, sender, "what did I tell you my name was?")
    assert "- Name: Priya Nair-Holt" in text and "phone number or email" in text, text
    say(booking_assistant, sender, "priya.nh@example.org")
    text, buttons = say(booking_assistant, sender, "Fridays after lunch")
    assert buttons, text  # the location question
    text, buttons = say(booking_assistant, sender,
                        "actually wait, switch that to Thursday mornings at 8")
    assert "changed your preferred time" in text and buttons, text
    text, _ = say(booking_assistant, sender, buttons[0]["payload"])
    assert "- Preferred time: Thursday mornings at 8" in text, text
    assert "- Name: Priya Nair-Holt" in text
    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text
    row = stored_request(booking_env, "Priya Nair-Holt")
    assert row["preferred_time"] == "Thursday mornings at 8"


def test_a_phone_correction_at_the_summary_and_a_name_after_i_already_gave_you_that(
        booking_assistant, booking_env):
    """'sorry, my number is actually ...' at the summary changes the number (it is no cancel),
    and "I already gave you that, it's ..." at the name question is a name."""
    sender = "e2e-booking-summary-correction"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    text, _ = say(booking_assistant, sender, "I already gave you that, it's Marcus Oyelaran")
    assert "phone number or email" in text, text
    say(booking_assistant, sender, "312-555-0199")
    text, buttons = say(booking_assistant, sender, "Thursday mornings")
    text, _ = say(booking_assistant, sender, buttons[0]["payload"])
    assert "- Phone: (312) 555-0199" in text, text
    text, _ = say(booking_assistant, sender, "sorry, my number is actually 312-555-0191")
    assert "changed your phone number or email" in text and "- Phone: (312) 555-0191" in text, text
    assert "nothing you entered has been saved" not in text.lower()
    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text
    row = stored_request(booking_env, "Marcus Oyelaran")
    assert row["contact"] == "+13125550191"


def test_every_detail_in_one_message_then_yes_to_the_offer(booking_assistant, booking_env):
    """A message with the name, phone, time and location, then "yes" to the offer: nothing is
    asked again, and the summary has what was given."""
    sender = "e2e-booking-all-in-one"
    text, _ = say(booking_assistant, sender, "hi im Marcus Oyelaran, 312-555-0199, want a "
                                             "consult thursday mornings at the North office")
    if "Is that OK with you?" not in text:  # offered first: "yes" opens the form
        text, _ = say(booking_assistant, sender, "yes")
    assert "Is that OK with you?" in text, text
    text, _ = say(booking_assistant, sender, "yes")
    assert ASK_TIME_END not in text and "full name" not in text, text
    assert "- Name: Marcus Oyelaran" in text and "- Phone: (312) 555-0199" in text, text
    assert "- Preferred time: thursday mornings" in text and "North office" in text, text
    say(booking_assistant, sender, "cancel")


@pytest.mark.parametrize("opening, time_kept", [
    ("can you book me a consultation for tuesday afternoon", True),
    ("I called on Tuesday and nobody answered, can I book?", False),
])
def test_a_time_asked_for_in_the_opening_message_is_not_asked_again(booking_assistant, opening,
                                                                    time_kept):
    """"book me for tuesday afternoon" keeps the time; "I called on Tuesday" does not."""
    sender = f"e2e-booking-time-up-front-{time_kept}"
    text, _ = say(booking_assistant, sender, opening)
    if "Is that OK with you?" not in text:
        text, _ = say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, SECOND_NAME)
    text, _ = say(booking_assistant, sender, EMAIL)
    if time_kept:
        assert ASK_TIME_END not in text and "Which of our locations" in text, text
    else:
        assert ASK_TIME_END in text, text
    say(booking_assistant, sender, "cancel")


def test_unwritable_database_gets_the_honest_reply(booking_assistant, booking_env):
    clinic = load_clinic()
    sender = "e2e-booking-failure"
    say(booking_assistant, sender, "schedule a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, SECOND_NAME)
    text, _ = say(booking_assistant, sender, EMAIL)
    assert "When would suit you" in text
    say(booking_assistant, sender, "tomorrow afternoon")
    text, _ = say(booking_assistant, sender, "the main office")
    assert SECOND_NAME in text and EMAIL in text  # the summary, shown to the patient only
    before = count_requests(booking_env)

    # Another process holds SQLite's write lock for the whole submit: the database cannot be
    # written (as root, file permissions would not stop the server, a lock does).
    blocker = sqlite3.connect(db_path(booking_env), timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        text, _ = say(booking_assistant, sender, "yes")
    finally:
        blocker.rollback()
        blocker.close()
    assert "NOT saved" in text and clinic.phone_display in text
    assert "has been sent" not in text and "reference" not in text
    assert count_requests(booking_env) == before


def test_no_personal_data_in_the_logs(booking_assistant):
    logs = booking_assistant.logs()
    assert "consultation request" in logs  # the booking actions did log (ids only)
    for secret in SECRETS:
        assert secret not in logs, f"{secret!r} appears in the server logs"



def test_a_goodbye_at_the_privacy_question_is_not_consent(booking_assistant, booking_env):
    sender = "e2e-booking-goodbye"
    text, _ = say(booking_assistant, sender, "I'd like to book a consultation")
    assert "Is that OK with you?" in text
    text, _ = say(booking_assistant, sender, "ok thanks bye")
    assert "full name" not in text


def test_asking_about_a_request_already_sent_does_not_start_a_new_one(booking_assistant):
    text, _ = say(booking_assistant, "e2e-booking-status",
                  "I requested a consultation last week and still no call")
    assert "Is that OK with you?" not in text and load_clinic().phone_display in text, text


@pytest.mark.parametrize("question", ["can i email instead", "could i email you instead?"])
def test_a_question_read_as_a_change_with_nothing_requested_is_answered(booking_assistant,
                                                                        question):
    """With no request in this conversation, "can i email instead" asks how to reach the
    clinic: the e-mail address, not "there's no request in progress"."""
    text, _ = say(booking_assistant, f"e2e-email-instead-{len(question)}", question)
    assert load_clinic().email in text and "no request in progress" not in text, text


def test_not_now_at_a_step_leaves_the_form_and_saves_nothing(booking_assistant, booking_env):
    sender = "e2e-booking-not-now"
    before = count_requests(booking_env)
    say(booking_assistant, sender, "I'd like to book a consultation")
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text
    text, _ = say(booking_assistant, sender, "no actually not now")
    assert "nothing you entered has been saved" in text and "full name" not in text, text
    assert count_requests(booking_env) == before


def test_a_name_corrected_at_the_contact_step_is_taken(booking_assistant):
    sender = "e2e-booking-name-fix"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Jon Smith")
    text, _ = say(booking_assistant, sender, "sorry I misspelled my name, it's John Smyth")
    assert "full name" not in text.lower() or "John Smyth" in text, text
    say(booking_assistant, sender, "john.smyth@example.org")
    say(booking_assistant, sender, "monday morning")
    text, buttons = say(booking_assistant, sender, "the main office")
    text = text if "- Name:" in text else say(booking_assistant, sender,
                                                buttons[0]["payload"])[0]
    assert "- Name: John Smyth" in text and "Jon Smith" not in text, text
    say(booking_assistant, sender, "never mind")


def test_a_phone_and_location_given_up_front_are_not_asked_again(booking_assistant):
    sender = "e2e-booking-up-front"
    text, _ = say(booking_assistant, sender,
                  "I'd like to book a consultation at the North office, my cell is 555-201-0187")
    assert "Is that OK with you?" in text
    say(booking_assistant, sender, "yes")
    text, _ = say(booking_assistant, sender, "Rosa Delgado")
    assert ASK_TIME_END in text and "phone number or email" not in text, text
    text, buttons = say(booking_assistant, sender, "wednesday afternoon")
    text = text if "- Name:" in text else say(booking_assistant, sender,
                                                buttons[0]["payload"])[0]
    assert "North office" in text and "555" in text and "Rosa Delgado" in text, text
    say(booking_assistant, sender, "never mind")


def test_questions_with_an_ok_at_the_privacy_question_are_not_consent(booking_assistant):
    sender = "e2e-booking-ok-questions"
    say(booking_assistant, sender, "I'd like to book a consultation")
    text, _ = say(booking_assistant, sender, "ok. does it hurt? and how long does it take?")
    assert "full name" not in text.lower(), text
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text.lower(), text
    say(booking_assistant, sender, "never mind")


@pytest.mark.parametrize("question, answer", [
    ("ok but wait, is it painful? like the needle part", "vein"),
    ("ok. how long is a session though?", "45 minutes"),
    ("ok but wait, am i committing to treatment if i do this?", "not a commitment"),
])
def test_a_question_with_an_ok_at_the_privacy_step_is_answered_before_consent(
        booking_assistant, question, answer):
    """"ok. how long is a session though?" is no consent: the question is answered and the
    privacy question asked again."""
    sender = f"e2e-booking-consent-question-{answer}"
    say(booking_assistant, sender, "i want to book a consult")
    text, _ = say(booking_assistant, sender, question)
    assert answer in text and "Source:" in text, text
    assert "full name" not in text and "Is that OK with you?" in text, text
    text, _ = say(booking_assistant, sender, "ok yes")
    assert "full name" in text, text
    say(booking_assistant, sender, "cancel")


def test_a_closed_day_then_another_day_at_the_location_step_and_a_name_fixed_at_the_summary(
        booking_assistant, booking_env):
    """Review 10: "oh ur closed weekends? then mondays" after the closed-day note changes the
    time, and "wait actually put her full name ..." at the summary changes the name."""
    sender = "e2e-booking-then-mondays"
    text, _ = say(booking_assistant, sender,
                  "my wife keeps telling me to try it so lets book i guess")
    assert "Is that OK with you?" in text, text
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Rosa Delgado")
    say(booking_assistant, sender, "rosa.d@example.org")
    text, _ = say(booking_assistant, sender, "saturdays")
    assert "usually closed" in text, text
    text, buttons = say(booking_assistant, sender, "oh ur closed weekends? then mondays")
    assert "changed your preferred time" in text and buttons, text
    text, _ = say(booking_assistant, sender, buttons[0]["payload"])
    assert "- Preferred time: mondays" in text, text
    text, _ = say(booking_assistant, sender, "wait actually put her full name Rosa Maria Delgado")
    assert "- Name: Rosa Maria Delgado" in text, text
    text, _ = say(booking_assistant, sender, "yes, send it")
    assert "has been sent" in text, text
    row = stored_request(booking_env, "Rosa Maria Delgado")
    assert row["preferred_time"] == "mondays"


def test_did_it_go_through_is_yes_after_the_confirmation_and_not_yet_in_a_second_form(
        booking_assistant, booking_env):
    """"did it go through?" right after the confirmation: yes, with the reference; asked again
    while a second request is being filled in: not yet (never the first request's yes as if it
    were this one), and the form asks its question again."""
    sender = "e2e-booking-did-it-go-through"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Noor Vandersloot")
    say(booking_assistant, sender, "noor.v@example.org")
    _, buttons = say(booking_assistant, sender, "friday afternoon")
    say(booking_assistant, sender, buttons[0]["payload"])
    text, _ = say(booking_assistant, sender, "yes, send it")
    [reference] = re.findall(r"reference #(\d+)", text)
    stored = count_requests(booking_env)

    text, _ = say(booking_assistant, sender, "did it go through?")
    assert "Yes, it went through" in text and f"#{reference}" in text, text

    text, _ = say(booking_assistant, sender, "can i also book one for my dad")
    if "Is that OK with you?" not in text:  # offered first: "yes" opens the form
        text, _ = say(booking_assistant, sender, "yes")
    text, _ = say(booking_assistant, sender, "yes")
    assert "full name" in text, text
    text, _ = say(booking_assistant, sender, "wait did it go through?")
    assert "Not yet" in text and f"#{reference}" in text, text
    assert "Yes, it went through" not in text and "full name" in text, text
    assert count_requests(booking_env) == stored


def test_only_a_yes_sends_and_a_pause_keeps_the_request(booking_assistant, booking_env):
    """Review 14: "more" at the summary sent the request, "hold on let me check with my wife
    first" deleted it, and "Very good. I consent." got "I don't know"."""
    sender = "e2e-booking-pause"
    say(booking_assistant, sender, "I'd like to book a consultation")
    text, _ = say(booking_assistant, sender, "Very good. I consent.")
    assert "full name" in text, text
    say(booking_assistant, sender, "Margaret Ellison")
    say(booking_assistant, sender, "217-555-0143")
    _, buttons = say(booking_assistant, sender, "Tuesday mornings")
    text, _ = say(booking_assistant, sender, buttons[0]["payload"])
    assert "Shall I send it" in text, text
    stored = count_requests(booking_env)
    text, _ = say(booking_assistant, sender, "more")
    assert "has been sent" not in text and count_requests(booking_env) == stored, text
    text, _ = say(booking_assistant, sender, "hold on let me check with my wife first")
    assert "nothing is sent until you say so" in text and "has been saved" not in text, text
    text, _ = say(booking_assistant, sender, "ok she says yes, send it")
    assert "has been sent" in text and count_requests(booking_env) == stored + 1, text


def test_did_it_go_through_with_no_request_in_the_conversation_says_so(booking_assistant):
    """Review 14: it got the answer about what happens after a request, as if one existed."""
    text, _ = say(booking_assistant, "e2e-booking-none-here", "did my booking go through?")
    assert "I don't see a consultation request from this conversation" in text, text
    assert "nothing has been sent" in text and load_clinic().phone_display in text, text


def test_wanting_it_sent_right_after_a_cancel_starts_the_request_again(booking_assistant,
                                                                       booking_env):
    """Review 14: "wait no i wanted to send it" after a cancel got "No problem"."""
    sender = "e2e-booking-uncancel"
    say(booking_assistant, sender, "can someone call me")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, SECOND_NAME)
    text, _ = say(booking_assistant, sender, "cancel the request")
    assert "nothing you entered has been saved" in text, text
    text, _ = say(booking_assistant, sender, "wait no i wanted to send it")
    assert "Is that OK with you?" in text and "No problem" not in text, text


def test_a_yes_after_withdrawing_at_the_name_step_goes_on_with_the_request(booking_assistant,
                                                                         booking_env):
    """Suite 26: "not comfortable giving my info" at the name step looped on the name question;
    then "actually ok fine, yes" after the cancel got "What would you like to know"."""
    sender = "e2e-booking-withdraw-then-yes"
    before = count_requests(booking_env)
    say(booking_assistant, sender, "how do i get started with you guys")
    text, _ = say(booking_assistant, sender, "ok lets do it, book me")
    assert "full name" in text, text
    text, _ = say(booking_assistant, sender, "hmm no thanks, not comfortable giving my info")
    assert "nothing you entered has been saved" in text and "full name" not in text, text
    assert count_requests(booking_env) == before
    text, _ = say(booking_assistant, sender, "actually ok fine, yes")
    assert "full name" in text and "Is that OK with you?" not in text, text
    text, _ = say(booking_assistant, sender, SECOND_NAME)
    assert "phone number or email" in text, text
    # A thank-you after the cancel is only that: the request does not start again.
    sender = "e2e-booking-withdraw-then-thanks"
    say(booking_assistant, sender, "i want to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "i'd rather not give my name actually")
    text, _ = say(booking_assistant, sender, "ok thanks")
    assert "Is that OK with you?" not in text and "full name" not in text, text


def test_not_ready_to_book_yet_outside_the_form_gets_how_to_book_later(booking_assistant):
    """Review 27: "not ready to book yet tbh, maybe later" got a bare "No problem"."""
    sender = "e2e-booking-later"
    say(booking_assistant, sender, "how much does it cost")
    text, _ = say(booking_assistant, sender, "not ready to book yet tbh, maybe later")
    assert load_clinic().phone_display in text and "Is that OK with you?" not in text, text


def test_a_name_part_or_the_whole_name_fixed_later_and_a_second_invalid_number(booking_assistant):
    """Review 14: "my last name is spelled Whitfeld, no i" was stored as "spelled Whitfeld",
    "actually its Ethan James Moore" at the contact step was refused as a phone number, and a
    second invalid number typed with "oh sorry" got the menu of details to change."""
    sender = "e2e-booking-name-parts"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Dana Whitfield")
    text, _ = say(booking_assistant, sender, "my last name is spelled Whitfeld, no i")
    assert "changed your name" in text and "phone number or email" in text, text
    text, _ = say(booking_assistant, sender, "555-12-456")
    assert "right number of digits" in text, text
    text, _ = say(booking_assistant, sender, "oh sorry its 555-123-4567")
    assert "valid US phone number" in text and "Which detail" not in text, text
    say(booking_assistant, sender, "oh sorry its 555-223-4567")
    say(booking_assistant, sender, "friday afternoon")
    text, buttons = say(booking_assistant, sender, "the main office")
    text = text if "- Name:" in text else say(booking_assistant, sender,
                                                buttons[0]["payload"])[0]
    assert "- Name: Dana Whitfeld" in text and "(555) 223-4567" in text, text
    say(booking_assistant, sender, "never mind")

    sender = "e2e-booking-name-restated"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Ethan Moore")
    text, _ = say(booking_assistant, sender, "actually its Ethan James Moore")
    assert "changed your name" in text and "valid" not in text, text
    text, _ = say(booking_assistant, sender, "what do you have so far")
    assert "Ethan James Moore" in text, text
    say(booking_assistant, sender, "never mind")


def test_maybe_later_at_the_privacy_question_is_no_consent(booking_assistant, booking_env):
    """Review 15: "ok maybe later" was taken as a yes and the form asked for the name."""
    before = count_requests(booking_env)
    sender = "e2e-booking-maybe-later"
    say(booking_assistant, sender, "can i book a consultation")
    text, _ = say(booking_assistant, sender, "ok maybe later")
    assert "full name" not in text and "haven't collected or saved anything" in text, text
    assert count_requests(booking_env) == before


def test_a_location_correction_typed_at_the_summary_is_taken(booking_assistant):
    """Review 16: "no wait, make it the north office" at the summary left the old location in
    the request that was then sent; "I prefer Thursday afternoons" up front was asked again and
    "Yes, send it" was stored as the preferred time."""
    sender = "e2e-booking-summary-fix"
    say(booking_assistant, sender, "Hi, I would like to book a consultation for myself. My name is "
        "Priya Shah, email priya.shah@example.org, I prefer Thursday afternoons at the Main "
        "Street office.")
    text, _ = say(booking_assistant, sender, "Yes that is fine")
    assert "- Preferred time: Thursday afternoons" in text and "Main Street office" in text, text
    text, _ = say(booking_assistant, sender, "no wait, make it the north office")
    assert "changed your location" in text and "- Location: North office" in text, text
    say(booking_assistant, sender, "never mind")


def test_ok_at_the_time_step_is_no_time(booking_assistant):
    sender = "e2e-booking-ok-time"
    say(booking_assistant, sender, "I'd like to book a consultation")
    say(booking_assistant, sender, "yes")
    say(booking_assistant, sender, "Grace Liu")
    say(booking_assistant, sender, "grace.liu@example.org")
    text, _ = say(booking_assistant, sender, "ok")
    assert "day or time" in text and "Which of our locations" not in text, text
    say(booking_assistant, sender, "never mind")


def test_a_whens_question_at_privacy_and_what_do_u_mean_at_the_name_get_answers(
        booking_assistant, booking_env):
    """Review 18: "ok whens the earliest someone would call me if i request now" was taken as
    consent, and "what do u mean" at the name question got "I don't know"."""
    sender = "e2e-booking-whens-what-do-u-mean"
    before = count_requests(booking_env)
    say(booking_assistant, sender, "i want to book a consult")
    text, _ = say(booking_assistant, sender,
                  "ok whens the earliest someone would call me if i request now")
    assert "full name" not in text.lower() and "Is that OK with you?" in text, text
    say(booking_assistant, sender, "ok yes")
    text, _ = say(booking_assistant, sender, "what do u mean")
    assert "first and last name" in text and "don't know" not in text, text
    text, _ = say(booking_assistant, sender, "Sam Smith")
    assert "phone number" in text.lower(), text
    say(booking_assistant, sender, "never mind")
    assert count_requests(booking_env) == before
