"""What the assistant says while taking a consultation request.

Pure functions of the clinic profile and the form's values, so the action server and the tests
agree on what a reply must contain. Texts that mention the phone, hours or locations live here
because those are configuration. Nothing here logs anything.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.booking.on_behalf import SOMEONE_ELSE, described
from bot.config import ClinicProfile, Location
from bot.opening_hours import open_note, status

FIELDS = ("full_name", "contact", "preferred_time", "location")
FIELD_LABELS = {
    "full_name": "name",
    "contact": "phone number or email",
    "preferred_time": "preferred time",
    "location": "location",
}

# Re-asks after an answer that could not be used, by validators.Invalid reason.
INVALID_REPLIES = {
    "empty": "I didn't catch that.",
    "too_long": "That's a bit long for this field.",
    "single_word": "Could you give your first and last name?",
    "too_short": "Could you give your full first and last name?",
    "not_a_name": "That doesn't look like a name. Please type just your first and last name.",
    "sentence": 'I only need your name here, for example "Jane Smith".',
    "time_not_name": "That sounds like a time; I'll ask for that in a moment.",
    "question": "I'll need an answer to my question before we go on.",
    "not_a_contact": (
        "I need a phone number or an email address here, for example (555) 555-0100 or "
        "name@example.com."
    ),
    "phone_length": (
        "That phone number doesn't have the right number of digits. Please give a US number "
        "with its area code, like (555) 555-0100."
    ),
    "phone_invalid": (
        "That doesn't look like a valid US phone number. Please check it and include the "
        "area code, like (555) 555-0100."
    ),
    "not_a_phone": "Please type the phone number in digits, like (555) 555-0100.",
    "this_number": (
        "For your privacy I can't see the number you're writing from, so please type the phone "
        "number (or an email address) the care team should use, for example (555) 555-0100."
    ),
    "not_us_phone": (
        "I can only take US phone numbers. If you have an email address, you can give me that "
        "instead."
    ),
    "email_invalid": (
        "That email address doesn't look complete. Please check it, for example name@example.com."
    ),
    "several_contacts": "Please give just one phone number or one email address.",
    "past_date": "That date has already passed. Which day or time would suit you?",
    "not_a_time": "I still need a day or time that suits you, for example \"weekday mornings\" "
                  "or \"Tuesday afternoon\".",
    "unknown_location": "Please choose one of our locations.",
    "consent_first": (
        "I haven't kept that: nothing is collected until you agree to the privacy note. Once "
        "you say yes, I'll ask for each detail."
    ),
    "consent_unclear": (
        "Before I ask for any details I need a clear yes or no: is it OK to collect them for "
        "your consultation request?"
    ),
    "declined": (
        'No problem. If you\'d rather not go on, just say "never mind" and nothing will be '
        "saved. Otherwise:"
    ),
    "review_unclear": (
        # Not "cancel": over SMS it is a carrier opt-out word (review 23, bot/channels/keywords.py)
        'Please tell me whether to send the request, which detail to change, or "never mind" to '
        "drop it."
    ),
}


# What each step asks for, in other words, for "what do u mean" at its question (review 18 got
# "I don't know the answer to that").
STEP_EXPLANATIONS = {
    "booking_consent": (
        "Before I take any details, I ask whether that's OK: your name, a phone number or "
        "email, a time that suits you and a location go to the clinic's team, encrypted, so "
        "they can call you back. Yes or no is all I need."
    ),
    "full_name": (
        "I need the name the team should ask for when they call: first and last name, for "
        'example "Sam Smith".'
    ),
    "contact": (
        "I need one way for the team to reach you: a phone number (like (555) 555-0100) or an "
        "email address."
    ),
    "preferred_time": (
        'When would suit you for the team to call? A day or a part of the day is enough, for '
        'example "weekday mornings" or "Tuesday after 3pm".'
    ),
    "location": "Which of the clinic's offices would you rather go to? Pick one of the choices.",
    "booking_review": (
        "That's everything you've told me for the request. Send it as it is, change one "
        'detail, or say "never mind" to drop it.'
    ),
}


def step_explanation(slot: str | None) -> str | None:
    """What the form's current question asks for, in other words (None outside its steps)."""
    return STEP_EXPLANATIONS.get(slot or "")


def invalid_reply(reason: str) -> str:
    """The re-ask for a rejected answer (never repeats what the patient typed)."""
    return INVALID_REPLIES.get(reason, "Sorry, I couldn't use that answer.")


