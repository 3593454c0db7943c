"""The same store code on a real PostgreSQL server (a throwaway cluster on 127.0.0.1).

Skipped only when PostgreSQL's server binaries are not installed.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import free_port

from bot.booking.store import NewRequest, RequestStore
from bot.privacy.crypto import Cipher, generate_key

pytestmark = pytest.mark.slow


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None




@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    initdb, server = _pg_bin("initdb"), _pg_bin("postgres")
    if not initdb or not server:
        pytest.skip("PostgreSQL server binaries are not installed")
    pytest.importorskip("psycopg")
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="booking-pg-"))
    data = base / "data"
    # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    made = subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    port = free_port()
    log = open(base / "server.log", "wb")
    process = subprocess.Popen(
        [*as_user, server, "-D", str(data), "-p", str(port), "-k", str(base),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    import psycopg

    deadline = time.monotonic() + 60
    while True:
        try:
            psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres").close()
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                pytest.fail((base / "server.log").read_text())
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()
    shutil.rmtree(base, ignore_errors=True)


def request(**overrides) -> NewRequest:
    fields = dict(
        full_name="Evelyn Hartwell-Quinn",
        contact="evelyn.hq@example.org",
        contact_kind="email",
        preferred_time="Dec 3 after 2pm",
        preferred_time_normalized="2026-12-03 after 14:00",
        location_id="main",
        sender_id="web-1",
    )
    fields.update(overrides)
    return NewRequest(**fields)


def test_postgres_round_trip_exactly_once_and_encrypted(postgres_url):
    import psycopg

    cipher = Cipher(base64.b64decode(generate_key()))
    store = RequestStore(url=postgres_url, cipher=cipher)
    first, created = store.submit(request(), "run-1")
    again, created_again = store.submit(request(), "run-1")
    assert created and not created_again and again.id == first.id
    second, _ = store.submit(request(full_name="Omar Haddad", sender_id="web-2"), "run-2")
    assert [r.full_name for r in store.list()] == ["Evelyn Hartwell-Quinn", "Omar Haddad"]
    assert store.mark_contacted(second.id).status == "contacted"
    store.delete(first.id)
    assert [r.id for r in store.list()] == [second.id]
    store.dispose()

    plain_url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain_url) as conn:
        rows = conn.execute("select * from consultation_requests").fetchall()
    dumped = repr(rows)
    assert "Omar" not in dumped and "Haddad" not in dumped and "example.org" not in dumped
    assert f"v2.{cipher.key_id}." in dumped
