"""The staff command line, run as staff run it: ``python -m bot ...`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.config import PROJECT_ROOT

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def run_bot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m bot`` with ``args``; returns the finished process (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=PROJECT_ROOT, env=ENV, timeout=600,
    )


def test_ask_json_contract(retrieval_small_index):
    result = run_bot("ask", "--json", "--index-dir", str(retrieval_small_index),
                     "how many minutes does one session take")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert {"question", "decision", "answer", "source", "score", "candidates"} <= set(data)
    assert data["question"] == "how many minutes does one session take"
    assert data["decision"] == "answer" and data["id"] == "session_length"
    assert data["source"] == "Test FAQ: Sessions" and "45 to 60 minutes" in data["answer"]
    assert isinstance(data["score"], float) and data["score"] == data["candidates"][0]["score"]
    assert all(set(c) == {"id", "score"} for c in data["candidates"])
    assert data["candidates"][0]["id"] == "session_length"


def test_ask_reads_questions_from_stdin_one_json_per_line(retrieval_small_index):
    questions = "what is the price\n\n😀😀\nwill my blood pressure rise\n"
    result = run_bot("ask", "--json", "--index-dir", str(retrieval_small_index), stdin=questions)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["question"] for r in replies] == [
        "what is the price", "😀😀", "will my blood pressure rise",
    ]
    assert replies[0]["decision"] == "clarify" and len(replies[0]["options"]) >= 2
    assert replies[0]["answer"] is None  # nothing is asserted as the answer while unsure
    assert replies[1]["decision"] == "none" and "words" in replies[1]["notice"]
    assert replies[2]["candidates"][0]["id"] == "side-effects#blood-pressure"


def test_ask_text_output_shows_decision_answer_source_and_runners_up(retrieval_small_index):
    result = run_bot(
        "ask", "--index-dir", str(retrieval_small_index), "does my blood pressure go up"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Decision: answer" in out and "Source:   Side effects explained - Blood pressure" in out
    assert "Runners-up:" in out


def test_ask_without_an_index_fails_clearly(tmp_path):
    result = run_bot("ask", "--index-dir", str(tmp_path / "none"), "hello")
    assert result.returncode == 2
    assert "no retrieval index" in result.stderr and "make index" in result.stderr


def test_index_faq_file_builds_once_then_reports_up_to_date(tmp_path):
    faq = tmp_path / "faq.jsonl"
    faq.write_text(
        json.dumps({"id": "a", "question": "Do you open on Sundays?", "answer": "No."}) + "\n"
        + json.dumps({"id": "b", "question": "Is parking free?", "answer": "Yes."}) + "\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "idx"
    first = run_bot("index", "--faq", str(faq), "--index-dir", str(index_dir), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "Indexed 2 FAQ entries" in first.stdout
    second = run_bot("index", "--faq", str(faq), "--index-dir", str(index_dir))
    assert "up to date" in second.stdout and "--force" in second.stdout
    asked = run_bot("ask", "--json", "--index-dir", str(index_dir), "is there free parking")
    assert json.loads(asked.stdout)["candidates"][0]["id"] == "b"


def test_index_faq_refuses_to_overwrite_the_clinic_index(tmp_path):
    faq = tmp_path / "faq.jsonl"
    faq.write_text(json.dumps({"id": "a", "question": "Q?", "answer": "A."}) + "\n")
    result = run_bot("index", "--faq", str(faq))
    assert result.returncode == 2 and "--index-dir" in result.stderr


def test_help_lists_every_command_quickly():
    result = run_bot("--help")
    assert result.returncode == 0
    for command in ("index", "ask", "eval", "bench"):
        assert command in result.stdout
