"""Bookings for someone else: who the patient is to the caller, read from the message that
opened the form; the question wording; the summary; the stored, encrypted relationship (also in
a requests database made before the column existed)."""

from __future__ import annotations

import os
import sqlite3

import pytest

from bot.booking import replies
from bot.booking.on_behalf import (
    SOMEONE_ELSE,
    opening_message,
    relation_in,
    relation_named_before,
)
from bot.booking.store import NewRequest, RequestStore
from bot.config import load_clinic
from bot.privacy.crypto import Cipher


@pytest.mark.parametrize("text, relation", [
    ("can i book for my mom? she doesnt really do computers", "mom"),
    ("I'd like to book a consultation for my husband", "husband"),
    ("can I request a consultation on behalf of my wife", "wife"),
    ("I'm trying to set up an appointment for my son, he's 19", "son"),
    ("my dad needs an appointment, can I book it for him", "dad"),
    ("book a consult for my elderly mother please", "mother"),
    ("can i book for her?", SOMEONE_ELSE),
    ("is it ok to book on behalf of someone else", SOMEONE_ELSE),
    ("I'm booking for a friend", "friend"),
    ("my partner wants to try ketamine, can we book", "partner"),
    ("ok book him in pls", SOMEONE_ELSE),
    ("can you sign her up for a consult", SOMEONE_ELSE),
    # review 15: a son named with his age, a consult booked "him"
    ("I would like to request a consultation for my 17 year old son", "son"),
    ("for my 15-year-old daughter please", "daughter"),
    ("can i book him a consult", SOMEONE_ELSE),
])
def test_a_booking_for_someone_else_names_who(text, relation):
    assert relation_in(text) == relation


@pytest.mark.parametrize("text", [
    "I'd like to book a consultation",
    "book me in for tuesday",
    "can I book for my anxiety",
    "I want an appointment for my depression",
    "can I book for next week",
    "book it for me please",
    "my mom thinks I should book",  # the writer is the patient
    "can you book me in",
    "I want a consult for my anxiety and my kids say I should",
])
def test_a_booking_for_oneself_names_no_one(text):
    assert relation_in(text) is None


def test_the_opening_message_is_the_one_before_the_latest_form_run():
    events = [
        {"event": "user", "text": "hi"},
        {"event": "user", "text": "book for my wife"},
        {"event": "active_loop", "name": "consultation_form"},
        {"event": "user", "text": "yes"},
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "actually book for my son"},
        {"event": "active_loop", "name": "consultation_form"},
        {"event": "user", "text": "yes"},
    ]
    assert opening_message(events, "consultation_form") == "actually book for my son"
    assert opening_message(events[:1], "consultation_form") is None


def test_the_questions_and_the_summary_say_whom_it_is_for():
    assert "(your mom)" in replies.name_prompt("mom")
    assert "(" not in replies.name_prompt(SOMEONE_ELSE)
    profile = load_clinic()
    text = replies.summary(profile, "Dolores Whitfield", "a@example.org", "email", "mornings",
                           profile.locations[0].id, booking_for="mom")
    assert "- For: your mom\n- Name: Dolores Whitfield" in text
    assert "For:" not in replies.summary(profile, "Ann Lee", "a@example.org", "email", "x",
                                         profile.locations[0].id)


def _request(relationship=None) -> NewRequest:
    return NewRequest("Dolores Whitfield", "caller@example.org", "email", "mornings", None,
                      "main", "sender-1", "rest", relationship)


def test_the_relationship_is_stored_encrypted(tmp_path):
    store = RequestStore(f"sqlite:///{tmp_path / 'r.db'}", Cipher(os.urandom(32)))
    stored, _ = store.submit(_request("mom"), "key-1")
    assert store.get(stored.id).relationship == "mom"
    own, _ = store.submit(_request(), "key-2")
    assert store.get(own.id).relationship is None
    store.dispose()
    with sqlite3.connect(tmp_path / "r.db") as db:
        [token] = db.execute("select relationship_encrypted from consultation_requests "
                             "where id = ?", (stored.id,)).fetchone()
    assert token and "mom" not in token


def test_a_database_from_before_the_column_gets_it(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("""create table consultation_requests (
            id integer primary key autoincrement, created_at datetime not null,
            status varchar(16) not null, contacted_at datetime, name_encrypted text not null,
            contact_encrypted text not null, contact_kind varchar(8) not null,
            preferred_time_encrypted text not null, preferred_time_normalized varchar(80),
            location_id varchar(64) not null, conversation_ref varchar(64) not null,
            channel varchar(32), idempotency_key varchar(128) not null unique)""")
    store = RequestStore(f"sqlite:///{path}", Cipher(os.urandom(32)))
    stored, _ = store.submit(_request("husband"), "key-old")
    assert store.get(stored.id).relationship == "husband"
    store.dispose()


_FORM_STARTS = [{"event": "active_loop", "name": "consultation_form"},
                {"event": "user", "text": "yes"}]


@pytest.mark.parametrize("earlier, relation", [
    # "booking for my dad, hes 72" then "ok book him in pls": the dad.
    (["hi, asking for my dad, hes 72 and doesnt text", "does insurance cover it",
      "ok book him in pls"], "dad"),
    (["does insurance cover it", "ok book him in pls"], None),
    # A caregiver asks about "him" four times before "ok can you sign him up".
    (["my husband is a vet with ptsd, would ketamine help him",
      "is it safe for him? he has high blood pressure",
      "will someone be with him the whole time", "can i come with him to his appointments",
      "ok can you sign him up"], "husband"),
])
def test_the_relation_named_in_a_message_before_the_request_is_found(earlier, relation):
    events = [{"event": "user", "text": text} for text in earlier] + _FORM_STARTS
    assert relation_named_before(events, "consultation_form") == relation
