"""Data retention: delete old conversations and requests, and everything about one patient.

Three stores hold patients' data:

- conversations: Rasa's SQL tracker store, table ``events`` (``sender_id``, ``timestamp`` in
  Unix seconds, ``data`` JSON). A conversation is deleted whole, when its newest event is older
  than the limit (deleting some events of a live conversation would corrupt it). Channel side
  conversations (``<sender id>~<channel>``, bot.channels.channel_state) go with it.
- consultation requests (``bot.booking.store``) and crisis events (``bot.safety.events``):
  rows older than the limit, by ``created_at``.

"Forget" finds one patient by phone number or e-mail address: their requests (contact
decrypted and compared in normalised form), the conversations those requests came from (the
conversation reference is a keyed hash of the sender id), conversations where the contact was
typed (user messages compared in normalised form), the SMS conversation of that number (its
id is a keyed hash of the number, ``SMS_SENDER_KEY``), and crisis events of those
conversations. Nothing here prints or logs a contact detail or a message.

The tracker store is given as a SQLAlchemy URL (``--tracker-db`` or ``BOT_TRACKER_DB_URL``),
e.g. ``postgresql://rasa:...@127.0.0.1/rasa`` (the production endpoints.prod.yml store).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, cast

from sqlalchemy import (
    MetaData,
    create_engine,
    delete,
    select,
)
from sqlalchemy.engine import Engine, make_url

from bot.privacy.tracker_events import events_table, open_stored_event
from bot.settings import settings

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy import Select

TRACKER_DB_ENV = "BOT_TRACKER_DB_URL"
SMS_KEY_ENV = "SMS_SENDER_KEY"
SIDE_CONVERSATION_MARK = "~"  # bot.channels.channel_state.state_id


class RetentionError(RuntimeError):
    """A store could not be cleaned. The message is safe to print (no personal data)."""


@dataclass
class Report:
    """What was (or, in a dry run, would be) deleted."""

    conversations: int = 0
    events: int = 0
    requests: int = 0
    crisis_events: int = 0
    notes: list[str] = field(default_factory=list)

    def text(self, dry_run: bool = False) -> str:
        """One line per store, for staff."""
        verb = "would delete" if dry_run else "deleted"
        lines = [
            f"conversations: {verb} {self.conversations} ({self.events} events)",
            f"consultation requests: {verb} {self.requests}",
            f"crisis events: {verb} {self.crisis_events}",
        ]
        return "\n".join(lines + [f"note: {note}" for note in self.notes])


# --- the tracker store --------------------------------------------------------------------------


def tracker_db_url(explicit: str | None = None) -> str | None:
    """The tracker store's SQLAlchemy URL, or None when conversations are not kept in SQL."""
    return explicit or settings().tracker_db_url or None


