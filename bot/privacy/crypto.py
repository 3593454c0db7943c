"""Encryption at rest for patients' personal data (names, contact details, conversations).

AES-256-GCM with a random 96-bit nonce per value. A token is
``v2.<key id>.<base64url(nonce|ciphertext|tag)>``:

- the key id names the data key that sealed it, so a key can be replaced without breaking a
  single row: the old key stays in the ring (``BOT_DATA_KEYS_PREVIOUS``) until
  ``python -m bot rotate-key`` has re-encrypted every row under the new one;
- the AES key is an HKDF-derived subkey of the data key (so is the pseudonym key), never the
  data key itself;
- the associated data binds each value to its field and its row (a request's idempotency key, a
  conversation event's conversation), so a ciphertext copied into another column or another
  row fails to decrypt instead of being read as someone else's.

Tokens of the first format (``v1.<...>``: the data key used directly, bound to the field only)
are still read, with any key of the ring; ``rotate-key`` rewrites them as ``v2``.

Keys come from the environment: ``BOT_DATA_KEY`` (base64 of 32 bytes; ``python -m bot keygen``
prints one) encrypts; ``BOT_DATA_KEYS_PREVIOUS`` (comma-separated) only decrypts. Pseudonyms
(keyed hashes of conversation ids) must not change when the data key does, or a conversation's
rows could no longer be found: they are made with ``BOT_PSEUDONYM_KEY`` when set, else with
``BOT_DATA_KEY``; once previous keys are configured, ``BOT_PSEUDONYM_KEY`` must be set (to the
key the existing pseudonyms were made with, i.e. the first data key). docs/booking.md has the
rotation steps.

Outside development mode (``BOT_ENV`` != "development") a missing or malformed key raises
``KeyConfigurationError``, which stops the servers at start. In development mode a key
file ``var/secrets/data.key`` (mode 0600) is created once and a warning says so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import PROJECT_ROOT
from bot.settings import settings

logger = logging.getLogger(__name__)

KEY_ENV = "BOT_DATA_KEY"
PREVIOUS_KEYS_ENV = "BOT_DATA_KEYS_PREVIOUS"
PSEUDONYM_KEY_ENV = "BOT_PSEUDONYM_KEY"
ENV_MODE_ENV = "BOT_ENV"
DEV_KEY_FILE = PROJECT_ROOT / "var" / "secrets" / "data.key"
TOKEN_VERSION = "v2"  # noqa: S105 - a name, not a secret
LEGACY_VERSION = "v1"
_NONCE_BYTES = 12
_announced: set[str] = set()  # key files already reported, so the warning is said once


class KeyConfigurationError(RuntimeError):
    """The data key is missing or unusable; the message says how to fix it."""


class DecryptionError(ValueError):
    """A token was tampered with, truncated, or encrypted under another key."""


def generate_key() -> str:
    """A new random 256-bit key, base64-encoded, suitable for ``BOT_DATA_KEY``."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _decode_key(text: str, origin: str) -> bytes:
    text = text.strip()
    try:
        if not text.isascii() or not all(c.isalnum() or c in "+/-_=" for c in text):
            raise ValueError("unexpected characters")
        decoded = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_")
    except (binascii.Error, ValueError) as exc:
        raise KeyConfigurationError(
            f"{origin} is not valid base64. Generate a key with `python -m bot keygen`."
        ) from exc
    if len(decoded) != 32:
        raise KeyConfigurationError(
            f"{origin} must be the base64 encoding of 32 bytes (got {len(decoded)} bytes). "
            "Generate a key with `python -m bot keygen`."
        )
    return decoded


def is_development() -> bool:
    """True when ``BOT_ENV`` is "development" (the only mode that may create a local key)."""
    return settings().development


