"""Shared pytest fixtures. Each feature adds its own fixtures here with small edits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from servers import ROOT, Assistant, start_assistant


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


# --- end to end: the real action server and Rasa server (see tests/servers.py) ---
@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """Both real servers with the project's default configuration, shared by the session."""
    workdir: Path = tmp_path_factory.mktemp("assistant")
    with start_assistant(workdir) as running:
        yield running
