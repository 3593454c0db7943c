"""Everything the console's views use, built once per application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.settings import Settings, served_index_dir, served_knowledge_dir, settings
from bot.staff.console.accounts import Accounts
from bot.staff.console.audit import AuditLog
from bot.staff.console.db import Database
from bot.staff.console.knowledge_desk import KnowledgeDesk
from bot.staff.console.sessions import Sessions
from bot.staff.console.throttle import Limits, LoginThrottle


@dataclass
class Services:
    """The console's stores and settings."""

    config: Settings
    database: Database
    accounts: Accounts
    sessions: Sessions
    throttle: LoginThrottle
    audit: AuditLog
    desk: KnowledgeDesk
    index_dir: Path
    _opened: dict[str, Any] = field(default_factory=dict)

    def request_store(self):
        """The consultation requests (bot.booking.store), opened on first use."""
        from bot.booking.store import RequestStore

        if "requests" not in self._opened:
            self._opened["requests"] = RequestStore(self.config.database_url)
        return self._opened["requests"]

    def event_store(self):
        """The crisis events (bot.safety.events), opened on first use."""
        from bot.safety.events import CrisisEventStore

        if "events" not in self._opened:
            self._opened["events"] = CrisisEventStore(self.config.database_url)
        return self._opened["events"]


def build_services(config: Settings | None = None, limits: Limits | None = None,
                   encoder=None) -> Services:  # fmt: skip
    """Services for ``config`` (default: the process's settings)."""
    config = config or settings()
    database = Database(config.database_url)
    return Services(
        config=config,
        database=database,
        accounts=Accounts(database),
        sessions=Sessions(database, idle=timedelta(minutes=config.staff_idle_minutes)),
        throttle=LoginThrottle(database, limits),
        audit=AuditLog(database),
        desk=KnowledgeDesk(served_knowledge_dir(), served_index_dir(), database, encoder),
        index_dir=served_index_dir(),
    )
