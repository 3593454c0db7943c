"""A risk from earlier in the conversation that is back now (bot/safety/history.py)."""

import pytest

from bot.safety.history import risk_is_back

HISTORY = "I used to cut myself ten years ago, I'm fine now. can I still get ketamine?"


def conversation(*texts):
    return [{"event": "user", "text": t} for t in texts]


@pytest.mark.parametrize("now", [
    "honestly that's not totally true. I started again this week.",
    "i lied, i still do it",
    "i relapsed last month",
])
def test_after_a_history_saying_it_is_back_is_a_crisis(now):
    assert risk_is_back(conversation(HISTORY, now), now)


def test_the_same_words_without_such_a_history_are_not():
    now = "that's not true, the price was different last time"
    assert not risk_is_back(conversation("how much is a session?", now), now)


def test_a_history_followed_by_an_ordinary_question_is_not():
    now = "how long does a session take?"
    assert not risk_is_back(conversation(HISTORY, now), now)
