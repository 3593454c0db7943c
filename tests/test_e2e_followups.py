"""End to end over REST: a follow-up that points back is answered about the previous topic."""

import uuid

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _text(replies):
    return "\n".join(str(r.get("text") or "") for r in replies)


def test_how_long_do_they_last_after_the_side_effects(assistant):
    sender = f"followup-{uuid.uuid4().hex[:8]}"
    first = _text(assistant.send(sender, "what side effects can ketamine have?"))
    assert "dizzy" in first
    follow = _text(assistant.send(sender, "how long do they last?"))
    assert "within a few hours" in follow, follow  # the side effects answer, not the benefits


def test_the_same_words_alone_ask_about_the_benefits(assistant):
    alone = _text(assistant.send(f"followup-{uuid.uuid4().hex[:8]}", "how long do they last?"))
    assert "within a few hours" not in alone


def test_do_you_offer_it_after_the_nasal_spray_asks_about_the_spray(assistant):
    sender = f"followup-{uuid.uuid4().hex[:8]}"
    first = _text(assistant.send(sender, "what is esketamine"))
    assert "nasal spray" in first
    follow = _text(assistant.send(sender, "do you offer it?"))
    assert "nasal spray" in follow and "couples" not in follow.lower(), follow


def test_of_two_questions_the_one_the_knowledge_answers_is_answered(assistant):
    """The other gets the honest don't-know, not both."""
    reply = _text(assistant.send(f"followup-{uuid.uuid4().hex[:8]}",
                                 "would I need someone to watch the baby during it? how long "
                                 "does a session take"))
    assert "45 minutes to an hour" in reply and "don't know" in reply, reply
