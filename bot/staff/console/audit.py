"""The audit log: every view or export of personal data, and every change staff make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.staff.console.db import Database, as_utc, utcnow
from bot.staff.console.models import AuditEntry

# What an entry's action can be; the audit page explains each.
ACTIONS = {
    "signed_in": "signed in",
    "sign_in_failed": "sign-in failed",
    "signed_out": "signed out",
    "viewed_request": "opened a request",
    "marked_contacted": "marked a request contacted",
    "deleted_request": "deleted a request",
    "exported_requests": "exported requests (CSV)",
    "accepted_suggestion": "accepted a suggestion",
    "rejected_suggestion": "rejected a suggestion",
    "edited_answer": "edited an answer",
    "enabled_totp": "turned on the second factor",
}


@dataclass(frozen=True)
class Entry:
    """One line of the log."""

    id: int
    at: datetime
    actor: str
    action: str
    request_id: int | None
    detail: str

    @property
    def description(self) -> str:
        """The action in words."""
        return ACTIONS.get(self.action, self.action)


class AuditLog:
    """Append and read; there is deliberately no way to change or remove an entry."""

    def __init__(self, database: Database):
        self.database = database

    def record(self, actor: str, action: str, request_id: int | None = None,
               detail: str = "") -> None:
        """Add an entry (``detail`` never holds a patient's data: ids, counts, entry names)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self.database.session() as session:
            session.add(AuditEntry(at=utcnow(), actor=actor[:254], action=action,
                                   request_id=request_id, detail=detail[:255]))  # fmt: skip
            session.commit()

    def entries(self, limit: int = 100, offset: int = 0,
                request_id: int | None = None) -> list[Entry]:
        """Newest first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        if request_id is not None:
            query = query.where(AuditEntry.request_id == request_id)
        with self.database.session() as session:
            return [Entry(row.id, as_utc(row.at), row.actor, row.action, row.request_id,
                          row.detail) for row in session.scalars(query)]  # fmt: skip

    def count(self) -> int:
        """How many entries there are."""
        with self.database.session() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
