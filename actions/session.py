"""Start each conversation session with the assistant's disclaimer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import replies
from bot.booking.slots import REQUEST_SLOTS
from bot.config import load_clinic


class ActionSessionStart(Action):
    """Rasa's session start, plus the disclaimer as the first reply of the conversation."""

    def name(self) -> str:
        """Replaces Rasa's built-in ``action_session_start``."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Emit the standard session-start events and send the disclaimer."""
        events: list[EventType] = [SessionStarted()]
        carry_over = (domain.get("session_config") or {}).get(
            "carry_over_slots_to_new_session", True
        )
        if carry_over:
            # As Rasa's own action does: the previous session's slots (and the session's
            # start metadata) carry over, after the SessionStarted event. A consultation
            # request does not: details left in an unfinished form, or kept for a retry after
            # a failed submit, end with their session (docs/booking.md).
            events.extend(
                SlotSet(event["name"], event.get("value"))
                for event in tracker.applied_events()
                if event.get("event") == "slot" and event.get("name") not in REQUEST_SLOTS
            )
        dispatcher.utter_message(text=replies.disclaimer(load_clinic()))
        events.append(ActionExecuted("action_listen"))
        return events
