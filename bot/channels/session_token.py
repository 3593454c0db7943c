"""Server-issued chat session tokens and keyed conversation ids.

The widget never chooses its conversation id. The server draws a random id, signs it with
HMAC-SHA256 under a key only the server knows, and hands the widget ``<id>.<issued>.<mac>``.
A token whose MAC does not verify, or that is older than its maximum age, is replaced by a
fresh one, so a client can neither pick nor forge another patient's conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

MIN_KEY_LENGTH = 32
_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9]{1,12})\.([0-9a-f]{64})$")


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
    issued_at: int


class SessionSigner:
    """Issues and verifies widget session tokens."""

    def __init__(self, key: str | None, max_age_seconds: int) -> None:
        self._key = check_key(key, "webchat session_key")
        self.max_age_seconds = max_age_seconds

    def _mac(self, sender_id: str, issued_at: int) -> str:
        message = f"webchat-session|{sender_id}|{issued_at}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def issue(self, now: float | None = None) -> Session:
        """A new random conversation id and its signed token."""
        sender_id = secrets.token_hex(16)
        issued_at = int(now if now is not None else time.time())
        token = f"{sender_id}.{issued_at}.{self._mac(sender_id, issued_at)}"
        return Session(sender_id=sender_id, token=token, issued_at=issued_at)

    def verify(self, token: object, now: float | None = None) -> Session | None:
        """The session a token stands for, or None when it is malformed, forged or expired."""
        if not isinstance(token, str):
            return None
        match = _TOKEN.match(token)
        if not match:
            return None
        sender_id, issued, mac = match.group(1), int(match.group(2)), match.group(3)
        if not hmac.compare_digest(mac, self._mac(sender_id, issued)):
            return None
        age = (now if now is not None else time.time()) - issued
        if age < -60 or age > self.max_age_seconds:
            return None
        return Session(sender_id=sender_id, token=token, issued_at=issued)


def keyed_sender_id(key: bytes, phone: str, prefix: str = "sms-") -> str:
    """A stable conversation id for a phone number that does not reveal the number.

    HMAC-SHA256 with a server key: without the key, ids cannot be matched to numbers by
    hashing every possible number (a plain hash of a 10-digit number is brute-forced in minutes).
    """
    normalised = re.sub(r"[^\d+]", "", phone)
    digest = hmac.new(key, f"sms-sender|{normalised}".encode(), hashlib.sha256).hexdigest()
    return prefix + digest[:40]
