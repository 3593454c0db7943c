"""What the bot last offered, read from a conversation's events, and what a patient's reply means.

Works on events in Rasa's serialised form (``event.as_dict()``: ``{"event": "bot", "text": ...,
"data": {"buttons": [...]}}``), so it needs no Rasa import and reads the same from any tracker
store: a numeric SMS reply or a widget button click resolves the same on every server process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.booking.slots import PERSONAL_SLOTS

INTENT_PREFIX = "/"
_NUMBER = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def offered_buttons(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The buttons of the latest bot message of the current turn (empty when none)."""
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            return []
        if kind == "bot":
            data = event.get("data") or {}
            buttons = data.get("buttons") or data.get("quick_replies")
            if buttons:
                return [dict(button) for button in buttons if isinstance(button, Mapping)]
    return []


@dataclass(frozen=True)
class Resolved:
    """The text to hand to Rasa, and the title of the option it chose (None when typed)."""

    text: str
    option_title: str | None = None


def resolve_number(text: str, buttons: Sequence[Mapping[str, Any]]) -> Resolved:
    """A reply of "2" (or "2)", "#2") after numbered options becomes option 2's payload."""
    match = _NUMBER.match(text or "")
    if match and buttons:
        position = int(match.group(1))
        if 1 <= position <= len(buttons):
            button = buttons[position - 1]
            return Resolved(str(button.get("payload") or ""), str(button.get("title") or ""))
    return Resolved(text)


def guard_command(text: str, buttons: Iterable[Mapping[str, Any]]) -> Resolved:
    """Let a ``/intent{...}`` message through only when it is a payload the bot just offered.

    Rasa treats text starting with "/" as an intent with entities, skipping NLU (and so the
    crisis check) and filling any slot it names. A patient's own text never should: its
    leading slashes are dropped and it goes through NLU like any other message.
    """
    stripped = (text or "").strip()
    if not stripped.startswith(INTENT_PREFIX):
        return Resolved(stripped)
    for button in buttons:
        if str(button.get("payload") or "").strip() == stripped:
            return Resolved(stripped, str(button.get("title") or ""))
    return Resolved(stripped.lstrip(INTENT_PREFIX + " \t"))




MASK = "•••"
# The lines of the booking summary (bot.booking.replies.summary) that hold personal details.
_SUMMARY_DETAIL = re.compile(r"^(- (?:Name|Phone|Email|Preferred time): ).+$", re.MULTILINE)


def history(events: Sequence[Mapping[str, Any]], limit: int = 60) -> list[dict[str, Any]]:
    """The messages of a conversation as the widget shows them, oldest first, at most ``limit``.

    A button click is shown with the button's title (kept in the user event's metadata), never
    as the raw payload. What the patient typed for the consultation request (name, contact,
    time, location) and the summary's personal lines are masked: a history restored on a shared
    computer must not show them to the next person.
    """
    shown: list[dict[str, Any]] = []
    asked: Any = None  # the form's question the next user message answers
    # A session's greeting is logged before the message that started the session, but the
    # patient saw it after their message: it is held until that message.
    held: list[dict[str, Any]] | None = None
    for event in events:
        kind = event.get("event")
        target = held if held is not None else shown
        if kind == "action" and event.get("name") == "action_session_start":
            held = []
        elif kind == "user":
            metadata = event.get("metadata") or {}
            title = metadata.get("option_title") if isinstance(metadata, Mapping) else None
            text = title or event.get("text") or ""
            if text and title is None and asked in PERSONAL_SLOTS:
                text = MASK
            if text and not (title is None and text.startswith(INTENT_PREFIX)):
                shown.append({"sender": "user", "text": text})
            if held is not None:
                shown.extend(held)
                held = None
        elif kind == "bot":
            data = event.get("data") or {}
            message: dict[str, Any] = {
                "sender": "bot", "text": _SUMMARY_DETAIL.sub(rf"\1{MASK}", event.get("text") or "")
            }
            if data.get("buttons"):
                message["buttons"] = data["buttons"]
            if isinstance(data.get("custom"), Mapping):
                message["custom"] = data["custom"]
            if message["text"] or len(message) > 2:
                target.append(message)
        elif kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif kind == "restart":  # a restarted conversation starts an empty window
            shown.clear()
            held = None
    return (shown + (held or []))[-limit:]
