"""Real servers with the handles fault tests need, and a fault-injecting proxy.

``tests/servers.py`` starts the pair as one unit; fault tests must kill the action server, put
a proxy between the two, or start the Rasa server with a broken model, so they start each
process themselves (same commands, same environment, logs in the test's directory).

:class:`FaultProxy` sits between the Rasa server and the real action server and, on command,
answers 500, answers late, or forwards untouched: the failure is real HTTP on a real socket,
and every other part runs for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from servers import (
    ACTION_SERVER_TOKEN,
    ROOT,
    _action_server_healthy,
    _stop,
    _wait_until,
    action_server_command,
    fetch,
    free_port,
    post_json,
    prepare_model,
    spawn,
)
from servers import rasa_command as _rasa_command

API_TOKEN = "reliability-test-token"
# A trained model to use instead of `make train` (e.g. a copy, while others retrain): iteration
# only; CI leaves it unset so the tests run on a model of the current sources.
MODEL_ENV = "RELIABILITY_MODEL"


def model_for_tests() -> Path:
    """The model the servers load: ``$RELIABILITY_MODEL``, else a fresh ``make index train``."""
    given = os.environ.get(MODEL_ENV)
    return Path(given) if given else prepare_model()


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment both servers get (as in tests/servers.py), plus ``extra``."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        **(extra or {}),
    }


def production_env(
    requests_db_url: str, tracker_db_port: int, redis_port: int, redis_password: str
) -> dict[str, str]:
    """``base_env`` with the production stores of endpoints.prod.yml: the tracker store in the
    ``rasa`` database of the PostgreSQL server on ``tracker_db_port``, the Redis lock store, and
    the requests database at ``requests_db_url``."""
    from bot.privacy.crypto import generate_key

    return base_env(
        {
            "BOT_ENV": "production",
            "BOT_DATA_KEY": generate_key(),
            "BOT_DATABASE_URL": requests_db_url,
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(tracker_db_port),
            "TRACKER_DB_NAME": "rasa",
            "TRACKER_DB_USER": "clinic",
            "TRACKER_DB_PASSWORD": "clinic",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
            "REDIS_PASSWORD": redis_password,
            "TICKET_LOCK_LIFETIME": "120",  # as docs/deployment.md sets it
        }
    )


def credentials_requiring_a_persistent_store() -> str:
    """credentials.yml with ``require_persistent_tracker_store: true``, as credentials.prod.yml."""
    header = "bot.reliability.health_channel.HealthInput:\n"
    credentials = (ROOT / "credentials.yml").read_text()
    assert header in credentials
    return credentials.replace(header, header + "  require_persistent_tracker_store: true\n")


def run_until_it_stops(workdir: Path, model: Path) -> tuple[int, str]:
    """Start a Rasa server that should refuse to start (config already in ``workdir``);
    returns its exit code and log."""
    command = rasa_command(free_port(), workdir, model, enable_api=False)
    env = base_env({"ACTION_SERVER_URL": "http://127.0.0.1:9/webhook"})  # never reached
    rasa = spawn("rasa", command, workdir, env)
    try:
        code = rasa.wait(timeout=300)
    finally:
        _stop(rasa)
    return code, (workdir / "rasa.log").read_text(errors="replace")


def rasa_command(port: int, workdir: Path, model: Path, enable_api: bool = True) -> list[str]:
    """The Rasa server with this run's credentials/endpoints copies (API on, token-protected)."""
    return _rasa_command(port, model, workdir / "credentials.yml", workdir / "endpoints.yml",
                         API_TOKEN if enable_api else None)  # fmt: skip


def write_config(workdir: Path, credentials: str | None = None, endpoints: str | None = None):
    """Copies of credentials.yml / endpoints.yml (or the given texts) for one run."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "credentials.yml").write_text(credentials or (ROOT / "credentials.yml").read_text())
    (workdir / "endpoints.yml").write_text(endpoints or (ROOT / "endpoints.yml").read_text())


def get_json(url: str, timeout: float = 30) -> tuple[int, Any]:
    """GET ``url``; (status, decoded JSON or text)."""
    return fetch(url, timeout)


@dataclass
class RasaHandle:
    """A running Rasa server."""

    url: str
    process: subprocess.Popen
    workdir: Path

    def send(self, sender: str, text: str, timeout: float = 120) -> tuple[int, Any, float]:
        """One REST message: (status, body, seconds)."""
        started = time.perf_counter()
        status, body = post_json(
            f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout
        )
        return status, body, time.perf_counter() - started

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker through Rasa's HTTP API."""
        status, body = get_json(f"{self.url}/conversations/{sender}/tracker?token={API_TOKEN}")
        assert status == 200, body
        return body


