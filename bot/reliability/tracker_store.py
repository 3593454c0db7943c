"""Rasa's SQL tracker store, honest about outages (PostgreSQL in production).

What Rasa 3.6 does when the conversation database is unavailable (rasa/core/tracker_store.py,
rasa/core/agent.py):

- at start, ``SQLTrackerStore`` tries once to create its ``events`` table; when the database is
  down it logs the error and never tries again, so a new database never gets the table and
  every later write fails until a restart;
- every agent wraps its store in ``FailSafeTrackerStore``: a failed read returns "no such
  conversation", so the conversation silently starts over without its history (a phone number
  typed mid-form is read out of context), and a failed write goes to an in-memory store of that
  one process (lost at restart, unseen by other processes, never written to the database);
- pooled connections broken by a database restart fail the first requests after it.

:class:`ResilientSQLTrackerStore` (``type: bot.reliability.tracker_store.ResilientSQLTrackerStore``
in endpoints.prod.yml) starts whatever the database state, without waiting; creates its table
at the first successful connection; tests pooled connections before use
(``pool_pre_ping``); stops connecting after ``connect_timeout`` seconds; keeps every event
encrypted with the data key (``bot.privacy.tracker_events``: no message, name or phone number in
clear in the table; without a key it refuses to start); and raises
:class:`TrackerStoreUnavailable` (the error type only; SQL parameters, which hold what
patients typed, are hidden) on any database error.

:func:`install_strict_tracker_store` (run at server start by
``bot.reliability.health_channel.HealthInput``) removes Rasa's ``FailSafeTrackerStore``, so a
failure reaches the channel, which answers honestly (the REST channel with 503 and the clinic's
phone; the widget and SMS with the same message), and nothing is written elsewhere. When the
database is back the conversation goes on from the events stored before the outage; a turn that
failed was not stored, and the patient was told so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
import sqlalchemy.orm
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
    is_postgresql_url,
    validate_port,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.crypto import DecryptionError, get_cipher
from bot.privacy.tracker_events import open_event, seal_event

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 5  # seconds; Rasa blocks its event loop while connecting


class TrackerStoreUnavailable(RuntimeError):
    """The conversation database failed. The message names the error type only."""


class TrackerStoreMisconfigured(RuntimeError):
    """The tracker store cannot work as configured (e.g. no database driver).

    Not an ``ImportError``: Rasa would catch that and silently use an in-memory store.
    """


class ResilientSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that starts without its database and reports every failure."""

    def __init__(
        self,
        domain: Any = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | str | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: Any = None,
        login_db: str | None = None,
        query: dict | None = None,
        connect_timeout: int | str = DEFAULT_CONNECT_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        # SQLTrackerStore.__init__ is not called: it connects at once and hides the failure.
        if event_broker is not None:
            raise TrackerStoreMisconfigured(
                "an event broker would copy every conversation, in clear, to another service; "
                "remove event_broker from the endpoints file"
            )
        if login_db:
            raise TrackerStoreMisconfigured(
                "login_db is not supported here: create the database before the first start"
            )
        url = self.get_db_url(dialect, host, validate_port(port), db, username, password, None,
                              query)  # fmt: skip
        engine_kwargs: dict[str, Any] = {
            **create_engine_kwargs(url),
            "pool_pre_ping": True,  # a connection broken by a database restart is replaced
            "hide_parameters": True,  # parameters hold message text: never in an error
        }
        if is_postgresql_url(url):
            connect_args = dict(engine_kwargs.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", int(connect_timeout))
            engine_kwargs["connect_args"] = connect_args
        try:
            self.engine = sa.create_engine(url, **engine_kwargs)
        except (ImportError, AttributeError) as error:
            raise TrackerStoreMisconfigured(
                f"cannot use the tracker store database ({type(error).__name__}: {error})"
            ) from error
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cipher = get_cipher()  # no key, no start: events are never written in clear
        self._tables_ready = False
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        try:
            self._ensure_tables()
        except TrackerStoreUnavailable as error:
            logger.warning(
                "%s at start; starting anyway: /health/ready reports it, patients are told, "
                "and every request tries again",
                error,
            )

    def _ensure_tables(self) -> None:
        if self._tables_ready:
            return
        with _reported("create its table"):
            try:
                self.Base.metadata.create_all(self.engine)
            except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError):
                # Another Rasa process created it at the same moment: it exists now.
                self.Base.metadata.create_all(self.engine)
        self._tables_ready = True
        logger.info("tracker store database reachable; events table ready")

    @contextlib.contextmanager
    def session_scope(self) -> Generator[sa.orm.Session, None, None]:
        """Rasa's session, after making sure the table exists."""
        self._ensure_tables()
        with super().session_scope() as session:
            yield session

    # Rasa's SQL store talks to the database on the event loop's thread: a database that does
    # not answer would freeze every conversation of the process, crisis replies included, for
    # up to connect_timeout. Here each operation runs in a worker thread.

    async def retrieve(self, sender_id: str) -> Any:
        """The conversation's current session, or None when it does not exist."""
        with _reported("read"):
            return await asyncio.to_thread(self._read, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: str) -> Any:
        """Every session of the conversation, or None when it does not exist."""
        with _reported("read"):
            return await asyncio.to_thread(self._read, conversation_id, True)

    async def save(self, tracker: Any) -> None:
        """Append the tracker's new events, sealed (one transaction: all of them or none)."""
        with _reported("write"):
            await asyncio.to_thread(self._write, tracker)

    async def keys(self) -> Iterable[str]:
        """Every conversation id."""
        with _reported("read"):
            return await asyncio.to_thread(self._sender_ids)

    def _read(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        # Rasa's SQLTrackerStore._retrieve, opening each sealed event.
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            try:
                events = [open_event(row.data, sender_id, row.type_name, self.cipher)
                          for row in rows]  # fmt: skip
            except DecryptionError as error:
                raise TrackerStoreUnavailable(
                    "a stored event cannot be opened with the configured data key"
                ) from error
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _write(self, tracker: Any) -> None:
        # Rasa's SQLTrackerStore.save, sealing each event (no event broker: see __init__).
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=seal_event(data, tracker.sender_id, event.type_name, self.cipher),
                    )
                )
            session.commit()

    def _sender_ids(self) -> list[str]:
        with self.session_scope() as session:
            return [sender for (sender,) in session.query(self.SQLEvent.sender_id).distinct()]