def outside_hours_note(profile: ClinicProfile, reason: str) -> str:
    """A gentle note when the preferred time is when the clinic is closed (it is kept)."""
    when = "on that day" if reason == "closed_day" else "at that time"
    return (f"Just so you know, the clinic is usually closed {when} (our hours are "
            f"{profile.hours_text}). I'll pass your preference on, and the care team will "
            "suggest the closest time they can.")


def closed_now_note(profile: ClinicProfile, now: datetime | None = None) -> str:
    """When the clinic is closed at the start of a request: when it reopens, and that the team
    calls back after that (988 for anything that cannot wait). "" while it is open."""
    current = status(profile, now)
    if current is None or current.open:
        return ""
    return (f"{open_note(profile, now)} I can take your request now, and the care team will "
            "contact you once the clinic is open. If you need to talk to someone right away, "
            "call or text 988, any time.")


def location_prompt() -> str:
    """The location question (the buttons carry the choices)."""
    return "Which of our locations would suit you best?"


def location_label(location: Location) -> str:
    """A location as shown on a button: name and address."""
    return f"{location.name} ({location.address})" if location.address else location.name


def location_buttons(profile: ClinicProfile) -> list[dict[str, str]]:
    """One button per location of the clinic profile."""
    return [
        {
            "title": location_label(location),
            "payload": "/inform" + json.dumps({"location_id": location.id}, separators=(",", ":")),
        }
        for location in profile.locations
    ]


def correction_payload(field: str) -> str:
    """The button payload that asks to change ``field``."""
    return "/correct_booking" + json.dumps({"booking_field": field}, separators=(",", ":"))


def review_buttons(include_submit: bool = True) -> list[dict[str, str]]:
    """Send / change one detail / cancel, as offered with the summary."""
    buttons = [{"title": "Yes, send it", "payload": "/affirm"}] if include_submit else []
    buttons += [
        {"title": f"Change {FIELD_LABELS[field]}", "payload": correction_payload(field)}
        for field in FIELDS
    ]
    buttons.append({"title": "Cancel the request", "payload": "/cancel_booking"})
    return buttons


def format_contact(contact: str, kind: str | None) -> str:
    """An E.164 US number as (555) 555-0100; an email as is."""
    if kind == "phone" and contact.startswith("+1") and len(contact) == 12:
        digits = contact[2:]
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return contact


def name_prompt(booking_for: str | None) -> str:
    """The name question when the booking is for someone else (else domain.yml's own)."""
    who = described(booking_for)
    return (f"Thank you. What is the full name of the person the consultation is for "
            f"({who})?" if booking_for != SOMEONE_ELSE else
            "Thank you. What is the full name of the person the consultation is for?")


def contact_noted_before_name(kind: str) -> str:
    """A phone number or e-mail typed at the name question: kept for the contact step."""
    what = "email address" if kind == "email" else "phone number"
    return f"Thanks, I've noted that {what} for the care team to reach you."


def contact_prompt_for_someone_else() -> str:
    """The contact question when the booking is for someone else: the caller's details do."""
    return ("What's the best phone number or email address to reach you about it? Our care "
            "team will contact you to arrange the consultation.")


def summary(
    profile: ClinicProfile,
    full_name: str,
    contact: str,
    contact_kind: str | None,
    preferred_time: str,
    location_id: str,
    booking_for: str | None = None,
) -> str:
    """The request as it will be sent, for the patient to check before submitting."""
    location = next((loc for loc in profile.locations if loc.id == location_id), None)
    contact_label = "Email" if contact_kind == "email" else "Phone"
    patient = [f"- For: {described(booking_for)}"] if booking_for else []
    return "\n".join(
        [
            "Here is your consultation request:",
            *patient,
            f"- Name: {full_name}",
            f"- {contact_label}: {format_contact(contact, contact_kind)}",
            f"- Preferred time: {preferred_time}",
            f"- Location: {location_label(location) if location else location_id}",
            f"Shall I send it to {profile.name}?",
        ]
    )