def wait_for_action_server(url: str, process: subprocess.Popen, workdir: Path) -> None:
    """Until /health answers (or the process dies)."""
    _wait_until(lambda: _action_server_healthy(url), {"actions": process}, workdir, "actions")


def wait_for_rasa(url: str, process: subprocess.Popen, workdir: Path) -> None:
    """Until the REST channel gives a real reply (the model is loaded)."""

    def replies() -> bool:
        try:
            status, body = post_json(
                f"{url}/webhooks/rest/webhook", {"sender": "probe", "message": "hello"}, 30
            )
        except OSError:
            return False
        # The honest "isn't responding" reply is a reply too: the probe needs the action server.
        return status == 200 and bool(texts(body)) and "isn't responding" not in texts(body)

    _wait_until(replies, {"rasa": process}, workdir, "the Rasa server")


def wait_for_ready(url: str, process: subprocess.Popen, workdir: Path) -> None:
    """Until /health/ready says ready (its probe loads the action server's retriever)."""

    def ready() -> bool:
        try:
            return get_json(f"{url}/health/ready", timeout=30)[0] == 200
        except OSError:
            return False

    _wait_until(ready, {"rasa": process}, workdir, "readiness")


def texts(body: Any) -> str:
    """All reply texts of a REST answer, one per line."""
    if not isinstance(body, list):
        return ""
    return "\n".join(m.get("text") or "" for m in body if isinstance(m, dict))


# What the proxy passes on besides the body: the Rasa server's proof of who it is.
FORWARDED_HEADERS = ("X-Action-Token", "Content-Encoding")

