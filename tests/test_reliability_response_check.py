"""The compiled check of the action server's answers (bot/reliability/response_check.py), run
in the Rasa environment: it accepts and refuses exactly what Rasa's own check does, with the
same message, and it is what RemoteAction uses once installed."""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

pytestmark = pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs .venv-rasa")

SCRIPT = textwrap.dedent("""
    import json, sys
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from bot.reliability.response_check import install_compiled_response_check

    cases = json.load(sys.stdin)
    action = RemoteAction("action_answer_question", None)

    def outcome(check, case):
        try:
            return {"ok": check(action, case)}
        except ValidationError as error:
            return {"error": error.message}

    original = RemoteAction._validate_action_result
    before = [outcome(original, case) for case in cases]
    install_compiled_response_check()
    after = [outcome(RemoteAction._validate_action_result, case) for case in cases]
    print(json.dumps({"before": before, "after": after,
                      "installed": RemoteAction._validate_action_result is not original}))
""")

CASES = [
    {"events": [{"event": "slot", "name": "human_offered", "value": False}],
     "responses": [{"text": "A session lasts about an hour.", "buttons": []}]},
    {"events": [], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"name": "no event type"}], "responses": []},
    {"events": [], "responses": [{"text": 5}]},
]


def test_the_compiled_check_decides_exactly_as_rasa_s_own():
    result = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], input=json.dumps(CASES),
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["installed"]
    assert report["after"] == report["before"]
    assert report["before"][0] == {"ok": True} and report["before"][1] == {"ok": True}
    refused = [r for r in report["before"] if "error" in r]
    assert len(refused) >= 2
    assert all("Failed to validate Action server response" in r["error"] for r in refused)
