"""What the answer action records about each reply, for logs and for the staff report.

The record travels as metadata of the bot message (``dispatcher.utter_message(...,
**message_metadata(record))``): Rasa keeps it on the ``bot`` event in the tracker store, where
``python -m bot report`` reads it, and the channels ignore it. It holds the decision, entry ids,
scores and the index version, never the patient's text (the tracker store keeps that on the
user event, as it always does).

Standard library only: the action server imports this.
"""

from __future__ import annotations

from typing import Any

METADATA_KEY = "retrieval"
RUNNERS_UP = 3


def decision_record(decision: Any, index_version: str | None) -> dict:
    """The record of a retrieval decision (answer, clarify or none)."""
    best = getattr(decision, "best", None)
    record: dict[str, Any] = {"decision": decision.kind, "index": index_version}
    if decision.kind == "answer" and best is not None:
        record["entry"] = best.id
        record["score"] = round(float(best.score), 4)
    elif decision.kind == "clarify":
        record["options"] = [o.id for o in getattr(decision, "options", [])][:3]
    if getattr(decision, "notice", None):
        record["notice"] = True  # unusable input (empty, binary, emoji only), not a gap
    candidates = list(getattr(decision, "candidates", None) or [])[:RUNNERS_UP]
    if candidates:
        record["candidates"] = [[c.id, round(float(c.score), 4)] for c in candidates]
    return record


def chosen_record(entry_id: str, found: bool, index_version: str | None) -> dict:
    """The record of an answer the patient picked from a clarify offer."""
    return {"decision": "chosen", "entry": entry_id if found else None, "index": index_version}


def unavailable_record() -> dict:
    """The record of a reply given because the retrieval layer could not answer."""
    return {"decision": "unavailable", "index": None}


def message_metadata(record: dict) -> dict:
    """Keyword arguments for ``utter_message`` that attach ``record`` to the bot message."""
    return {METADATA_KEY: record}
