"""The clinic's settings: profile (name, phone, hours, locations) and retrieval thresholds.

Everything a clinic changes lives in ``knowledge/clinic.yml``; ``BOT_CLINIC_FILE`` points at
another file (tests use this). Paths resolve from this module, never the working directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import Path

import yaml

from bot.paths import DEFAULT_INDEX_DIR, KNOWLEDGE_DIR, PROJECT_ROOT  # noqa: F401 - re-exported
from bot.settings import settings


@dataclass(frozen=True)
class Location:
    """One place where the clinic sees patients."""

    id: str
    name: str
    address: str


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MAX_SUGGESTED_TOPICS = 6


@dataclass(frozen=True)
class OpeningPeriod:
    """One stretch of a weekday when the clinic answers the phone, in its own time zone."""

    weekday: int  # 0 = Monday, as datetime.weekday()
    opens: time
    closes: time


@dataclass(frozen=True)
class ClinicProfile:
    """The clinic's public contact details, as patients are told them."""

    name: str
    phone: str
    phone_display: str
    email: str
    website: str
    hours: tuple[str, ...]
    timezone: str
    locations: tuple[Location, ...]
    booking_note: str
    # The same hours as ``hours``, machine-readable: whether the clinic is open now
    # (bot.opening_hours). Empty: the assistant says nothing about being open or closed.
    opening_hours: tuple[OpeningPeriod, ...] = ()
    closed_dates: tuple[date, ...] = ()  # public holidays and other closed days
    crisis_line: str = "988"  # call or text; national, so configuration, not code
    emergency_number: str = "911"

    @property
    def hours_text(self) -> str:
        """Opening hours as one sentence-like line."""
        return "; ".join(self.hours)

    def placeholders(self) -> dict[str, str]:
        """Values that knowledge answers and replies may reference as ``{name}``."""
        return {
            "clinic_name": self.name,
            "phone": self.phone_display,
            "phone_display": self.phone_display,
            "phone_e164": self.phone,
            "email": self.email,
            "website": self.website,
            "hours": self.hours_text,
            "locations": "; ".join(f"{loc.name}, {loc.address}" for loc in self.locations),
            "booking_note": self.booking_note,
            "crisis_line": self.crisis_line,
            "emergency_number": self.emergency_number,
        }


@dataclass(frozen=True)
class RetrievalSettings:
    """Thresholds of the retrieval decision (see docs/retrieval.md for how they were chosen)."""

    answer_threshold: float = 0.5
    clarify_margin: float = 0.03
    max_options: int = 3
    extra: dict = field(default_factory=dict)


def clinic_file() -> Path:
    """The configuration file in force."""
    return settings().clinic_file


@lru_cache(maxsize=4)
def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict) or "clinic" not in data:
        raise ValueError(f"{path}: expected a mapping with a 'clinic' section")
    return data


def load_clinic(path: Path | None = None) -> ClinicProfile:
    """Read the clinic profile from the configuration file."""
    raw = _load(Path(path or clinic_file()))["clinic"]
    return ClinicProfile(
        name=raw["name"],
        phone=raw["phone"],
        phone_display=raw.get("phone_display", raw["phone"]),
        email=raw.get("email", ""),
        website=raw.get("website", ""),
        hours=tuple(raw.get("hours", [])),
        timezone=raw.get("timezone", "UTC"),
        locations=tuple(Location(**loc) for loc in raw.get("locations", [])),
        booking_note=raw.get("booking_note", "").strip(),
        crisis_line=str(raw.get("crisis_line", "988")),
        emergency_number=str(raw.get("emergency_number", "911")),
        opening_hours=_opening_hours(raw.get("opening_hours"), Path(path or clinic_file())),
        closed_dates=_closed_dates(raw.get("closed_dates"), Path(path or clinic_file())),
    )


def _opening_hours(raw: object, path: Path) -> tuple[OpeningPeriod, ...]:
    """``{monday: "08:00-17:00", saturday: "09:00-12:00, 13:00-15:00", ...}`` -> periods."""
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: clinic.opening_hours must map weekdays to times")
    periods = []
    for day, value in raw.items():
        name = str(day).strip().lower()
        if name not in WEEKDAYS:
            raise ValueError(f"{path}: clinic.opening_hours: {day!r} is not a weekday name")
        if value in (None, "", "closed"):
            continue
        for part in str(value).split(","):
            match = _PERIOD.match(part)
            if not match:
                raise ValueError(f"{path}: clinic.opening_hours.{name}: {part.strip()!r} is not "
                                 "like 08:00-17:00")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                # 24:00 closes at midnight (kept as the last minute of the day).
                opens = time(h1, m1)
                closes = time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)
            except ValueError:
                raise ValueError(f"{path}: clinic.opening_hours.{name}: {part.strip()!r} is "
                                 "not a time of day") from None
            if closes <= opens:
                raise ValueError(f"{path}: clinic.opening_hours.{name}: {part.strip()!r} "
                                 "closes before it opens")
            periods.append(OpeningPeriod(WEEKDAYS.index(name), opens, closes))
    return tuple(sorted(periods, key=lambda p: (p.weekday, p.opens)))


def _closed_dates(raw: object, path: Path) -> tuple[date, ...]:
    if not raw:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{path}: clinic.closed_dates must be a list of YYYY-MM-DD dates")
    days = []
    for item in raw:
        try:
            days.append(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            raise ValueError(f"{path}: clinic.closed_dates: {item!r} is not YYYY-MM-DD") from None
    return tuple(sorted(days))


@dataclass(frozen=True)
class WidgetSettings:
    """What the website chat shows besides the conversation (``widget:`` in clinic.yml)."""

    suggested_topics: tuple[str, ...] = ()  # chips under the greeting; each is sent as typed
    source_pages: dict = field(default_factory=dict)  # answer source (or article title) -> URL


def load_widget_settings(path: Path | None = None) -> WidgetSettings:
    """Read the widget's settings: suggested topics and the pages behind answer sources."""
    path = Path(path or clinic_file())
    raw = _load(path).get("widget") or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: 'widget' must be a mapping")
    topics = raw.get("suggested_topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
        raise ValueError(f"{path}: widget.suggested_topics must be a list of questions")
    if len(topics) > MAX_SUGGESTED_TOPICS:
        raise ValueError(f"{path}: widget.suggested_topics: at most {MAX_SUGGESTED_TOPICS} "
                         f"topics fit the panel (got {len(topics)})")
    pages = raw.get("source_pages") or {}
    if not isinstance(pages, dict):
        raise ValueError(f"{path}: widget.source_pages must map sources to web addresses")
    for source, url in pages.items():
        if not re.match(r"^https?://\S+$", str(url or "")):
            raise ValueError(f"{path}: widget.source_pages[{source!r}]: {url!r} is not an "
                             "http(s) address")
    return WidgetSettings(
        suggested_topics=tuple(" ".join(t.split()) for t in topics),
        source_pages={" ".join(str(k).split()): str(v) for k, v in pages.items()},
    )


def load_retrieval_settings(path: Path | None = None) -> RetrievalSettings:
    """Read the retrieval thresholds from the configuration file."""
    raw = dict(_load(Path(path or clinic_file())).get("retrieval", {}))
    names = ("answer_threshold", "clarify_margin", "max_options")
    known = {k: raw.pop(k) for k in names if k in raw}
    return RetrievalSettings(**known, extra=raw)
