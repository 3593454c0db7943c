"""Starting and stopping the project's servers for measurements and tests: one implementation.

The benchmark, the load test and the test suite (tests/servers.py, tests/reliability_harness.py)
take their free ports, commands, process groups, logs, readiness waits and shutdown from here,
so every number and every test starts the servers the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.paths import PROJECT_ROOT

ACTION_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def action_server_command(port: int) -> list[str]:
    """The action server, as scripts/run.sh starts it."""
    return [str(ACTION_PYTHON), "-m", "bot.reliability.action_server", "--port", str(port)]


def rasa_command(port: int, model: Path, credentials: Path, endpoints: Path,
                 api_token: str | None = None) -> list[str]:  # fmt: skip
    """The Rasa server on 127.0.0.1 (its HTTP API only with ``api_token``)."""
    command = [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1",
               "--port", str(port), "--credentials", str(credentials),
               "--endpoints", str(endpoints)]  # fmt: skip
    if api_token:
        command += ["--enable-api", "--auth-token", api_token]
    return command


def spawn(name: str, command: list[str], logs: Path, env: Mapping[str, str]) -> subprocess.Popen:
    """Start ``command`` from the project root in its own process group (so :func:`stop` ends
    it with its workers), appending its output to ``logs/<name>.log``."""
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{name}.log", "ab") as log:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=dict(env), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log ("" when there is none)."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def wait_until(ready: Callable[[], bool], processes: Mapping[str, subprocess.Popen], logs: Path,
               what: str, timeout: float = 300) -> float:  # fmt: skip
    """Poll ``ready`` until it is true; returns the seconds it took. Raises with the servers'
    log tails when one of ``processes`` exits or ``timeout`` passes."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} while waiting for "
                                   f"{what}:\n" + tail(logs / f"{name}.log"))  # fmt: skip
        try:
            if ready():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s\n"
                       + "\n".join(tail(logs / f"{name}.log") for name in processes))


def action_server_healthy(url: str) -> bool:
    """True when the action server at ``url`` answers /health."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def stop(process: subprocess.Popen, grace_seconds: float = 20) -> None:
    """Stop a server started in its own process group (SIGTERM, then SIGKILL), and reap it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
