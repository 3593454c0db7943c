"""Per-conversation channel state kept in Rasa's tracker store (so every server process sees it).

The state (SMS opt-out, the held-back rest of a long reply) lives in a side conversation
``<sender id>~<channel>`` whose events are bot events carrying only metadata. It stays out of
the patient's own conversation, so it never disturbs the dialogue or the session start, and
it is retained and deleted together with the conversation's other data.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet

from bot.booking.slots import FORM, REQUEST_SLOTS

logger = logging.getLogger(__name__)

STATE_KEY = "channel_state"


def state_id(sender_id: str, channel: str) -> str:
    """The id of the side conversation holding ``channel``'s state for ``sender_id``."""
    return f"{sender_id}~{channel}"


async def conversation_events(agent: Any, sender_id: str) -> list[dict[str, Any]]:
    """The serialised events of a conversation (empty when it does not exist yet).

    Read under the conversation's lock: the widget shows a turn's messages as they are sent,
    before Rasa saves the turn, so a button clicked at once must wait for that save to be seen
    as the button just offered.
    """
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return []
    return [event.as_dict() for event in tracker.events]


async def load_state(agent: Any, sender_id: str, channel: str) -> dict[str, Any]:
    """The latest state saved for this conversation and channel ({} when none)."""
    tracker = await agent.tracker_store.retrieve(state_id(sender_id, channel))
    if tracker is None:
        return {}
    for event in reversed(tracker.events):
        state = (getattr(event, "metadata", None) or {}).get(STATE_KEY)
        if isinstance(state, dict):
            return dict(state)
    return {}


async def save_state(agent: Any, sender_id: str, channel: str, state: dict[str, Any]) -> None:
    """Append ``state`` as the conversation's new channel state."""
    conversation = state_id(sender_id, channel)
    async with agent.lock_store.lock(conversation):
        store = agent.tracker_store
        tracker = await store.retrieve(conversation)
        if tracker is None:
            tracker = await store.create_tracker(conversation, append_action_listen=False)
        tracker.update(BotUttered(text=None, metadata={STATE_KEY: dict(state)}))
        await store.save(tracker)


async def forget_open_request(agent: Any, sender_id: str) -> bool:
    """End an unfinished consultation request in the conversation and forget its details
    (after an SMS opt-out: the patient can no longer be asked the next step). True when there
    was one."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return False
        open_form = tracker.active_loop_name == FORM
        details = [slot for slot in REQUEST_SLOTS if tracker.get_slot(slot) is not None]
        if not open_form and not details:
            return False
        if open_form:
            tracker.update(ActiveLoop(None))
        for slot in REQUEST_SLOTS:
            tracker.update(SlotSet(slot, None))
        await agent.tracker_store.save(tracker)
    logger.info("an open consultation request was forgotten after an opt-out")
    return True
