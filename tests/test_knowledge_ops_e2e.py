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
        assistant.send("patient-2", "will it rain in Dallas tomorrow")
        assistant.send("patient-2", "I'd like to book a consultation")
        logs = assistant.logs()
    assert "index=" in logs  # every answer's log record names the index version

    html = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; from bot.report import add_parser; import argparse; "
         "p = argparse.ArgumentParser(); add_parser(p.add_subparsers()); "
         "a = p.parse_args(sys.argv[1:]); sys.exit(a.handler(a))",
         "report", "--tracker-store", f"sqlite:///{db}", "--html", str(html)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "how_fast_it_works" in out.split("Answers per entry:")[1]
    gaps = out.split("grouped by meaning")[1].split("Answers per entry:")[0]
    assert "x2" in gaps and "Dallas" in gaps  # both weather questions, one group
    assert "Bookings: started 1" in out
    assert "<svg" in html.read_text(encoding="utf-8")
