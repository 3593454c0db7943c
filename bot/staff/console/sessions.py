"""Server-side sessions: the cookie carries a random token, the table its hash, the CSRF token
and when it was last used. Idle sessions end; so does every session after 12 hours."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from bot.staff.console.db import Database, as_utc, utcnow
from bot.staff.console.models import StaffSession

MAX_AGE = timedelta(hours=12)


@dataclass(frozen=True)
class ActiveSession:
    """A session the request belongs to."""

    token: str
    user_id: int
    csrf_token: str
    second_factor_pending: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Start, find, renew and end sessions."""

    def __init__(self, database: Database, idle: timedelta):
        self.database = database
        self.idle = idle

    def start(self, user_id: int, second_factor_pending: bool = False) -> ActiveSession:
        """A new session (a new token at each sign-in: no fixation)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        with self.database.session() as session:
            session.add(StaffSession(token_hash=_hash(token), user_id=user_id, csrf_token=csrf,
                                     second_factor_pending=second_factor_pending,
                                     created_at=now, last_seen=now))  # fmt: skip
            session.commit()
        return ActiveSession(token, user_id, csrf, second_factor_pending)

    def find(self, token: str | None) -> ActiveSession | None:
        """The live session of ``token`` (renewing its idle clock), or None."""
        if not token:
            return None
        now = utcnow()
        with self.database.session() as session:
            row = session.get(StaffSession, _hash(token))
            if row is None:
                return None
            if now - as_utc(row.last_seen) > self.idle or now - as_utc(row.created_at) > MAX_AGE:
                session.delete(row)
                session.commit()
                return None
            row.last_seen = now
            session.commit()
            return ActiveSession(token, row.user_id, row.csrf_token, row.second_factor_pending)

    def end(self, token: str | None) -> None:
        """Sign out."""
        if token:
            with self.database.session() as session:
                session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))
                session.commit()

    def purge(self) -> None:
        """Forget sessions that can no longer be used."""
        cutoff = utcnow() - max(self.idle, MAX_AGE)
        with self.database.session() as session:
            session.execute(delete(StaffSession).where(StaffSession.last_seen < cutoff))
            session.commit()


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a form's CSRF token with the session's."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
