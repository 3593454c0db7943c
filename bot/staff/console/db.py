"""The console's tables (accounts, sessions, login attempts, audit log, suggestion decisions,
knowledge revisions), kept in the requests database (``BOT_DATABASE_URL``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.privacy.files import create_owner_only
from bot.settings import settings
from bot.staff.console.models import Base


class ConsoleStorageError(RuntimeError):
    """The console's database failed; the message names no stored value."""


def utcnow() -> datetime:
    """Now, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite returns naive ones)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Database:
    """One engine for the console's tables; the tables are created on first use."""

    def __init__(self, url: str | None = None):
        self.url = url or settings().database_url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def engine(self) -> Engine:
        """The engine (created, with the tables, on first call)."""
        with self._lock:
            if self._engine is None:
                url = make_url(self.url)
                kwargs: dict = {"hide_parameters": True, "pool_pre_ping": True}
                sqlite = url.get_backend_name() == "sqlite"
                if sqlite and url.database and url.database != ":memory:":
                    create_owner_only(os.path.abspath(url.database))
                    kwargs["connect_args"] = {"timeout": 5}
                elif url.get_backend_name().startswith("postgresql"):
                    kwargs["connect_args"] = {"connect_timeout": 5}
                try:
                    engine = create_engine(url, **kwargs)
                    if sqlite:
                        event.listen(engine, "connect", _secure_delete)
                    Base.metadata.create_all(engine)
                except SQLAlchemyError as exc:
                    raise ConsoleStorageError(_reason(exc)) from exc
                self._engine = engine
            return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed by the caller; database errors become ConsoleStorageError."""
        try:
            with Session(self.engine(), expire_on_commit=False) as session:
                yield session
        except SQLAlchemyError as exc:
            raise ConsoleStorageError(_reason(exc)) from exc

    def dispose(self) -> None:
        """Close the connection pool."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None


def _reason(exc: SQLAlchemyError) -> str:
    # The exception's text can hold SQL parameters; only its type is reported.
    return f"the console database failed ({type(getattr(exc, 'orig', None) or exc).__name__})"


def _secure_delete(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()
