"""Consultation requests: the table and the repository that reads and writes it.

Name, contact and the patient's own wording of the preferred time are stored only as
ciphertext (``bot.privacy.crypto``); the conversation is referenced by a keyed hash of the sender
id,
never the id itself. A submit carries an idempotency key, so a retried submit returns the
request already stored instead of creating a second one.

SQLite file ``var/requests.db`` by default; ``BOT_DATABASE_URL`` selects any SQLAlchemy URL
(``postgresql+psycopg://...`` goes through the same code). Every database failure surfaces as
``StorageError``, whose message never contains personal data. Nothing here logs names or
contacts. Nothing connects before the first use, and a failed connection is tried again at the
next one, so the action server starts while the database is down and bookings work again as
soon as it is back, without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from bot.config import PROJECT_ROOT
from bot.privacy.crypto import Cipher, get_cipher
from bot.privacy.files import create_owner_only
from bot.settings import settings

logger = logging.getLogger(__name__)

DATABASE_URL_ENV = "BOT_DATABASE_URL"
CONNECT_TIMEOUT_SECONDS = 5  # a database that does not answer fails the submit, honestly
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "var" / "requests.db"
STATUSES = ("new", "contacted")
CONTACT_KINDS = ("phone", "email")


class StorageError(RuntimeError):
    """The request could not be read or written. The message is safe to log."""


class RequestNotFound(LookupError):
    """No request with that id."""


class Base(DeclarativeBase):
    """The requests database's tables."""


class ConsultationRequestRow(Base):
    """One consultation request as stored (personal fields are ciphertext)."""

    __tablename__ = "consultation_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    contacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    name_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    contact_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    contact_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    # The patient's own words may hold more than a time ("after my shift at ..."): encrypted.
    preferred_time_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    preferred_time_normalized: Mapped[str | None] = mapped_column(String(80))
    location_id: Mapped[str] = mapped_column(String(64), nullable=False)
    conversation_ref: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    # Who the patient is to the person who booked ("mom"), when booking for someone else.
    relationship_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True)
class NewRequest:
    """What the form collected, in clear text (only ever held in memory)."""

    full_name: str
    contact: str
    contact_kind: str
    preferred_time: str
    preferred_time_normalized: str | None
    location_id: str
    sender_id: str
    channel: str | None = None
    relationship: str | None = None  # set when booking for someone else ("mom")


@dataclass(frozen=True)
class ConsultationRequest:
    """A stored request, decrypted for staff."""

    id: int
    created_at: datetime
    status: str
    contacted_at: datetime | None
    full_name: str
    contact: str
    contact_kind: str
    preferred_time: str
    preferred_time_normalized: str | None
    location_id: str
    conversation_ref: str
    channel: str | None
    relationship: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready fields (datetimes as ISO 8601)."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["contacted_at"] = self.contacted_at.isoformat() if self.contacted_at else None
        return data


def database_url() -> str:
    """The configured database URL (``BOT_DATABASE_URL`` or the SQLite file in var/)."""
    return settings().database_url