def details_so_far(profile: ClinicProfile, slots: dict[str, Any]) -> str:
    """What the patient has given so far in this request, read back on request (only to the
    same conversation, as the summary is)."""
    lines = []
    if slots.get("booking_for"):
        lines.append(f"- For: {described(slots['booking_for'])}")
    if slots.get("full_name"):
        lines.append(f"- Name: {slots['full_name']}")
    if slots.get("contact"):
        label = "Email" if slots.get("contact_kind") == "email" else "Phone"
        lines.append(f"- {label}: {format_contact(slots['contact'], slots.get('contact_kind'))}")
    if slots.get("preferred_time"):
        lines.append(f"- Preferred time: {slots['preferred_time']}")
    location = next((loc for loc in profile.locations if loc.id == slots.get("location")), None)
    if location is not None:
        lines.append(f"- Location: {location_label(location)}")
    if not lines:
        return "You haven't given me any details yet."
    return "\n".join(["Here is what I have so far:", *lines,
                      'To change one, just tell me (for example "change my phone number").'])


def which_detail_prompt() -> str:
    """Asked when the patient wants to change something without saying what."""
    return "No problem. Which detail would you like to change?"


def change_detail_ack(field: str) -> str:
    """Said before asking for a detail again."""
    return f"Sure, let's change your {FIELD_LABELS[field]}."


def session_by_phone(profile: ClinicProfile) -> str:
    """A current patient asks to book their next session: the care team books it by phone; the
    form here is for consultation requests."""
    return (f"Your next session or a booster is booked with your care team: please call "
            f"{profile.name} on {profile.phone_display} ({profile.hours_text}). The request form "
            f"here is for a first consultation; if that is what you need, for you or someone "
            f"else, just say \"request a consultation\".")


def request_not_sent(profile: ClinicProfile) -> str:
    """After a crisis stopped the form: the request was not sent, and how to make it later."""
    return ("Your consultation request was not sent, and I haven't kept the details you gave. "
            "Whenever you feel ready, just say you'd like to book, or call "
            f"{profile.name} at {profile.phone_display} ({profile.hours_text}).")


def book_later(profile: ClinicProfile) -> str:
    """"not ready to book yet, maybe later" with no request in progress: how to book later."""
    return ("No problem, there's no rush. Whenever you feel ready, just say you'd like to book, "
            f"or call {profile.name} at {profile.phone_display} ({profile.hours_text}). You can "
            "also keep asking me questions in the meantime.")


def no_request_here(profile: ClinicProfile) -> str:
    """"did my booking go through?" in a conversation that sent no request: none was made
    here, never an answer that implies one exists (review 14)."""
    return ("I don't see a consultation request from this conversation, so nothing has been sent "
            "from here. If you asked by phone or in an earlier chat, the team can check for you: "
            f"call {profile.name} at {profile.phone_display} ({profile.hours_text}). Or just say "
            "you'd like to book, and I'll take a request now.")


# Details a correction repeats back: a time says nothing about who the patient is (the name and
# the contact details wait for the summary; a location is stored as its id).
ECHOED_FIELDS = ("preferred_time",)


def changed_detail_ack(field: str, had_value: bool = True, value: str | None = None) -> str:
    """Said when a correction gave its new value. A time is repeated back ("oh ur
    closed weekends? ok then friday afternoons" mid-form, suite 18, had got only "Done"); a
    detail not given before is noted, not "changed"."""
    told = f" to {value}" if value and field in ECHOED_FIELDS else ""
    if not had_value:
        return f"Thanks, I've noted your {FIELD_LABELS[field]}{told}."
    return f"Done, I've changed your {FIELD_LABELS[field]}{told}."


def nothing_to_change(profile: ClinicProfile) -> str:
    """A correction asked for when no request is being filled in."""
    return (
        "There's no request in progress right now. If you'd like to change a request you "
        f"already sent, please call {profile.name} at {profile.phone_display} "
        f"({profile.hours_text})."
    )


def already_sent(profile: ClinicProfile) -> str:
    """A cancel after this conversation's request was already sent to the clinic."""
    return (
        "Your consultation request has already been sent to the clinic, so I can't withdraw "
        f"it here. To cancel or change it, please call {profile.name} at "
        f"{profile.phone_display} ({profile.hours_text}), or email {profile.email}."
    )


def consent_declined(profile: ClinicProfile) -> str:
    """No consent: nothing is collected, and the patient can still reach a person."""
    return (
        "That's completely fine. I haven't collected or saved anything. If you'd like to "
        f"arrange a consultation another way, you can call {profile.name} at "
        f"{profile.phone_display} ({profile.hours_text}). If you change your mind, just say yes "
        "and I'll start the request again; or ask me anything else."
    )


