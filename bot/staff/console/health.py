"""The health page: both servers' readiness, the index and model versions, and crisis events
per day (counts only: which conversations they were is not shown)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot.retrieval.index import read_meta
from bot.retrieval.reload import meta_version

PROBE_SECONDS = 6.0  # Rasa's /health/ready waits up to 5 s for the action server


@dataclass
class Check:
    """One line of the health page."""

    name: str
    ok: bool
    detail: str


@dataclass
class Health:
    """Everything the health page shows."""

    checks: list[Check] = field(default_factory=list)
    index_on_disk: str | None = None
    crisis_per_day: list[tuple[date, int]] = field(default_factory=list)
    crisis_error: str | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(check.ok for check in self.checks)


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as answer:  # noqa: S310 - configured URL
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}


def server_checks(rasa_url: str, action_server_url: str) -> list[Check]:
    """The Rasa server's readiness report (model, conversations store, action server, index,
    requests database) and the action server's own /health."""
    checks = []
    try:
        status, body = _get_json(f"{rasa_url}/health/ready")
        reported = body.get("checks") if isinstance(body, dict) else None
        if isinstance(reported, dict):
            for name, check in reported.items():
                checks.append(Check(f"Rasa: {name.replace('_', ' ')}", bool(check.get("ok")),
                                    str(check.get("detail") or "")))  # fmt: skip
        else:
            checks.append(Check("Rasa server", False, f"/health/ready answered {status}"))
    except (OSError, ValueError) as error:
        checks.append(Check("Rasa server", False, f"unreachable ({type(error).__name__})"))
    base = action_server_url.rsplit("/webhook", 1)[0]
    try:
        status, _ = _get_json(f"{base}/health")
        checks.append(Check("Action server", status == 200, f"/health answered {status}"))
    except (OSError, ValueError) as error:
        checks.append(Check("Action server", False, f"unreachable ({type(error).__name__})"))
    return checks


def crisis_counts(events, days: int, today: date | None = None) -> list[tuple[date, int]]:
    """Crisis events per day over the last ``days`` days, oldest first (zeros included)."""
    today = today or date.today()
    first = today - timedelta(days=days - 1)
    counted = Counter(e.created_at.date() for e in events if e.created_at.date() >= first)
    return [(first + timedelta(days=n), counted.get(first + timedelta(days=n), 0))
            for n in range(days)]


def gather(rasa_url: str, action_server_url: str, index_dir: Path, event_store,
           days: int = 14) -> Health:  # fmt: skip
    """The whole health page."""
    health = Health(checks=server_checks(rasa_url, action_server_url))
    health.index_on_disk = meta_version(read_meta(index_dir))
    try:
        since = datetime.now(timezone.utc) - timedelta(days=days + 1)  # a day of time-zone slack
        health.crisis_per_day = crisis_counts(event_store.list(since=since), days)
    except Exception as error:  # noqa: BLE001 - the rest of the page still shows
        health.crisis_error = f"crisis events unavailable ({type(error).__name__})"
    return health
