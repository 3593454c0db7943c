"""Every environment variable the product reads: one list, typed, checked, documented.

:data:`VARIABLES` names each one with its default and what it does; ``.env.example`` lists the
same names (a test keeps the two in step, and checks that no module reads the environment on its
own). Variables marked ``rasa`` are expanded by Rasa itself in credentials.yml and
endpoints.prod.yml; the others are read here.

:func:`settings` parses them into a :class:`Settings`, once per distinct environment (a process's
environment does not change, so in practice once; a test that changes a variable gets the new
value). A malformed value raises :class:`SettingsError` naming the variable, so a typo stops a
server at start instead of surfacing on a patient's message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.paths import DEFAULT_INDEX_DIR, KNOWLEDGE_DIR, PROJECT_ROOT

_TRUE = {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A variable has a value the product cannot use; the message names it."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, default ("" = unset), and what it is for."""

    name: str
    default: str
    help: str
    secret: bool = False
    rasa: bool = False  # expanded by Rasa in credentials.yml / endpoints.prod.yml


VARIABLES: tuple[Variable, ...] = (
    # mode and keys
    Variable("BOT_ENV", "production", "development (local key file allowed), test or production"),
    Variable("BOT_DATA_KEY", "", "base64 of 32 bytes; encrypts requests and conversations "
             "(python -m bot keygen)", secret=True),
    Variable("BOT_DATA_KEYS_PREVIOUS", "", "retired data keys, comma-separated, decrypt only "
             "(until python -m bot rotate-key has run)", secret=True),
    Variable("BOT_PSEUDONYM_KEY", "", "the key pseudonyms are made with (the first data key), "
             "required once BOT_DATA_KEYS_PREVIOUS is set", secret=True),
    Variable("BOT_DATA_KEY_FILE", str(PROJECT_ROOT / "var" / "secrets" / "data.key"),
             "development mode only: where the local data key is kept"),
    # stores
    Variable("BOT_DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'requests.db'}",
             "SQLAlchemy URL of consultation requests, crisis events and answer votes"),
    Variable("BOT_TRACKER_DB_URL", "", "SQLAlchemy URL of Rasa's conversations, for the staff "
             "commands (report, retention, forget, rotate-key)"),
    Variable("TRACKER_DB_HOST", "", "PostgreSQL host of the conversations", rasa=True),
    Variable("TRACKER_DB_PORT", "", "its port", rasa=True),
    Variable("TRACKER_DB_NAME", "", "its database", rasa=True),
    Variable("TRACKER_DB_USER", "", "its user", rasa=True),
    Variable("TRACKER_DB_PASSWORD", "", "its password", secret=True, rasa=True),
    Variable("REDIS_HOST", "", "Redis host of the lock store", rasa=True),
    Variable("REDIS_PORT", "", "its port", rasa=True),
    Variable("REDIS_PASSWORD", "", "its password", secret=True, rasa=True),
    Variable("TICKET_LOCK_LIFETIME", "", "seconds a queued turn may wait for its conversation "
             "(Rasa; 120 in production)", rasa=True),
    # the two servers
    Variable("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook", "where the Rasa server calls "
             "the action server", rasa=True),
    Variable("ACTION_SERVER_TOKEN", "", "shared secret the Rasa server presents to the action "
             "server (required off loopback)", secret=True),
    Variable("ACTION_SERVER_HOST", "127.0.0.1", "the action server's listening address"),
    Variable("ACTION_TIMEOUT_SECONDS", "15", "seconds an action may take before the patient is "
             "told it failed"),
    Variable("BOT_INDEX_RELOAD_SECONDS", "2", "how often the action server looks for a new index "
             "(0 = never)"),
    Variable("BOT_ALLOW_MISSING_INDEX", "", "1 = the action server starts without an index "
             "(tests of that state only)"),
    Variable("BOT_LOG_LEVEL", "INFO", "log level of the action server's workers"),
    # channels
    Variable("WEBCHAT_ALLOWED_ORIGINS", "", "origins of the pages that embed the widget, "
             "comma-separated", rasa=True),
    Variable("WEBCHAT_SESSION_KEY", "", "signs widget session tokens (32+ random characters)",
             secret=True, rasa=True),
    Variable("TWILIO_AUTH_TOKEN", "", "checks Twilio's signatures", secret=True, rasa=True),
    Variable("TWILIO_WEBHOOK_URL", "", "the public SMS webhook URL configured in Twilio",
             rasa=True),
    Variable("TWILIO_ACCOUNT_SID", "", "optional: only this Twilio account may post", rasa=True),
    Variable("SMS_SENDER_KEY", "", "keys SMS conversation ids (32+ random characters, kept "
             "stable)", secret=True, rasa=True),
    Variable("RATE_LIMIT_PER_CONVERSATION", "20/60", "messages per seconds one conversation may "
             "send"),
    Variable("RATE_LIMIT_PER_ADDRESS", "120/60", "messages per seconds one client address may "
             "send"),
    # clinic, retrieval, debugging
    Variable("BOT_CLINIC_FILE", str(KNOWLEDGE_DIR / "clinic.yml"), "the clinic's name, "
             "locations, hours and phone numbers"),
    Variable("BOT_KNOWLEDGE_DIR", "", "the FAQ and articles the index is built from (default: "
             "knowledge/ of the checkout)"),
    Variable("BOT_INDEX_DIR", "", "the retrieval index the action server answers from "
             "(default: var/index/)"),
    Variable("BOT_EMBEDDING_BACKEND", "", "onnx or torch (default: onnx when exported)"),
    Variable("BOT_EMBEDDING_CACHE", "", "directory of the embedding cache (default in var/)"),
    Variable("BOT_TORCH_THREADS", "1", "PyTorch threads per query embedding"),
    Variable("BOT_DEBUG_RETRIEVAL", "", "1 = the staff shell shows retrieval scores"),
    # staff e-mail (bot.booking.notify)
    Variable("BOT_SMTP_HOST", "", "mail relay for new-request e-mails (unset = no e-mail)"),
    Variable("BOT_SMTP_PORT", "587", "its port"),
    Variable("BOT_SMTP_USER", "", "its user"),
    Variable("BOT_SMTP_PASSWORD", "", "its password", secret=True),
    Variable("BOT_SMTP_FROM", "", "sender address (default: the first recipient)"),
    Variable("BOT_SMTP_TO", "", "recipients, comma-separated"),
    Variable("BOT_SMTP_STARTTLS", "true", "use STARTTLS"),
    Variable("BOT_SMTP_CA_FILE", "", "extra CA bundle for a private relay"),
    Variable("BOT_SMTP_TIMEOUT", "10", "seconds"),
    # staff console (bot.staff.console)
    Variable("BOT_STAFF_HOST", "127.0.0.1", "the staff console's listening address (keep it on "
             "loopback, behind the reverse proxy)"),
    Variable("BOT_STAFF_PORT", "5056", "its port"),
    Variable("BOT_STAFF_SECURE_COOKIES", "auto", "auto (Secure when the proxy says HTTPS), "
             "always or never"),
    Variable("BOT_STAFF_IDLE_MINUTES", "15", "minutes without a click before staff sign in "
             "again"),
    Variable("BOT_STAFF_TRUSTED_PROXIES", "1", "reverse proxies in front of the console whose "
             "X-Forwarded-For/-Proto are believed (0 = none)"),
    Variable("BOT_RASA_URL", "http://127.0.0.1:5005", "the Rasa server, for the console's health "
             "page"),
    Variable("BOT_NOTIFY_INCLUDE_CONTACT", "false", "true = the e-mail carries the patient's "
             "name and contact (default: staff open the request)"),
)
NAMES = tuple(v.name for v in VARIABLES)
_DEFAULTS = {v.name: v.default for v in VARIABLES}


