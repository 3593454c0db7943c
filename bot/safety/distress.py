"""Distress that builds over a conversation: what the assistant does about it.

A message that matches a ``distress`` entry of the pattern table (hopelessness, "what's the
point", "nobody would notice"; ``bot.safety.crisis.detect_distress``) is not a crisis on its own.
The safety NLU component marks it (``safety.distress`` in the parsed message); the answer action
then reads the conversation:

- the first such message gets its answer (or, when the knowledge has none, no "I don't know")
  and a gentle check-in naming 988;
- a second one in the same session, or any after a crisis reply, gets the crisis resources and
  puts the conversation in crisis mode, like a crisis message would.

Standard library only; the Rasa process and the action server both import it.
"""

from __future__ import annotations

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


def distress_response(events: Iterable[Mapping[str, Any]], latest: Mapping[str, Any] | None,
                      crisis_mode: bool) -> str | None:  # fmt: skip
    """``CHECK_IN``, ``RESOURCES`` or None (the latest message shows no distress)."""
    if not is_distressed(latest):
        return None
    if crisis_mode or distress_messages(events) >= ESCALATE_AT:
        return RESOURCES
    return CHECK_IN
