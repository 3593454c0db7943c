"""A patient telling how they feel, with no question, is recognised (bot/retrieval/feelings.py)."""

import pytest

from bot.retrieval.feelings import shares_how_they_feel


@pytest.mark.parametrize("text", [
    "I've been really depressed this season",
    "honestly feeling really low today",  # after a session: a current patient (round 13)
    "my anxiety has been through the roof lately",
    "im just so tired and down all the time",
    "i feel like im not doing great",
    "been struggling a lot",
    "i have really bad depression",
    "I've had a rough year",
    "ugh. been so anxious",
    "I've been really low this winter",
    "nightmares every night. haven't slept right in years",
    "i still get flashbacks most days",
    "I can't get out of bed most mornings",
    "constant panic attacks since the accident",
    "Some nights are real bad, the nightmares don't stop.",
    "my depression been wild this semester",
    "honestly just feeling flat and tired all the time lately",
    # review 15: "i just feel", with the risk denied in the same message
    "i just feel flat and tired all the time, not like i want to hurt myself or anything, just low",
])
def test_a_statement_of_how_one_feels_is_recognised(text):
    assert shares_how_they_feel(text)


@pytest.mark.parametrize("text", [
    "is it good for depression?",
    "can ketamine help if I'm depressed",
    "I'm down to book",
    "i'm low on cash",
    "my son has been so depressed",
    "I'm having a hard time choosing a location",
    "I'm not okay with needles",
    "im struggling with the form",
    "my husband has nightmares every night",
    "I can't make Tuesday",
    "cant sleep before the infusion, is that a problem?",
    "I'm interested in ketamine",
    "im dead tired of researching this honestly, just text me back the phone number",  # rv 12
    "",
])
def test_questions_other_people_and_other_meanings_are_not(text):
    assert not shares_how_they_feel(text)
