"""The consultation form's rules that are not Rasa glue: what a request is made of, which
location a patient named, which day "tomorrow" is, how a retried submit is recognised.

``actions/booking.py`` turns these into Rasa SDK events and messages; nothing here imports
rasa_sdk, so the rules are unit-tested without a tracker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.booking import validators
from bot.booking.slots import ATTEMPT_SLOT, BOOKING_OUTCOME_KEY, FORM, FORM_SLOTS, STORED
from bot.booking.store import NewRequest
from bot.config import ClinicProfile, Location
from bot.safety.crisis import detect_distress

# booking_review after a "no" (or a goodbye) to "shall I try again?": the details are deleted.
DISCARD = "discard"
# Slots that change together with a form slot (asked again together).
COMPANION_SLOTS = {"contact": ("contact_kind",), "preferred_time": ("preferred_time_normalized",)}
_LOCATION_FILLER = frozenset(
    "the a an office clinic location site branch one please at on in street st avenue ave "
    "road rd suite building center centre".split()
)


def forgotten_slots() -> dict[str, Any]:
    """Slot values that forget everything the form collected (every way out of the form)."""
    return {**{slot: None for slot in (*FORM_SLOTS, ATTEMPT_SLOT)},
            "requested_slot": None, "booking_offered": False}  # fmt: skip


def clinic_today(profile: ClinicProfile) -> date:
    """Today's date where the clinic is, the anchor for "tomorrow" or "next Tuesday"."""
    try:
        return datetime.now(ZoneInfo(profile.timezone)).date()
    except (KeyError, ValueError):
        return datetime.now().date()


def match_location(text: str, locations: tuple[Location, ...]) -> Location | None:
    """The one location that ``text`` names (id, name or a distinctive word), else None."""
    cleaned = re.sub(r"[^\w\s-]", " ", text.lower()).strip()
    for location in locations:
        if cleaned in (location.id.lower(), location.name.lower()):
            return location
    words = set(cleaned.split())
    candidates = []
    for location in locations:
        distinctive = set(re.findall(r"\w+", f"{location.id} {location.name}".lower()))
        if words & (distinctive - _LOCATION_FILLER):
            candidates.append(location)
    if not candidates:
        # "mian street" (review 15): a typo of a distinctive word, read only when no word
        # matched exactly.
        for location in locations:
            distinctive = set(re.findall(r"\w+", f"{location.id} {location.name}".lower()))
            if any(_one_slip(word, name) for word in words
                   for name in distinctive - _LOCATION_FILLER):
                candidates.append(location)
    return candidates[0] if len(candidates) == 1 else None


def _one_slip(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with two neighbouring letters swapped (4+ letters), or
    with one letter missing or doubled (5+ letters): the typos a location name gets."""
    if typed == word or len(word) < 4:
        return False
    if len(typed) == len(word):
        slips = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        return (len(slips) == 2 and slips[1] == slips[0] + 1
                and typed[slips[0]] == word[slips[1]] and typed[slips[1]] == word[slips[0]])
    if len(word) < 5 or abs(len(typed) - len(word)) != 1:
        return False
    shorter, longer = sorted((typed, word), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def step_answer(requested_slot: str | None, intent: str | None, text: str, today: date,
                locations: tuple[Location, ...]) -> str | None:
    """The text, when it answers the form's current question whatever the NLU read it as
    (:func:`validators.form_step_answer`), names one location at the location step ("North
    Avenue is closer for me"), or gives a detail at the privacy or name question; otherwise
    None. A message of distress answers no step ("im having a really really bad night,
    everything feels too heavy" at the time question, review 22, was stored as the time)."""
    if detect_distress(text):
        return None
    if (requested_slot == "location" and intent in validators.FORM_STEP_MISREADINGS
            and not looks_like_question(text) and match_location(text, locations) is not None):
        return text
    if (requested_slot in ("booking_consent", "full_name")
            and intent in validators.FORM_STEP_MISREADINGS and not looks_like_question(text)
            and validators.read_yes_no(text) is None and contact_in(text) is not None):
        # "my cell is 847-555-0133" before consent (the form says nothing is kept yet) or at the
        # name question (the form keeps it for the contact step)
        return text
    return validators.form_step_answer(requested_slot, intent, text, today)


def contact_in(text: str) -> validators.Contact | None:
    """The phone number or e-mail address the text gives ("my cell is 847-555-0133"), or None."""
    try:
        return validators.validate_contact(text)
    except validators.Invalid:
        return None


def looks_like_question(text: str) -> bool:
    """True for a message that asks something (answered, then the form asks again): a question
    mark, or a question after "but" or "wait" ("ok but does it hurt")."""
    return text.strip().endswith("?") or validators.asks_a_question(text)


def looks_like_details(text: str) -> bool:
    """True when the text holds a phone number, an e-mail address or reads as a full name."""
    for validate in (validators.validate_contact, validators.validate_full_name):
        try:
            validate(text)
        except validators.Invalid:
            continue
        return True
    return False


def request_from_slots(
    get_slot: Callable[[str], Any], profile: ClinicProfile, sender_id: str, channel: str | None
) -> NewRequest | None:
    """The collected values, re-checked; None when anything is missing or invalid."""
    try:
        name = validators.validate_full_name(get_slot("full_name") or "")
        contact = validators.validate_contact(get_slot("contact") or "")
        said = get_slot("preferred_time") or ""
        if not said.strip():
            return None
    except validators.Invalid:
        return None
    location_id = get_slot("location")
    if profile.locations and location_id not in {loc.id for loc in profile.locations}:
        return None
    return NewRequest(
        full_name=name,
        contact=contact.value,
        contact_kind=contact.kind,
        preferred_time=said,
        preferred_time_normalized=get_slot("preferred_time_normalized"),
        location_id=location_id or "",
        sender_id=sender_id,
        channel=channel or None,
        relationship=get_slot("booking_for") or None,
    )


def form_run(events: Iterable[Mapping[str, Any]], sender_id: str, request: NewRequest) -> str:
    """This conversation and this run of the form (when it was activated), so a retried submit
    of the same run maps to the same idempotency key and a later run does not."""
    for event in reversed(list(events)):
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return f"{sender_id}\x00form-run\x00{event.get('timestamp')}"
    # No activation event was sent (should not happen): the same details, once.
    return "\x00".join([sender_id, "content", request.full_name, request.contact,
                        request.preferred_time, request.location_id])  # fmt: skip



def request_was_sent(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when this conversation already sent a consultation request to the clinic."""
    return any(event.get("event") == "bot"
               and (event.get("metadata") or {}).get(BOOKING_OUTCOME_KEY) == STORED
               for event in events)
