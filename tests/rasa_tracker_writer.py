"""Write conversations into a SQLite tracker store with the product's tracker store.

Runs under .venv-rasa (``.venv-rasa/bin/python tests/rasa_tracker_writer.py DB < spec.json``,
``BOT_DATA_KEY`` in the environment), so the table and the sealed rows are exactly what a Rasa
server writes. The spec is a JSON object
``{"conversations": {sender_id: [step, ...]}}``; each step is one of

    {"user": text, "intent": name}          a message as Rasa's NLU classified it
    {"action": name}                        an action Rasa ran
    {"bot": message}                        a message returned by the action server, turned into
                                            a BotUttered event by Rasa's own create_bot_utterance
    {"active_loop": name | null}            a form activated or deactivated
    {"slot": [name, value]}
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.actions.action import create_bot_utterance
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.reliability.tracker_store import ResilientSQLTrackerStore


def event_for(step: dict):
    """The Rasa event of one spec step."""
    if "user" in step:
        intent = {"name": step.get("intent"), "confidence": 1.0}
        return UserUttered(step["user"], intent=intent,
                           parse_data={"intent": intent, "entities": [], "text": step["user"]})
    if "action" in step:
        return ActionExecuted(step["action"])
    if "bot" in step:
        message = dict(step["bot"])
        # What Rasa's RemoteAction does with an action server response before creating it.
        message.pop("response", None)
        message.pop("template", None)
        message = {k: v for k, v in message.items() if v}
        return create_bot_utterance(message)
    if "active_loop" in step:
        return ActiveLoop(step["active_loop"])
    if "slot" in step:
        return SlotSet(*step["slot"])
    raise ValueError(f"unknown step {step}")


async def write(db: str, spec: dict) -> None:
    """Save every conversation of ``spec`` into the SQLite database ``db``."""
    store = ResilientSQLTrackerStore(Domain.empty(), dialect="sqlite", db=db)
    for sender, steps in spec["conversations"].items():
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, slots=[])
        for step in steps:
            tracker.update(event_for(step))
        await store.save(tracker)


if __name__ == "__main__":
    asyncio.run(write(sys.argv[1], json.load(sys.stdin)))
