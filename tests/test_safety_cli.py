"""``python -m bot safety`` prints the panel numbers and fails when a target is missed."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "safety", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_prints_recall_false_positives_and_refusals():
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recall" in result.stdout
    assert "false-positive rate" in result.stdout
    assert "refusal rate" in result.stdout


def test_json_output_has_one_row_per_panel():
    result = run("--json")
    data = json.loads(result.stdout)
    files = {row["file"] for row in data["panels"]}
    assert {"crisis.yml", "not_crisis.yml", "medical_advice.yml"} <= files
    crisis = next(r for r in data["panels"] if r["file"] == "crisis.yml")
    assert crisis["value"] == 1.0 and crisis["n"] >= 90


def test_exit_status_is_one_when_recall_is_not_total(tmp_path):
    panel = tmp_path / "crisis_extra.yml"
    panel.write_text("panel: t\nexpect: crisis\nmessages:\n  - {text: 'what time do you open'}\n")
    result = run("--panels", str(panel), "--show-misses")
    assert result.returncode == 1
    assert "miss: what time do you open" in result.stdout