class FaultProxy:
    """HTTP proxy to the action server with a switchable fault: pass, error, slow, down."""

    def __init__(self, upstream: str, slow_seconds: float = 6.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.mode = "pass"
        self.slow_seconds = slow_seconds
        self.calls: list[tuple[str, str]] = []  # (path, next_action)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                action = ""
                if body:
                    try:
                        action = json.loads(body).get("next_action", "")
                    except ValueError:
                        action = ""
                proxy.calls.append((self.path, action))
                mode = proxy.mode
                if mode == "error" and self.path.startswith("/webhook"):
                    self._reply(500, b'{"error": "injected failure"}')
                    return
                if mode == "slow" and self.path.startswith("/webhook"):
                    time.sleep(proxy.slow_seconds)
                request = urllib.request.Request(
                    proxy.upstream + self.path, data=body, method=method,
                    headers={
                        "Content-Type": self.headers.get("Content-Type", "application/json"),
                        **{name: self.headers[name] for name in FORWARDED_HEADERS
                           if self.headers.get(name)},
                    },
                )  # fmt: skip
                try:
                    with urllib.request.urlopen(request, timeout=120) as answer:
                        self._reply(answer.status, answer.read())
                except urllib.error.HTTPError as error:
                    self._reply(error.code, error.read())
                except (OSError, urllib.error.URLError):
                    self._reply(502, b'{"error": "upstream unreachable"}')

            def _reply(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up (timeout): that is the point of "slow"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._forward("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._forward("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


__all__ = [
    "FaultProxy",
    "RasaHandle",
    "_stop",
    "action_server_command",
    "base_env",
    "free_port",
    "get_json",
    "logs",
    "model_for_tests",
    "post_raw",
    "running_stack",
    "prepare_model",
    "rasa_command",
    "spawn",
    "texts",
    "wait_for_action_server",
    "wait_for_rasa",
    "wait_for_ready",
    "write_config",
]


@contextmanager
def running_stack(
    workdir: Path,
    extra_env: Mapping[str, str] | None = None,
    credentials: str | None = None,
    endpoints: str | None = None,
    model: Path | None = None,
) -> Iterator[RasaHandle]:
    """The real action server and Rasa server (HTTP API on, token-protected) on free ports."""
    model = model or model_for_tests()
    env = base_env(extra_env)
    action_port, rasa_port = free_port(), free_port()
    action_url = f"http://127.0.0.1:{action_port}"
    processes: list[subprocess.Popen] = []
    try:
        actions = spawn("actions", action_server_command(action_port), workdir, env)
        processes.append(actions)
        wait_for_action_server(action_url, actions, workdir)
        write_config(workdir, credentials=credentials, endpoints=endpoints)
        # This run's action server, whatever the calling shell exports (make sets a default).
        rasa_env = {**env, "ACTION_SERVER_URL": f"{action_url}/webhook"}
        if extra_env and "ACTION_SERVER_URL" in extra_env:
            rasa_env["ACTION_SERVER_URL"] = extra_env["ACTION_SERVER_URL"]
        rasa = spawn("rasa", rasa_command(rasa_port, workdir, model), workdir, rasa_env)
        processes.append(rasa)
        url = f"http://127.0.0.1:{rasa_port}"
        wait_for_rasa(url, rasa, workdir)
        wait_for_ready(url, rasa, workdir)
        yield RasaHandle(url, rasa, workdir)
    finally:
        for process in reversed(processes):
            _stop(process)


def logs(workdir: Path) -> str:
    """Everything the servers started in ``workdir`` have logged."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace") for path in sorted(workdir.glob("*.log"))
    )


def post_raw(url: str, body: bytes, timeout: float = 60) -> tuple[int, Any]:
    """POST raw bytes as application/json; (status, decoded JSON or text)."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    return fetch(request, timeout)


@dataclass
class ProductionStack:
    """The action server and Rasa server(s) on the production stores of endpoints.prod.yml."""

    servers: list[RasaHandle]
    actions: subprocess.Popen
    pg: Any  # db_servers.Postgres: databases "clinic" (requests) and "rasa" (conversations)
    redis_port: int
    redis_password: str
    env: dict[str, str]
    workdir: Path

    @property
    def rasa(self) -> RasaHandle:
        """The first (or only) Rasa server."""
        return self.servers[0]

    @property
    def rasa_url(self) -> str:
        """Its URL (what the channel clients take)."""
        return self.servers[0].url


@contextmanager
def production_stack(
    workdir: Path, rasa_servers: int = 1, credentials: str | None = None
) -> Iterator[ProductionStack]:
    """PostgreSQL and Redis servers, the action server, and ``rasa_servers`` Rasa servers with
    endpoints.prod.yml (PostgreSQL tracker store, Redis lock store) and ``credentials`` (default
    credentials.yml: REST, widget and SMS); everything stopped afterwards."""
    import secrets

    from db_servers import postgres_server, redis_server

    redis_password = secrets.token_hex(12)
    model = model_for_tests()
    with (
        postgres_server(databases=("clinic", "rasa")) as pg,
        redis_server(workdir / "redis-data", password=redis_password) as redis_port,
    ):
        env = production_env(pg.url(), pg.port, redis_port, redis_password)
        action_port = free_port()
        action_url = f"http://127.0.0.1:{action_port}"
        actions = spawn("actions", action_server_command(action_port), workdir, env)
        processes = [actions]
        try:
            wait_for_action_server(action_url, actions, workdir)
            handles = []
            for number in range(rasa_servers):
                run_dir = workdir if rasa_servers == 1 else workdir / f"rasa-{number + 1}"
                write_config(run_dir, credentials=credentials,
                             endpoints=(ROOT / "endpoints.prod.yml").read_text())  # fmt: skip
                rasa_env = {**env, "ACTION_SERVER_URL": f"{action_url}/webhook"}
                port = free_port()
                process = spawn("rasa", rasa_command(port, run_dir, model), run_dir, rasa_env)
                processes.append(process)
                handles.append(RasaHandle(f"http://127.0.0.1:{port}", process, run_dir))
            for handle in handles:
                wait_for_rasa(handle.url, handle.process, handle.workdir)
                wait_for_ready(handle.url, handle.process, handle.workdir)
            yield ProductionStack(handles, actions, pg, redis_port, redis_password, env, workdir)
        finally:
            for process in reversed(processes):
                _stop(process)