def _development_key(path: Path) -> bytes:
    """Read the local development key, creating it (owner-only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; read theirs below
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(generate_key() + "\n")
            logger.warning(
                "Development mode: created a local data key at %s (readable only by its owner). "
                "Set %s outside development; requests encrypted with this key need it to be read.",
                path,
                KEY_ENV,
            )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyConfigurationError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`."
        )
    if str(path) not in _announced:
        _announced.add(str(path))
        logger.warning("Development mode: using the local data key file %s.", path)
    return _decode_key(path.read_text(encoding="ascii"), str(path))


def load_key() -> bytes:
    """The 32-byte data key from the environment (or the development key file).

    Raises ``KeyConfigurationError`` with a message that says what to do.
    """
    config = settings()
    if config.data_key:
        return _decode_key(config.data_key, KEY_ENV)
    if config.development:
        return _development_key(config.data_key_file)
    raise KeyConfigurationError(
        f"{KEY_ENV} is not set. Personal data is encrypted at rest and cannot be stored "
        f"without a key: generate one with `python -m bot keygen` and export {KEY_ENV}, "
        f"or set {ENV_MODE_ENV}=development to use a local development key."
    )


def load_previous_keys() -> list[bytes]:
    """The retired data keys of ``BOT_DATA_KEYS_PREVIOUS`` (decrypt only), newest first."""
    values = settings().data_keys_previous
    return [_decode_key(v, f"{PREVIOUS_KEYS_ENV} entry {i + 1}") for i, v in enumerate(values)]


def load_pseudonym_key(previous: list[bytes]) -> bytes | None:
    """``BOT_PSEUDONYM_KEY``; required once the ring has previous keys (see module docstring)."""
    value = settings().pseudonym_key
    if value:
        return _decode_key(value, PSEUDONYM_KEY_ENV)
    if previous:
        raise KeyConfigurationError(
            f"{PREVIOUS_KEYS_ENV} is set but {PSEUDONYM_KEY_ENV} is not. Pseudonyms must "
            f"survive a key change: set {PSEUDONYM_KEY_ENV} to the data key the existing "
            "pseudonyms were made with (the first BOT_DATA_KEY of this deployment)."
        )
    return None


def _subkey(master: bytes, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(master)


class DataKey:
    """One data key of the ring: its id and the AES subkey derived from it."""

    def __init__(self, master: bytes):
        if len(master) != 32:
            raise KeyConfigurationError("the data key must be 32 bytes")
        self.id = _subkey(master, b"clinic-bot key id v2", 6).hex()
        self.aead = AESGCM(_subkey(master, b"clinic-bot aes-256-gcm v2"))
        self.legacy_aead = AESGCM(master)  # v1 tokens were sealed with the key itself


class Cipher:
    """Encrypts and decrypts personal fields; also derives keyed hashes (pseudonyms).

    ``key`` encrypts; ``previous`` keys only decrypt; ``pseudonym_key`` (default ``key``)
    makes the keyed hashes.
    """

    def __init__(self, key: bytes, previous: Iterable[bytes] = (),
                 pseudonym_key: bytes | None = None):  # fmt: skip
        self.active = DataKey(key)
        self.ring = {self.active.id: self.active}
        for old in previous:
            data_key = DataKey(old)
            self.ring.setdefault(data_key.id, data_key)
        # A separate subkey for hashing, so the pseudonyms reveal nothing about the AES key.
        self._hash_key = _subkey(pseudonym_key or key, b"clinic-bot pseudonym v1")

    @property
    def key_id(self) -> str:
        """The id of the key that encrypts (shown by ``rotate-key``; not secret)."""
        return self.active.id

    def encrypt(self, plaintext: str, field: str, row: str = "") -> str:
        """Encrypt ``plaintext`` for ``field`` of ``row``; returns a versioned text token."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        aad = _aad(self.active.id, field, row)
        sealed = self.active.aead.encrypt(nonce, plaintext.encode("utf-8"), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{TOKEN_VERSION}.{self.active.id}.{body}"

    def decrypt(self, token: str, field: str, row: str = "") -> str:
        """Decrypt a token made by ``encrypt`` for the same ``field`` and ``row``.

        Raises ``DecryptionError`` when the token was altered, belongs to another field or
        row, or was encrypted under a key that is not in the ring.
        """
        version, _, rest = token.partition(".")
        if version == TOKEN_VERSION:
            key_id, _, body = rest.partition(".")
            data_key = self.ring.get(key_id)
            if data_key is None:
                raise DecryptionError(
                    f"encrypted under key {key_id!r}, which is not in the key ring "
                    f"({KEY_ENV} / {PREVIOUS_KEYS_ENV})"
                )
            candidates = [(data_key.aead, _aad(key_id, field, row))]
        elif version == LEGACY_VERSION:
            body = rest
            candidates = [(k.legacy_aead, _legacy_aad(field)) for k in self.ring.values()]
        else:
            raise DecryptionError(f"unsupported token version {version!r}")
        nonce, sealed = _split(body)
        for aead, aad in candidates:
            try:
                return aead.decrypt(nonce, sealed, aad).decode("utf-8")
            except InvalidTag:
                continue
        raise DecryptionError(
            "token failed authentication (altered, moved from another field or row, or "
            "encrypted under another key)"
        )

    def is_current(self, token: str) -> bool:
        """True when ``token`` is already sealed the current way, under the active key."""
        return token.startswith(f"{TOKEN_VERSION}.{self.active.id}.")

    def keyed_hash(self, value: str, purpose: str) -> str:
        """A stable pseudonym for ``value`` (hex HMAC-SHA256), not reversible without the key."""
        message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()


def _split(body: str) -> tuple[bytes, bytes]:
    if not body:
        raise DecryptionError("token is empty")
    try:
        blob = base64.urlsafe_b64decode(body.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError("token is not valid base64") from exc
    if len(blob) < _NONCE_BYTES + 16:
        raise DecryptionError("token is truncated")
    return blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]


def _aad(key_id: str, field: str, row: str) -> bytes:
    return f"clinic-bot/{TOKEN_VERSION}/{key_id}/{field}/{row}".encode()


def _legacy_aad(field: str) -> bytes:
    return f"clinic-bot/{LEGACY_VERSION}/{field}".encode()


@lru_cache(maxsize=1)
def _cached_cipher(key: bytes, previous: tuple[bytes, ...] = (),
                   pseudonym_key: bytes | None = None) -> Cipher:  # fmt: skip
    return Cipher(key, previous, pseudonym_key)


def get_cipher() -> Cipher:
    """The process's cipher under the configured key ring (raises ``KeyConfigurationError``)."""
    previous = load_previous_keys()
    return _cached_cipher(load_key(), tuple(previous), load_pseudonym_key(previous))
