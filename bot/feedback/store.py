"""Answer votes as counters: per knowledge entry and index version, how many Yes and No.

One table, ``answer_feedback``, in the requests database (``BOT_DATABASE_URL``; default SQLite
``var/requests.db``), created on first use::

    entry_id | index_version | helpful | not_helpful

A vote adds one to a counter; there is no row per vote, so nothing records when a vote was
cast or lets it be lined up with a conversation (an incrementing row id or a timestamp would).
No conversation id, sender id, address or text is ever written.

The Rasa process writes (the web chat channel, SQLAlchemy 1.4) and ``python -m bot report``
reads (SQLAlchemy 2): only Core constructs both versions share are used here.
"""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy import inspect as sql_inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.privacy.files import create_owner_only
from bot.settings import settings

logger = logging.getLogger(__name__)

TABLE = "answer_feedback"
MAX_ENTRY_CHARS = 255
MAX_VERSION_CHARS = 64
_metadata = MetaData()
votes = Table(
    TABLE,
    _metadata,
    Column("entry_id", String(MAX_ENTRY_CHARS), primary_key=True),
    Column("index_version", String(MAX_VERSION_CHARS), primary_key=True),
    Column("helpful", Integer, nullable=False, default=0),
    Column("not_helpful", Integer, nullable=False, default=0),
)


class VoteStorageError(RuntimeError):
    """A vote could not be written or the counts read. The message is safe to log."""


_engines: dict[str, Engine] = {}
_tables_made: set[str] = set()
_lock = threading.Lock()


def _sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return os.path.abspath(database)
    return None


def _engine(url: str, create: bool) -> Engine:
    """The process's engine for ``url``; with ``create``, the table exists afterwards."""
    with _lock:
        engine = _engines.get(url)
        if engine is not None and (url in _tables_made or not create):
            return engine
        try:
            if engine is None:
                parsed = make_url(url)
                kwargs: dict = {"hide_parameters": True, "pool_pre_ping": True}
                if _sqlite_file(url):
                    kwargs["connect_args"] = {"timeout": 5}
                elif parsed.get_backend_name().startswith("postgresql"):
                    kwargs["connect_args"] = {"connect_timeout": 3}
                engine = create_engine(parsed, **kwargs)
                _engines[url] = engine
            if create:
                path = _sqlite_file(url)
                if path:
                    create_owner_only(path)
                _metadata.create_all(engine)
                _tables_made.add(url)
        except (SQLAlchemyError, ImportError, OSError) as exc:
            reason = type(getattr(exc, "orig", None) or exc).__name__
            raise VoteStorageError(f"cannot open the votes database ({reason})") from exc
        return engine


def record_vote(entry_id: str, index_version: str | None, helpful: bool,
                url: str | None = None) -> None:  # fmt: skip
    """Add one Yes (``helpful``) or No to the counters of ``entry_id`` at ``index_version``."""
    entry = str(entry_id)[:MAX_ENTRY_CHARS]
    version = str(index_version or "")[:MAX_VERSION_CHARS]
    column = "helpful" if helpful else "not_helpful"
    engine = _engine(url or settings().database_url, create=True)
    key = (votes.c.entry_id == entry, votes.c.index_version == version)
    try:
        for _attempt in range(3):
            try:
                with engine.begin() as connection:
                    added = connection.execute(
                        update(votes).where(*key).values({column: votes.c[column] + 1})
                    ).rowcount
                    if not added:
                        connection.execute(insert(votes).values(
                            entry_id=entry, index_version=version,
                            helpful=int(helpful), not_helpful=int(not helpful),
                        ))  # fmt: skip
                return
            except IntegrityError:
                continue  # another process created the row meanwhile: add to it
        raise VoteStorageError("the vote counter could not be created")
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise VoteStorageError(f"cannot store the vote ({reason})") from exc


def read_counts(url: str | None = None) -> dict[str, dict]:
    """``{entry id: {"helpful": n, "not_helpful": n, "versions": {version: [yes, no]}}}``.

    Empty when no vote was ever stored (the table does not exist yet).
    """
    url = url or settings().database_url
    path = _sqlite_file(url)
    if path and not os.path.isfile(path):
        return {}
    engine = _engine(url, create=False)
    try:
        if not sql_inspect(engine).has_table(TABLE):
            return {}
        with engine.connect() as connection:
            rows = connection.execute(select(votes)).mappings().all()
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise VoteStorageError(f"cannot read the votes ({reason})") from exc
    counts: dict[str, dict] = {}
    for row in rows:
        entry = counts.setdefault(row["entry_id"], {"helpful": 0, "not_helpful": 0,
                                                    "versions": {}})  # fmt: skip
        entry["helpful"] += int(row["helpful"] or 0)
        entry["not_helpful"] += int(row["not_helpful"] or 0)
        entry["versions"][row["index_version"]] = [int(row["helpful"] or 0),
                                                   int(row["not_helpful"] or 0)]
    return counts


def forget_engines() -> None:
    """Dispose of the cached engines (tests that delete their database files)."""
    with _lock:
        _tables_made.clear()
        while _engines:
            _engines.popitem()[1].dispose()