@dataclass(frozen=True)
class Settings:
    """The parsed values of :data:`VARIABLES` that the product's own code reads."""

    env_mode: str
    data_key: str
    data_keys_previous: tuple[str, ...]
    pseudonym_key: str
    data_key_file: Path
    database_url: str
    tracker_db_url: str
    action_server_url: str
    action_server_token: str
    action_server_host: str
    action_timeout_seconds: float
    index_reload_seconds: float
    allow_missing_index: bool
    log_level: str
    sms_sender_key: str
    rate_limit_per_conversation: str
    rate_limit_per_address: str
    clinic_file: Path
    knowledge_dir: Path | None  # None: the checkout's knowledge/ (bot.paths.KNOWLEDGE_DIR)
    index_dir: Path | None  # None: bot.paths.DEFAULT_INDEX_DIR
    embedding_backend: str
    embedding_cache: str
    torch_threads: int
    debug_retrieval: bool
    smtp: dict[str, str]  # the BOT_SMTP_* / BOT_NOTIFY_* values, parsed by bot.booking.notify
    staff_host: str
    staff_port: int
    staff_secure_cookies: str
    staff_idle_minutes: float
    staff_trusted_proxies: int
    rasa_url: str

    @property
    def development(self) -> bool:
        """True in development mode (the only mode that may create a local data key)."""
        return self.env_mode == "development"


def _number(values: dict[str, str], name: str, kind: type, minimum: float) -> float:
    try:
        value = kind(values[name])
    except ValueError:
        raise SettingsError(f"{name} must be a number (got {values[name]!r})") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum} (got {values[name]!r})")
    return value


