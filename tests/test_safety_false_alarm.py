"""A crisis reply that was a misunderstanding, said so plainly (bot/safety/false_alarm.py)."""

import pytest

from bot.safety.false_alarm import clears_up_a_false_alarm


@pytest.mark.parametrize("text", [
    "not suicidal, just hate mondays",
    "lol no i was joking",
    "i didnt mean it literally",
    "lol i was joking but i do want to know the price",
])
def test_a_plain_denial_clears_it_up(text):
    assert clears_up_a_false_alarm(text)


@pytest.mark.parametrize("text", [
    "im fine",  # people in danger say this too: the resources stay
    "whatever",
    "im not suicidal but i dont want to wake up tomorrow",
    "i was joking but honestly nothing matters",
    "no im not, i just want to know the price",
])
def test_deflections_and_denials_taken_back_do_not(text):
    assert not clears_up_a_false_alarm(text)
