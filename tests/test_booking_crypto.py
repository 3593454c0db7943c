"""Encryption at rest: round trip, tampering, wrong key, key configuration."""

import base64
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.privacy import crypto
from bot.privacy.crypto import (
    Cipher,
    DecryptionError,
    KeyConfigurationError,
    generate_key,
    load_key,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cipher():
    return Cipher(base64.b64decode(generate_key()))


def test_round_trip_and_ciphertext_hides_the_value(cipher):
    token = cipher.encrypt("Jane Doe", "full_name")
    assert token.startswith(f"v2.{cipher.key_id}.")
    assert "Jane" not in token and "Doe" not in token
    assert cipher.decrypt(token, "full_name") == "Jane Doe"


def test_unicode_round_trip(cipher):
    assert cipher.decrypt(cipher.encrypt("Nguyễn Thị Minh", "full_name"), "full_name") == (
        "Nguyễn Thị Minh"
    )


def test_same_value_encrypts_differently_each_time(cipher):
    # A random nonce per value: equal names are not recognisable as equal in the database.
    assert cipher.encrypt("+13125550199", "contact") != cipher.encrypt("+13125550199", "contact")


@pytest.mark.parametrize("position", [3, 10, 20, -5, -1])
def test_tampered_token_is_detected(cipher, position):
    token = cipher.encrypt("jane@example.com", "contact")
    prefix, body = token.rsplit(".", 1)
    blob = bytearray(base64.urlsafe_b64decode(body))
    blob[position] ^= 0x01
    tampered = prefix + "." + base64.urlsafe_b64encode(bytes(blob)).decode()
    with pytest.raises(DecryptionError):
        cipher.decrypt(tampered, "contact")


def test_truncated_or_foreign_tokens_are_refused(cipher):
    token = cipher.encrypt("jane@example.com", "contact")
    body = token.rsplit(".", 1)[1]
    for bad in (token[:20], "v3." + token[3:], "v1." + body, "jane@example.com", "v1.!!!!",
                f"v2.{cipher.key_id}.", "v2.000000000000." + body):
        with pytest.raises(DecryptionError):
            cipher.decrypt(bad, "contact")


def test_wrong_key_cannot_decrypt(cipher):
    token = cipher.encrypt("Jane Doe", "full_name")
    other = Cipher(base64.b64decode(generate_key()))
    with pytest.raises(DecryptionError):
        other.decrypt(token, "full_name")


def test_value_moved_to_another_column_is_refused(cipher):
    token = cipher.encrypt("Jane Doe", "full_name")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, "contact")


def test_keyed_hash_is_stable_and_key_dependent(cipher):
    other = Cipher(base64.b64decode(generate_key()))
    ref = cipher.keyed_hash("sender-123", "conversation")
    assert ref == cipher.keyed_hash("sender-123", "conversation")
    assert ref != cipher.keyed_hash("sender-124", "conversation")
    assert ref != other.keyed_hash("sender-123", "conversation")
    assert "sender" not in ref and len(ref) == 64


def test_key_from_environment(monkeypatch):
    key = generate_key()
    monkeypatch.setenv("BOT_DATA_KEY", key)
    assert load_key() == base64.b64decode(key)
    # The URL-safe alphabet and missing padding are accepted too.
    monkeypatch.setenv(
        "BOT_DATA_KEY", base64.urlsafe_b64encode(base64.b64decode(key)).decode().rstrip("=")
    )
    assert load_key() == base64.b64decode(key)


@pytest.mark.parametrize("env_mode", ["", "production", "staging"])
def test_missing_key_outside_development_is_a_clear_error(monkeypatch, env_mode):
    monkeypatch.delenv("BOT_DATA_KEY", raising=False)
    monkeypatch.setenv("BOT_ENV", env_mode)
    with pytest.raises(KeyConfigurationError, match="BOT_DATA_KEY is not set.*keygen"):
        load_key()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not base64 at all!", "not valid base64"),
        (base64.b64encode(b"short").decode(), "32 bytes"),
        (base64.b64encode(bytes(64)).decode(), "32 bytes"),
    ],
)
def test_invalid_key_is_a_clear_error(monkeypatch, value, message):
    monkeypatch.setenv("BOT_DATA_KEY", value)
    monkeypatch.setenv("BOT_ENV", "development")  # an invalid key is never silently replaced
    with pytest.raises(KeyConfigurationError, match=message):
        load_key()


def test_development_mode_creates_owner_only_key_file_and_warns(monkeypatch, tmp_path, caplog):
    key_file = tmp_path / "secrets" / "data.key"
    monkeypatch.delenv("BOT_DATA_KEY", raising=False)
    monkeypatch.setenv("BOT_ENV", "development")
    monkeypatch.setenv("BOT_DATA_KEY_FILE", str(key_file))
    with caplog.at_level(logging.WARNING, logger="bot.privacy.crypto"):
        first = load_key()
    assert len(first) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert any("created a local data key" in r.getMessage() for r in caplog.records)
    assert load_key() == first  # reused, not regenerated


def test_development_key_file_readable_by_others_is_refused(monkeypatch, tmp_path):
    key_file = tmp_path / "data.key"
    key_file.write_text(generate_key())
    os.chmod(key_file, 0o644)
    monkeypatch.delenv("BOT_DATA_KEY", raising=False)
    monkeypatch.setenv("BOT_ENV", "development")
    monkeypatch.setenv("BOT_DATA_KEY_FILE", str(key_file))
    with pytest.raises(KeyConfigurationError, match="chmod 600"):
        load_key()


def test_keygen_prints_a_usable_key():
    from bot.staff import keygen_cli

    class Out:
        text = ""

        def write(self, s):
            self.text += s

    out = Out()
    assert keygen_cli.run(None, out) == 0
    assert len(base64.b64decode(out.text.strip())) == 32
    assert crypto.Cipher(base64.b64decode(out.text.strip()))


def test_keygen_command_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "keygen"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert len(base64.b64decode(result.stdout.strip())) == 32
