"""Shared pytest fixtures. Each feature adds its own fixtures here with small edits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from servers import ROOT, Assistant, start_assistant
from webchat_browser import browser, sites  # noqa: F401 (the widget's browser and pages)


# --- actions: the real domain and trackers as Rasa sends them to the action server ---
@pytest.fixture(scope="session")
def domain() -> dict:
    """The project's domain.yml, as the action server receives it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict] | None = None,
    slots: dict | None = None,
    events: list[dict] | None = None,
    sender_id: str = "test-user",
) -> Tracker:
    """A tracker whose latest user message is ``text`` classified as ``intent``."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
    }
    return Tracker(
        sender_id=sender_id,
        slots=dict(slots or {}),
        latest_message=latest,
        events=list(events or []),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def tracker_for():
    """Build trackers for action tests: ``tracker_for("hi", intent="greet")``."""
    return make_tracker


# --- channels: credentials.yml reads the SMS and widget settings from the environment ---
def pytest_configure(config: pytest.Config) -> None:
    """Fixed channel secrets and origins for every server this test run starts."""
    from channel_clients import channel_settings

    os.environ.update(channel_settings().environment())
    # The suite is one client on one address holding conversations far faster than any person
    # types; tests/test_reliability_rate_limits.py starts its servers with the product's limits.
    os.environ.update({"RATE_LIMIT_PER_CONVERSATION": "100000/60",
                       "RATE_LIMIT_PER_ADDRESS": "100000/60"})


# --- where the test time goes: seconds per test module (setup, call and teardown) ---
_MODULE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each phase's duration to its module's total."""
    module = report.nodeid.split("::", 1)[0]
    _MODULE_SECONDS[module] = _MODULE_SECONDS.get(module, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    """The ten modules that took longest (the budget of the README is for the whole run)."""
    if not _MODULE_SECONDS:
        return
    terminalreporter.section("seconds per test module, ten slowest")
    total = sum(_MODULE_SECONDS.values())
    for module, seconds in sorted(_MODULE_SECONDS.items(), key=lambda kv: -kv[1])[:10]:
        terminalreporter.write_line(f"{seconds:7.1f} s {seconds / total:6.1%}  {module}")


# --- end to end: the real action server and Rasa server (see tests/servers.py) ---
@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """Both real servers with the project's default configuration, shared by the session."""
    workdir: Path = tmp_path_factory.mktemp("assistant")
    with start_assistant(workdir) as running:
        yield running


# --- retrieval: the real model and small real indexes, built once per session ---
RETRIEVAL_FAQ = """
- id: session_length
  question: How long does a session take?
  paraphrases: ["how many minutes is one treatment", "duration of an infusion visit"]
  answer: A session lasts about 45 to 60 minutes. Call {clinic_name} on {phone} with questions.
  source: "Test FAQ: Sessions"
  reviewed: 2026-11-20
- id: cost
  question: How much does treatment cost?
  paraphrases: ["what is the price", "how expensive is it"]
  answer: Prices are not listed here; the clinic team can tell you the current fees.
  source: "Test FAQ: Getting started"
- id: cost_twin
  question: How much does treatment cost?
  paraphrases: ["what is the price", "how expensive is it"]
  answer: Prices are not listed here; the clinic team can tell you the current fees.
  source: "Test FAQ: Getting started (twin)"
"""
RETRIEVAL_ARTICLE = """---
id: side-effects
title: Side effects explained
reviewed: 2026-11-20
---
Most side effects are mild and short-lived.

## Nausea and dizziness

Some people feel sick or dizzy during a session. These feelings fade within hours.

## Blood pressure

Blood pressure can rise during a session, so staff check it before, during and after.
"""


@pytest.fixture(scope="session")
def retrieval_encoder():
    """The real packaged MiniLM encoder, loaded once for the whole test session."""
    from bot.retrieval.embedding import get_encoder

    encoder = get_encoder()
    encoder.encode(["warm up"])
    return encoder


@pytest.fixture(scope="session")
def retrieval_small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny knowledge directory: three FAQ entries and one article.

    ``cost`` and ``cost_twin`` are identical apart from id and source: an exact tie.
    """
    root = tmp_path_factory.mktemp("retrieval-kb")
    (root / "articles").mkdir()
    (root / "faq.yml").write_text(RETRIEVAL_FAQ, encoding="utf-8")
    (root / "articles" / "side-effects.md").write_text(RETRIEVAL_ARTICLE, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def retrieval_small_index(tmp_path_factory, retrieval_small_kb, retrieval_encoder) -> Path:
    """A real FAISS index of ``retrieval_small_kb``; returns its directory."""
    from bot.retrieval.index import build_index
    from bot.retrieval.knowledge import load_knowledge

    index_dir = tmp_path_factory.mktemp("retrieval-index") / "index"
    build_index(load_knowledge(retrieval_small_kb), index_dir, retrieval_encoder, progress=False)
    return index_dir


# --- performance: tests never read or write the project's embedding cache (var/cache) ---
@pytest.fixture(scope="session")
def clinic_retriever(tmp_path_factory, retrieval_encoder):
    """A fresh index of the clinic's knowledge (independent of var/index)."""
    from bot.retrieval.index import build_index
    from bot.retrieval.knowledge import load_knowledge
    from bot.retrieval.retriever import Retriever

    index_dir = tmp_path_factory.mktemp("clinic-eval") / "index"
    build_index(load_knowledge(), index_dir, retrieval_encoder, progress=False)
    return Retriever.load(index_dir, encoder=retrieval_encoder)


@pytest.fixture(scope="session", autouse=True)
def _private_embedding_cache(tmp_path_factory) -> Iterator[None]:
    """Index builds in tests embed into a per-session cache, so a test never gets vectors
    from (or leaves vectors in) the cache `make index` uses."""
    previous = os.environ.get("BOT_EMBEDDING_CACHE")
    os.environ["BOT_EMBEDDING_CACHE"] = str(tmp_path_factory.mktemp("embedding-cache"))
    yield
    if previous is None:
        os.environ.pop("BOT_EMBEDDING_CACHE", None)
    else:
        os.environ["BOT_EMBEDDING_CACHE"] = previous
