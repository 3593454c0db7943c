"""The Makefile never overrides the operator: the environment wins over .env, production is the
default outside the local commands, and only the local commands write a .env."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings(workdir: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("BOT_ENV", "WEBCHAT_ALLOWED_ORIGINS", "MAKEFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-s", "settings"], cwd=workdir, env={**clean, **env},
                         capture_output=True, text=True, check=True, timeout=60).stdout
    pairs = [line.replace("=", ": ", 1) if line.startswith("BOT_ENV=") else line
             for line in out.splitlines()]
    return dict(line.split(": ", 1) for line in pairs)


def test_settings_outside_the_local_commands(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    found = settings(tmp_path)
    assert found["BOT_ENV"] == "production (file)"
    assert not (tmp_path / ".env").exists(), "only the local commands write a .env"

    (tmp_path / ".env").write_text("WEBCHAT_ALLOWED_ORIGINS=http://127.0.0.1:5005\n")
    assert settings(tmp_path)["WEBCHAT_ALLOWED_ORIGINS"] == "file"
    deployed = settings(tmp_path, WEBCHAT_ALLOWED_ORIGINS="https://clinic.example",
                        BOT_ENV="staging")
    assert deployed["WEBCHAT_ALLOWED_ORIGINS"] == "environment"
    assert deployed["BOT_ENV"] == "staging (environment)"
