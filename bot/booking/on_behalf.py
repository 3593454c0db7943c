"""Bookings for someone else: "can I book for my mom?", "on behalf of my husband", "can i book
for her?". The request then carries the patient's name, the caller's contact, and who the
patient is to the caller, so the care team knows whom they are calling and about whom.
Standard library only; no side effects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Who the patient can be to the caller, as people write it; each maps to the word shown to
# staff ("mom" and "mum" stay as written: the care team repeats the caller's own word).
RELATIONS = (
    "wife husband partner spouse fiance fiancee fiancé fiancée girlfriend boyfriend "
    "mother mom mum mommy mama father dad daddy papa parent parents "
    "son daughter child kid kids stepson stepdaughter teen teenager "
    "brother sister sibling twin grandmother grandma granny grandfather grandpa grandson "
    "granddaughter aunt uncle niece nephew cousin "
    "friend roommate flatmate neighbor neighbour colleague coworker co-worker boss employee "
    "client patient veteran"
).split()
_RELATION = "|".join(sorted((re.escape(r) for r in RELATIONS), key=len, reverse=True))
# Up to three words between "my" and the relation ("my 17 year old son"), none that starts
# another phrase ("for my anxiety and my kids say...").
_BETWEEN = r"(?:(?!(?:and|or|my|our|with|because|but|so|since)\b)[\w-]+\s+){0,3}?"
_FOR_MY = re.compile(
    # "for my 17 year old son", "for my 15-year-old" (review 15): up to three words between
    rf"\b(?:for|on\s+behalf\s+of|behalf\s+of)\s+(?:my|our)\s+{_BETWEEN}"
    rf"(?P<relation>{_RELATION})\b",
    re.IGNORECASE,
)
_MY_X_NEEDS = re.compile(
    rf"\bmy\s+(?P<relation>{_RELATION})\s+(?:wants|needs|would\s+like|is\s+looking|has\s+been|"
    r"should|might|could)\b",
    re.IGNORECASE,
)
_FOR_PRONOUN = re.compile(
    r"\b(?:book|booking|appointment|consultation|consult|request|sign|schedule|set\s+up)\b"
    r"[^.?!]{0,30}?\b(?:for|on\s+behalf\s+of)\s+(?:her|him|them|someone\s+else|somebody\s+else|"
    r"another\s+person|a\s+(?:friend|family\s+member|relative|loved\s+one))\b"
    # "ok book him in pls", "can you sign her up"
    r"|\b(?:book|sign|schedule|get|put)\s+(?:him|her|them)\s+(?:in|up|down)\b"
    # "can i book him a consult" (review 15)
    r"|\b(?:book|get|schedule|set)\s+(?:him|her|them)\s+(?:up\s+)?(?:with\s+)?(?:a|an)\s+"
    r"(?:consult\w*|appointment|appt|session)\b",
    re.IGNORECASE,
)
# "my son is 24 ... a consultation for him": the relation named earlier in the same message.
_MY_RELATION = re.compile(rf"\b(?:my|our)\s+{_BETWEEN}(?P<relation>{_RELATION})\b",
                          re.IGNORECASE)
_GENERIC = {"friend": "friend", "family member": "family member", "relative": "relative",
            "loved one": "loved one"}  # fmt: skip
SOMEONE_ELSE = "someone else"


def relation_in(text: str) -> str | None:
    """Who the booking is for when ``text`` says it is for someone else ("mom", "husband",
    "someone else"); None when it is for the writer or does not say."""
    text = text or ""
    for pattern in (_FOR_MY, _MY_X_NEEDS):
        match = pattern.search(text)
        if match:
            return match.group("relation").lower()
    match = _FOR_PRONOUN.search(text)
    if match:
        tail = match.group(0).lower()
        for phrase, relation in _GENERIC.items():
            if tail.endswith(phrase):
                return relation
        named = _MY_RELATION.search(text[:match.start()] + " " + text[match.end():])
        return named.group("relation").lower() if named else SOMEONE_ELSE
    return None


def relation_named_before(events: Iterable[Mapping[str, Any]], form: str,
                          messages: int = 6) -> str | None:
    """The relation ("dad") a patient named with "my ..." in the last ``messages`` messages
    before the latest run of ``form`` started ("booking for my dad ... ok book him in pls").

    Six: a caregiver may ask several questions about "him" first ("my husband is a vet, would
    it help him", "is it safe for him", "will someone be with him", "can I come with him",
    "ok can you sign him up"); the latest relation named wins."""
    texts: list[str] = []
    window: list[str] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            texts.append(event.get("text") or "")
        elif kind == "active_loop" and event.get("name") == form:
            window = texts[-(messages + 1):-1]  # the opening message itself is read elsewhere
    for text in reversed(window):
        named = _MY_RELATION.search(text)
        if named:
            return named.group("relation").lower()
    return None


def opening_message(events: Iterable[Mapping[str, Any]], form: str) -> str | None:
    """The text of the message that started the latest run of ``form`` (from tracker events)."""
    last_user, opening = None, None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            last_user = event.get("text")
        elif kind == "active_loop" and event.get("name") == form:
            opening = last_user
    return opening


def offer_accepted_after(events: Iterable[Mapping[str, Any]], form: str) -> str | None:
    """The message before a short reply that started the latest run of ``form`` ("hi im Marcus
    Oyelaran, 312-555-0199, want a consult ...", then "yes" to the offer), or None when the
    form was started by a message of its own."""
    before, last_user, found = None, None, None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            before, last_user = last_user, event.get("text")
        elif kind == "active_loop" and event.get("name") == form:
            found = before if last_user and len(str(last_user).split()) <= 3 else None
    return found


def described(relation: str | None) -> str:
    """The relation as the replies and staff pages say it: "your mom", "someone else"."""
    if not relation:
        return ""
    return relation if relation == SOMEONE_ELSE else f"your {relation}"
