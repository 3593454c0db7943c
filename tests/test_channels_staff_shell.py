"""The staff shell end to end: ``scripts/shell.sh`` (what ``make shell`` runs) in a terminal.

The script runs in a pseudo-terminal, as staff run it, with the real action server and Rasa
server it starts itself; the test types into Rasa's console and reads what it prints.
"""

from __future__ import annotations

import base64
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from servers import ROOT, free_port, prepare_model

from bot.config import load_clinic

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

START_TIMEOUT_S = float(os.environ.get("E2E_START_TIMEOUT", "300"))
REPLY_TIMEOUT_S = 90
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


class Terminal:
    """``scripts/shell.sh`` in a pseudo-terminal: type lines, read what it prints."""

    def __init__(self, env: dict[str, str], log_dir) -> None:
        self.log_dir = log_dir
        self._master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "shell.sh")],
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""

    def read_until(self, text: str, timeout: float, start: int = 0) -> str:
        """Everything printed from ``start`` on, once it contains ``text``."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[start:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {text!r} within {timeout} s; printed:\n{self.screen[-3000:]}"
            ready, _, _ = select.select([self._master], [], [], min(remaining, 1.0))
            if ready:
                try:
                    chunk = os.read(self._master, 65536)
                except OSError:  # the script ended and the terminal closed
                    chunk = b""
                if not chunk:
                    assert text in self.screen[start:], f"ended without {text!r}:\n{self.screen}"
                self._answer_cursor_queries(chunk)
                self.screen += ANSI.sub("", chunk.decode("utf-8", errors="replace"))
        return self.screen[start:]

    def _answer_cursor_queries(self, chunk: bytes) -> None:
        # The console's prompt asks the terminal where the cursor is; a terminal answers.
        for _ in range(chunk.count(b"\x1b[6n")):
            os.write(self._master, b"\x1b[1;1R")

    def say(self, text: str) -> int:
        """Type ``text`` and Enter; returns the screen position where the reply will start."""
        self.read_until("Your input ->", REPLY_TIMEOUT_S, start=max(0, len(self.screen) - 200))
        position = len(self.screen)
        os.write(self._master, text.encode() + b"\r")
        return position

    def ask(self, text: str, *expected: str) -> str:
        """Type ``text`` and wait for a reply containing each of ``expected``."""
        position = self.say(text)
        for part in expected:
            self.read_until(part, REPLY_TIMEOUT_S, start=position)
        return self.screen[position:]

    def child_pids(self, pattern: str) -> list[int]:
        """Pids of the script's processes whose command line matches ``pattern``, and of
        everything they started (Sanic serves from worker processes)."""
        found = _pgrep("-g", str(self.process.pid), "-f", pattern)
        for pid in found:
            found += [child for child in _pgrep("-P", str(pid)) if child not in found]
        return found

    def close(self) -> None:
        """Stop whatever is still running and close the terminal."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        os.close(self._master)


def _pgrep(*args: str) -> list[int]:
    found = subprocess.run(["pgrep", *args], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


@pytest.fixture(scope="module")
def shell(tmp_path_factory) -> Iterator[Terminal]:
    workdir = tmp_path_factory.mktemp("staff-shell")
    model = prepare_model()
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "TERM": "xterm",
        "MODEL": str(model),
        "ACTION_PORT": str(action_port),
        "RASA_PORT": str(rasa_port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "LOG_DIR": str(workdir),
        "BOT_ENV": "test",
        "BOT_DATA_KEY": base64.b64encode(os.urandom(32)).decode("ascii"),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
    }
    terminal = Terminal(env, workdir)
    terminal.rasa_port = rasa_port
    try:
        terminal.read_until("Type a message", START_TIMEOUT_S)
        yield terminal
    finally:
        terminal.close()


def test_a_question_gets_the_clinic_s_answer_with_its_source(shell):
    assert "Source:" in shell.ask("how long does a ketamine infusion session take", "Source:")


def test_a_crisis_message_gets_988_and_911(shell):
    shell.ask("i want to kill myself tonight", "988", "911")


def test_the_patients_input_checks_apply(shell):
    # Rasa's own shell channel would hand this to NLU; the staff channel answers as the widget.
    reply = shell.ask("is ketamine safe " * 80, "too long for me")
    assert "Source:" not in reply


def test_with_the_action_server_gone_staff_get_the_honest_reply_and_the_shell_stays(shell):
    actions = shell.child_pids("bot.reliability.action_server")
    assert actions, "the script's action server is not running"
    for pid in actions:
        os.kill(pid, signal.SIGKILL)
    phone = load_clinic().phone_display
    reply = shell.ask("what are the side effects of ketamine", phone)
    assert "Source:" not in reply
    assert shell.process.poll() is None  # the console is still there for the next question


def test_stop_ends_the_shell_and_both_servers(shell):
    shell.say("/stop")
    assert shell.process.wait(timeout=60) == 0
    assert not shell.child_pids("rasa run")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", shell.rasa_port), timeout=2).close()
