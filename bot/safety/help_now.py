"""Messages that must be answered whatever else holds a message back (opt-out, rate limits)."""

from __future__ import annotations

from bot.safety.crisis import detect_crisis
from bot.safety.urgent import is_urgent


def needs_help_now(text: str) -> bool:
    """A crisis or a medical emergency: it always reaches the crisis / emergency reply."""
    return detect_crisis(text).is_crisis or is_urgent(text)
