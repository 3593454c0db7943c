"""Data keys: key ids, a key ring, HKDF subkeys, values bound to their row, ``bot rotate-key``.

The rotation test does what docs/booking.md tells an operator to do, on real stores: requests
and conversations written under key A (plus a conversation event from before sealing, in clear,
as Rasa's own store wrote it), the servers' key changed to B with A kept as previous, then
``python -m bot rotate-key``; afterwards A leaves the ring and staff still read everything.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.booking.store import NewRequest, RequestStore
from bot.privacy.crypto import (
    Cipher,
    DecryptionError,
    KeyConfigurationError,
    _cached_cipher,
    generate_key,
    get_cipher,
)

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
WRITER = Path(__file__).with_name("rasa_tracker_writer.py")


def raw(key: str) -> bytes:
    return base64.b64decode(key)


def legacy_token(master: bytes, plaintext: str, field: str) -> str:
    """A value as the first format stored it (the data key used directly, field-bound only)."""
    nonce = os.urandom(12)
    sealed = AESGCM(master).encrypt(nonce, plaintext.encode(), f"clinic-bot/v1/{field}".encode())
    return "v1." + base64.urlsafe_b64encode(nonce + sealed).decode()


# --- the ring ------------------------------------------------------------------------------


def test_tokens_name_their_key_and_the_aes_key_is_not_the_data_key():
    key = raw(generate_key())
    cipher = Cipher(key)
    token = cipher.encrypt("Jane Doe", "full_name", "row-1")
    version, key_id, body = token.split(".")
    assert (version, key_id) == ("v2", cipher.key_id) and len(key_id) == 12
    assert key.hex()[:12] != key_id  # the id is derived, it reveals nothing of the key
    blob = base64.urlsafe_b64decode(body)
    aad = f"clinic-bot/v2/{key_id}/full_name/row-1".encode()
    with pytest.raises(InvalidTag):  # the AES key is an HKDF subkey, not the data key
        AESGCM(key).decrypt(blob[:12], blob[12:], aad)


def test_a_value_moved_to_another_row_does_not_decrypt():
    cipher = Cipher(raw(generate_key()))
    token = cipher.encrypt("Jane Doe", "full_name", "request-a")
    assert cipher.decrypt(token, "full_name", "request-a") == "Jane Doe"
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, "full_name", "request-b")


def test_previous_keys_decrypt_and_only_the_active_key_encrypts():
    old, new = raw(generate_key()), raw(generate_key())
    before = Cipher(old).encrypt("+12145550142", "contact", "r1")
    ring = Cipher(new, previous=[old])
    assert ring.decrypt(before, "contact", "r1") == "+12145550142"
    assert not ring.is_current(before)
    after = ring.encrypt("+12145550142", "contact", "r1")
    assert ring.is_current(after) and after.split(".")[1] == Cipher(new).key_id
    with pytest.raises(DecryptionError, match="not in the key ring"):
        Cipher(new).decrypt(before, "contact", "r1")  # the old key left the ring too soon


def test_values_of_the_first_format_are_still_read_with_any_key_of_the_ring():
    old, new = raw(generate_key()), raw(generate_key())
    stored = legacy_token(old, "Jane Doe", "full_name")
    assert Cipher(new, previous=[old]).decrypt(stored, "full_name", "any-row") == "Jane Doe"
    with pytest.raises(DecryptionError):
        Cipher(old).decrypt(stored, "contact")  # still bound to its field


def test_pseudonyms_survive_a_key_change_and_a_ring_without_them_is_refused(monkeypatch):
    old, new = generate_key(), generate_key()
    before = Cipher(raw(old)).keyed_hash("web-123", "conversation")
    after = Cipher(raw(new), [raw(old)], pseudonym_key=raw(old))
    assert after.keyed_hash("web-123", "conversation") == before

    _cached_cipher.cache_clear()
    monkeypatch.setenv("BOT_DATA_KEY", new)
    monkeypatch.setenv("BOT_DATA_KEYS_PREVIOUS", old)
    monkeypatch.delenv("BOT_PSEUDONYM_KEY", raising=False)
    with pytest.raises(KeyConfigurationError, match="BOT_PSEUDONYM_KEY"):
        get_cipher()
    monkeypatch.setenv("BOT_PSEUDONYM_KEY", old)
    assert get_cipher().keyed_hash("web-123", "conversation") == before
    monkeypatch.setenv("BOT_DATA_KEYS_PREVIOUS", "not-a-key")
    with pytest.raises(KeyConfigurationError, match="BOT_DATA_KEYS_PREVIOUS entry 1"):
        get_cipher()
    _cached_cipher.cache_clear()


# --- rotate-key on real stores -----------------------------------------------------------


def bot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env=env)  # fmt: skip


def write_conversations(db: Path, key: str, conversations: dict) -> None:
    subprocess.run(
        [str(RASA_PYTHON), str(WRITER), str(db)],
        input=json.dumps({"conversations": conversations}), text=True, check=True,
        capture_output=True, timeout=300, cwd=ROOT,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": str(ROOT), "BOT_DATA_KEY": key},
    )  # fmt: skip


def stored_values(requests_db: Path, tracker_db: Path) -> list[str]:
    with sqlite3.connect(requests_db) as db:
        values = [v for row in db.execute(
            "select name_encrypted, contact_encrypted, preferred_time_encrypted "
            "from consultation_requests") for v in row]  # fmt: skip
    with sqlite3.connect(tracker_db) as db:
        values += [row[0] for row in db.execute("select data from events")]
    return values


def test_rotate_key_moves_every_value_to_the_new_key(tmp_path):
    key_a, key_b = generate_key(), generate_key()
    requests_db, tracker_db = tmp_path / "requests.db", tmp_path / "rasa.db"
    base = {**os.environ, "BOT_ENV": "production",
            "BOT_DATABASE_URL": f"sqlite:///{requests_db}",
            "BOT_TRACKER_DB_URL": f"sqlite:///{tracker_db}"}  # fmt: skip
    for name in ("BOT_DATA_KEYS_PREVIOUS", "BOT_PSEUDONYM_KEY"):
        base.pop(name, None)

    # Under key A: two requests (one of them in the first token format), two conversations.
    store_a = RequestStore(url=base["BOT_DATABASE_URL"], cipher=Cipher(raw(key_a)))
    for i, (name, contact) in enumerate([("Quentin Marlowe", "+12145550142"),
                                         ("Ottilie Brandvold", "ob@example.org")]):  # fmt: skip
        store_a.submit(NewRequest(name, contact, "email" if "@" in contact else "phone",
                                  "weekday mornings", None, "main", f"web-{i}", "webchat"),
                       f"attempt-{i}")  # fmt: skip
    ref_before = store_a.conversation_ref("web-0")
    store_a.dispose()
    with sqlite3.connect(requests_db) as db:
        db.execute("update consultation_requests set name_encrypted = ? where idempotency_key = ?",
                   (legacy_token(raw(key_a), "Ottilie Brandvold", "full_name"), "attempt-1"))
    write_conversations(tracker_db, key_a, {
        "web-0": [{"user": "what does a consultation involve", "intent": "ask_question"},
                  {"action": "action_answer_question"}, {"bot": {"text": "It takes an hour."}}],
        "web-1": [{"user": "I'd like to book", "intent": "book_consultation"}],
    })
    with sqlite3.connect(tracker_db) as db:  # a row from before sealing, as Rasa wrote it
        db.execute("insert into events (sender_id, type_name, timestamp, data) values (?,?,?,?)",
                   ("web-1", "user", 1.0, json.dumps({"event": "user", "text": "old plain row"})))
    count = len(stored_values(requests_db, tracker_db))

    # The operator's steps: B encrypts, A stays readable, pseudonyms stay A's.
    ring = {**base, "BOT_DATA_KEY": key_b, "BOT_DATA_KEYS_PREVIOUS": key_a,
            "BOT_PSEUDONYM_KEY": key_a}  # fmt: skip
    dry = bot(ring, "rotate-key", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would re-encrypt 6 values" in dry.stdout
    assert len(stored_values(requests_db, tracker_db)) == count  # nothing changed
    done = bot(ring, "rotate-key")
    assert done.returncode == 0, done.stderr
    id_b = Cipher(raw(key_b)).key_id
    assert f"active key: {id_b}" in done.stdout
    assert "consultation requests: re-encrypted 6 values" in done.stdout
    assert f"re-encrypted {count - 6} events (1 were in clear)" in done.stdout
    assert all(v.startswith(f"v2.{id_b}.") for v in stored_values(requests_db, tracker_db))
    again = bot(ring, "rotate-key")
    assert "re-encrypted 0 values" in again.stdout and "re-encrypted 0 events" in again.stdout

    # Key A leaves the ring: staff still read every request and conversation.
    only_b = {**base, "BOT_DATA_KEY": key_b, "BOT_PSEUDONYM_KEY": key_a}
    listed = bot(only_b, "requests", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "Quentin Marlowe" in listed.stdout and "Ottilie Brandvold" in listed.stdout
    report = bot(only_b, "report", "--json", "--html", str(tmp_path / "r.html"))
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["user_messages"] == 3
    _cached_cipher.cache_clear()
    store_b = RequestStore(url=base["BOT_DATABASE_URL"],
                           cipher=Cipher(raw(key_b), pseudonym_key=raw(key_a)))  # fmt: skip
    assert store_b.conversation_ref("web-0") == ref_before  # forget still finds them
    store_b.dispose()


def test_rotate_key_stops_on_a_value_no_key_of_the_ring_can_read(tmp_path):
    requests_db = tmp_path / "requests.db"
    store = RequestStore(url=f"sqlite:///{requests_db}", cipher=Cipher(raw(generate_key())))
    store.submit(NewRequest("Jane Roe", "+12145550100", "phone", "mornings", None, "main",
                            "web-9", "webchat"), "attempt-9")  # fmt: skip
    store.dispose()
    env = {**os.environ, "BOT_ENV": "production", "BOT_DATA_KEY": generate_key(),
           "BOT_DATABASE_URL": f"sqlite:///{requests_db}"}  # fmt: skip
    for name in ("BOT_DATA_KEYS_PREVIOUS", "BOT_PSEUDONYM_KEY", "BOT_TRACKER_DB_URL"):
        env.pop(name, None)
    done = bot(env, "rotate-key")
    assert done.returncode == 1 and "cannot be read with the key ring" in done.stderr
    assert "Jane" not in done.stderr + done.stdout
    assert done.stdout == ""
