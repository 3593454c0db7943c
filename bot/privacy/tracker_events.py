"""Conversation events encrypted at rest in the tracker store's ``events`` table.

Rasa's SQL tracker store keeps each event as JSON in the ``data`` column: every message a
patient typed (names, phone numbers, e-mail addresses, what they are going through) and every
slot value, in clear. The product's store (``bot.reliability.tracker_store``) seals that column
with the data key before a row is written and opens it when a conversation is read; staff tools
that read the table (``bot report``, ``bot retention``) open it the same way.

What stays readable without the key is what routing and retention need and what holds nothing a
patient typed: the conversation id (a random widget session, or a keyed hash of a phone
number), the event type, its time, the intent and the action name.

Each value is bound to its row's conversation and event type (associated data), so a sealed
event copied into another conversation fails to open instead of being replayed there. Rows
written before encryption (plain JSON, starting with ``{``) are still read;
``python -m bot rotate-key`` seals them.
"""

from __future__ import annotations

import json
from typing import Any

from bot.privacy.crypto import Cipher, get_cipher

FIELD = "tracker-event"


def _row(sender_id: str, type_name: str) -> str:
    return f"{sender_id}/{type_name}"


def is_sealed(stored: str | None) -> bool:
    """True when a ``data`` value is encrypted (False for the plain JSON Rasa writes)."""
    if not stored:
        return False
    return not stored.lstrip().startswith("{")


def seal_event(data: dict[str, Any], sender_id: str, type_name: str, cipher: Cipher) -> str:
    """The ``data`` column value for one event: its JSON, encrypted for this row."""
    return cipher.encrypt(json.dumps(data), FIELD, _row(sender_id, type_name))


def open_event(stored: str | None, sender_id: str, type_name: str, cipher: Cipher) -> dict:
    """The event dict of a ``data`` column value (sealed, or plain JSON from before sealing).

    Raises ``bot.privacy.crypto.DecryptionError`` when a sealed value was altered, moved from
    another
    row, or encrypted under a key the cipher does not hold.
    """
    if not stored:
        return {}
    if not is_sealed(stored):
        return json.loads(stored)
    return json.loads(cipher.decrypt(stored, FIELD, _row(sender_id, type_name)))


def open_stored_event(stored: str | None, sender_id: str, type_name: str) -> dict:
    """``open_event`` with the configured data key, loaded only when a sealed row is met.

    Raises ``bot.privacy.crypto.KeyConfigurationError`` when a sealed row is met without a key.
    """
    cipher = get_cipher() if is_sealed(stored) else None
    return open_event(stored, sender_id, type_name, cipher)  # type: ignore[arg-type]


def events_table(metadata: Any = None) -> Any:
    """Rasa's ``events`` table (rasa/core/tracker_store.py, ``SQLTrackerStore``) as the staff
    tools read it: the one definition of its columns outside Rasa."""
    from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

    return Table(
        "events", metadata if metadata is not None else MetaData(),
        Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
        Column("type_name", String(255)), Column("timestamp", Float),
        Column("intent_name", String(255)), Column("action_name", String(255)),
        Column("data", Text),
    )  # fmt: skip
