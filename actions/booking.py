"""Consultation requests: the form's validation, its prompts, submit and cancel.

The work is done in ``bot``: validators (``bot.booking.validators``), storage with encryption
(``bot.booking.store``), staff e-mail (``bot.booking.notify``) and reply texts
(``bot.booking.replies``).
No action here logs a name, a contact detail or what the patient typed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer import ActionAnswerQuestion
from bot.booking import replies, validators
from bot.booking.corrections import (
    given_up_front,
    inline_value,
    invalid_contact_reason,
    name_with_contact,
)
from bot.booking.form import (
    COMPANION_SLOTS,
    DISCARD,
    clinic_today,
    contact_in,
    forgotten_slots,
    form_run,
    looks_like_details,
    looks_like_question,
    match_location,
    request_from_slots,
    request_was_sent,
    step_answer,
)
from bot.booking.midform import asks_what_was_given, correction_in
from bot.booking.notify import send_new_request_notification
from bot.booking.on_behalf import (
    SOMEONE_ELSE,
    offer_accepted_after,
    opening_message,
    relation_in,
    relation_named_before,
)
from bot.booking.request_words import asks_to_book
from bot.booking.slots import ATTEMPT_SLOT, FORM, STORED
from bot.booking.store import get_store
from bot.config import load_clinic
from bot.opening_hours import outside_hours
from bot.replies import CHOOSE_ANSWER_INTENT
from bot.retrieval.choices import pick_offered
from bot.retrieval.remarks import BOOK_LATER_RE
from bot.safety.distress import waves_off_the_check_in

logger = logging.getLogger(__name__)

def reset_booking_slots() -> list[EventType]:
    """Events that forget everything the form collected (used by every way out of the form)."""
    return [SlotSet(slot, value) for slot, value in forgotten_slots().items()]


def keep_for_retry(attempt_key: str) -> list[EventType]:
    """Events after a failed submit: the details stay, the form asks "shall I try again?".

    The form is active again at its last question, so everything the form already does on
    the way applies: a question is answered and the form asks again, "cancel" and a crisis
    message clear everything, a session that ends takes the details with it.
    """
    return [SlotSet(ATTEMPT_SLOT, attempt_key), SlotSet("booking_review", None), ActiveLoop(FORM)]


def _says_yes(tracker: Tracker) -> bool:
    """True when the latest message is the yes button (its payload, also an SMS option number
    turned into it) or a typed yes ("yes, send it"), not only a message the NLU read as one."""
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    return text.startswith("/") or validators.read_yes_no(text) is True


def _contact_alone(text: str) -> validators.Contact | None:
    """The phone number or e-mail a message gives when it gives no name ("my number is
    847-555-0133"); None otherwise."""
    contact = contact_in(text)
    if contact is None:
        return None
    try:
        validators.validate_full_name(text)
    except validators.Invalid:
        return contact
    return None


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


class ValidateConsultationForm(FormValidationAction):
    """Checks each answer of consultation_form; a rejected answer gets a clear re-ask."""

    def __init__(self) -> None:
        super().__init__()
        self._answerer = ActionAnswerQuestion()

    def name(self) -> str:
        """The validation action Rasa calls for consultation_form."""
        return "validate_consultation_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """No consent: nothing more is asked. No locations configured: no location question."""
        if tracker.slots.get("booking_consent") is False:
            return []
        if not load_clinic().locations:
            return [slot for slot in domain_slots if slot != "location"]
        return list(domain_slots)

    async def _answer_instead(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Answer from the knowledge base; returns the answer's own slots (offered options).

        A question that reached a slot (e.g. classified with low confidence) is answered like
        any other question, and the form then asks its question again.
        """
        events = await self._answerer.run(dispatcher, tracker, domain)
        return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}

    async def _answered_a_choice(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any] | None:
        """A tap on (or "the second one" of) answer options offered mid-form is answered, and
        a message about the request itself (bot.booking.midform) is handled as such.

        choose_answer is not a not_intent of the slots, because typed answers such as
        "the 20th" are sometimes classified as it; only a real pick is treated as one.
        """
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        profile = load_clinic()
        consented = tracker.get_slot("booking_consent") is True  # no detail before consent
        if consented and (correction_in(text, tracker.get_slot("requested_slot"),
                                        clinic_today(profile), profile.locations,
                                        tracker.get_slot("full_name"))
                          or asks_what_was_given(text)):
            # "actually, switch that to Thursday mornings" at the location step, "what did I
            # tell you my name was?": about the request, not an answer to this step.
            return await self._answer_instead(dispatcher, tracker, domain)
        if _latest_intent(tracker) != CHOOSE_ANSWER_INTENT:
            return None
        picked = next(tracker.get_latest_entity_values("answer_id"), None) or pick_offered(
            message.get("text") or "", tracker.get_slot("offered_answers")
        )
        if not picked:
            return None
        return await self._answer_instead(dispatcher, tracker, domain)

    async def validate_booking_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes (buttons, "ok", "fine by me") or no; anything else is asked again."""
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "booking_consent": None}
        text = (tracker.latest_message or {}).get("text") or ""
        if value is not None and validators.asks_a_question(text):
            # "ok but wait, is it painful?": the question first, then consent asked again.
            answered = await self._answer_instead(dispatcher, tracker, domain)
            return {**answered, "booking_consent": None}
        if value is not None and validators.defers(text):
            # "ok maybe later" at the privacy question (review 15 took it as a yes): nothing is
            # collected, and the patient hears how to come back to it.
            return self._consented(dispatcher, tracker, False)
        if isinstance(value, bool):
            return self._consented(dispatcher, tracker, value)
        if isinstance(value, str):
            if looks_like_question(value):
                # "ok. does it hurt?": the questions first; consent is a clear answer of its own.
                answered = await self._answer_instead(dispatcher, tracker, domain)
                return {**answered, "booking_consent": None}
            answer = validators.read_yes_no(value)
            if answer is not None:
                return self._consented(dispatcher, tracker, answer)
            if looks_like_details(value):
                # "you can call me on 312-555-0147": nothing is kept before consent.
                dispatcher.utter_message(text=replies.invalid_reply("consent_first"))
                return {"booking_consent": None}
        if value is not None:
            dispatcher.utter_message(text=replies.invalid_reply("consent_unclear"))
        return {"booking_consent": None}

    def _consented(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                   consent: bool) -> dict[str, Any]:
        """The answer to the privacy question with what the opening message already gave; a
        time given there that falls outside the clinic's hours gets the same note as at its
        own step."""
        values = {"booking_consent": consent, **self._booking_for(tracker, consent)}
        profile = load_clinic()
        closed = outside_hours(values.get("preferred_time_normalized"), profile)
        if closed:
            dispatcher.utter_message(text=replies.outside_hours_note(profile, closed))
        return values

    @staticmethod
    def _booking_for(tracker: Tracker, consent: bool) -> dict[str, Any]:
        """Who the booking is for, from the message that opened the form ("can I book for my
        mom?"; nothing when it is for the writer), and the contact or location it gave."""
        if not consent:
            return {}
        opening = opening_message(tracker.events, FORM) or ""
        # "yes" to the offer after a message with every detail: that message opened it.
        opening = " ".join(filter(None, [offer_accepted_after(tracker.events, FORM), opening]))
        relation = relation_in(opening)
        if relation == SOMEONE_ELSE:
            # "ok book him in pls" after "booking for my dad, he's 72": the relation named before.
            relation = relation_named_before(tracker.events, FORM) or relation
        # A phone number, e-mail, location or introduced name already typed is not asked again.
        profile = load_clinic()
        given = given_up_front(opening, profile.locations, clinic_today(profile))
        if relation:
            given.pop("full_name", None)  # "I'm Ann Lee, can I book for my son": Ann calls
            return {**given, "booking_for": relation}
        return given

    def _step_answer(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        """What the patient typed at ``slot``'s question, when it answers it, whatever the NLU
        read it as ("Will Cost" as a price question, "looks good, submit it" as a question):
        the slot mappings alone would ask the same question forever."""
        if tracker.get_slot("requested_slot") != slot:
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        profile = load_clinic()
        value = step_answer(slot, _latest_intent(tracker), text, clinic_today(profile),
                            profile.locations)
        return {slot: value} if value is not None else {}

    async def extract_booking_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A yes or no typed at the privacy question; or the yes that starts the form again right
        after the privacy note was declined ("ok fine, yes that's ok", suite 23: the note was
        asked once more and the name typed next was not kept) or the request was cancelled
        ("actually ok fine, yes", suite 26)."""
        if (tracker.get_slot("requested_slot") is None and _latest_intent(tracker) == "affirm"
                and _restart_was_just_offered(tracker)):
            return {"booking_consent": True}
        return self._step_answer(tracker, "booking_consent")

    async def extract_full_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name typed at the name question."""
        return self._step_answer(tracker, "full_name")

    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A phone number or e-mail typed at the contact question, also inside a sentence."""
        return self._step_answer(tracker, "contact")

    async def extract_preferred_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A day or time of day typed at the time question, also inside a sentence."""
        return self._step_answer(tracker, "preferred_time")

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A location named at the location question, also when the NLU read the sentence as a
        question ("North Avenue is closer for me")."""
        return self._step_answer(tracker, "location")

    async def extract_booking_review(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A yes or no typed at the summary."""
        return self._step_answer(tracker, "booking_review")

    async def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A plausible full name, tidied; questions and sentences are not names."""
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "full_name": None}
        if not isinstance(value, str):
            return {"full_name": None}
        both = name_with_contact(value)
        if both is not None:
            # "Marcus Bell, 414-555-0190": the contact step has its answer too.
            name, contact = both
            return {"full_name": name, "contact": contact.value, "contact_kind": contact.kind}
        early = _contact_alone(value)
        if early is not None:
            # "my cell is 847-555-0133" at the name question (review 12): kept for its own
            # step, and the name asked for again; the patient need not type it twice.
            dispatcher.utter_message(text=replies.contact_noted_before_name(early.kind))
            return {"full_name": None, "contact": early.value, "contact_kind": early.kind}
        try:
            return {"full_name": validators.validate_full_name(value)}
        except validators.Invalid as invalid:
            return await self._reject("full_name", invalid, dispatcher, tracker, domain)

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A US phone number (stored as E.164) or an email address."""
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "contact": None, "contact_kind": None}
        if not isinstance(value, str):
            return {"contact": None, "contact_kind": None}
        try:
            contact = validators.validate_contact(value)
        except validators.Invalid as invalid:
            if looks_like_question(value):
                # "Is it possible for me to accompany her to the appointment?" at the contact
                # step (review 16): the question is answered, then the step is asked again.
                answered = await self._answer_instead(dispatcher, tracker, domain)
                return {**answered, "contact": None, "contact_kind": None}
            result = await self._reject("contact", invalid, dispatcher, tracker, domain)
            return {**result, "contact_kind": None}
        return {"contact": contact.value, "contact_kind": contact.kind}

    async def validate_preferred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Kept as said, plus a normalised form when one can be read."""
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "preferred_time": None, "preferred_time_normalized": None}
        if not isinstance(value, str):
            return {"preferred_time": None, "preferred_time_normalized": None}
        profile = load_clinic()
        try:
            parsed = validators.parse_preferred_time(value, clinic_today(profile))
        except validators.Invalid as invalid:
            result = await self._reject("preferred_time", invalid, dispatcher, tracker, domain)
            return {**result, "preferred_time_normalized": None}
        closed = outside_hours(parsed.normalized, profile)
        if closed:
            dispatcher.utter_message(text=replies.outside_hours_note(profile, closed))
        return {"preferred_time": parsed.text, "preferred_time_normalized": parsed.normalized}

    async def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the clinic profile's locations, by button or by a word of its name."""
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "location": None}
        if not isinstance(value, str):
            return {"location": None}
        location = match_location(value, load_clinic().locations)
        if location is not None:
            return {"location": location.id}
        if _latest_intent(tracker) == "deny":
            dispatcher.utter_message(text=replies.invalid_reply("declined"))
        elif looks_like_question(value):
            return {**await self._answer_instead(dispatcher, tracker, domain), "location": None}
        else:
            dispatcher.utter_message(text=replies.invalid_reply("unknown_location"))
        return {"location": None}

    async def validate_booking_review(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Submit sends the request; a no ("change") asks what to change; else ask again.

        After a failed submit the question is "shall I try again?": yes ("try again") sends
        the same request again, a no or a goodbye deletes the details (DISCARD).
        """
        answered = await self._answered_a_choice(dispatcher, tracker, domain)
        if answered is not None:
            return {**answered, "booking_review": None}
        retrying = bool(tracker.get_slot(ATTEMPT_SLOT))
        if value == "submit" and not _says_yes(tracker):
            # Sending needs a yes the patient gave: the button, or a typed yes. "more" (an SMS
            # patient asking for the rest, review 14) read as agreement must not send it.
            dispatcher.utter_message(text=replies.invalid_reply("review_unclear"))
            return {"booking_review": None}
        if value == "submit":
            return {"booking_review": "submit"}
        if retrying and (value == "change" or _latest_intent(tracker) == "goodbye"):
            return {"booking_review": DISCARD}
        if value == "change" or not isinstance(value, str):
            # action_ask_booking_review shows the change buttons after a "no".
            return {"booking_review": None}
        answer = validators.read_yes_no(value)
        if answer is True:
            return {"booking_review": "submit"}
        if answer is False and retrying:
            return {"booking_review": DISCARD}
        if answer is None:
            if looks_like_question(value):
                answered = await self._answer_instead(dispatcher, tracker, domain)
                return {**answered, "booking_review": None}
            else:
                dispatcher.utter_message(text=replies.invalid_reply("review_unclear"))
        return {"booking_review": None}

    async def _reject(
        self,
        slot: str,
        invalid: validators.Invalid,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        logger.info("consultation form: %s rejected (%s)", slot, invalid.reason)
        if _latest_intent(tracker) == "deny":
            dispatcher.utter_message(text=replies.invalid_reply("declined"))
        elif invalid.reason == "question":
            return {**await self._answer_instead(dispatcher, tracker, domain), slot: None}
        else:
            dispatcher.utter_message(text=replies.invalid_reply(invalid.reason))
        return {slot: None}


class ActionAskBookingConsent(Action):
    """Asks for consent to the privacy notice; when the clinic is closed, also says when it
    reopens and when the team will call (once per request)."""

    def name(self) -> str:
        """Rasa calls ``action_ask_<slot>`` to request the slot."""
        return "action_ask_booking_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """domain.yml's question (a short form when it was already asked in this request),
        and the closed-now note the first time it is asked."""
        asked = (domain.get("responses") or {}).get("utter_ask_booking_consent") or [{}]
        if asked[0].get("text") and _said_since_form_start(tracker, asked[0]["text"]):
            dispatcher.utter_message(response="utter_ask_booking_consent_again")
        else:
            dispatcher.utter_message(response="utter_ask_booking_consent")
        note = replies.closed_now_note(load_clinic())
        if note and not _said_since_form_start(tracker, note):
            dispatcher.utter_message(text=note)
        return []


def _said_since_form_start(tracker: Tracker, text: str) -> bool:
    """True when the assistant already sent ``text`` since the consultation form last started."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and event.get("text") == text:
            return True
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return False
    return False


class ActionAskFullName(Action):
    """Asks for the name: the patient's own, or the person's the booking is for."""

    def name(self) -> str:
        """Rasa calls ``action_ask_<slot>`` to request the slot."""
        return "action_ask_full_name"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """domain.yml's question, or the one for someone else's booking."""
        booking_for = tracker.get_slot("booking_for")
        if booking_for:
            dispatcher.utter_message(text=replies.name_prompt(booking_for))
        else:
            dispatcher.utter_message(response="utter_ask_full_name")
        return []


class ActionAskContact(Action):
    """Asks for a phone number or e-mail: the caller's, when booking for someone else."""

    def name(self) -> str:
        """Rasa calls ``action_ask_<slot>`` to request the slot."""
        return "action_ask_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """domain.yml's question, or the one for someone else's booking."""
        if tracker.get_slot("booking_for"):
            dispatcher.utter_message(text=replies.contact_prompt_for_someone_else())
        else:
            dispatcher.utter_message(response="utter_ask_contact")
        return []


class ActionAskLocation(Action):
    """Asks for the location with one button per location of the clinic profile."""

    def name(self) -> str:
        """Rasa calls ``action_ask_<slot>`` to request the slot."""
        return "action_ask_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the question and the buttons."""
        dispatcher.utter_message(
            text=replies.location_prompt(), buttons=replies.location_buttons(load_clinic())
        )
        return []


class ActionAskBookingReview(Action):
    """Shows the summary with send / change / cancel (or, after a "no", what to change)."""

    def name(self) -> str:
        """Rasa calls ``action_ask_<slot>`` to request the slot."""
        return "action_ask_booking_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the summary, or the change buttons when the patient just said no to it, or,
        after a failed submit, ask whether to try again."""
        if tracker.get_slot(ATTEMPT_SLOT):
            dispatcher.utter_message(text=replies.retry_prompt(), buttons=replies.retry_buttons())
            return []
        if _latest_intent(tracker) == "deny":
            dispatcher.utter_message(
                text=replies.which_detail_prompt(),
                buttons=replies.review_buttons(include_submit=False),
            )
            return []
        profile = load_clinic()
        dispatcher.utter_message(
            text=replies.summary(
                profile,
                full_name=tracker.get_slot("full_name") or "",
                contact=tracker.get_slot("contact") or "",
                contact_kind=tracker.get_slot("contact_kind"),
                preferred_time=tracker.get_slot("preferred_time") or "",
                location_id=tracker.get_slot("location") or "",
                booking_for=tracker.get_slot("booking_for"),
            ),
            buttons=replies.review_buttons(),
        )
        return []


class ActionChangeConsultationField(Action):
    """Clears one detail so the form asks for it again (from the summary or mid-form)."""

    def name(self) -> str:
        """Run on ``correct_booking``."""
        return "action_change_consultation_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Take a new value given in the same message; else forget the named detail (and the
        summary answer) so the form asks again; ask which one when unnamed."""
        if tracker.active_loop_name != FORM:
            text = (tracker.latest_message or {}).get("text") or ""
            if not request_was_sent(tracker.events) and validators.reads_as_question(text):
                # "can i email instead" with no request in this conversation asks about the
                # clinic, not about changing a request: answered as the question it is.
                return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
            dispatcher.utter_message(text=replies.nothing_to_change(load_clinic()))
            return []
        if tracker.get_slot("booking_consent") is not True:
            # No detail is taken before the patient agreed to give them: the privacy question
            # first (the form asks it again).
            dispatcher.utter_message(text=replies.invalid_reply("consent_unclear"))
            return []
        field = next(tracker.get_latest_entity_values("booking_field"), None)
        profile = load_clinic()
        text = (tracker.latest_message or {}).get("text") or ""
        given = inline_value(field if field in replies.FIELDS else None, text,
                             clinic_today(profile), profile.locations)
        if given is None:
            # "actually can we do thursday afternoons instead" at the summary (suite 20 got the
            # menu of details): the new value, named without "to".
            given = correction_in(text, tracker.get_slot("requested_slot"), clinic_today(profile),
                                  profile.locations, tracker.get_slot("full_name"))
        if given is not None:
            # "change the email to ...": take the new value; the form goes on from there.
            changed, values = given
            dispatcher.utter_message(text=replies.changed_detail_ack(changed,
                                                                     value=values.get(changed)))
            closed = outside_hours(values.get("preferred_time_normalized"), profile)
            if closed:  # the same gentle note the time step gives
                dispatcher.utter_message(text=replies.outside_hours_note(profile, closed))
            return [*(SlotSet(slot, value) for slot, value in values.items()),
                    SlotSet("booking_review", None), SlotSet(ATTEMPT_SLOT, None)]
        reason = invalid_contact_reason((tracker.latest_message or {}).get("text") or "")
        if reason is not None and field in (None, "contact"):
            # "oh sorry its 555-123-4567" after a number that was not valid: the form's own
            # message about the number, not a menu of details (review 14).
            dispatcher.utter_message(text=replies.invalid_reply(reason))
            return []
        if field not in replies.FIELDS:
            dispatcher.utter_message(
                text=replies.which_detail_prompt(),
                buttons=replies.review_buttons(include_submit=False),
            )
            return []
        dispatcher.utter_message(text=replies.change_detail_ack(field))
        # A changed request is a new request: it gets its own idempotency key.
        cleared = (field, *COMPANION_SLOTS.get(field, ()), "booking_review", ATTEMPT_SLOT)
        return [SlotSet(slot, None) for slot in cleared]


class ActionCancelConsultationRequest(Action):
    """Leaves the form on "cancel" / "never mind": nothing is stored, everything is forgotten."""

    def name(self) -> str:
        """Run on ``cancel_booking`` (or a "no" to a form question)."""
        return "action_cancel_consultation_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say that nothing was saved, close the form and clear its slots."""
        dispatcher.utter_message(text=replies.cancelled(load_clinic()))
        logger.info("consultation form cancelled at %s", tracker.get_slot("requested_slot"))
        # "actually ok fine, yes" right after the cancel (suite 26 got "What would you like to
        # know"): a yes starts the request again, as after a declined privacy note.
        offer = [] if tracker.get_slot("crisis_mode") else [
            SlotSet("booking_offered", True), SlotSet("human_offered", False)]
        return [ActiveLoop(None), *reset_booking_slots(), *offer]


def _restart_was_just_offered(tracker: Tracker) -> bool:
    """True when the assistant's last message before the latest patient message closed the form
    (the privacy note declined, or the request cancelled) and said a yes starts it again: the
    privacy note has been shown in this conversation, and that yes agrees to it."""
    profile = load_clinic()
    closings = {replies.consent_declined(profile), replies.cancelled(profile)}
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return False
    between = tracker.events[users[-2] + 1:users[-1]]
    return any(e.get("event") == "bot" and e.get("text") in closings for e in between)


class ActionCancelOutsideForm(Action):
    """A "cancel" with no request in progress: when this conversation already sent one, say
    that it cannot be withdrawn here and give the phone; otherwise acknowledge it."""

    def name(self) -> str:
        """Run on ``cancel_booking`` when no form is active."""
        return "action_cancel_outside_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Never a bare "No problem" for a request that was already sent, nor for a wave-off of
        the distress check-in ("never mind", "dont worry about it": the crisis resources)."""
        if waves_off_the_check_in(tracker.events, (tracker.latest_message or {}).get("text") or ""):
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        if request_was_sent(tracker.events):
            dispatcher.utter_message(text=replies.already_sent(load_clinic()))
        elif BOOK_LATER_RE.search((tracker.latest_message or {}).get("text") or ""):
            # "not ready to book yet tbh, maybe later" (review 27 got a bare "No problem"): how
            # to book when ready, with the clinic's phone.
            dispatcher.utter_message(text=replies.book_later(load_clinic()))
        else:
            dispatcher.utter_message(response="utter_no_problem")
        return []


class ActionOfferConsultation(Action):
    """Details typed outside the form (a phone number, a name): offer to take a request."""

    def name(self) -> str:
        """Run on ``inform`` when no form is active."""
        return "action_offer_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Offer the consultation form when the text holds details; otherwise answer it."""
        text = (tracker.latest_message or {}).get("text") or ""
        if not looks_like_details(text):
            # NLU can mistake an unrelated sentence ("will it rain this weekend") for form
            # details; the retrieval layer then answers it or says honestly it does not know.
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        if asks_to_book(text):
            # "hi im Marcus ..., 555-418-2290, want a consult at the North office": the request
            # is in the message; the form starts (it takes the details once consent is given).
            return [SlotSet("booking_offered", False), SlotSet("human_offered", False),
                    FollowupAction(FORM)]
        dispatcher.utter_message(text=replies.offer(), buttons=replies.offer_buttons())
        return [SlotSet("booking_offered", True), SlotSet("human_offered", False)]


class ActionSubmitConsultationRequest(Action):
    """Stores the finished request, and confirms only once it is in the database."""

    def name(self) -> str:
        """Run when consultation_form completes."""
        return "action_submit_consultation_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store (exactly once per form run), then confirm; on any failure say so honestly.

        When the database fails, the details are kept and the form asks whether to try again
        (:func:`keep_for_retry`); the retry uses the failed attempt's idempotency key.
        """
        profile = load_clinic()
        if tracker.get_slot("booking_consent") is not True:
            dispatcher.utter_message(
                text=replies.consent_declined(profile), booking_outcome="declined"
            )
            if tracker.get_slot("crisis_mode"):
                # Earlier in this conversation someone was in danger: help stays in view.
                dispatcher.utter_message(response="utter_safety_resources")
            logger.info("consultation form ended without consent; nothing stored")
            # "actually ok lets do it", "ok fine yes" (review 13): a yes starts the form again.
            offer = [] if tracker.get_slot("crisis_mode") else [
                SlotSet("booking_offered", True), SlotSet("human_offered", False)]
            return [*reset_booking_slots(), *offer]
        if tracker.get_slot("booking_review") == DISCARD:
            dispatcher.utter_message(
                text=replies.retry_declined(profile), booking_outcome="discarded"
            )
            logger.info("consultation request not retried; details deleted, nothing stored")
            return reset_booking_slots()

        request = request_from_slots(tracker.get_slot, profile, tracker.sender_id,
                                     tracker.get_latest_input_channel())  # fmt: skip
        if request is None or tracker.get_slot("booking_review") != "submit":
            dispatcher.utter_message(text=replies.incomplete(profile), booking_outcome="incomplete")
            logger.warning("consultation form ended incomplete; nothing stored")
            return reset_booking_slots()

        try:
            store = get_store()
            key = tracker.get_slot(ATTEMPT_SLOT) or store.cipher.keyed_hash(
                form_run(tracker.events, tracker.sender_id, request), "idempotency"
            )
        except Exception as exc:  # noqa: BLE001 - no key: nothing can be stored or retried
            logger.error("consultation request NOT stored: %s", type(exc).__name__)
            dispatcher.utter_message(text=replies.not_saved(profile), booking_outcome="not_saved")
            return reset_booking_slots()
        try:
            stored, created = await asyncio.to_thread(store.submit, request, key)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the patient must be told
            # Only the type: messages of storage errors can quote SQL or values.
            logger.error(
                "consultation request NOT stored: %s; details kept for a retry", type(exc).__name__
            )
            dispatcher.utter_message(
                text=replies.not_saved_kept(profile), booking_outcome="not_saved"
            )
            return keep_for_retry(key)

        logger.info("consultation request %s stored (new=%s)", stored.id, created)
        if created:
            _notify_in_background(stored)
        dispatcher.utter_message(
            text=replies.confirmed(profile, stored.id), booking_outcome=STORED
        )
        if tracker.get_slot("crisis_mode"):
            # Earlier in this conversation someone was in danger: the confirmation keeps the way
            # to help in view, as every answer after a crisis does (review 15).
            dispatcher.utter_message(response="utter_safety_resources")
        return reset_booking_slots()


_background: set[asyncio.Future] = set()


def _notify_in_background(stored: Any) -> None:
    """E-mail staff without delaying the patient's reply; failures are logged, never raised."""
    future = asyncio.get_running_loop().run_in_executor(None, send_new_request_notification, stored)
    _background.add(future)
    future.add_done_callback(_background.discard)
