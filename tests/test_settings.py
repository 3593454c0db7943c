"""Settings: every variable in one typed list, .env.example in step, malformed values refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import NAMES, SettingsError, env_example, settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILES = ["credentials.yml", "credentials.prod.yml", "credentials.shell.yml",
                "endpoints.yml", "endpoints.prod.yml"]  # fmt: skip


def test_env_example_lists_every_variable():
    assert (ROOT / ".env.example").read_text() == env_example(), (
        "regenerate: .venv/bin/python -c \"from bot.settings import env_example; "
        "print(env_example(), end='')\" > .env.example"
    )


def test_every_variable_the_configuration_files_expand_is_listed():
    for name in CONFIG_FILES:
        text = "\n".join(line.split("#")[0] for line in (ROOT / name).read_text().splitlines())
        for variable in re.findall(r"\$\{([A-Z0-9_]+)\}", text):
            assert variable in NAMES, f"{name} expands ${{{variable}}}, not in bot/settings.py"


def test_no_module_reads_the_environment_on_its_own():
    readers = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("actions/**/*.py")]:
        if path.name == "settings.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"os\.environ(\.get|\[)|os\.getenv", line):
                readers.append(f"{path.relative_to(ROOT)}:{number}")
    assert readers == []


@pytest.mark.parametrize(("name", "value"), [
    ("ACTION_TIMEOUT_SECONDS", "soon"), ("ACTION_TIMEOUT_SECONDS", "0"),
    ("BOT_TORCH_THREADS", "two"), ("BOT_INDEX_RELOAD_SECONDS", "-1"),
])  # fmt: skip
def test_a_malformed_value_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        settings()


def test_defaults_and_the_environment(monkeypatch):
    for name in ("BOT_ENV", "ACTION_TIMEOUT_SECONDS", "RATE_LIMIT_PER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    defaults = settings()
    assert defaults.env_mode == "production" and not defaults.development
    assert defaults.action_timeout_seconds == 15 and defaults.rate_limit_per_address == "120/60"
    monkeypatch.setenv("BOT_ENV", "Development")
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "7.5")
    assert settings().development and settings().action_timeout_seconds == 7.5
