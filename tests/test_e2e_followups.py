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


@pytest.mark.parametrize("first, follow, expected, unexpected", [
    # what comes after the course is the maintenance answer, not "I don't know"
    ("how many sessions will i need", "and after that?", "maintenance sessions", "don't know"),
    # "is that covered too" after insurance stays on coverage, not on what the spray is
    ("does insurance cover it", "and the nasal spray, is that covered too?",
     "insurance coverage", "FDA approval"),
    # "X, do you do that" names its own subject, not the previous answer's (suite 14)
    ("where are you located", "ok what about spravato, do you do that", "esketamine",
     "sees patients at these locations"),
])
def test_a_follow_up_is_read_with_the_topic_it_points_to(assistant, first, follow, expected,
                                                         unexpected):
    sender = f"followup-{uuid.uuid4().hex[:8]}"
    assistant.send(sender, first)
    text = _text(assistant.send(sender, follow))
    assert expected in text and unexpected not in text, text


@pytest.mark.parametrize("follow", ["what about tomorrow", "and on sunday?", "what about mondays"])
def test_a_day_asked_about_after_the_hours_gets_that_day(assistant, follow):
    """Review 17: "what about tomorrow" after the hours got "I don't know"."""
    sender = f"followup-{uuid.uuid4().hex[:8]}"
    assistant.send(sender, "what are your hours")
    text = _text(assistant.send(sender, follow))
    day = follow.split()[-1].strip("?").capitalize()
    assert day in text and "the clinic is" in text and "don't know" not in text, text
