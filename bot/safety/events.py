"""Crisis events for clinic review: when, on which channel, in which conversation. Nothing else.

Each crisis reply is recorded as one row of ``crisis_events``: UTC time, channel name, the
detector's categories and who decided (rules or model), and the conversation's pseudonym,
a keyed hash of the sender id made by ``bot.privacy.crypto`` exactly as ``bot.booking.store``
makes it
(so staff can see that a conversation with a crisis also left a consultation request). The
message text, the sender id and any contact detail are never stored.

Same database as the consultation requests (``BOT_DATABASE_URL``, default ``var/requests.db``
via ``bot.booking.store.database_url``), its own table, created on first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, String, create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.booking.store import database_url
from bot.privacy.files import create_owner_only

CONVERSATION_PURPOSE = "conversation"  # the same pseudonym purpose as bot.booking.store
_CATEGORY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_,")


class EventStorageError(RuntimeError):
    """A crisis event could not be written or read. The message is safe to log."""


class _Base(DeclarativeBase):
    pass


class CrisisEventRow(_Base):
    """One crisis reply, as recorded."""

    __tablename__ = "crisis_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    conversation_ref: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    categories: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    decided_by: Mapped[str | None] = mapped_column(String(16))
    during_form: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class CrisisEvent:
    """A recorded crisis event (no message text exists to return)."""

    id: int
    created_at: datetime
    channel: str | None
    conversation_ref: str
    categories: tuple[str, ...]
    decided_by: str | None
    during_form: str | None


def _clean_categories(categories) -> str:
    # Only known-shape labels reach the table: never free text.
    joined = ",".join(str(c) for c in categories or ())
    return joined if set(joined) <= _CATEGORY_CHARS else ""


def _short(value: str | None, length: int) -> str | None:
    return None if value is None else str(value)[:length]


class CrisisEventStore:
    """Writes and reads crisis events. Thread-safe; one per process is enough."""

    def __init__(self, url: str | None = None, pseudonymise=None):
        self.url = url or database_url()
        self._pseudonymise = pseudonymise
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def _get_engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                url = make_url(self.url)
                kwargs: dict = {"hide_parameters": True, "pool_pre_ping": True}
                on_disk = url.database not in (None, "", ":memory:")
                if url.get_backend_name().startswith("postgresql"):
                    # A crisis event must never hang a worker on an unreachable database.
                    kwargs["connect_args"] = {"connect_timeout": 3}
                if url.get_backend_name() == "sqlite" and on_disk:
                    try:  # the requests database: owner-only, whoever creates it first
                        create_owner_only(url.database or "")
                    except OSError as exc:
                        raise EventStorageError(
                            f"cannot create the events database file ({exc.strerror})"
                        ) from exc
                    kwargs["connect_args"] = {"timeout": 5}
                try:
                    engine = create_engine(url, **kwargs)
                    _Base.metadata.create_all(engine)
                except (SQLAlchemyError, ImportError) as exc:
                    reason = type(getattr(exc, "orig", None) or exc).__name__
                    raise EventStorageError(f"cannot open the events database ({reason})") from exc
                self._engine = engine
            return self._engine

    def conversation_ref(self, sender_id: str) -> str:
        """The pseudonym of a conversation (keyed hash; the key comes from bot.privacy.crypto)."""
        if self._pseudonymise is None:
            from bot.privacy.crypto import get_cipher

            return get_cipher().keyed_hash(sender_id, CONVERSATION_PURPOSE)
        return self._pseudonymise(sender_id)

    def record(self, sender_id: str, channel: str | None, categories=(),
               decided_by: str | None = None, during_form: str | None = None) -> CrisisEvent:
        """Store one crisis event and return it. Raises ``EventStorageError`` on failure."""
        row = CrisisEventRow(
            created_at=datetime.now(timezone.utc),
            channel=_short(channel, 32),
            conversation_ref=self.conversation_ref(sender_id),
            categories=_clean_categories(categories),
            decided_by=_short(decided_by, 16),
            during_form=_short(during_form, 64),
        )
        try:
            with Session(self._get_engine(), expire_on_commit=False) as session:
                session.add(row)
                session.commit()
        except SQLAlchemyError as exc:
            reason = type(getattr(exc, "orig", None) or exc).__name__
            raise EventStorageError(f"the events database failed ({reason})") from exc
        return _to_event(row)

    def list(self, limit: int | None = None, since: datetime | None = None) -> list[CrisisEvent]:
        """Recorded events, newest first (only those from ``since`` on, when given)."""
        query = select(CrisisEventRow).order_by(CrisisEventRow.id.desc())
        if since is not None:
            query = query.where(CrisisEventRow.created_at >= since)
        if limit:
            query = query.limit(limit)
        try:
            with Session(self._get_engine()) as session:
                return [_to_event(row) for row in session.scalars(query)]
        except SQLAlchemyError as exc:
            reason = type(getattr(exc, "orig", None) or exc).__name__
            raise EventStorageError(f"the events database failed ({reason})") from exc

    def dispose(self) -> None:
        """Close the connection pool (tests, CLI exit)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None


def _to_event(row: CrisisEventRow) -> CrisisEvent:
    created = row.created_at
    if created.tzinfo is None:  # SQLite returns naive datetimes; they were written in UTC
        created = created.replace(tzinfo=timezone.utc)
    return CrisisEvent(id=row.id, created_at=created, channel=row.channel,
                       conversation_ref=row.conversation_ref,
                       categories=tuple(c for c in row.categories.split(",") if c),
                       decided_by=row.decided_by, during_form=row.during_form)


_default: CrisisEventStore | None = None
_default_lock = threading.Lock()


def get_event_store() -> CrisisEventStore:
    """The process-wide store for the configured URL (created lazily, never at import)."""
    global _default
    with _default_lock:
        if _default is None or _default.url != database_url():
            _default = CrisisEventStore()
        return _default
