"""At the name step, ordinary names are taken, whatever else their words can mean; questions,
sentences and addresses typed there are not names. Over REST, both real servers.

The names are everyday first and last names that are also words ("Hope", "Will", "Price",
"Hall", "Sessions"): a patient called "Will Cost" must be able to book.
"""

from __future__ import annotations

import uuid

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NAMES = [
    "Hope Walker", "Destiny Hope", "Mercy Stone", "Will Cost", "Faith Long", "Joy Price",
    "Ivy Hall", "Rich Payne", "Dawn Sessions", "Nguyen Van An", "Grace Hunter", "Sky Brown",
    "Rose Booker", "Chase Bill", "Summer Knight", "Hall, Ivy", "my name is Faith Long",
    "Maria Garcia-Lopez", "Sean O'Brien", "Precious Cure",
]
CONTACT_QUESTION = "phone number or email"
NAME_QUESTION = "full name"


def _text(replies: list[dict]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def _at_name_step(assistant) -> str:
    sender = f"names-{uuid.uuid4().hex[:10]}"
    assistant.send(sender, "I'd like to book a consultation")
    assert NAME_QUESTION in _text(assistant.send(sender, "/affirm"))
    return sender


@pytest.mark.parametrize("name", NAMES)
def test_an_ordinary_name_is_taken(assistant, name):
    sender = _at_name_step(assistant)
    reply = _text(assistant.send(sender, name))
    assert CONTACT_QUESTION in reply, reply
    assert "988" not in reply and "don't know" not in reply


@pytest.mark.parametrize("text", [
    "how long till someone actually calls me back usually", "main st", "what does it cost?",
])
def test_questions_and_addresses_are_not_names(assistant, text):
    sender = _at_name_step(assistant)
    reply = _text(assistant.send(sender, text))
    assert NAME_QUESTION in reply, reply
    assert CONTACT_QUESTION not in reply


TIME_QUESTION = "When would suit you best"


def test_a_number_inside_a_sentence_answers_the_contact_step(assistant):
    sender = _at_name_step(assistant)
    assert CONTACT_QUESTION in _text(assistant.send(sender, "Sophie Marten"))
    reply = _text(assistant.send(sender, "her cell is 555-618-0427"))
    assert TIME_QUESTION in reply, reply


def test_a_no_with_a_reason_at_the_privacy_step_stores_nothing_and_asks_nothing(assistant):
    sender = f"names-{uuid.uuid4().hex[:10]}"
    assistant.send(sender, "I'd like to book a consultation")
    reply = _text(assistant.send(sender, "no thanks, I'll ask my psychiatrist first"))
    assert NAME_QUESTION not in reply and "don't know" not in reply, reply
