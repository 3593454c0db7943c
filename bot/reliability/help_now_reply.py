"""A crisis or medical-emergency message gets its resources in time, whatever is slow or down.

The usual path (NLU, the safety classifier, the rules, ``utter_crisis``) answers a crisis in well
under a second. But a turn also reads and writes the conversation database and may call the
action server; when one of them hangs or fails, the whole turn waits or fails with it. Each
channel therefore checks the raw text with the deterministic detectors first
(``bot.safety.crisis``, ``bot.safety.urgent``) and, for a message that needs help now, gives
the turn a budget (:data:`REPLY_BUDGET_SECONDS`; SMS has more, Twilio waits 15 s). When the
turn has not finished in time, or failed, the channel answers with the domain's own crisis or
emergency response for that channel (the reviewed text, not a copy) and lets the turn go on in
the background, so it is still recorded when the services recover.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.config import load_clinic
from bot.language import MESSAGE_LANGUAGE, message_language
from bot.replies import help_now_line
from bot.safety.crisis import detect_crisis
from bot.safety.emergency import EMERGENCY_SLOT, needs_emergency_reply
from bot.safety.subject import CRISIS_SUBJECT, crisis_subject
from bot.safety.urgent import is_urgent

logger = logging.getLogger(__name__)

CRISIS_RESPONSE = "utter_crisis"
URGENT_RESPONSE = "utter_urgent_medical"
REPLY_BUDGET_SECONDS = {"rest": 1.5, "webchat": 1.5, "twilio_sms": 4.0}
T = TypeVar("T")


def help_now_responses(domain: Any, text: str, channel: str) -> list[dict[str, Any]]:
    """The crisis / emergency response for ``text`` on ``channel``; [] when it needs neither."""
    verdict = detect_crisis(text)
    if verdict.is_crisis and not needs_emergency_reply(verdict.categories, verdict.rules, text):
        name = CRISIS_RESPONSE
    elif verdict.is_crisis or is_urgent(text):
        name = URGENT_RESPONSE
    else:
        return []
    variants = list((getattr(domain, "responses", None) or {}).get(name) or [])
    chosen = _variant(variants, channel, message_language(text, verdict.rules),
                      crisis_subject(verdict.categories, text))
    if chosen is None:  # a domain without the response: still never silence
        return [{"text": help_now_line(load_clinic()), "custom": {"kind": "crisis"}}]
    message = {"text": chosen.get("text") or ""}
    if isinstance(chosen.get("custom"), dict):
        message["custom"] = dict(chosen["custom"])
    return [message]


def _variant(variants: list[dict[str, Any]], channel: str, language: str,
             subject: str = "self") -> dict | None:
    """The variation Rasa would pick for a first message: the message's language (a
    ``message_language`` slot condition) first, then this channel's own text, then the general
    one; never one conditioned on an emergency in progress, and the helper's text only when
    someone else is the one in danger (``subject`` "other")."""
    def language_of(variant: dict[str, Any]) -> str:
        for condition in variant.get("condition") or []:
            if condition.get("name") == MESSAGE_LANGUAGE:
                return str(condition.get("value"))
        return "en"

    def in_an_emergency(variant: dict[str, Any]) -> bool:
        return any(condition.get("name") == EMERGENCY_SLOT and condition.get("value") is True
                   for condition in variant.get("condition") or [])

    def subject_of(variant: dict[str, Any]) -> str | None:
        return next((str(condition.get("value")) for condition in variant.get("condition") or []
                     if condition.get("name") == CRISIS_SUBJECT), None)

    # The channel does not know the conversation: a variation for the middle of an emergency
    # (emergency_mode) is not the one for a first message.
    variants = [v for v in variants if not in_an_emergency(v)]
    # The most specific text that fits: the helper's when someone else is in danger.
    variants = ([v for v in variants if subject_of(v) == subject]
                + [v for v in variants if subject_of(v) is None])
    for wanted in (language, "en"):
        of_language = [v for v in variants if language_of(v) == wanted]
        chosen = next((v for v in of_language if v.get("channel") == channel), None) or next(
            (v for v in of_language if not v.get("channel")), None)
        if chosen is not None:
            return chosen
    return None


def has_help_now_reply(messages: list[dict[str, Any]]) -> bool:
    """True when the turn already sent a crisis / emergency response (``custom.kind``)."""
    return any((m.get("custom") or {}).get("kind") == "crisis" for m in messages)


async def finish_within(work: Awaitable[T], budget: float | None) -> tuple[bool, T | None]:
    """Run ``work``: (True, result) when it finishes within ``budget`` seconds (no budget: it
    always does); (False, None) when it has not, in which case it goes on in the background
    and a later failure is logged by type. An error within the budget is raised."""
    task = asyncio.ensure_future(work)
    if budget is None:
        return True, await task
    done, _ = await asyncio.wait({task}, timeout=budget)
    if task in done:
        return True, task.result()
    task.add_done_callback(_log_late_failure)
    return False, None


def _log_late_failure(task: asyncio.Future) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:  # only the type: a message could quote the patient's text
        logger.error("a turn answered from the channel in time failed later (%s)",
                     type(error).__name__)  # fmt: skip
