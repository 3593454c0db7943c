"""A patient telling how they feel, with no question ("I've been really depressed this season",
"my anxiety has been through the roof lately"): the knowledge has no answer to it, and "I don't
know the answer to that" would be the wrong reply. The answer action acknowledges it instead
(``utter_acknowledge_feelings``); so do symptoms told about oneself ("nightmares every night",
"I can't sleep"). Hopelessness is not read here: the safety layer's distress
patterns take it first (bot/safety/distress.py).

Standard library only; the action server imports it.
"""

from __future__ import annotations

import re

_MOOD = (r"(?:depress\w*|anxi\w*|panick?\w*|ptsd|traumati[sz]ed|sad|overwhelm\w*|flat|"
         r"tired(?! of (?:waiting|the))|unmotivated|foggy"
         r"|stressed out|burn(?:ed|t) out|burnt-out|exhausted|drained|numb|empty|lonely"
         r"|(?:down|low|blue|struggling)(?=\s*(?:$|[.,!]|lately|recently|a lot|all the time|and"
         r"|today|tonight|this morning|right now"
         r"|these days|this (?:winter|season|year|month|week|spring|summer|fall|autumn)|for|since"
         r"|with (?:my )?(?:depression|anxiety|ptsd|mood)))"
         r"|(?:having |had )?(?:a )?(?:really |very )?(?:hard|rough|tough|bad|dark) "
         r"(?:time|patch|stretch|year|month|week|few \w+|place)(?!\s+\w+ing\b)"
         r"|not (?:doing |feeling )?(?:great|well|good|okay|ok|myself)(?!\s+(?:with|about|to)\b)"
         r"|grieving|miserable"
         r"|worn (?:out|down)|on edge|in a funk|in a rut)")
_FEELING_NOW = re.compile(
    r"(?:\b(?:i'?ve been|i have been|i'?m|i am|im|i (?:just |really |honestly |still |kinda |kind "
    r"of |always )?feel|i'?ve felt|i have felt|feeling"
    r"|i keep feeling|i get so|i'?ve had|i have had)|^been|[.!]\s*been)"
    r"\s+(?:\w+\s+){0,4}?" + _MOOD + r"\b",
    re.IGNORECASE)
_MY_CONDITION = re.compile(
    r"\bmy (?:depression|anxiety|ptsd|panic attacks|mood|mental health|ocd)\s+"
    r"(?:\w+\s+){0,3}?(?:is|has been|have been|been|are|got|keeps|feels)\b"
    r"|\bi (?:have|live with|struggle with|deal with|suffer from|suffer with)\s+"
    r"(?:\w+\s+){0,2}?(?:depression|anxiety|ptsd|panic attacks|ocd)\b", re.IGNORECASE)
# Symptoms told as they are ("nightmares every night. haven't slept right in years", "I can't
# get out of bed most days"): the writer's own, since nobody else is named.
_OWN_SYMPTOM = re.compile(
    r"^(?:(?:the|these|constant|bad|awful|horrible|daily|nightly)\s+)?(?:nightmares|night "
    r"terrors|flashbacks|panic attacks|insomnia)\b"
    r"|\b(?:the|my) (?:nightmares|flashbacks|panic attacks)\s+(?:dont|don't|won't|wont|never|"
    r"keep|still|just)\b"
    r"|\b(?:i|i'?ve|ive|im|i'?m|i am|i have|i get|i keep having|i still (?:have|get))\s+"
    r"(?:\w+\s+){0,2}?(?:nightmares|night terrors|flashbacks|panic attacks|insomnia)\b"
    r"|(?:^|\bi\s+|[.!]\s*)(?:haven'?t|havent|have not|can'?t|cant|cannot|barely|hardly)\s+"
    r"(?:\w+\s+){0,1}?(?:slept|sleep|get out of bed|stop crying|stop worrying|stop shaking|"
    r"function|focus|concentrate)\b", re.IGNORECASE)
_OTHER_PERSON = re.compile(
    r"\b(?:my (?:son|daughter|kid|child|husband|wife|partner|mom|mother|dad|father|brother|"
    r"sister|friend|boyfriend|girlfriend)|he|she|they)\b", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^(?:what|how|why|who|where|which|when|is|are|do|does|did|can|could|would|should|will)\b",
    re.IGNORECASE)
# A request in the same message ("im dead tired of researching this, just text me back the
# phone number", review 12) is what the reply must answer.
_REQUEST = re.compile(
    r"\b(?:text|send|give|tell|email|e-mail|show|dm) me\b|\bi (?:need|want|just want) (?:the|your) "
    r"(?:number|phone|email|address|hours)\b", re.IGNORECASE)


def shares_how_they_feel(text: str) -> bool:
    """True for a statement about the writer's own mood or mental health, with no question or
    request."""
    text = (text or "").strip()
    if not text or "?" in text or _QUESTION_START.match(text) or _REQUEST.search(text):
        return False
    if _FEELING_NOW.search(text) or _MY_CONDITION.search(text):
        return True
    return bool(_OWN_SYMPTOM.search(text)) and not _OTHER_PERSON.search(text)


# Feeling worse than before ("i feel kinda more depressed today than before", "my anxiety is
# worse since"): for someone who has had sessions, a change their care team must hear about.
_FEELS_WORSE = re.compile(
    r"\b(?:i|im|i'?m|i am|ive|i'?ve|been|feel\w*|my (?:depression|anxiety|mood|ptsd|thoughts))\b"
    r"(?:\s+\w+){0,4}?\s+(?:worse|more (?:depressed|anxious|down|low|hopeless|numb|on edge|"
    r"irritable|agitated)|darker|lower than)\b", re.IGNORECASE)


def feels_worse(text: str) -> bool:
    """True when the writer says they feel worse than before ("more depressed today than
    before", "my anxiety got worse")."""
    return bool(_FEELS_WORSE.search(text or ""))
