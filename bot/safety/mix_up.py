"""After a medicine taken twice by mistake (``bot.safety.urgent.is_medication_mistake``): the
next few messages are read in that light.

"is that dangerous", "should I skip tomorrow's dose then", "what do I do" right after the
mix-up are about the mix-up, not about ketamine in general: they get Poison Control again (it
can say whether it matters and what to do about the next dose), and "ok calling them now" gets
an acknowledgement with 911 for symptoms. Standard library only; the action server imports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.safety.normalize import said

MIX_UP_INTENT = "medication_mistake"
MIX_UP_TURNS = 5  # the mix-up is still the subject within this many later patient messages
MAX_FOLLOW_UP_WORDS = 14

_ABOUT_THE_MIX_UP = re.compile(
    r"\b(?:dangerous|danger|safe|ok|okay|fine|alright|worry|worried|worrying|harm|harmful|bad|"
    r"serious|problem|hurt|overdose|toxic|poison\w*|skip|next dose|tomorrow|tonight|wait|sleep it "
    r"off|what (?:do|should|can|would) i do|what now|should i|do i need|is it|is that|will i|am i|"
    r"hospital|er|doctor|lie down|lay down|rest|nap|"
    # "will that mess up my infusion on thursday" (suite 24 got a choice of FAQ entries)
    r"will (?:that|it|this)|mess (?:up|with)|affect\w*|interfere\w*|infusion|appointment)\b|"
    r"\b(?:shes|hes|im|she is|he is|i am) "
    r"(?:\d{1,3}|in (?:her|his|my) \d0s)\b")


def recent_mix_up(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when one of the ``MIX_UP_TURNS`` patient messages before the latest one was read as
    a medication mix-up."""
    users = [e for e in events if e.get("event") == "user"]
    for event in users[-1 - MIX_UP_TURNS:-1]:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == MIX_UP_INTENT:
            return True
    return False


# Feeling it after the mix-up ("im feeling really floaty and numb, kinda hard to keep my eyes
# open" after an evening dose taken twice, suite 21 got the consultation offer): the reply had
# said to call 911 for feeling very drowsy or confused; now it is an emergency.
_FEELING_IT = re.compile(
    r"\b(?:(?:cant|can barely|cannot|hard to|struggling to|trouble) (?:keep|keeping) (?:my|his|her|"
    r"their) eyes open|(?:can barely|cant|cannot|hard to) stay awake|(?:feel\w*|im|i am|getting|"
    r"hes|shes|he is|she is|seems?) (?:really |so |very |super |kinda |kind of |a bit |pretty |"
    r"like )?(?:floaty|numb|drowsy|sleepy|out of it|confused|dizzy|faint|woozy|weird|strange|off|"
    r"sick|nauseous|high|spacey|heavy)|passing out|throwing up|threw up|vomit\w*|heart is "
    r"(?:racing|pounding)|hard to breathe|cant breathe|slurring|wobbly|(?:room|head|everything) "
    r"(?:is |keeps )?spinning|cant (?:stand|walk) (?:up )?(?:straight)?|nosebleed|nose ?bleed|"
    r"bleeding (?:that )?(?:wont|will not|doesnt|does not) stop|(?:hard|cant|cannot|wont) (?:to )?"
    r"wake (?:him|her|them|up)?)\b")


def feels_it_after_the_mix_up(text: str) -> bool:
    """True when the message tells of feeling the medicine now ("kinda hard to keep my eyes
    open", "im really dizzy"): after a mix-up, an emergency."""
    return said(_FEELING_IT, text)


def asks_about_the_mix_up(text: str) -> bool:
    """True for a short message about whether it matters or what to do ("is that dangerous",
    "should i skip tomorrows dose then")."""
    if len((text or "").split()) > MAX_FOLLOW_UP_WORDS:
        return False
    return said(_ABOUT_THE_MIX_UP, text)


# A substance taken in a way that can harm, told before the symptoms ("i took my ketamine troche
# at home and then took another one an hour later", "i used my spravato at home by mistake", "my
# teenage son ... took some at a party"; review 27 got "not sure how I can help" for "now the
# room is spinning and i feel sick").
_RISKY_TAKING = re.compile(
    r"\b(?:took|taken|used|snorted|had|ate|swallowed|did|tried|gave (?:him|her|them))\b.{0,80}"
    r"\b(?:by (?:mistake|accident)|accidentally|at home|another (?:one|dose|troche|lozenge|spray)|"
    r"extra|too "
    r"much|too many|a bunch|a lot|\d+ of|at a party|from (?:a |my |his |her )?(?:friend|dealer|guy|"
    r"buddy)|twice|double)\b|\b(?:found with|a bag of|bought|got) (?:some |a bag of )?(?:ketamine|"
    r"ket|k)\b.{0,60}\b(?:took|used|did|snorted)\b")


def symptoms_after_risky_taking(texts: list[str]) -> bool:
    """True when the latest message tells of feeling it now ("room is spinning and i feel
    sick", "hes laughing and cant stand up straight") and one of the three messages before it
    told of a medicine or substance taken in a way that can harm. ``texts``: oldest first."""
    if len(texts) < 2 or not feels_it_after_the_mix_up(texts[-1]):
        return False
    return any(said(_RISKY_TAKING, earlier) for earlier in texts[-4:-1])

