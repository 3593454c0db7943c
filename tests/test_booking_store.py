"""The consultation-request store: encrypted at rest, exactly once, honest failures."""

import base64
import os
import sqlite3
import stat
import threading

import pytest

from bot.booking.store import NewRequest, RequestNotFound, RequestStore, StorageError
from bot.privacy.crypto import Cipher, DecryptionError, generate_key

NAME = "Evelyn Hartwell-Quinn"
PHONE = "+13125550199"
EMAIL = "evelyn.hq@example.org"


def make_request(**overrides) -> NewRequest:
    fields = dict(
        full_name=NAME,
        contact=PHONE,
        contact_kind="phone",
        preferred_time="weekday mornings before my shift",
        preferred_time_normalized="weekdays morning",
        location_id="main",
        sender_id="web-7f3a9c",
        channel="rest",
    )
    fields.update(overrides)
    return NewRequest(**fields)


@pytest.fixture
def cipher():
    return Cipher(base64.b64decode(generate_key()))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "requests.db"


@pytest.fixture
def store(db_path, cipher):
    store = RequestStore(url=f"sqlite:///{db_path}", cipher=cipher)
    yield store
    store.dispose()


def test_submit_then_read_back_decrypted(store):
    stored, created = store.submit(make_request(), "key-1")
    assert created
    assert stored.id == 1 and stored.status == "new"
    again = store.get(stored.id)
    assert (again.full_name, again.contact, again.contact_kind) == (NAME, PHONE, "phone")
    assert again.preferred_time == "weekday mornings before my shift"
    assert again.preferred_time_normalized == "weekdays morning"
    assert again.location_id == "main"
    assert again.created_at.tzinfo is not None


def test_raw_database_file_holds_no_personal_data(store, db_path):
    store.submit(make_request(), "key-1")
    store.submit(make_request(contact=EMAIL, contact_kind="email", sender_id="sms-1"), "key-2")
    store.dispose()
    raw = db_path.read_bytes()
    for secret in (
        NAME,
        "Evelyn",
        "Hartwell",
        PHONE,
        "3125550199",
        EMAIL,
        "evelyn.hq",
        "before my shift",
        "web-7f3a9c",
    ):
        assert secret.encode() not in raw, secret
    # ...and the rows really are there, as ciphertext.
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select name_encrypted, contact_kind from consultation_requests"
        ).fetchall()
    assert [kind for _, kind in rows] == ["phone", "email"]
    assert all(token.startswith("v2.") for token, _ in rows)


def test_database_file_is_owner_only(store, db_path):
    store.submit(make_request(), "key-1")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_conversation_is_referenced_by_keyed_hash(store, cipher):
    stored, _ = store.submit(make_request(sender_id="web-7f3a9c"), "key-1")
    assert stored.conversation_ref == cipher.keyed_hash("web-7f3a9c", "conversation")
    assert "7f3a9c" not in stored.conversation_ref


def test_retried_submit_returns_the_same_request(store):
    first, created_first = store.submit(make_request(), "conv-1:run-1")
    second, created_second = store.submit(make_request(), "conv-1:run-1")
    assert created_first and not created_second
    assert second.id == first.id
    assert store.count() == 1
    third, created_third = store.submit(make_request(), "conv-1:run-2")
    assert created_third and third.id != first.id
    assert store.count() == 2


def test_concurrent_retries_store_once(db_path, cipher):
    # Several processes' worth of stores racing on the same key: the UNIQUE constraint decides.
    stores = [RequestStore(url=f"sqlite:///{db_path}", cipher=cipher) for _ in range(6)]
    stores[0].count()  # create the table before the race
    results, errors = [], []
    barrier = threading.Barrier(len(stores))

    def submit(store):
        barrier.wait()
        try:
            results.append(store.submit(make_request(), "same-key"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({req.id for req, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert stores[0].count() == 1
    for s in stores:
        s.dispose()


def test_list_filter_mark_contacted_and_delete(store):
    a, _ = store.submit(make_request(), "a")
    b, _ = store.submit(make_request(full_name="Omar Haddad", sender_id="x"), "b")
    assert [r.id for r in store.list()] == [a.id, b.id]
    marked = store.mark_contacted(a.id)
    assert marked.status == "contacted" and marked.contacted_at is not None
    assert [r.id for r in store.list(status="new")] == [b.id]
    assert [r.id for r in store.list(status="contacted")] == [a.id]
    store.delete(a.id)
    assert [r.id for r in store.list()] == [b.id]
    with pytest.raises(RequestNotFound):
        store.get(a.id)
    with pytest.raises(RequestNotFound):
        store.delete(a.id)


def test_deleted_request_leaves_no_ciphertext_behind(store, db_path):
    stored, _ = store.submit(make_request(), "a")
    with sqlite3.connect(db_path) as conn:
        token = conn.execute("select name_encrypted from consultation_requests").fetchone()[0]
    store.delete(stored.id)
    store.dispose()
    assert token.encode() not in db_path.read_bytes()


def test_wrong_key_cannot_read_requests(db_path, store):
    store.submit(make_request(), "a")
    other = RequestStore(url=f"sqlite:///{db_path}", cipher=Cipher(os.urandom(32)))
    with pytest.raises(DecryptionError):
        other.list()
    other.dispose()


def test_unwritable_database_raises_storage_error_without_personal_data(store, db_path):
    store.submit(make_request(), "a")
    # Another connection holds the write lock: this is what a full, read-only or busy
    # database looks like from the store's side.
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as err:
            store.submit(make_request(full_name="Omar Haddad", sender_id="y"), "b")
    finally:
        blocker.rollback()
        blocker.close()
    message = str(err.value)
    assert "Omar" not in message and PHONE not in message and "v1." not in message
    assert store.count() == 1


def test_unopenable_database_raises_storage_error(tmp_path, cipher):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the database's folder should be")
    store = RequestStore(url=f"sqlite:///{blocked}/requests.db", cipher=cipher)
    with pytest.raises(StorageError):
        store.submit(make_request(), "a")


def test_database_url_from_environment(monkeypatch, tmp_path, cipher):
    path = tmp_path / "elsewhere.db"
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{path}")
    store = RequestStore(cipher=cipher)
    store.submit(make_request(), "a")
    store.dispose()
    assert path.exists()


def test_unknown_contact_kind_is_refused(store):
    with pytest.raises(ValueError):
        store.submit(make_request(contact_kind="fax"), "a")