@contextlib.contextmanager
def _reported(operation: str) -> Iterator[None]:
    try:
        yield
    except TrackerStoreUnavailable:
        raise
    except sqlalchemy.exc.SQLAlchemyError as error:
        reason = type(getattr(error, "orig", None) or error).__name__
        logger.error("tracker store unavailable: could not %s (%s)", operation, reason)
        raise TrackerStoreUnavailable(
            f"the conversation database is unavailable ({reason})"
        ) from error


def install_strict_tracker_store(agent: Any, require_persistent: bool = False) -> None:
    """Let tracker store failures reach the channels instead of Rasa's silent fallback.

    With ``require_persistent`` an in-memory store (no ``tracker_store`` configured, or a
    ``type`` Rasa could not import, which it replaces with memory after a warning) raises
    :class:`TrackerStoreMisconfigured`.
    """
    store = agent.tracker_store
    primary = store._tracker_store if isinstance(store, FailSafeTrackerStore) else store
    if require_persistent and isinstance(primary, InMemoryTrackerStore):
        raise TrackerStoreMisconfigured(
            "the tracker store is in memory, but this server must keep conversations in a "
            "database: check tracker_store in the endpoints file (and its type's module path)"
        )
    if primary is store:
        return
    agent.tracker_store = primary
    if agent.processor is not None:
        agent.processor.tracker_store = primary
    logger.info("tracker store failures are reported to patients, not hidden (%s)",
                type(primary).__name__)  # fmt: skip
