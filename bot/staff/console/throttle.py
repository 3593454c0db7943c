"""Sign-in limits: failed attempts per account and per address within a window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from bot.staff.console.db import Database, as_utc, utcnow
from bot.staff.console.models import LoginFailure


@dataclass(frozen=True)
class Limits:
    """How many failures each key may have within ``window``."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class LoginThrottle:
    """Counts failed sign-ins; an account or address over its limit waits out the window."""

    def __init__(self, database: Database, limits: Limits | None = None,
                 keyed_hash: Callable[[str, str], str] | None = None):  # fmt: skip
        self.database = database
        self.limits = limits or Limits()
        self._keyed_hash = keyed_hash

    def _keys(self, email: str, address: str) -> tuple[str, str]:
        # Keyed hashes (the data key's HMAC): the table holds neither typed addresses nor client
        # IPs, and a plain hash of an IPv4 address could be reversed by trying them all.
        if self._keyed_hash is None:
            from bot.privacy.crypto import get_cipher

            self._keyed_hash = get_cipher().keyed_hash
        account = self._keyed_hash((email or "").strip().lower(), "staff-login-account")
        client = self._keyed_hash(address or "", "staff-login-address")
        return f"account:{account}", f"address:{client}"

    def retry_after(self, email: str, address: str) -> int:
        """Seconds until a sign-in may be tried again (0: it may now)."""
        account_key, address_key = self._keys(email, address)
        since = utcnow() - self.limits.window
        waits = [0]
        with self.database.session() as session:
            for key, limit in ((account_key, self.limits.per_account),
                               (address_key, self.limits.per_address)):  # fmt: skip
                query = select(func.count(), func.min(LoginFailure.at)).where(
                    LoginFailure.key == key, LoginFailure.at > since)
                count, oldest = session.execute(query).one()
                if count >= limit and oldest is not None:
                    ends = as_utc(oldest) + self.limits.window
                    waits.append(max(1, int((ends - utcnow()).total_seconds()) + 1))
        return max(waits)

    def failed(self, email: str, address: str) -> None:
        """Count one failure for the account and for the address."""
        now = utcnow()
        with self.database.session() as session:
            session.add_all([LoginFailure(key=key, at=now) for key in self._keys(email, address)])
            stale = now - 4 * self.limits.window
            session.execute(delete(LoginFailure).where(LoginFailure.at < stale))
            session.commit()

    def succeeded(self, email: str) -> None:
        """A right password clears the account's failures (not the address's)."""
        account_key, _ = self._keys(email, "")
        with self.database.session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
            session.commit()
