"""Start the real action server and the real Rasa server for end-to-end tests.

Reusable by every feature's end-to-end tests::

    from servers import start_assistant

    with start_assistant(tmp_path, extra_env={"BOT_DATABASE_URL": ...}) as assistant:
        replies = assistant.send("user-1", "hello")

or through the ``assistant`` fixture in conftest.py (default configuration, shared per session).
Both servers bind to 127.0.0.1 on free ports, use fresh copies of credentials.yml/endpoints.yml
(overridable), keep conversations in memory (a clean state on every start), and write their logs
to files the test can read (``assistant.logs()``), e.g. to check that no personal data is logged.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import (  # noqa: F401 - re-exported for the test modules
    ACTION_PYTHON,
    RASA,
    action_server_command,
    action_server_healthy,
    free_port,
    rasa_command,
    spawn,
    wait_until,
)
from benchmarks.harness import stop as _stop

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "clinic.tar.gz"
START_TIMEOUT_S = float(os.environ.get("E2E_START_TIMEOUT", "300"))


# One shared secret between the action server and the Rasa server of this test run.
ACTION_SERVER_TOKEN = secrets.token_hex(16)

def post_json(url: str, payload: Any, timeout: float = 60) -> tuple[int, Any]:
    """POST ``payload`` as JSON; returns the status code and the decoded JSON body (or text)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return fetch(request, timeout)


def fetch(request: urllib.request.Request | str, timeout: float = 60) -> tuple[int, Any]:
    """Send ``request`` (or GET a URL); (status, decoded JSON or text), HTTP errors included."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        return status, body.decode("utf-8", "replace")


@dataclass
class Assistant:
    """Handles on a running pair of servers."""

    rasa_url: str
    action_url: str
    workdir: Path
    latencies: list[float] = field(default_factory=list)

    def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        """Send one message over the REST channel; returns the bot's messages, timing the call."""
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        started = time.perf_counter()
        status, body = post_json(f"{self.rasa_url}/webhooks/rest/webhook", payload)
        self.latencies.append(time.perf_counter() - started)
        assert status == 200, f"REST channel answered {status}: {body!r}"
        assert isinstance(body, list), body
        return body

    def logs(self) -> str:
        """Everything both servers have logged so far."""
        return "\n".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.workdir.glob("*.log"))
        )


def prepare_model() -> Path:
    """Build the retrieval index and train the model when their sources changed (make skips
    both when nothing did), so the servers never start from stale files."""
    subprocess.run(
        ["make", "--no-print-directory", "index", "train"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return MODEL


def _wait_until(ready, processes: Mapping[str, subprocess.Popen], logs: Path, what: str) -> None:
    wait_until(ready, processes, logs, what, START_TIMEOUT_S)


# The name the test modules use.
_action_server_healthy = action_server_healthy


def _round_trip_works(url: str) -> bool:
    # /status says "up" before a model is loaded; only a real reply proves the whole path works.
    try:
        status, body = post_json(
            f"{url}/webhooks/rest/webhook", {"sender": "readiness-probe", "message": "hello"}, 30
        )
    except (OSError, urllib.error.URLError):
        return False
    return status == 200 and isinstance(body, list) and len(body) > 0


def _ready_or_absent(url: str) -> bool:
    # 404: these credentials have no health channel; nothing more to wait for.
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=30) as response:
            return response.status == 200
    except urllib.error.HTTPError as error:
        return error.code == 404
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def start_assistant(
    workdir: Path,
    extra_env: Mapping[str, str] | None = None,
    credentials_yaml: str | None = None,
    endpoints_yaml: str | None = None,
    model: Path | None = None,
    warm_up: str | None = "what is ketamine therapy",
    wait_for_ready: bool = True,
) -> Iterator[Assistant]:
    """Start both servers in ``workdir`` (logs, config copies) and stop them afterwards.

    ``extra_env`` reaches both servers (database URLs, keys, channel secrets).
    ``credentials_yaml`` / ``endpoints_yaml`` replace the project's files (the action endpoint
    can use ``${ACTION_SERVER_URL}``, which points at this run's action server).
    ``warm_up`` is sent once (a new sender) so the retriever's one-off model load is not
    counted in the test's latencies; None skips it.
    ``wait_for_ready=False`` skips the /health/ready wait, for tests whose Rasa server is
    deliberately pointed at an action server that is not there (it would never be ready).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    model = model or prepare_model()
    action_port, rasa_port = free_port(), free_port()
    action_url = f"http://127.0.0.1:{action_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    credentials = workdir / "credentials.yml"
    endpoints = workdir / "endpoints.yml"
    credentials.write_text(credentials_yaml or (ROOT / "credentials.yml").read_text())
    endpoints.write_text(endpoints_yaml or (ROOT / "endpoints.yml").read_text())
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_URL": f"{action_url}/webhook",
        # The Rasa server presents it; the action server refuses calls without it.
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        # Booking: the action server refuses to start without a data key. Each run gets a fresh
        # key and its own requests database in the workdir, unless extra_env sets them.
        "BOT_ENV": "test",
        "BOT_DATA_KEY": base64.b64encode(os.urandom(32)).decode("ascii"),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
        **(extra_env or {}),
    }
    commands = {
        "actions": action_server_command(action_port),
        "rasa": rasa_command(rasa_port, model, credentials, endpoints),
    }
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            processes[name] = spawn(name, command, workdir, env)
        _wait_until(
            lambda: _action_server_healthy(action_url), processes, workdir, "the action server"
        )
        _wait_until(lambda: _round_trip_works(rasa_url), processes, workdir, "a round trip")
        # /health/ready loads the action server's retriever (bot/reliability/health_channel.py).
        if wait_for_ready:
            _wait_until(lambda: _ready_or_absent(rasa_url), processes, workdir, "readiness")
        assistant = Assistant(rasa_url=rasa_url, action_url=action_url, workdir=workdir)
        if warm_up:
            assistant.send("warm-up", warm_up)
            assistant.latencies.clear()
        yield assistant
    finally:
        for process in processes.values():
            _stop(process)
