"""Is the conversation in the middle of a medical emergency? Decided from its latest turns.

After an urgent medical message (911 first: someone hard to wake, chest pain, too much of a
substance) the next messages are usually about the same emergency: "we don't want to call 911",
"can't I just let her sleep it off", "is that a side effect of the ketamine?", "can I drive him
to your clinic instead?". For a few turns they get the emergency follow-up (call 911 now, stay
with them, on their side), never a reassuring FAQ answer or the clinic's contact card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

URGENT_INTENT = "urgent_medical"
# The slot the emergency variations of the follow-up replies are conditioned on (domain.yml).
EMERGENCY_SLOT = "emergency_mode"
# How many of the latest patient messages an urgent one keeps the conversation in an emergency.
EMERGENCY_TURNS = 5


def in_emergency(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when one of the latest ``EMERGENCY_TURNS`` patient messages (the current one
    included) was read as an urgent medical situation."""
    seen = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == URGENT_INTENT:
            return True
        seen += 1
        if seen >= EMERGENCY_TURNS:
            return False
    return False