def paused() -> str:
    """A pause asked for in the form: nothing is sent, and the request stays open."""
    return ("No problem, take your time: nothing is sent until you say so. When you're ready, "
            "say \"send it\", or tell me what to change.")


def cancelled(profile: ClinicProfile) -> str:
    """The request was cancelled: nothing stored."""
    return (
        "Okay, I've stopped the request, and nothing you entered has been saved. If you change "
        f"your mind, just say yes and I'll start again, or call us at {profile.phone_display} "
        f"({profile.hours_text})."
    )


def confirmed(profile: ClinicProfile, request_id: int) -> str:
    """Only after the request is committed: what happens next."""
    parts = [f"Thank you, your request has been sent to {profile.name} (reference #{request_id})."]
    if profile.booking_note:
        parts.append(profile.booking_note)
    parts.append(
        f"Our hours are {profile.hours_text}. If anything changes or you'd like to talk to "
        f"someone sooner, call {profile.phone_display}."
    )
    return " ".join(parts)


def request_in_progress(earlier_reference: str | None) -> str:
    """The answer to "did it go through?" while a form is open: this request is not sent yet
    (it goes once the summary is confirmed); an earlier request of this conversation was."""
    parts = ["Not yet: this request goes to the clinic once you've answered the remaining "
             "questions and confirmed the summary."]
    if earlier_reference:
        parts.append(f"Your earlier request (reference #{earlier_reference}) was sent.")
    return " ".join(parts)


def request_was_sent(profile: ClinicProfile, reference: str) -> str:
    """The answer to "did it go through?" after the confirmation: yes, and what comes next."""
    parts = [f"Yes, it went through: your request was sent to {profile.name} "
             f"(reference #{reference})."]
    if profile.booking_note:
        parts.append(profile.booking_note)
    parts.append(f"If you'd like to talk to someone sooner, call {profile.phone_display} "
                 f"({profile.hours_text}).")
    return " ".join(parts)


def not_saved(profile: ClinicProfile) -> str:
    """The honest reply when the request could not be stored."""
    return (
        "I'm sorry, something went wrong on our side and your request was NOT saved. "
        f"Please call {profile.name} at {profile.phone_display} ({profile.hours_text}) and the "
        "team will arrange the consultation with you."
    )


def not_saved_kept(profile: ClinicProfile) -> str:
    """The request could not be stored; the details are kept so that it can be sent again."""
    return (
        "I'm sorry, something went wrong on our side and your request was NOT saved. You can "
        f"call {profile.name} at {profile.phone_display} ({profile.hours_text}) and the team "
        "will arrange the consultation with you. I've kept your details for now, so I can also "
        "try sending it again."
    )


def retry_prompt() -> str:
    """The form's last question after a failed submit (the buttons carry the answers)."""
    return (
        "Shall I try to send your request again? If you'd rather not, say \"no\" and I'll "
        "delete the details you gave me."
    )


def retry_buttons() -> list[dict[str, str]]:
    """Try again / cancel, after a failed submit."""
    return [
        {"title": "Try again", "payload": "/affirm"},
        {"title": "No, delete my details", "payload": "/cancel_booking"},
    ]


def retry_declined(profile: ClinicProfile) -> str:
    """No retry after a failed submit: the details are deleted, nothing was sent."""
    return (
        "Okay, I've deleted the details you gave me; nothing was sent to the clinic. To arrange "
        f"a consultation, please call {profile.name} at {profile.phone_display} "
        f"({profile.hours_text})."
    )


def incomplete(profile: ClinicProfile) -> str:
    """The form ended without everything it needs (should not happen): nothing was sent."""
    return (
        "I'm sorry, some details of your request were missing, so I have not sent it. You can "
        "start again by saying you'd like to book, or call us at "
        f"{profile.phone_display} ({profile.hours_text})."
    )


def offer() -> str:
    """Offered when someone types contact details or a time outside the form."""
    return (
        "Would you like to request a consultation? I can take your details and the clinic's "
        "care team will contact you."
    )


def offer_buttons() -> list[dict[str, str]]:
    """Yes / no to the offer of a consultation request."""
    return [
        {"title": "Yes, request a consultation", "payload": "/affirm"},
        {"title": "No, thanks", "payload": "/deny"},
    ]
