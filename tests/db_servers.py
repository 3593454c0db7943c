"""Real PostgreSQL and Redis servers for tests, started from Debian's packages on 127.0.0.1.

``postgres_server(tmp)`` runs ``initdb`` + ``postgres`` (as the ``postgres`` system user when
the tests run as root: PostgreSQL refuses to run as root) on a free port with a throw-away data
directory; ``Postgres.stop()`` / ``Postgres.start()`` take it down (a fast shutdown, as when the
database server goes away) and bring it back on the same port with the same data (outage
tests). ``redis_server(tmp)`` runs ``redis-server`` without persistence. Both stop when the
context ends. When the binaries are missing, :func:`require_binaries` installs them with apt
(as root) or skips with the reason; CI runs as root, so there the tests always run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from servers import free_port

PG_PACKAGES = ("postgresql",)
REDIS_PACKAGES = ("redis-server",)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def require_binaries() -> None:
    """Install PostgreSQL and Redis from Debian when missing (root), else skip with the reason."""
    if _pg_bin() and shutil.which("redis-server"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("PostgreSQL/Redis not installed and apt-get is not usable (not root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", *PG_PACKAGES, *REDIS_PACKAGES],
        check=True,
        env=env,
        capture_output=True,
    )
    if not (_pg_bin() and shutil.which("redis-server")):
        pytest.skip("apt-get did not provide PostgreSQL and Redis")


def _wait_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}:\n{log.read_text()[-2000:]}")


@dataclass
class Postgres:
    """A running PostgreSQL: database ``clinic``, user ``clinic`` (password ``clinic``)."""

    port: int
    _command: list[str] = field(default_factory=list, repr=False)
    _ctl: list[str] = field(default_factory=list, repr=False)  # pg_ctl -D <data>, as its user
    _log: Path | None = field(default=None, repr=False)
    _process: subprocess.Popen | None = field(default=None, repr=False)

    def url(self, driver: str = "postgresql", database: str = "clinic") -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return f"{driver}://clinic:clinic@127.0.0.1:{self.port}/{database}"

    @property
    def running(self) -> bool:
        """True while the server process runs."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server (again), same port and data; returns once it accepts logins."""
        if self.running:
            return
        assert self._log is not None, "not started by postgres_server()"
        with open(self._log, "ab") as out:
            self._process = subprocess.Popen(
                self._command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_port(self.port, self._process, self._log)
        self._wait_ready()

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when the database server goes away."""
        if not self.running:
            return
        subprocess.run([*self._ctl, "stop", "-m", "fast", "-w", "-t", "30"],
                       capture_output=True, check=False)  # fmt: skip
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def _wait_ready(self, timeout: float = 30) -> None:
        bin_dir = _pg_bin()
        env = {**os.environ, "PGPASSWORD": "clinic"}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = subprocess.run(
                [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "clinic", "-d", "clinic"], env=env, capture_output=True,
            )  # fmt: skip
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise TimeoutError(f"PostgreSQL on {self.port} does not accept connections")


@contextmanager
def postgres_server(
    workdir: Path | None = None, databases: tuple[str, ...] = ("clinic",)
) -> Iterator[Postgres]:
    """Start a throw-away PostgreSQL on 127.0.0.1 with ``databases`` owned by ``clinic``.

    ``workdir`` is ignored (kept for symmetry with :func:`redis_server`): the data directory
    is a fresh one the ``postgres`` user can reach, removed afterwards."""
    require_binaries()
    bin_dir = _pg_bin()
    # pytest's temporary directories are private to root; the server gets its own.
    workdir = Path(tempfile.mkdtemp(prefix="pg-", dir=os.environ.get("TMPDIR", "/tmp")))
    data = workdir / "pgdata"
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    password_file = workdir / "pw"
    password_file.write_text("clinic\n")
    os.chmod(password_file, 0o644)
    done = subprocess.run(
        [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "clinic", "-A", "scram-sha-256",
         f"--pwfile={password_file}", "-E", "UTF8", "--no-sync"],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
    port = free_port()
    log = workdir / "postgres.log"
    server = Postgres(
        port,
        _command=[*prefix, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                  "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={workdir}",
                  "-c", "fsync=off", "-c", "max_connections=100"],
        _ctl=[*prefix, str(bin_dir / "pg_ctl"), "-D", str(data)],
        _log=log,
    )  # fmt: skip
    with open(log, "wb") as out:
        server._process = subprocess.Popen(
            server._command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_port(port, server._process, log)
        env = {**os.environ, "PGPASSWORD": "clinic"}
        for name in databases:
            for _ in range(50):  # the port opens a moment before connections are accepted
                done = subprocess.run(
                    [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "clinic",
                     name], env=env, capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode == 0 or "already exists" in done.stderr:
                    break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"createdb {name} failed: {done.stderr}")
        yield server
    finally:
        process = server._process
        if process is not None and process.poll() is None:
            _terminate(process)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def redis_server(workdir: Path, password: str | None = None) -> Iterator[int]:
    """Start a throw-away Redis on 127.0.0.1 (with ``password`` when given); yields its port."""
    require_binaries()
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "redis.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir),
             *(["--requirepass", password] if password else [])],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_port(port, process, log)
        yield port
    finally:
        _terminate(process)


def _terminate(process: subprocess.Popen) -> None:
    """Stop a server: politely, then by force after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
