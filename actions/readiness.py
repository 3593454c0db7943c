"""Readiness of the action server: the retrieval index and model are loaded and answer.

``action_check_readiness`` is not in domain.yml, so no conversation can run it; the Rasa
server's ``/health/ready`` (``bot.reliability.health_channel``) calls it through the action
server's ordinary ``/webhook`` and reads the JSON message it sends back.

Importing this module (the action server imports every module of ``actions`` at start) loads
the retriever once: with no index, a corrupt one or one built from other knowledge, the action
server stops with the retrieval layer's message saying what to run, instead of starting and
telling every patient it cannot answer.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.retrieval import RetrievalUnavailable, get_retriever

CHECK_ACTION = "action_check_readiness"
# Set to 1 only to let the action server start without an index (it then answers every
# question with the honest "unavailable" reply); production leaves it unset.
ALLOW_MISSING_ENV = "BOT_ALLOW_MISSING_INDEX"


def readiness() -> dict[str, Any]:
    """``{"ready": True, "entries": n, "vectors": m}`` or ``{"ready": False, "reason": ...}``."""
    try:
        retriever = get_retriever()
    except RetrievalUnavailable as error:
        return {"ready": False, "reason": str(error)}
    return {"ready": True, "entries": len(retriever.entries), "vectors": retriever.index.count}


class ActionCheckReadiness(Action):
    """Reports whether the retriever is loaded (for the Rasa server's readiness endpoint)."""

    def name(self) -> str:
        """Called by name through /webhook; deliberately absent from domain.yml."""
        return CHECK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the readiness report as a JSON message; no events."""
        dispatcher.utter_message(json_message=await asyncio.to_thread(readiness))
        return []


def _require_index() -> None:
    if os.environ.get(ALLOW_MISSING_ENV) == "1":
        return
    state = readiness()
    if not state["ready"]:
        raise SystemExit(f"The action server cannot start: {state['reason']}")


_require_index()
