"""Safety actions: record a crisis event; note that a medical-advice refusal offered booking.

The crisis reply itself is ``utter_crisis``, sent by the Rasa server without this server; these
actions only do what needs code. Nothing here logs or stores what the patient wrote.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import replies
from bot.booking.form import forgotten_slots
from bot.booking.slots import REQUEST_INTERRUPTED
from bot.config import load_clinic
from bot.safety.crisis import mentions_the_topic
from bot.safety.emergency import EMERGENCY_SLOT
from bot.safety.events import get_event_store
from bot.safety.medical import (
    MEDICATION_CHANGE,
    after_own_session,
    detect_medical_advice,
    told_of_own_session,
    user_texts,
)
from bot.safety.urgent import head_injury_on_thinners

logger = logging.getLogger(__name__)


def _form_interrupted(tracker: Tracker) -> str | None:
    """The form this turn's crisis rule deactivated, if any."""
    events = tracker.events
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    last_user = users[-1] if users else -1
    deactivated = any(event.get("event") == "active_loop" and not event.get("name")
                      for event in events[last_user + 1:])
    if not deactivated:
        return None
    for event in reversed(events[:max(last_user, 0)]):
        if event.get("event") == "active_loop":
            return event.get("name") or None
    return None


class ActionRecordCrisisEvent(Action):
    """Stores time, channel and the conversation's pseudonym of a crisis reply."""

    def name(self) -> str:
        """Runs after utter_crisis."""
        return "action_record_crisis_event"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Record the event; clear whatever an interrupted consultation form had collected."""
        message = tracker.latest_message or {}
        safety = message.get("safety") or {}
        crisis = safety.get("crisis") or {}
        categories = list(crisis.get("categories") or [])
        if (message.get("intent") or {}).get("name") == "urgent_medical":
            categories.append("urgent_medical")
        during_form = _form_interrupted(tracker)
        try:
            await asyncio.to_thread(
                get_event_store().record,
                tracker.sender_id,
                tracker.get_latest_input_channel(),
                categories,
                safety.get("decided_by"),
                during_form,
            )
        except Exception as exc:  # the patient already has the resources; never fail the turn
            logger.error("crisis event not recorded (%s)", type(exc).__name__)
        else:
            logger.info("crisis event recorded (channel=%s)", tracker.get_latest_input_channel())
        if during_form:
            # The patient will not be asked to finish; nothing half-collected stays around.
            return [*(SlotSet(slot, value) for slot, value in forgotten_slots().items()),
                    SlotSet(REQUEST_INTERRUPTED, True)]
        return []


class ActionNoteConsultationOffer(Action):
    """After utter_medical_advice's offer: a "yes" (or its button) starts the consultation form."""

    def name(self) -> str:
        """Runs after utter_medical_advice."""
        return "action_note_consultation_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Set the booking helper's ``booking_offered`` slot, as its own offer action does; a
        patient who has already had a session is also told to call their care team."""
        text = (tracker.latest_message or {}).get("text") or ""
        users = user_texts(tracker.events)
        if head_injury_on_thinners(users):
            # "shes on blood thinners" after "she hit her head on the counter" (review 19): the
            # ER tonight, not only the refusal of individual advice.
            dispatcher.utter_message(response="utter_urgent_medical")
            # The slots the rule after this action expects, and crisis mode.
            return [SlotSet("booking_offered", True), SlotSet("human_offered", False),
                    SlotSet("crisis_mode", True), SlotSet(EMERGENCY_SLOT, True)]
        if after_own_session(text) or told_of_own_session(users):
            # A current patient (review 18: "can i take tylenol for it" after "had my 2nd
            # infusion yesterday"): their care team, not only a new consultation.
            dispatcher.utter_message(text=replies.care_team_after_session(load_clinic()))
        elif mentions_the_topic(text):
            # "I attempted suicide 5 years ago, would that make me ineligible?": the history is
            # not a crisis, but the way to help is offered gently, as for a question about it.
            dispatcher.utter_message(response="utter_safety_resources")
        if MEDICATION_CHANGE in detect_medical_advice(text).categories:
            # "Can I stop my zoloft once I start ketamine?" (review 18): whatever the answer for
            # this patient, no one should stop or change a medicine alone in the meantime.
            dispatcher.utter_message(text=replies.no_change_alone())
        return [SlotSet("booking_offered", True), SlotSet("human_offered", False)]
