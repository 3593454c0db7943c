"""What the Rasa server answers in place of a failed custom action (pure functions).

Used by ``bot.reliability.action_endpoint`` inside the Rasa process; no Rasa import here, so
the rules are unit-tested in the test environment. Events and responses are in the action
server's JSON format (``{"events": [...], "responses": [...]}``).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.config import load_clinic

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
SESSION_START = "action_session_start"
# Failed silently: the crisis event (the patient already has the resources, which the Rasa
# server sent itself) and the session start (a crisis text must not come after "our system
# isn't responding"; the next action that fails says it).
SILENT_FAILURES = frozenset({"action_record_crisis_event", SESSION_START})
LISTEN = "action_listen"
REQUESTED_SLOT = "requested_slot"


def clinic_values() -> dict[str, str]:
    """The clinic details the unavailable-message names (from knowledge/clinic.yml)."""
    try:
        profile = load_clinic()
    except Exception as error:  # noqa: BLE001 - the reply must still go out
        logger.error("clinic profile unreadable for the fallback reply (%s)", type(error).__name__)
        return {"clinic_name": "the clinic", "clinic_phone": "the clinic", "clinic_hours": ""}
    return {
        "clinic_name": profile.name,
        "clinic_phone": profile.phone_display,
        "clinic_hours": profile.hours_text,
    }


def _is_bot_marker(event: dict[str, Any]) -> bool:
    metadata = event.get("metadata") or {}
    return event.get("event") == "bot" and metadata.get("utter_action") == UNAVAILABLE_RESPONSE


def already_told(events: list[dict[str, Any]]) -> bool:
    """True when this turn already carries the unavailable-message.

    A turn is everything after the latest user message, plus the session start that opened
    the conversation just before it (events: ``action action_session_start``, its bot messages,
    ``session_started``, slots, ``action_listen``, then the user message).
    """
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    if any(_is_bot_marker(e) for e in events[last_user + 1 :]):
        return True
    found = False
    for event in reversed(events[:last_user] if last_user >= 0 else []):
        kind = event.get("event")
        if kind == "action" and event.get("name") == SESSION_START:
            return found
        if kind == "bot":
            found = found or _is_bot_marker(event)
        elif not (
            kind in ("slot", "session_started")
            or (kind == "action" and event.get("name") == LISTEN)
        ):
            return False
    return False


def form_only_slots(domain: dict[str, Any], form: str) -> list[str]:
    """Slots to clear when ``form`` is abandoned: its required slots, and every slot only an
    action sets (custom mappings), which includes what validation derived (``contact_kind``).
    Clearing the few non-personal ones among them (offer flags) is harmless: after a failure
    the conversation starts over."""
    forms = domain.get("forms") or {}
    required = list((forms.get(form) or {}).get("required_slots") or [])
    for name, slot in (domain.get("slots") or {}).items():
        mappings = (slot or {}).get("mappings") or []
        if mappings and all(m.get("type") == "custom" and not m.get("action") for m in mappings):
            required.append(name)
    return list(dict.fromkeys(required))


def fallback_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The action server's answer Rasa gets instead of a failure (see the module docstring)."""
    tracker = body.get("tracker") or {}
    events_in = tracker.get("events") or []
    events: list[dict[str, Any]] = []
    if body.get("next_action") == SESSION_START:
        # Rasa's own session start; the conversation can go on once the server is back.
        events = [{"event": "session_started"}, {"event": "action", "name": LISTEN}]
    form = (tracker.get("active_loop") or {}).get("name")
    if form:
        domain = body.get("domain") or {}
        events += [
            {"event": "slot", "name": s, "value": None} for s in form_only_slots(domain, form)
        ]
        events += [
            {"event": "slot", "name": REQUESTED_SLOT, "value": None},
            {"event": "active_loop", "name": None},
        ]
    silent = body.get("next_action") in SILENT_FAILURES or already_told(events_in)
    responses = [] if silent else [{"response": UNAVAILABLE_RESPONSE, **clinic_values()}]
    return {"events": events, "responses": responses}
