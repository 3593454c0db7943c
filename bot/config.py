"""The clinic's settings: profile (name, phone, hours, locations) and retrieval thresholds.

Everything a clinic changes lives in ``knowledge/clinic.yml``; ``BOT_CLINIC_FILE`` points at
another file (tests use this). Paths resolve from this module, never the working directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "var" / "index"


@dataclass(frozen=True)
class Location:
    """One place where the clinic sees patients."""

    id: str
    name: str
    address: str


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
    from bot.settings import settings  # bot.settings imports this module's paths

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
    )


def load_retrieval_settings(path: Path | None = None) -> RetrievalSettings:
    """Read the retrieval thresholds from the configuration file."""
    raw = dict(_load(Path(path or clinic_file())).get("retrieval", {}))
    names = ("answer_threshold", "clarify_margin", "max_options")
    known = {k: raw.pop(k) for k in names if k in raw}
    return RetrievalSettings(**known, extra=raw)
