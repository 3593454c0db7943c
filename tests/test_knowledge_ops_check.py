"""The knowledge check finds the problems staff must fix, and fails CI on errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from bot.staff.check import CheckSettings, run_check
from bot.staff.cli import main


def entry(entry_id, question, paraphrases, answer, source="Patient FAQ", reviewed="2026-11-20"):
    record = {"id": entry_id, "question": question, "paraphrases": paraphrases,
              "answer": answer, "reviewed": reviewed}
    if source is not None:
        record["source"] = source
    return record


CLEAN = [
    entry("parking", "Where can I park my car?", ["is there parking", "car park near you"],
          "Free parking is behind the building."),
    entry("wheelchair", "Is the clinic wheelchair accessible?", ["step free access"],
          "There is a ramp and a lift."),
    entry("session_length", "How long does a ketamine session take?",
          ["how many minutes is one treatment"], "About 45 to 60 minutes in the chair."),
]


def knowledge(tmp_path: Path, records: list[dict], article: str | None = None) -> Path:
    directory = tmp_path / "knowledge"
    directory.mkdir(parents=True)
    (directory / "faq.yml").write_text(yaml.safe_dump(records, sort_keys=False), encoding="utf-8")
    if article:
        (directory / "articles").mkdir()
        (directory / "articles" / "guide.md").write_text(article, encoding="utf-8")
    return directory


def run_cli(*argv: str) -> int:
    """``python -m bot check ...`` through the staff command line's registry."""
    return main(["check", *argv])


def by_check(report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.check, set()).add(finding.entry)
    return found


def test_clean_knowledge_passes(tmp_path, capsys):
    directory = knowledge(tmp_path, CLEAN)
    report = run_check(directory, CheckSettings())
    assert report.findings == [] and report.passed
    assert run_cli("--knowledge-dir", str(directory)) == 0
    assert "0 error(s), 0 warning(s): PASSED" in capsys.readouterr().out


def test_each_problem_is_found_with_the_right_severity(tmp_path, capsys):
    long_answer = "Please call {phone} " + "and we will explain everything in detail. " * 8
    records = CLEAN + [
        # Staff copied a paraphrase of session_length into a new entry: a collision.
        entry("infusion_time", "How long does the infusion drip run?",
              ["how many minutes is one treatment"], "The drip itself runs for about 40 minutes."),
        entry("no_source", "Do you offer gift cards?", [], "We do not sell gift cards.",
              source=None),
        entry("bare_yes", "Does ketamine help with anxiety?", ["ketamine for nerves"],
              "Yes, it is used for anxiety as well as depression."),
        entry("long", "Can you explain the whole process?", [], long_answer),
        entry("old", "Do you have a waiting room?", [], "There is one.", reviewed="2024-01-15"),
        entry("typo", "How do I reach you?", [], "Call {phon} during {hours}."),
    ]
    article = "---\nid: guide\ntitle: Guide\nreviewed: 2023-02-01\n---\nSome text.\n"
    directory = knowledge(tmp_path, records, article)

    report = run_check(directory, CheckSettings(today=date(2026, 11, 24)))

    found = by_check(report)
    assert found["collision"] == {"session_length ~ infusion_time"}
    assert found["missing-source"] == {"no_source"}
    assert found["invalid"] == {"typo"}  # {phon} is not a placeholder the clinic file knows
    assert found["long-answer"] == {"long"}
    assert found["stale-review"] == {"old", "article:guide"}
    assert found["bare-yes-no"] == {"bare_yes"}
    # The copied paraphrase, asked through the real retrieval decision, is not answered
    # with (only) the entry it is listed under.
    misses = [f for f in report.findings if f.check == "paraphrase-miss"]
    assert any("how many minutes is one treatment" in f.message for f in misses)
    severities = {f.check: f.severity for f in report.findings}
    assert severities == {"collision": "error", "missing-source": "error", "invalid": "error",
                          "long-answer": "warning", "stale-review": "warning",
                          "paraphrase-miss": "warning", "bare-yes-no": "warning"}
    assert not report.passed
    assert run_cli("--knowledge-dir", str(directory), "--json", "--no-model") == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["passed"] is False and printed["errors"] == 2  # missing source, typo


def test_warnings_fail_only_in_strict_mode_and_limits_are_configurable(tmp_path):
    records = CLEAN + [entry("long", "Can you explain the whole process?", [], "word " * 80)]
    directory = knowledge(tmp_path, records)

    assert run_cli("--knowledge-dir", str(directory), "--no-model") == 0
    assert run_cli("--knowledge-dir", str(directory), "--no-model", "--strict") == 1
    assert run_cli("--knowledge-dir", str(directory), "--no-model", "--strict",
                   "--max-answer-chars", "500") == 0
    old = knowledge(tmp_path / "other", CLEAN[:1] + [
        entry("old", "Do you have a waiting room?", [], "There is one.", reviewed="2025-06-01")])
    assert run_cli("--knowledge-dir", str(old), "--no-model", "--strict") == 1
    assert run_cli("--knowledge-dir", str(old), "--no-model", "--strict",
                   "--max-review-age-days", "100000") == 0


def test_broken_files_are_reported_not_crashed_on(tmp_path, capsys):
    directory = tmp_path / "knowledge"
    directory.mkdir()
    (directory / "faq.yml").write_text("- id: a\n  question: [unclosed\n", encoding="utf-8")
    assert run_cli("--knowledge-dir", str(directory)) == 1
    out = capsys.readouterr().out
    assert "not readable as YAML" in out and "FAILED" in out


def test_crisis_responses_must_name_the_configured_numbers(tmp_path):
    import dataclasses

    from bot.config import load_clinic
    from bot.staff.check import DOMAIN_FILE, check_crisis_numbers

    profile = load_clinic()
    assert check_crisis_numbers(DOMAIN_FILE, profile) == []  # the shipped texts agree
    elsewhere = dataclasses.replace(profile, crisis_line="13 11 14", emergency_number="000")
    findings = check_crisis_numbers(DOMAIN_FILE, elsewhere)
    assert {f.entry.split(" ")[0] for f in findings} == {
        "utter_crisis", "utter_crisis_followup", "utter_safety_resources", "utter_urgent_medical",
        "utter_crisis_booking", "utter_distress_check_in", "utter_crisis_followup_reworded",
        "utter_medication_mistake", "utter_crisis_line_reached", "utter_crisis_text_options",
        "utter_what_to_tell_911", "utter_while_help_comes", "utter_emergency_no_vomiting",
        "utter_emergency_driving", "utter_emergency_no_home_remedies", "utter_emergency_naloxone",
        "utter_emergency_position", "utter_clinic_cannot_reach_out", "utter_emergency_dont_wait",
        "utter_emergency_seizure", "utter_emergency_epipen", "utter_cannot_pass_messages",
        "utter_fear_of_help", "utter_helper_going_there",
        "utter_helper_police", "utter_helper_blocked", "utter_how_much_is_too_much",
        "utter_emergency_what_to_tell", "utter_emoji_safety_check"}
    assert all(f.severity == "error" for f in findings)
    assert "13 11 14" in findings[0].message or "000" in findings[0].message
