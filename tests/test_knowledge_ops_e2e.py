"""A real Rasa run with a SQLite tracker store, then the staff report over it.

Both real servers (tests/servers.py); Rasa writes the conversation to its own SQL tracker store;
the report must see the decisions the answer action attached to its messages.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from servers import ROOT, start_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_real_conversation_shows_up_in_the_report(tmp_path):
    db = tmp_path / "rasa.db"
    endpoints = (ROOT / "endpoints.yml").read_text(encoding="utf-8") + (
        f"\ntracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n"
    )
    env = {"BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'requests.db'}"}
    with start_assistant(tmp_path / "run", extra_env=env, endpoints_yaml=endpoints) as assistant:
        assistant.send("patient-1", "how quickly does ketamine start to work")
        assistant.send("patient-1", "what's the weather in Dallas tomorrow")
        assistant.send("patient-2", "I'd like to book a consultation")
        logs = assistant.logs()

    html = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--tracker-store", f"sqlite:///{db}",
         "--html", str(html)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "how_fast_it_works" in out.split("Answers per entry:")[1]
    gaps = out.split("grouped by meaning")[1].split("Answers per entry:")[0]
    assert "weather in Dallas tomorrow" in gaps and "x1  (none 1;" in gaps
    assert "Bookings: started 1, submitted 0" in out
    assert "Crisis: 0 crisis messages" in out
    assert "<svg" in html.read_text(encoding="utf-8")
    # Every answer's log record names the index version it was answered from. The action
    # server's Sanic workers must have logging configured for the record to reach the log.
    assert "retrieval decision=answer best=how_fast_it_works" in logs, "no INFO log from actions"
    assert "index=" in logs