def _choice(values: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = values[name].lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)} (got {values[name]!r})")
    return value


@lru_cache(maxsize=8)
def _parse(raw: tuple[str | None, ...]) -> Settings:
    values = {name: (value if value is not None and value.strip() else _DEFAULTS[name]).strip()
              for name, value in zip(NAMES, raw, strict=True)}  # fmt: skip
    return Settings(
        env_mode=values["BOT_ENV"].lower(),
        data_key=values["BOT_DATA_KEY"],
        data_keys_previous=tuple(k for k in values["BOT_DATA_KEYS_PREVIOUS"].split(",")
                                 if k.strip()),  # fmt: skip
        pseudonym_key=values["BOT_PSEUDONYM_KEY"],
        data_key_file=Path(values["BOT_DATA_KEY_FILE"]),
        database_url=values["BOT_DATABASE_URL"],
        tracker_db_url=values["BOT_TRACKER_DB_URL"],
        action_server_url=values["ACTION_SERVER_URL"],
        action_server_token=values["ACTION_SERVER_TOKEN"],
        action_server_host=values["ACTION_SERVER_HOST"],
        action_timeout_seconds=_number(values, "ACTION_TIMEOUT_SECONDS", float, 0.1),
        index_reload_seconds=_number(values, "BOT_INDEX_RELOAD_SECONDS", float, 0),
        allow_missing_index=values["BOT_ALLOW_MISSING_INDEX"] == "1",
        log_level=values["BOT_LOG_LEVEL"].upper(),
        sms_sender_key=values["SMS_SENDER_KEY"],
        rate_limit_per_conversation=values["RATE_LIMIT_PER_CONVERSATION"],
        rate_limit_per_address=values["RATE_LIMIT_PER_ADDRESS"],
        clinic_file=Path(values["BOT_CLINIC_FILE"]),
        knowledge_dir=Path(values["BOT_KNOWLEDGE_DIR"]) if values["BOT_KNOWLEDGE_DIR"] else None,
        index_dir=Path(values["BOT_INDEX_DIR"]) if values["BOT_INDEX_DIR"] else None,
        embedding_backend=values["BOT_EMBEDDING_BACKEND"].lower(),
        embedding_cache=values["BOT_EMBEDDING_CACHE"],
        torch_threads=int(_number(values, "BOT_TORCH_THREADS", int, 1)),
        debug_retrieval=values["BOT_DEBUG_RETRIEVAL"].lower() in _TRUE,
        smtp={name: values[name] for name in NAMES
              if name.startswith(("BOT_SMTP_", "BOT_NOTIFY_"))},  # fmt: skip
        staff_host=values["BOT_STAFF_HOST"],
        staff_port=int(_number(values, "BOT_STAFF_PORT", int, 1)),
        staff_secure_cookies=_choice(values, "BOT_STAFF_SECURE_COOKIES",
                                     ("auto", "always", "never")),
        staff_idle_minutes=_number(values, "BOT_STAFF_IDLE_MINUTES", float, 1),
        staff_trusted_proxies=int(_number(values, "BOT_STAFF_TRUSTED_PROXIES", int, 0)),
        rasa_url=values["BOT_RASA_URL"].rstrip("/"),
    )


def served_knowledge_dir() -> Path:
    """The knowledge the served index is built from: ``BOT_KNOWLEDGE_DIR`` or knowledge/."""
    return settings().knowledge_dir or KNOWLEDGE_DIR


def served_index_dir() -> Path:
    """The index the action server answers from: ``BOT_INDEX_DIR`` or var/index/."""
    return settings().index_dir or DEFAULT_INDEX_DIR


def settings() -> Settings:
    """The process's settings (raises :class:`SettingsError` for a malformed value)."""
    return _parse(tuple(os.environ.get(name) for name in NAMES))


def is_true(value: str) -> bool:
    """"1", "true", "yes" or "on" (any case)."""
    return value.strip().lower() in _TRUE


def env_example() -> str:
    """The text of ``.env.example``: every variable, its default and what it is for."""
    lines = [
        "# Every environment variable the clinic assistant reads (bot/settings.py).",
        "# The environment always wins; `make run`, `make shell` and `make test` write a",
        "# git-ignored .env with random local secrets. Production sets these in",
        "# /etc/clinic-assistant/env (docs/deployment.md). Secrets are shown empty.",
    ]
    for variable in VARIABLES:
        where = " (read by Rasa from credentials.yml / endpoints.prod.yml)" if variable.rasa else ""
        lines.append(f"\n# {variable.help}{where}")
        value = "" if variable.secret else variable.default.replace(str(PROJECT_ROOT), ".")
        lines.append(f"{variable.name}={value}")
    return "\n".join(lines) + "\n"
