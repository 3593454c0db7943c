"""Starting and stopping the project's servers for measurements and tests: one implementation.

The benchmark, the load test and the test suite (tests/servers.py, tests/reliability_harness.py)
take their free ports, process groups and shutdown from here, so every number and every test
starts servers the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
