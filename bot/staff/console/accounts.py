"""Staff accounts: Argon2id password hashes, roles, an optional TOTP second factor."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from bot.staff.console.db import Database, utcnow
from bot.staff.console.models import ROLES, StaffSession, StaffUser

MIN_PASSWORD_CHARS = 12
TOTP_ISSUER = "Clinic staff console"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verifying against this hash when the account does not exist costs the same time as a real
# check, so response times do not tell which e-mail addresses have accounts.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class Account:
    """What the console needs to know about a signed-in person."""

    id: int
    email: str
    role: str
    totp_enabled: bool

    @property
    def is_admin(self) -> bool:
        """True for admins (audit log, insights, knowledge, users)."""
        return self.role == "admin"


def _account(row: StaffUser) -> Account:
    return Account(row.id, row.email, row.role, row.totp_secret is not None)


def normalise_email(email: str) -> str:
    """The address as stored: trimmed, lower case; raises AccountError when it is not one."""
    value = (email or "").strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    return value


def check_password_rules(password: str) -> None:
    """Raise AccountError unless ``password`` is long enough to be a passphrase."""
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")


class Accounts:
    """Create, check and change staff accounts."""

    def __init__(self, database: Database, cipher=None):
        self.database = database
        self._cipher = cipher

    @property
    def cipher(self):
        """The data-key cipher that seals TOTP secrets (bot.privacy.crypto)."""
        if self._cipher is None:
            from bot.privacy.crypto import get_cipher

            self._cipher = get_cipher()
        return self._cipher

    def add(self, email: str, role: str, password: str) -> Account:
        """A new enabled account; raises AccountError for a taken address or a weak password."""
        email = normalise_email(email)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_password_rules(password)
        with self.database.session() as session:
            if session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
                raise AccountError(f"{email} already has an account")
            now = utcnow()
            row = StaffUser(email=email, role=role, password_hash=_hasher.hash(password),
                            created_at=now, password_changed_at=now, disabled=False,
                            totp_last_step=0)  # fmt: skip
            session.add(row)
            session.commit()
            return _account(row)

    def authenticate(self, email: str, password: str) -> Account | None:
        """The account when ``password`` is right and the account enabled, else None."""
        try:
            email = normalise_email(email)
        except AccountError:
            email = ""
        with self.database.session() as session:
            row = session.scalar(select(StaffUser).where(StaffUser.email == email))
            try:
                _hasher.verify(row.password_hash if row else _DUMMY_HASH, password or "")
            except (VerificationError, InvalidHashError):
                return None
            if row is None or row.disabled:
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
                session.commit()
            return _account(row)

    def get(self, user_id: int) -> Account | None:
        """The enabled account with this id, or None."""
        with self.database.session() as session:
            row = session.get(StaffUser, user_id)
            return _account(row) if row is not None and not row.disabled else None

    def list(self) -> list[tuple[Account, bool]]:
        """Every account with whether it is disabled, by e-mail."""
        with self.database.session() as session:
            rows = session.scalars(select(StaffUser).order_by(StaffUser.email))
            return [(_account(row), row.disabled) for row in rows]

    def set_disabled(self, email: str, disabled: bool = True) -> None:
        """Disable (or re-enable) an account; disabling ends its sessions at once."""
        with self.database.session() as session:
            row = self._by_email(session, email)
            row.disabled = disabled
            if disabled:
                session.execute(delete(StaffSession).where(StaffSession.user_id == row.id))
            session.commit()

    def reset_password(self, email: str, password: str) -> None:
        """A new password; every session of the account ends."""
        check_password_rules(password)
        with self.database.session() as session:
            row = self._by_email(session, email)
            row.password_hash = _hasher.hash(password)
            row.password_changed_at = utcnow()
            session.execute(delete(StaffSession).where(StaffSession.user_id == row.id))
            session.commit()

    # --- second factor --------------------------------------------------------------------

    @staticmethod
    def new_totp_secret() -> str:
        """A fresh base32 secret for an authenticator app."""
        return pyotp.random_base32()

    @staticmethod
    def provisioning_uri(email: str, secret: str) -> str:
        """The otpauth:// URI an authenticator app reads."""
        return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)

    def enable_totp(self, user_id: int, secret: str, code: str) -> bool:
        """Turn the second factor on when ``code`` proves the app has ``secret``."""
        step = _matching_step(secret, code, last_step=0)
        if step is None:
            return False
        with self.database.session() as session:
            row = session.get(StaffUser, user_id)
            if row is None:
                return False
            row.totp_secret = self.cipher.encrypt(secret, "staff_totp", str(user_id))
            row.totp_last_step = step
            session.commit()
            return True

    def disable_totp(self, email: str) -> None:
        """Turn the second factor off (an admin, when a phone is lost)."""
        with self.database.session() as session:
            row = self._by_email(session, email)
            row.totp_secret = None
            session.commit()

    def verify_totp(self, user_id: int, code: str) -> bool:
        """True when ``code`` is the account's current code (each code works once)."""
        with self.database.session() as session:
            row = session.get(StaffUser, user_id)
            if row is None or row.totp_secret is None:
                return False
            secret = self.cipher.decrypt(row.totp_secret, "staff_totp", str(user_id))
            step = _matching_step(secret, code, last_step=row.totp_last_step)
            if step is None:
                return False
            row.totp_last_step = step
            session.commit()
            return True

    @staticmethod
    def _by_email(session, email: str) -> StaffUser:
        row = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
        if row is None:
            raise AccountError(f"no account for {email}")
        return row


def _matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if later than
    ``last_step``."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = int(utcnow().timestamp())
    for offset in (0, -1, 1):
        step = now // totp.interval + offset
        if step > last_step and pyotp.utils.strings_equal(totp.at(step * totp.interval), code):
            return step
    return None
