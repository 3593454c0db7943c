"""The vote under a knowledge answer in the website chat, without Rasa (unit-testable).

How a vote stays honest and anonymous:

- The answer action marks each knowledge answer with its retrieval record (entry id, index
  version: ``bot.retrieval.answer_log``) and the alternatives to offer if it did not help
  (:data:`ALTERNATIVES_KEY`, made by :func:`alternatives`).
- When the channel sends such an answer to a socket, it issues a random, one-time ticket for it
  (:func:`issue`), kept in that socket's session on the server; the widget gets only the
  ticket's reference. A vote names the reference, never an entry: a reference the socket was
  not just given (another socket's, an old one, a made-up one, one already used) is refused,
  so no one can vote for an entry they were not shown, or vote twice for one showing.
- A ticket comes only with an answer, and answers only with messages the rate limits let
  through; votes themselves are not counted as messages, so voting never slows a patient down
  and cannot be used to flood the database.
- The stored vote is a counter per entry and index version (``bot.feedback.store``); the
  ticket and everything about the socket stay in memory and end with it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import ClinicProfile
from bot.opening_hours import open_note
from bot.replies import ASK_HUMAN_PAYLOAD, choose_answer_payload

ALTERNATIVES_KEY = "alternatives"  # bot message metadata: what to offer after "No"
RECORD_KEY = "retrieval"  # bot.retrieval.answer_log.METADATA_KEY
VOTABLE_DECISIONS = frozenset({"answer", "chosen"})
MAX_ALTERNATIVES = 2
MAX_TICKETS = 10  # the answers of the last few turns; older ones can no longer be rated
TICKETS = "vote_tickets"  # socket-session keys
OFFERED = "vote_offered"
ASK_HUMAN = {"title": "Talk to a person", "payload": ASK_HUMAN_PAYLOAD}
BOOK = {"title": "Request a consultation", "payload": "/book_consultation"}
_REF_CHARS = 32


def alternatives(candidates: Iterable[Any], shown_id: str, min_score: float | None = None,
                 limit: int = MAX_ALTERNATIVES) -> list[dict[str, str]]:  # fmt: skip
    """Buttons for the entries to offer when the answer ``shown_id`` did not help: the next
    candidates (objects with ``id``, ``title`` and ``score``), at least ``min_score``."""
    offered: list[dict[str, str]] = []
    for candidate in candidates:
        if candidate is None or candidate.id == shown_id:
            continue
        if min_score is not None and float(getattr(candidate, "score", 1.0)) < min_score:
            continue
        payload = choose_answer_payload(candidate.id)
        offered.append({"title": str(candidate.title), "payload": payload})
        if len(offered) == limit:
            break
    return offered


def votable(message: Mapping[str, Any]) -> tuple[str, str] | None:
    """(entry id, index version) when ``message`` is a knowledge answer, else None."""
    record = message.get(RECORD_KEY)
    if not isinstance(record, Mapping) or record.get("decision") not in VOTABLE_DECISIONS:
        return None
    entry = record.get("entry")
    if not isinstance(entry, str) or not entry:
        return None
    return entry, str(record.get("index") or "")


def _buttons(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in value if isinstance(b, Mapping)][:MAX_ALTERNATIVES]  # fmt: skip


def issue(session: MutableMapping[str, Any], message: Mapping[str, Any]) -> str | None:
    """A ticket for the answer in ``message``, kept in the socket's ``session``; returns its
    reference for the widget (None when the message is no knowledge answer)."""
    shown = votable(message)
    if shown is None:
        return None
    tickets = session.setdefault(TICKETS, {})
    ref = secrets.token_hex(_REF_CHARS // 2)
    tickets[ref] = {"entry": shown[0], "index": shown[1],
                    "alternatives": _buttons(message.get(ALTERNATIVES_KEY))}  # fmt: skip
    while len(tickets) > MAX_TICKETS:
        del tickets[next(iter(tickets))]  # dicts keep insertion order: the oldest goes
    return ref


@dataclass(frozen=True)
class Vote:
    """What the widget sent: the ticket's reference and Yes (True) or No."""

    ref: str
    helpful: bool


def parse_vote(data: Any) -> Vote | None:
    """``{"ref": "<hex>", "helpful": true|false}``; None for anything else."""
    if not isinstance(data, Mapping):
        return None
    ref, helpful = data.get("ref"), data.get("helpful")
    if not isinstance(ref, str) or len(ref) != _REF_CHARS or not isinstance(helpful, bool):
        return None
    return Vote(ref, helpful)


def redeem(session: MutableMapping[str, Any], vote: Vote) -> dict[str, Any] | None:
    """The ticket ``vote`` names, removed from the socket's session (one vote per showing);
    None when this socket holds no such ticket."""
    tickets = session.get(TICKETS)
    if not isinstance(tickets, dict):
        return None
    return tickets.pop(vote.ref, None)


def forget(session: MutableMapping[str, Any]) -> None:
    """Drop the socket's tickets and offers (a new conversation on the same socket)."""
    session.pop(TICKETS, None)
    session.pop(OFFERED, None)


def offered_after_vote(session: MutableMapping[str, Any]) -> list[dict[str, str]]:
    """The buttons of the last "No" reply, which the next message may click (once)."""
    offered = session.pop(OFFERED, None)
    return list(offered) if isinstance(offered, list) else []


THANKS = "Thank you for letting us know."


def not_helpful_reply(
    profile: ClinicProfile,
    ticket: Mapping[str, Any],
    session: MutableMapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What "No" gets: the alternatives of that answer, a person, and whether the clinic is
    open now. The buttons are remembered in ``session`` for the next message."""
    options = _buttons(ticket.get("alternatives"))
    lines = ["I'm sorry that didn't help."]
    if options:
        lines.append("Is your question one of these?")
    lines.append(f"You can also talk to someone at {profile.name}: call {profile.phone_display}.")
    note = open_note(profile)
    text = " ".join(lines) + (f"\n\n{note}" if note else "")
    buttons = options + [dict(ASK_HUMAN), dict(BOOK)]
    if session is not None:
        session[OFFERED] = buttons
    return {"text": text, "buttons": buttons}
