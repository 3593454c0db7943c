"""Real PostgreSQL and Redis servers for tests, started from Debian's packages on 127.0.0.1.

``postgres_server(tmp)`` runs ``initdb`` + ``postgres`` (as the ``postgres`` system user when
the tests run as root: PostgreSQL refuses to run as root) on a free port with a throw-away data
directory; ``redis_server(tmp)`` runs ``redis-server`` without persistence. Both stop when the
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
from dataclasses import dataclass
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

    def url(self, driver: str = "postgresql", database: str = "clinic") -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return f"{driver}://clinic:clinic@127.0.0.1:{self.port}/{database}"


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
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*prefix, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={workdir}",
             "-c", "fsync=off", "-c", "max_connections=100"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_port(port, process, log)
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
        yield Postgres(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
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
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
