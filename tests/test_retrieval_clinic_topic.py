"""After a crisis reply: which messages move on to a clinic question (clinic_topic.py)."""

import pytest

from bot.retrieval.clinic_topic import moves_on_to_the_clinic


@pytest.mark.parametrize("text, kind", [
    ("ok. how long does a consultation take", "clarify"),
    ("how much does a session cost", "answer"),
    ("thanks. what are the side effects of the infusion", "answer"),
    ("does insurance ever pay for something like this", "answer"),
    # suite 13: the knowledge's answer names every line (veterans: 988, then 1)
    ("whats the veterans line", "answer"),
    # what 988 does with a call (the fifteenth round's note)
    ("is 988 gonna call my mom", "answer"),
    ("will they send cops if i text 988", "answer"),
])
def test_a_clinic_question_moves_on(text, kind):
    assert moves_on_to_the_clinic(text, kind)


@pytest.mark.parametrize("text, kind", [
    ("i mean me", "answer"),
    ("what do i do", "clarify"),
    ("help", "clarify"),
    ("im serious", "none"),
    ("how much does a session cost", "none"),
    # review 14: what to do next, or what was done, about the crisis
    ("fine. what do i do until then", "answer"),
    ("is that something i should worry about", "answer"),
    ("they said go to the er", "answer"),
    ("ok i called 911 for a wellness check", "answer"),
])
def test_a_reply_that_is_not_a_clinic_question_does_not(text, kind):
    assert not moves_on_to_the_clinic(text, kind)
