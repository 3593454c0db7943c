"""Distress that builds over a conversation: what the assistant does about it.

A message that matches a ``distress`` entry of the pattern table (hopelessness, "what's the
point", "nobody would notice"; ``bot.safety.crisis.detect_distress``) is not a crisis on its own.
The safety NLU component marks it (``safety.distress`` in the parsed message); the answer action
then reads the conversation:

- the first such message gets its answer (or, when the knowledge has none, no "I don't know")
  and a gentle check-in naming 988;
- a second one in the same session, or any after a crisis reply, gets the crisis resources and
  puts the conversation in crisis mode, like a crisis message would;
- so does a short dismissive reply to the check-in itself ("doesn't matter", "whatever", "no
  one cares", "don't worry about it"): right after hopelessness was named, it says the
  hopelessness goes on.

Standard library only; the Rasa process and the action server both import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

CHECK_IN = "check_in"
RESOURCES = "resources"
ESCALATE_AT = 2  # distress messages in one session that make the crisis resources due


def is_distressed(parse_data: Mapping[str, Any] | None) -> bool:
    """True when the safety component marked this parsed message as distress."""
    safety = (parse_data or {}).get("safety") or {}
    return bool(safety.get("distress"))


def distress_messages(events: Iterable[Mapping[str, Any]]) -> int:
    """How many user messages of the current session were marked as distress."""
    count = 0
    for event in events:
        kind = event.get("event")
        if kind == "action" and event.get("name") == "action_session_start":
            count = 0
        elif kind == "user" and is_distressed(event.get("parse_data")):
            count += 1
    return count


CHECK_IN_RESPONSE = "utter_distress_check_in"
# Short replies that wave the check-in away; "no", "ok" or "no thanks" (to the offer of the
# clinic's number) are not among them.
_DISMISSIVE = re.compile(
    r"^\W*(?:(?:it )?(?:doesnt|doesn't|dont|don't|does not) (?:even |really )?matter(?: anymore)?|"
    r"(?:it )?(?:wont|won't) (?:help|matter|change anything)|whatever|nothing|nothing helps|"
    r"what(?:s|'s| is) the point|why bother|no(?: ?one|body) (?:cares|would care|would notice)|"
    r"who cares|(?:just )?leave me alone|forget it|doesnt help|does not help|not really|"
    r"(?:its|it's|it is) (?:pointless|hopeless|too late)|too late|(?:i )?(?:dont|don't) care"
    r"(?: anymore)?|(?:why|why do you) (?:even )?care|no one can help|nobody can help|"
    r"(?:just |nah |no )?(?:dont|don't|do not) worry(?: about (?:it|me|that))?|never ?mind|nvm|"
    r"(?:just )?forget (?:about it|(?:that )?i said (?:anything|that|it))|(?:just )?drop it|"
    r"(?:im|i'm|i am) used to it)\W*$",
    re.IGNORECASE)


def waves_off_the_check_in(events: Iterable[Mapping[str, Any]], text: str) -> bool:
    """True for a short dismissive reply ("doesn't matter") to the distress check-in that the
    assistant sent just before it."""
    if not _DISMISSIVE.match(text or ""):
        return False
    events = list(events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return False
    since = users[-2] + 1 if len(users) > 1 else 0
    return any(event.get("event") == "bot" and (event.get("metadata") or {}).get(
        "utter_action") == CHECK_IN_RESPONSE for event in events[since:users[-1]])


TOPIC_INTENT = "crisis_topic"
# "asking for myself tbh", "it's for me actually", "me": the question about suicide or self-harm
# just answered was about the writer (review 13: it had got "I don't know the answer to that").
_ITS_ME = re.compile(
    r"^\W*(?:(?:well|honestly|tbh|yeah|yes|yea|ok|okay|so|actually|um|uh|i mean|to be honest)\W+)*"
    r"(?:(?:im |i am |i was |i'm )?asking (?:for|about) (?:myself|me)|(?:its|it's|it is|it was) "
    r"(?:for |about )?me|for me|me|myself|about me|(?:its|it's|it is) my own|i(?:m|'m| am) the "
    r"one|"
    # "yeah i have them most days" (review 14: the research answer again, the crisis reply a turn
    # late)
    r"i (?:do|have (?:them|those|these)(?: thoughts)?|get (?:them|those|these)(?: thoughts)?|have "
    r"had (?:them|those|these))(?: (?:most days|every day|a lot|all the time|sometimes|often|every "
    r"night|lately|too|as well|daily|right now|now))?"
    r")(?:\W+(?:actually|tbh|honestly|really|though|lol|to be honest|if im honest|if i'm "
    r"honest))*\W*$", re.IGNORECASE)


def claims_the_topic(events: Iterable[Mapping[str, Any]], text: str) -> bool:
    """True when the message says the question about suicide or self-harm the patient asked
    just before was about themselves ("does ketamine help suicidal thoughts?" then "asking for
    myself tbh")."""
    if not _ITS_ME.match(text or ""):
        return False
    users = [event for event in events if event.get("event") == "user"]
    if len(users) < 2:
        return False
    intent = ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return intent == TOPIC_INTENT


def distress_by_rules(latest: Mapping[str, Any] | None) -> bool:
    """True when the latest message's distress was read by the rules (an entry of the crisis
    table), not only by the learned score."""
    safety = (latest or {}).get("safety") or {}
    return any(mark != "semantic" for mark in safety.get("distress") or ())


def distress_response(events: Iterable[Mapping[str, Any]], latest: Mapping[str, Any] | None,
                      crisis_mode: bool) -> str | None:  # fmt: skip
    """``CHECK_IN``, ``RESOURCES`` or None (the latest message shows no distress)."""
    events = list(events)
    if claims_the_topic(events, (latest or {}).get("text") or ""):
        return RESOURCES
    if not is_distressed(latest):
        if waves_off_the_check_in(events, (latest or {}).get("text") or ""):
            return RESOURCES
        return None
    if crisis_mode or distress_messages(events) >= ESCALATE_AT:
        return RESOURCES
    return CHECK_IN
