"""Responses that do not repeat themselves word for word within a conversation.

A person in crisis who writes several short messages in a row ("ok", "i dont know", "why do you
care") gets a crisis follow-up each time. Sent word for word again, that long block reads like a
machine that stopped listening. A response ``utter_x`` may therefore have a sibling
``utter_x_reworded`` in domain.yml: every second time ``utter_x`` is asked for in a session, the
sibling is sent instead (same conditions, same numbers, other words). Everything else is
Rasa's templated generator, except that of the variations that match, the most specific one
is sent (not one at random). It runs inside the Rasa process with no other service to wait on
(a crisis reply never waits on the action server).

Every response may also name the clinic: ``{clinic_name}``, ``{clinic_phone}`` and
``{clinic_hours}`` are filled from knowledge/clinic.yml (read once, when the generator is built),
so a response sent by a rule (the medical-advice refusal) can give the clinic's phone without a
custom action.

Configured in endpoints.yml as ``nlg: {type: bot.safety.followup_wording.AlternatingResponses}``.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.reliability.fallback import clinic_values

REWORDED_SUFFIX = "_reworded"


def times_sent_this_session(tracker: DialogueStateTracker, utter_action: str) -> int:
    """How many replies of ``utter_action`` the assistant sent since the session started."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        if isinstance(event, BotUttered) and (event.metadata or {}).get(
                "utter_action") == utter_action:
            count += 1
    return count


class AlternatingResponses(TemplatedNaturalLanguageGenerator):
    """Rasa's templated responses; ``utter_x`` alternates with ``utter_x_reworded`` if defined."""

    def __init__(self, endpoint_config: Any = None, domain: Domain | None = None,
                 **_: Any) -> None:
        """Build from the model's domain (Rasa passes the endpoint config and the domain)."""
        super().__init__((domain or Domain.empty()).responses)
        self.clinic = clinic_values()

    def _random_response_for(self, utter_action: str, output_channel: str,
                             filled_slots: dict[str, Any]) -> dict[str, Any] | None:
        """The variation for this channel and these slots: of those that match, the one with
        the most conditions (a helper's Spanish follow-up over the general Spanish one), the
        first listed among equals. Rasa would pick at random among all that match."""
        if utter_action not in self.responses:
            return None
        suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
            utter_action, output_channel, filled_slots)
        if not suitable:
            return None
        most = max(len(variation.get("condition") or []) for variation in suitable)
        return next(variation for variation in suitable
                    if len(variation.get("condition") or []) == most)

    def wording_for(self, utter_action: str, tracker: DialogueStateTracker) -> str:
        """The response name to send for ``utter_action`` at this point of the conversation."""
        reworded = utter_action + REWORDED_SUFFIX
        if reworded in self.responses and times_sent_this_session(tracker, utter_action) % 2 == 1:
            return reworded
        return utter_action

    async def generate(self, utter_action: str, tracker: DialogueStateTracker,
                       output_channel: str, **kwargs: Any) -> dict[str, Any] | None:
        """The response for ``utter_action``, in its other wording every second time."""
        return await super().generate(self.wording_for(utter_action, tracker), tracker,
                                      output_channel, **{**self.clinic, **kwargs})
