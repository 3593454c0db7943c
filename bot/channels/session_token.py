"""Server-issued chat session tokens and keyed conversation ids.

The widget never chooses its conversation id. The server draws a random id, signs it with
HMAC-SHA256 under a key only the server knows, and hands the widget
``<id>.<started>.<active>.<mac>``. The server renews the token at every message (same id and
start, new activity time). A token whose MAC does not verify, whose conversation started longer
ago than the maximum age, or that has been idle longer than the idle limit is replaced by a
fresh one: a client can neither pick nor forge another patient's conversation, and a chat left
open on a shared computer cannot be resumed by the next person after the idle limit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

MIN_KEY_LENGTH = 32
_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9]{1,12})\.([0-9]{1,12})\.([0-9a-f]{64})$")
DEFAULT_IDLE_SECONDS = 30 * 60


def check_key(key: str | None, setting: str) -> bytes:
    """The key as bytes; refuses a missing or short key with a message naming the setting."""
    if not key or len(key) < MIN_KEY_LENGTH:
        raise ValueError(
            f"{setting} must be a random secret of at least {MIN_KEY_LENGTH} characters "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return key.encode("utf-8")


@dataclass(frozen=True)
class Session:
    """A verified session: the conversation id Rasa uses and the token the widget keeps."""

    sender_id: str
    token: str
    issued_at: int  # when the conversation started
    active_at: int  # the last time the token was renewed


class SessionSigner:
    """Issues, renews and verifies widget session tokens."""

    def __init__(self, key: str | None, max_age_seconds: int,
                 idle_seconds: int = DEFAULT_IDLE_SECONDS) -> None:  # fmt: skip
        self._key = check_key(key, "webchat session_key")
        self.max_age_seconds = max_age_seconds
        self.idle_seconds = min(idle_seconds, max_age_seconds)

    def _mac(self, sender_id: str, issued_at: int, active_at: int) -> str:
        message = f"webchat-session|{sender_id}|{issued_at}|{active_at}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _session(self, sender_id: str, issued_at: int, active_at: int) -> Session:
        token = f"{sender_id}.{issued_at}.{active_at}.{self._mac(sender_id, issued_at, active_at)}"
        return Session(sender_id, token, issued_at, active_at)

    def issue(self, now: float | None = None) -> Session:
        """A new random conversation id and its signed token."""
        started = int(now if now is not None else time.time())
        return self._session(secrets.token_hex(16), started, started)

    def renew(self, session: Session, now: float | None = None) -> Session:
        """The same conversation with its activity time set to now (sent at every message)."""
        return self._session(session.sender_id, session.issued_at,
                             int(now if now is not None else time.time()))  # fmt: skip

    def verify(self, token: object, now: float | None = None) -> Session | None:
        """The session a token stands for, or None when it is malformed, forged, past its
        maximum age or idle too long."""
        if not isinstance(token, str):
            return None
        match = _TOKEN.match(token)
        if not match:
            return None
        sender_id, mac = match.group(1), match.group(4)
        issued, active = int(match.group(2)), int(match.group(3))
        if not hmac.compare_digest(mac, self._mac(sender_id, issued, active)):
            return None
        now = now if now is not None else time.time()
        if issued - 60 > now or active - 60 > now or active < issued:
            return None
        if now - issued > self.max_age_seconds or now - active > self.idle_seconds:
            return None
        return Session(sender_id=sender_id, token=token, issued_at=issued, active_at=active)


def keyed_sender_id(key: bytes, phone: str, prefix: str = "sms-") -> str:
    """A stable conversation id for a phone number that does not reveal the number.

    HMAC-SHA256 with a server key: without the key, ids cannot be matched to numbers by
    hashing every possible number (a plain hash of a 10-digit number is brute-forced in minutes).
    """
    normalised = re.sub(r"[^\d+]", "", phone)
    digest = hmac.new(key, f"sms-sender|{normalised}".encode(), hashlib.sha256).hexdigest()
    return prefix + digest[:40]
