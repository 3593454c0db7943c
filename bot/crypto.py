"""Encryption at rest for patients' personal data (names, contact details).

AES-256-GCM with a random 96-bit nonce per value. A token is
``v1.<base64url(nonce|ciphertext|tag)>``; the version prefix lets a later key or algorithm
coexist with old rows. Each value is bound to
its field name (GCM associated data), so a ciphertext copied into another column fails to
decrypt instead of being read as the wrong thing.

The key comes from ``BOT_DATA_KEY`` (base64 of 32 bytes; ``python -m bot keygen`` prints one).
Outside development mode (``BOT_ENV`` != "development") a missing or malformed key raises
``KeyConfigurationError``, which stops the action server at start. In development mode a key
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
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

KEY_ENV = "BOT_DATA_KEY"
ENV_MODE_ENV = "BOT_ENV"
DEV_KEY_FILE = PROJECT_ROOT / "var" / "secrets" / "data.key"
TOKEN_VERSION = "v1"
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
    return os.environ.get(ENV_MODE_ENV, "").strip().lower() == "development"


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
    value = os.environ.get(KEY_ENV, "")
    if value.strip():
        return _decode_key(value, KEY_ENV)
    if is_development():
        return _development_key(Path(os.environ.get("BOT_DATA_KEY_FILE", DEV_KEY_FILE)))
    raise KeyConfigurationError(
        f"{KEY_ENV} is not set. Personal data is encrypted at rest and cannot be stored "
        f"without a key: generate one with `python -m bot keygen` and export {KEY_ENV}, "
        f"or set {ENV_MODE_ENV}=development to use a local development key."
    )


class Cipher:
    """Encrypts and decrypts personal fields; also derives keyed hashes (pseudonyms)."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise KeyConfigurationError("the data key must be 32 bytes")
        self._aead = AESGCM(key)
        # A separate subkey for hashing, so the pseudonyms reveal nothing about the AES key.
        self._hash_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"clinic-bot pseudonym v1"
        ).derive(key)

    def encrypt(self, plaintext: str, field: str) -> str:
        """Encrypt ``plaintext`` for the column ``field``; returns a versioned text token."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), _aad(field))
        return f"{TOKEN_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str, field: str) -> str:
        """Decrypt a token made by ``encrypt`` for the same ``field``.

        Raises ``DecryptionError`` when the token was altered, belongs to another field,
        or was encrypted under another key.
        """
        version, _, body = token.partition(".")
        if version != TOKEN_VERSION or not body:
            raise DecryptionError(f"unsupported token version {version!r}")
        try:
            blob = base64.urlsafe_b64decode(body.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise DecryptionError("token is not valid base64") from exc
        if len(blob) < _NONCE_BYTES + 16:
            raise DecryptionError("token is truncated")
        try:
            plain = self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _aad(field))
        except InvalidTag as exc:
            raise DecryptionError(
                "token failed authentication (altered, or encrypted under another key)"
            ) from exc
        return plain.decode("utf-8")

    def keyed_hash(self, value: str, purpose: str) -> str:
        """A stable pseudonym for ``value`` (hex HMAC-SHA256), not reversible without the key."""
        message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()


def _aad(field: str) -> bytes:
    return f"clinic-bot/{TOKEN_VERSION}/{field}".encode()


@lru_cache(maxsize=1)
def _cached_cipher(key: bytes) -> Cipher:
    return Cipher(key)


def get_cipher() -> Cipher:
    """The process's cipher under the configured key (raises ``KeyConfigurationError``)."""
    return _cached_cipher(load_key())
