"""Give the clinic's contact details when a patient asks for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import replies
from bot.booking import replies as booking_replies
from bot.booking.slots import REQUEST_INTERRUPTED
from bot.config import load_clinic
from bot.opening_hours import with_open_note
from bot.safety.emergency import in_emergency


class ActionGiveContactDetails(Action):
    """Reply with the clinic's phone, e-mail, hours and locations."""

    def name(self) -> str:
        """The action's name in domain.yml."""
        return "action_give_contact_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the contact details from the clinic profile, and whether the clinic is open."""
        profile = load_clinic()
        asked = ((tracker.latest_message or {}).get("intent") or {}).get("name") == "ask_human"
        if in_emergency(tracker.events):
            pass  # the clinic is not where to turn: the follow-up said 911
        elif tracker.get_slot("crisis_mode") and not asked:
            card = contact_after_crisis(tracker.events, profile)
            if card:
                dispatcher.utter_message(text=card)
        else:
            contact = replies.contact_details(
                profile, with_locations=not tracker.get_slot("crisis_mode"))
            dispatcher.utter_message(text=with_open_note(contact, profile))
        events: list[EventType] = [SlotSet("human_offered", False)]
        if tracker.get_slot(REQUEST_INTERRUPTED):
            # A crisis stopped the consultation form (and its details were forgotten then):
            # say once that nothing was sent, so nobody waits for a call no one knows to make.
            dispatcher.utter_message(text=booking_replies.request_not_sent(profile))
            events.append(SlotSet(REQUEST_INTERRUPTED, None))
        if not (tracker.active_loop or {}).get("name"):
            # The turn ends here: with rules only, a rule whose condition this action changed
            # (human_offered) would not predict listening, and the fallback would answer again.
            events.append(FollowupAction("action_listen"))
        return events


def contact_after_crisis(events: list[dict[str, Any]], profile: Any) -> str | None:
    """The clinic's card under a crisis follow-up: no street addresses, and None when one of the
    last two replies already gave it (not again under every "whatever" or "leave me alone")."""
    if _given_in_last_replies(events, profile.phone_display):
        return None
    return with_open_note(replies.contact_details(profile, with_locations=False), profile)


def _given_in_last_replies(events: list[dict[str, Any]], phone: str, replies_back: int = 2) -> bool:
    """True when one of the assistant's last ``replies_back`` turns already gave the phone."""
    seen = 0
    for event in reversed(events):
        if event.get("event") == "user":
            seen += 1
            if seen > replies_back:
                return False
        elif event.get("event") == "bot" and phone in (event.get("text") or ""):
            return True
    return False