class TrackerEvents:
    """Reads and deletes whole conversations in Rasa's SQL tracker store."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(make_url(url), hide_parameters=True)
        self.events = events_table(MetaData())

    def exists(self) -> bool:
        """False until Rasa has created its table (no conversation stored yet)."""
        from sqlalchemy import inspect

        return inspect(self.engine).has_table("events")

    def last_activity(self) -> dict[str, float]:
        """Each conversation's newest event time (Unix seconds)."""
        from sqlalchemy import func

        query: Select[str, float | None] = select(
            self.events.c.sender_id, func.max(self.events.c.timestamp)
        ).group_by(self.events.c.sender_id)
        with self.engine.connect() as conn:
            return {sender: float(ts or 0) for sender, ts in conn.execute(query)}

    def user_texts(self) -> Iterable[tuple[str, str]]:
        """(sender id, text) of every user message."""
        query: Select[str, str | None] = select(self.events.c.sender_id, self.events.c.data).where(
            self.events.c.type_name == "user"
        )
        with self.engine.connect() as conn:
            for sender, data in conn.execute(query):
                try:
                    text = open_stored_event(data, sender, "user").get("text") or ""
                except json.JSONDecodeError:  # not an event Rasa wrote; a key error is raised
                    continue
                yield sender, text

    def count(self, senders: set[str]) -> int:
        """Events held for these conversations."""
        from sqlalchemy import func

        if not senders:
            return 0
        query = select(func.count()).where(self.events.c.sender_id.in_(sorted(senders)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def delete(self, senders: set[str]) -> int:
        """Delete every event of these conversations; returns the number of events."""
        if not senders:
            return 0
        deleted = 0
        ordered = sorted(senders)
        with self.engine.begin() as conn:
            for start in range(0, len(ordered), 500):
                chunk = ordered[start : start + 500]
                result = conn.execute(delete(self.events).where(self.events.c.sender_id.in_(chunk)))
                deleted += result.rowcount or 0
        return deleted

    def dispose(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()


def with_side_conversations(senders: set[str], known: Iterable[str]) -> set[str]:
    """``senders`` plus their channel side conversations among ``known``."""
    bases = set(senders)
    return bases | {s for s in known if s.split(SIDE_CONVERSATION_MARK, 1)[0] in bases}


# --- age-based retention ----------------------------------------------------------------------


def _cutoff(days: float, now: datetime | None = None) -> datetime:
    if days < 0:
        raise ValueError("days must be zero or more")
    return (now or datetime.now(timezone.utc)) - timedelta(days=days)


def apply_retention(
    conversations_days: float | None,
    requests_days: float | None,
    crisis_days: float | None = None,
    *,
    tracker_url: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Report:
    """Delete conversations idle longer than ``conversations_days`` and requests / crisis events
    created more than ``requests_days`` / ``crisis_days`` ago (None: leave that store alone)."""
    report = Report()
    if conversations_days is not None:
        url = tracker_db_url(tracker_url)
        if url is None:
            report.notes.append(
                f"no SQL tracker store given ({TRACKER_DB_ENV} or --tracker-db): conversations "
                "in Rasa's in-memory store end when the server stops"
            )
        else:
            _expire_conversations(url, _cutoff(conversations_days, now), report, dry_run)
    if requests_days is not None:
        _expire_rows("requests", _cutoff(requests_days, now), report, dry_run)
    if crisis_days is not None:
        _expire_rows("crisis", _cutoff(crisis_days, now), report, dry_run)
    return report


def _expire_conversations(url: str, cutoff: datetime, report: Report, dry_run: bool) -> None:
    store = TrackerEvents(url)
    try:
        if not store.exists():
            report.notes.append("the tracker store holds no conversations yet")
            return
        activity = store.last_activity()
        limit = cutoff.timestamp()
        old = {sender for sender, newest in activity.items() if newest < limit}
        # A side conversation goes with its conversation, and stays while that one is live.
        live_bases = {s.split(SIDE_CONVERSATION_MARK, 1)[0] for s in activity if s not in old}
        old = {s for s in old if s.split(SIDE_CONVERSATION_MARK, 1)[0] not in live_bases}
        report.conversations += len({s for s in old if SIDE_CONVERSATION_MARK not in s})
        report.events += store.count(old) if dry_run else store.delete(old)
    except Exception as error:  # noqa: BLE001 - report the type only: messages can hold SQL
        raise RetentionError(f"the tracker store failed ({type(error).__name__})") from error
    finally:
        store.dispose()


def _row_model(kind: str):
    if kind == "requests":
        from bot.booking.store import ConsultationRequestRow

        return ConsultationRequestRow
    from bot.safety.events import CrisisEventRow

    return CrisisEventRow


def _requests_engine() -> Engine:
    from bot.booking.store import RequestStore

    # The store's own engine, so SQLite's secure_delete pragma overwrites deleted rows.
    store = RequestStore()
    store._session_factory()  # opens the engine (and creates the tables) on first use
    return cast(Engine, store._engine)  # set by _session_factory()


def _expire_rows(kind: str, cutoff: datetime, report: Report, dry_run: bool) -> None:
    from sqlalchemy import func, inspect

    model = _row_model(kind)
    try:
        engine = _requests_engine()
        if not inspect(engine).has_table(model.__tablename__):
            return
        condition = model.created_at < _naive_if_sqlite(engine, cutoff)
        with engine.begin() as conn:
            if dry_run:
                count = conn.execute(
                    select(func.count()).select_from(model).where(condition)
                ).scalar_one()
            else:
                count = conn.execute(delete(model).where(condition)).rowcount or 0
    except Exception as error:  # noqa: BLE001
        raise RetentionError(f"the requests database failed ({type(error).__name__})") from error
    if kind == "requests":
        report.requests += int(count)
    else:
        report.crisis_events += int(count)


def _naive_if_sqlite(engine: Engine, moment: datetime) -> datetime:
    # SQLite stores the UTC datetimes without their zone; compare like with like.
    if engine.dialect.name == "sqlite":
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


# --- forgetting one patient -------------------------------------------------------------------


def normalise_contact(phone: str | None = None, email: str | None = None) -> tuple[str, str]:
    """(kind, value) as the booking form stores it; raises ``ValueError`` when unusable."""
    from bot.booking.validators import Invalid, normalize_us_phone, validate_email

    try:
        if email:
            return "email", validate_email(email).lower()
        if phone:
            return "phone", normalize_us_phone(phone)
    except Invalid as invalid:
        raise ValueError(
            f"not a valid {'e-mail address' if email else 'phone number'}"
        ) from invalid
    raise ValueError("give --phone or --email")


def _mentions(text: str, kind: str, value: str) -> bool:
    """Whether a user message contains this contact (in any common spelling)."""
    if kind == "email":
        return value in text.lower()
    national = value[-10:]  # E.164 +1XXXXXXXXXX
    digits = re.sub(r"\D", "", text)
    return national in digits


def forget_patient(
    phone: str | None = None,
    email: str | None = None,
    *,
    tracker_url: str | None = None,
    dry_run: bool = False,
) -> Report:
    """Delete the requests, conversations and crisis events of the patient with this contact."""
    kind, value = normalise_contact(phone, email)
    report = Report()
    refs, request_ids = _matching_requests(kind, value)
    url = tracker_db_url(tracker_url)
    senders: set[str] = set()
    if url is None:
        report.notes.append(
            f"no SQL tracker store given ({TRACKER_DB_ENV} or --tracker-db): only requests and "
            "crisis events were searched"
        )
    else:
        senders = _forget_conversations(url, kind, value, refs, report, dry_run)
    refs |= {_conversation_ref(sender) for sender in senders}
    _delete_by(request_ids, refs, report, dry_run)
    return report


def _conversation_ref(sender_id: str) -> str:
    from bot.privacy.crypto import get_cipher

    return get_cipher().keyed_hash(sender_id, "conversation")


def _matching_requests(kind: str, value: str) -> tuple[set[str], set[int]]:
    from bot.booking.store import RequestStore

    store = RequestStore()
    try:
        matches = [
            r for r in store.list() if r.contact_kind == kind and r.contact.lower() == value.lower()
        ]
    finally:
        store.dispose()
    return {r.conversation_ref for r in matches}, {r.id for r in matches}


def _sms_sender(value: str) -> str | None:
    key = settings().sms_sender_key
    if not key:
        return None
    from bot.channels.session_token import keyed_sender_id

    return keyed_sender_id(key.encode("utf-8"), value)


def _forget_conversations(
    url: str, kind: str, value: str, refs: set[str], report: Report, dry_run: bool
) -> set[str]:
    store = TrackerEvents(url)
    try:
        if not store.exists():
            return set()
        known = set(store.last_activity())
        found = {
            s for s in known if SIDE_CONVERSATION_MARK not in s and _conversation_ref(s) in refs
        }
        found |= {s for s, text in store.user_texts() if _mentions(text, kind, value)}
        if kind == "phone":
            sms = _sms_sender(value)
            if sms and sms in known:
                found.add(sms)
            elif not sms:
                report.notes.append(f"{SMS_KEY_ENV} not set: SMS conversations not searched")
        found = {s.split(SIDE_CONVERSATION_MARK, 1)[0] for s in found}
        everything = with_side_conversations(found, known)
        report.conversations += len(found)
        report.events += store.count(everything) if dry_run else store.delete(everything)
        return found
    except Exception as error:  # noqa: BLE001
        raise RetentionError(f"the tracker store failed ({type(error).__name__})") from error
    finally:
        store.dispose()


def _delete_by(request_ids: set[int], refs: set[str], report: Report, dry_run: bool) -> None:
    from sqlalchemy import func, inspect, or_

    requests, crisis = _row_model("requests"), _row_model("crisis")
    try:
        engine = _requests_engine()
        with engine.begin() as conn:
            for model, ids in ((requests, request_ids), (crisis, set())):
                if not inspect(conn).has_table(model.__tablename__):
                    continue
                clauses = [model.conversation_ref.in_(sorted(refs))] if refs else []
                if ids:
                    clauses.append(model.id.in_(sorted(ids)))
                if not clauses:
                    continue
                condition = or_(*clauses)
                if dry_run:
                    count = conn.execute(
                        select(func.count()).select_from(model).where(condition)
                    ).scalar_one()
                else:
                    count = conn.execute(delete(model).where(condition)).rowcount or 0
                if model is requests:
                    report.requests += int(count)
                else:
                    report.crisis_events += int(count)
    except Exception as error:  # noqa: BLE001
        raise RetentionError(f"the requests database failed ({type(error).__name__})") from error
