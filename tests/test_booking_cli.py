"""The staff command line: python -m bot requests list|show|export|mark-contacted|delete."""

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.booking.store import NewRequest, RequestStore
from bot.privacy.crypto import generate_key

ROOT = Path(__file__).resolve().parent.parent

PATIENTS = [
    ("Evelyn Hartwell-Quinn", "+13125550199", "phone", "weekday mornings", "weekdays morning"),
    ("Omar Haddad", "omar.h@example.org", "email", "Dec 3 after 2pm", "2026-12-03 after 14:00"),
]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A database with two requests and the environment the staff command needs to read it."""
    values = {
        "BOT_DATA_KEY": generate_key(),
        "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'requests.db'}",
        "BOT_ENV": "production",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    store = RequestStore()
    for i, (name, contact, kind, said, normalized) in enumerate(PATIENTS):
        store.submit(
            NewRequest(name, contact, kind, said, normalized, "main", f"sender-{i}", "rest"),
            f"key-{i}",
        )
    store.dispose()
    return {**os.environ, **values, "PYTHONPATH": str(ROOT)}


def bot_command(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "bot", "requests", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_list_shows_decrypted_requests(env):
    result = bot_command(env, "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert "Evelyn Hartwell-Quinn" in lines[0] and "+13125550199" in lines[0]
    assert "Omar Haddad" in lines[1] and "omar.h@example.org" in lines[1]


def test_list_json_is_one_object_per_line(env):
    result = bot_command(env, "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["full_name"] for r in rows] == ["Evelyn Hartwell-Quinn", "Omar Haddad"]
    assert rows[0]["contact"] == "+13125550199" and rows[0]["contact_kind"] == "phone"
    assert rows[1]["preferred_time"] == "Dec 3 after 2pm"
    assert rows[1]["preferred_time_normalized"] == "2026-12-03 after 14:00"
    assert all(r["status"] == "new" for r in rows)


def test_show_one_request(env):
    result = bot_command(env, "show", "2")
    assert result.returncode == 0, result.stderr
    assert "Omar Haddad" in result.stdout and "omar.h@example.org" in result.stdout
    assert "Evelyn" not in result.stdout
    missing = bot_command(env, "show", "99")
    assert missing.returncode == 1 and "No consultation request with id 99" in missing.stderr


def test_export_csv_and_json(env, tmp_path):
    result = bot_command(env, "export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["full_name"] for r in rows] == ["Evelyn Hartwell-Quinn", "Omar Haddad"]
    assert rows[1]["contact"] == "omar.h@example.org"

    out = tmp_path / "export.json"
    result = bot_command(env, "export", "--format", "json", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds personal data
    data = json.loads(out.read_text())
    assert [r["contact"] for r in data] == ["+13125550199", "omar.h@example.org"]


def test_mark_contacted_and_delete(env):
    assert bot_command(env, "mark-contacted", "1").returncode == 0
    rows = [json.loads(line) for line in bot_command(env, "list", "--json").stdout.splitlines()]
    assert [r["status"] for r in rows] == ["contacted", "new"]
    new_only = bot_command(env, "list", "--status", "new", "--json").stdout.splitlines()
    assert [json.loads(line)["id"] for line in new_only] == [2]

    assert bot_command(env, "delete", "1").returncode == 0
    rows = [json.loads(line) for line in bot_command(env, "list", "--json").stdout.splitlines()]
    assert [r["id"] for r in rows] == [2]


def test_wrong_or_missing_key_is_a_clear_error(env):
    wrong = bot_command({**env, "BOT_DATA_KEY": generate_key()}, "list")
    assert wrong.returncode == 2
    assert "not in the key ring" in wrong.stderr
    assert "Evelyn" not in wrong.stdout + wrong.stderr
    missing = bot_command({**env, "BOT_DATA_KEY": ""}, "list")
    assert missing.returncode == 2 and "BOT_DATA_KEY is not set" in missing.stderr


def test_spreadsheet_formulas_are_shown_as_text_not_run():
    from bot.staff.requests_cli import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("http://evil.example","x")').startswith("'=")
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-2+3") == "'-2+3"
    assert spreadsheet_safe("+15555550123") == "+15555550123"  # a stored phone number
    assert spreadsheet_safe("weekday mornings") == "weekday mornings"