def _utc(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything is written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class RequestStore:
    """Repository of consultation requests. Thread-safe; one per process is enough."""

    def __init__(self, url: str | None = None, cipher: Cipher | None = None):
        self.url = url or database_url()
        self._cipher = cipher
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()

    @property
    def cipher(self) -> Cipher:
        """The cipher in use (the configured key unless one was given)."""
        if self._cipher is None:
            self._cipher = get_cipher()
        return self._cipher

    def _session_factory(self) -> sessionmaker[Session]:
        with self._lock:
            if self._sessions is None:
                engine = None
                try:
                    engine = self._create_engine()
                    Base.metadata.create_all(engine)
                    _add_missing_columns(engine)
                except (SQLAlchemyError, ImportError) as exc:
                    if engine is not None:
                        engine.dispose()
                    reason = type(getattr(exc, "orig", None) or exc).__name__
                    raise StorageError(f"cannot open the requests database ({reason})") from exc
                self._engine = engine
                self._sessions = sessionmaker(engine, expire_on_commit=False)
            return self._sessions

    def _create_engine(self) -> Engine:
        url = make_url(self.url)
        kwargs: dict = {"hide_parameters": True, "pool_pre_ping": True}
        if url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": 5}
            if url.database and url.database != ":memory:":
                _create_private_file(os.path.abspath(url.database))
        elif url.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        engine = create_engine(url, **kwargs)
        if url.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        factory = self._session_factory()
        try:
            with factory() as session:
                yield session
        except SQLAlchemyError as exc:
            # The exception's text can hold SQL parameters; only its type is reported.
            reason = type(getattr(exc, "orig", None) or exc).__name__
            raise StorageError(f"the requests database failed ({reason})") from exc

    # ------------------------------------------------------------------ writing

    def conversation_ref(self, sender_id: str) -> str:
        """The pseudonym under which a conversation is recorded."""
        return self.cipher.keyed_hash(sender_id, "conversation")

    def submit(self, request: NewRequest, idempotency_key: str) -> tuple[ConsultationRequest, bool]:
        """Store ``request`` once. Returns (stored request, created?).

        A second submit with the same ``idempotency_key`` returns the first request and
        ``False``; it is committed before this returns, so a returned request is in the
        database. Raises ``StorageError`` when it cannot be stored.
        """
        if request.contact_kind not in CONTACT_KINDS:
            raise ValueError(f"contact_kind must be one of {CONTACT_KINDS}")
        cipher = self.cipher
        with self._session() as session:
            existing = self._by_key(session, idempotency_key)
            if existing is not None:
                return self._decrypt(existing), False
            row = ConsultationRequestRow(
                created_at=datetime.now(timezone.utc),
                status="new",
                # Each value bound to this row (its idempotency key): not movable to another.
                name_encrypted=cipher.encrypt(request.full_name, "full_name", idempotency_key),
                contact_encrypted=cipher.encrypt(request.contact, "contact", idempotency_key),
                contact_kind=request.contact_kind,
                preferred_time_encrypted=cipher.encrypt(
                    request.preferred_time, "preferred_time", idempotency_key
                ),
                preferred_time_normalized=request.preferred_time_normalized,
                location_id=request.location_id,
                conversation_ref=self.conversation_ref(request.sender_id),
                channel=request.channel,
                idempotency_key=idempotency_key,
                relationship_encrypted=cipher.encrypt(
                    request.relationship, "relationship", idempotency_key
                ) if request.relationship else None,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                # A concurrent retry committed the same key first: theirs is the request.
                session.rollback()
                existing = self._by_key(session, idempotency_key)
                if existing is None:
                    raise
                return self._decrypt(existing), False
            logger.info("Stored consultation request %s", row.id)
            return self._decrypt(row), True

    def mark_contacted(self, request_id: int) -> ConsultationRequest:
        """Set a request's status to "contacted" (idempotent)."""
        with self._session() as session:
            row = session.get(ConsultationRequestRow, request_id)
            if row is None:
                raise RequestNotFound(request_id)
            if row.status != "contacted":
                row.status = "contacted"
                row.contacted_at = datetime.now(timezone.utc)
                session.commit()
            return self._decrypt(row)

    def delete(self, request_id: int) -> None:
        """Remove a request and its personal data."""
        with self._session() as session:
            row = session.get(ConsultationRequestRow, request_id)
            if row is None:
                raise RequestNotFound(request_id)
            session.delete(row)
            session.commit()
            logger.info("Deleted consultation request %s", request_id)

    def reencrypt_all(self, dry_run: bool = False) -> int:
        """Re-encrypt every value not sealed under the active key (``bot rotate-key``).

        Returns the number of values rewritten (or that would be, with ``dry_run``). Raises
        ``DecryptionError`` when a value is under a key the ring does not hold: nothing of
        that batch is written.
        """
        cipher, rewritten = self.cipher, 0
        columns = {"name_encrypted": "full_name", "contact_encrypted": "contact",
                   "preferred_time_encrypted": "preferred_time",
                   "relationship_encrypted": "relationship"}  # fmt: skip
        with self._session() as session:
            for row in session.scalars(select(ConsultationRequestRow)):
                for column, field in columns.items():
                    token = getattr(row, column)
                    if token is None or cipher.is_current(token):
                        continue
                    plain = cipher.decrypt(token, field, row.idempotency_key)
                    setattr(row, column, cipher.encrypt(plain, field, row.idempotency_key))
                    rewritten += 1
            if dry_run:
                session.rollback()
            else:
                session.commit()
        return rewritten

    # ------------------------------------------------------------------ reading

    def get(self, request_id: int) -> ConsultationRequest:
        """One request, decrypted; raises ``RequestNotFound``."""
        with self._session() as session:
            row = session.get(ConsultationRequestRow, request_id)
            if row is None:
                raise RequestNotFound(request_id)
            return self._decrypt(row)

    def find_by_idempotency_key(self, idempotency_key: str) -> ConsultationRequest | None:
        """The request stored under this key, if any."""
        with self._session() as session:
            row = self._by_key(session, idempotency_key)
            return self._decrypt(row) if row else None

    def list(self, status: str | None = None) -> list[ConsultationRequest]:
        """All requests (optionally one status), oldest first, decrypted."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        with self._session() as session:
            query = select(ConsultationRequestRow).order_by(ConsultationRequestRow.id)
            if status:
                query = query.where(ConsultationRequestRow.status == status)
            return [self._decrypt(row) for row in session.scalars(query)]

    def ping(self) -> None:
        """Raise ``StorageError`` unless the database answers (creating the table if needed)."""
        with self._session() as session:
            session.execute(select(1))

    def count(self) -> int:
        """Number of stored requests."""
        with self._session() as session:
            return len(session.scalars(select(ConsultationRequestRow.id)).all())

    @staticmethod
    def _by_key(session: Session, key: str) -> ConsultationRequestRow | None:
        query = select(ConsultationRequestRow).where(ConsultationRequestRow.idempotency_key == key)
        return session.scalars(query).first()

    def _decrypt(self, row: ConsultationRequestRow) -> ConsultationRequest:
        cipher = self.cipher
        return ConsultationRequest(
            id=row.id,
            created_at=_utc(row.created_at) or row.created_at,  # never None: NOT NULL
            status=row.status,
            contacted_at=_utc(row.contacted_at),
            full_name=cipher.decrypt(row.name_encrypted, "full_name", row.idempotency_key),
            contact=cipher.decrypt(row.contact_encrypted, "contact", row.idempotency_key),
            contact_kind=row.contact_kind,
            preferred_time=cipher.decrypt(
                row.preferred_time_encrypted, "preferred_time", row.idempotency_key
            ),
            preferred_time_normalized=row.preferred_time_normalized,
            location_id=row.location_id,
            conversation_ref=row.conversation_ref,
            channel=row.channel,
            relationship=cipher.decrypt(row.relationship_encrypted, "relationship",
                                        row.idempotency_key)
            if row.relationship_encrypted else None,
        )

    def dispose(self) -> None:
        """Close the connection pool (tests, CLI exit)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None
            self._sessions = None


# Columns added after the table was first created: (name, SQL type). A database made by an
# earlier version gets them on first use (create_all never alters an existing table).
ADDED_COLUMNS = (("relationship_encrypted", "TEXT"),)


def _add_missing_columns(engine: Engine) -> None:
    from sqlalchemy import inspect as sql_inspect
    from sqlalchemy import text

    present = {c["name"] for c in sql_inspect(engine).get_columns(
        ConsultationRequestRow.__tablename__)}  # fmt: skip
    with engine.begin() as connection:
        for name, sql_type in ADDED_COLUMNS:
            if name not in present:
                connection.execute(text(
                    f"ALTER TABLE {ConsultationRequestRow.__tablename__} "  # noqa: S608 - constants
                    f"ADD COLUMN {name} {sql_type}"))


def _create_private_file(path: str) -> None:
    try:
        create_owner_only(path)
    except OSError as exc:
        raise StorageError(f"cannot create the requests database file ({exc.strerror})") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Deleted rows are overwritten with zeros, so deleted personal data is not left in the file.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


_default_store: RequestStore | None = None
_default_lock = threading.Lock()


def get_store() -> RequestStore:
    """The process-wide store for the configured URL (created lazily, never at import)."""
    global _default_store
    with _default_lock:
        if _default_store is None or _default_store.url != database_url():
            _default_store = RequestStore()
        return _default_store
