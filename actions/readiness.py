"""Readiness of the action server: the retrieval index and model are loaded and answer.

The report also says whether the requests database answers (``requests_db``); the Rasa
server shows it in ``/health/ready`` without making the server unready (questions are still
answered, and a booking says honestly that it was not saved).

``action_check_readiness`` is not in domain.yml, so no conversation can run it; the Rasa
server's ``/health/ready`` (``bot.reliability.health_channel``) calls it through the action
server's ordinary ``/webhook`` and reads the JSON message it sends back.

The index itself is checked when the action server starts (``bot.reliability.action_server``,
with :func:`bot.retrieval.index.index_problem`); the model loads on the first readiness check or
question.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.booking.store import StorageError, get_store
from bot.retrieval.reload import version_of
from bot.retrieval.retriever import RetrievalUnavailable, get_retriever

CHECK_ACTION = "action_check_readiness"
# The Rasa server waits 5 s for the whole report (check_timeout_seconds).
STORAGE_CHECK_SECONDS = 2.5


def readiness() -> dict[str, Any]:
    """``{"ready": True, "entries": n, "vectors": m, "index_version": v}`` or
    ``{"ready": False, "reason": ...}``."""
    try:
        retriever = get_retriever()
    except RetrievalUnavailable as error:
        return {"ready": False, "reason": str(error)}
    return {"ready": True, "entries": len(retriever.entries), "vectors": retriever.index.count,
            "index_version": version_of(retriever)}


class ActionCheckReadiness(Action):
    """Reports whether the retriever is loaded (for the Rasa server's readiness endpoint)."""

    def name(self) -> str:
        """Called by name through /webhook; deliberately absent from domain.yml."""
        return CHECK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the readiness report as a JSON message; no events."""
        report = await asyncio.to_thread(readiness)
        report["requests_db"] = await storage_status(STORAGE_CHECK_SECONDS)
        dispatcher.utter_message(json_message=report)
        return []


def _ping_store() -> dict[str, Any]:
    try:
        get_store().ping()
    except StorageError as error:  # its message names the error type only
        return {"ok": False, "detail": str(error)}
    except Exception as error:  # noqa: BLE001 - the index report must still go out
        return {"ok": False, "detail": f"requests database check failed ({type(error).__name__})"}
    return {"ok": True, "detail": "requests database answers"}


async def storage_status(timeout: float) -> dict[str, Any]:
    """``{"ok": bool, "detail": str}`` for the requests database, within ``timeout`` seconds."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(_ping_store), timeout)
    except asyncio.TimeoutError:
        return {"ok": False, "detail": f"requests database: no answer within {timeout:g} s"}
