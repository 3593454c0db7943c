"""Is the clinic open right now, and when does it open again? From ``knowledge/clinic.yml``.

``opening_hours`` (weekday -> "08:00-17:00") and ``closed_dates`` (holidays) are read in the
clinic's ``timezone``. :func:`open_note` is the one sentence patients read, on every channel,
wherever the assistant points them to the phone: the widget's greeting, "talk to a person",
"I don't know", and the choices offered after an answer did not help.

Standard library only (``zoneinfo``): both the Rasa process and the action server import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import ClinicProfile

LOOK_AHEAD_DAYS = 21  # a clinic closed longer than this gets no "opens again" time
# How patients name the time zones of US clinics; anything else shows its abbreviation.
_ZONE_NAMES = {
    "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
}


@dataclass(frozen=True)
class OpenStatus:
    """Open now (until ``closes``) or closed (opening again at ``opens``, when known)."""

    open: bool
    closes: datetime | None = None  # clinic-local time, when open
    opens: datetime | None = None  # clinic-local time, when closed


def _zone(profile: ClinicProfile) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def status(profile: ClinicProfile, now: datetime | None = None) -> OpenStatus | None:
    """Whether the clinic is open at ``now`` (default: the current time); None when the clinic
    file has no ``opening_hours``."""
    if not profile.opening_hours:
        return None
    zone = _zone(profile)
    local = (now or datetime.now(timezone.utc)).astimezone(zone)
    closed = set(profile.closed_dates)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if day in closed:
            continue
        for period in profile.opening_hours:
            if period.weekday != day.weekday():
                continue
            opens = datetime.combine(day, period.opens, zone)
            closes = datetime.combine(day, period.closes, zone)
            if offset == 0 and opens <= local < closes:
                return OpenStatus(True, closes=closes)
            if opens > local:
                return OpenStatus(False, opens=opens)
    return OpenStatus(False)


def _clock(moment: time) -> str:
    if moment >= time(23, 59):
        return "midnight"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def _zone_name(profile: ClinicProfile, moment: datetime) -> str:
    return _ZONE_NAMES.get(profile.timezone) or moment.strftime("%Z") or profile.timezone


def _day(opens: datetime, today: date) -> str:
    days = (opens.date() - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return "on " + opens.strftime("%A")
    return f"on {opens.strftime('%A, %B')} {opens.day}"


def open_note(profile: ClinicProfile, now: datetime | None = None) -> str:
    """One sentence: "The clinic is open now, until 5:00 pm Central time." or "The clinic is
    closed now. It opens again on Monday at 8:00 am Central time." ("" without opening hours)."""
    current = status(profile, now)
    if current is None:
        return ""
    if current.open and current.closes is not None:
        return (f"The clinic is open now, until {_clock(current.closes.time())} "
                f"{_zone_name(profile, current.closes)}.")  # fmt: skip
    if current.opens is None:
        return "The clinic is closed now."
    today = (now or datetime.now(timezone.utc)).astimezone(_zone(profile)).date()
    return (f"The clinic is closed now. It opens again {_day(current.opens, today)} at "
            f"{_clock(current.opens.time())} {_zone_name(profile, current.opens)}.")  # fmt: skip


def with_open_note(text: str, profile: ClinicProfile, now: datetime | None = None) -> str:
    """``text`` followed by the open/closed sentence on a line of its own (unchanged when the
    clinic file has no opening hours). A line, not a paragraph: channels that send each
    paragraph as a message of its own (Rasa's REST collector) keep the two together."""
    note = open_note(profile, now)
    return f"{text}\n{note}" if note else text


# What a preferred time's words cover ("evening": 17:00 to 21:00), in the clinic's time.
_PARTS_OF_DAY = {"morning": (time(8), time(12)), "midday": (time(11, 30), time(13, 30)),
                 "afternoon": (time(12), time(17)), "evening": (time(17), time(21))}  # fmt: skip
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NORMALIZED = re.compile(
    r"^(?P<day>.*?)\s*(?P<time>(?:(?P<rel>after|before|around|by) )?(?P<clock>\d{2}:\d{2})|"
    r"morning|midday|afternoon|evening)?$"
)


def _window(time_part: str | None, rel: str | None, clock: str | None) -> tuple[time, time]:
    if clock:
        at = time.fromisoformat(clock)
        if rel == "after":
            return at, time.max
        if rel in ("before", "by"):
            return time.min, at
        return at, at
    if time_part in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[time_part]
    return time.min, time.max


def _days(day_part: str, profile: ClinicProfile) -> list[int] | None:
    """The weekdays a preferred day means (0 = Monday); None when it means any open day."""
    if day_part == "weekends":
        return [5, 6]
    if day_part.endswith("s") and day_part[:-1] in _WEEKDAY_NAMES:
        return [_WEEKDAY_NAMES.index(day_part[:-1])]
    try:
        day = date.fromisoformat(day_part)
    except ValueError:
        return None
    return [] if day in profile.closed_dates else [day.weekday()]


def outside_hours(normalized: str | None, profile: ClinicProfile) -> str | None:
    """``"closed_day"`` or ``"outside_hours"`` when a preferred time (as ``parse_preferred_time``
    normalises it: "weekends", "2026-12-05 morning", "weekdays after 18:00") falls wholly where
    the clinic is closed; None when it may fit, cannot be read, or no hours are configured."""
    if not normalized or not profile.opening_hours:
        return None
    match = _NORMALIZED.match(normalized)
    if match is None:
        return None
    days = _days(match["day"].strip(), profile)
    periods = [p for p in profile.opening_hours if days is None or p.weekday in days]
    if not periods:
        return "closed_day"
    start, end = _window(match["time"], match["rel"], match["clock"])
    if any(p.opens <= end and start < p.closes for p in periods):
        return None
    return "outside_hours"


# --- a day asked about: "are you open tomorrow?", "what about sunday" after the hours ----------
_WEEKDAY_WORDS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wensday": 2,
    "wednsday": 2, "weds": 2, "thursday": 3, "thurs": 3, "thur": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_TODAY = frozenset("today tonight todays".split())
_TOMORROW = frozenset("tomorrow tmrw tmr tmrow tomorow tommorow tommorrow tomorrows".split())
_WEEKEND = frozenset("weekend weekends".split())
# Short abbreviations are days only in a short question about a day ("open sat?"), never in a
# sentence where "sat" or "sun" are ordinary words; so only the full names count in plural.
_SHORT = frozenset({"mon", "tue", "tues", "thur", "thurs", "fri", "sat", "sun", "weds"})
# What a short question about a day may hold besides the day ("and on sunday?", "what about
# tomorrow", "are you guys open saturdays", "hours on friday?").
_DAY_QUESTION_WORDS = frozenset(
    "and what about how so ok okay then on this next the are is you u ya guys open opened "
    "close closed clinic office hours time times what's whats what're it there also even "
    "during until till at in do does did will be can i we come call reach visit someone anyone "
    "somebody staff".split())


@dataclass(frozen=True)
class AskedDay:
    """A day a patient asks about: a date, or a weekday in general ("on saturdays")."""

    dates: tuple[date, ...] = ()
    weekdays: tuple[int, ...] = ()  # in general, for "saturdays" and "weekends"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", (text or "").lower().replace("’", "'"))


def asked_day(text: str, profile: ClinicProfile, now: datetime | None = None) -> AskedDay | None:
    """The day a short question asks about ("what about tomorrow", "are you open on
    saturdays?", "and sunday?"), or None when the message is no such question: only day words
    and the words of asking whether the clinic is open, at most eight words."""
    words = _words(text)
    if not words or len(words) > 8:
        return None
    today = (now or datetime.now(timezone.utc)).astimezone(_zone(profile)).date()
    dates: list[date] = []
    weekdays: list[int] = []
    for word in words:
        if word in _TODAY:
            dates.append(today)
        elif word in _TOMORROW:
            dates.append(today + timedelta(days=1))
        elif word in _WEEKEND:
            weekdays.extend((5, 6))
        elif word.endswith("s") and word[:-1] in _WEEKDAY_WORDS and word[:-1] not in _SHORT:
            weekdays.append(_WEEKDAY_WORDS[word[:-1]])
        elif word in _WEEKDAY_WORDS:
            weekday = _WEEKDAY_WORDS[word]
            dates.append(today + timedelta(days=(weekday - today.weekday()) % 7))
        elif word not in _DAY_QUESTION_WORDS:
            return None
    if not dates and not weekdays:
        return None
    return AskedDay(tuple(dict.fromkeys(dates)), tuple(dict.fromkeys(weekdays)))


def _hours_of(profile: ClinicProfile, weekday: int) -> str:
    periods = [p for p in profile.opening_hours if p.weekday == weekday]
    return ", ".join(f"{_clock(p.opens)} to {_clock(p.closes)}" for p in periods)


def _named(day: date, today: date) -> str:
    if day == today:
        return f"Today ({day.strftime('%A')})"
    if day == today + timedelta(days=1):
        return f"Tomorrow ({day.strftime('%A')})"
    return f"On {day.strftime('%A, %B')} {day.day},"


def day_note(asked: AskedDay, profile: ClinicProfile, now: datetime | None = None) -> str:
    """Whether the clinic is open on the day asked about, from ``knowledge/clinic.yml``:
    "Tomorrow (Sunday) the clinic is closed. It opens again on Monday at 8:00 am Central
    time." Today is named too ("and on sunday?" asked on a Sunday: "Today (Sunday) the clinic is
    closed."), then the open/closed note ("" without opening hours)."""
    if not profile.opening_hours:
        return ""
    zone = _zone(profile)
    moment = (now or datetime.now(timezone.utc)).astimezone(zone)
    today = moment.date()
    zone_name = _zone_name(profile, moment)
    sentences = []
    closed_weekdays = [d for d in asked.weekdays if not _hours_of(profile, d)]
    if closed_weekdays:
        names = " and ".join(_WEEKDAY_NAMES[d].capitalize() + "s" for d in closed_weekdays)
        sentences.append(f"On {names} the clinic is closed.")
    for weekday in asked.weekdays:
        if weekday not in closed_weekdays:
            sentences.append(f"On {_WEEKDAY_NAMES[weekday].capitalize()}s the clinic is open "
                             f"from {_hours_of(profile, weekday)} {zone_name}.")
    reopens_after = None
    for day in asked.dates:
        hours = "" if day in profile.closed_dates else _hours_of(profile, day.weekday())
        if day == today:
            if hours:
                sentences.append(f"{_named(day, today)} the clinic is open from {hours} "
                                 f"{zone_name}. {open_note(profile, now)}")
            else:
                reopens = open_note(profile, now).replace("The clinic is closed now. ", "", 1)
                sentences.append(f"{_named(day, today)} the clinic is closed. {reopens}".strip())
            continue
        if hours:
            sentences.append(f"{_named(day, today)} the clinic is open from {hours} "
                             f"{zone_name}.")
            continue
        holiday = " for a holiday" if day in profile.closed_dates else ""
        sentences.append(f"{_named(day, today)} the clinic is closed{holiday}.")
        reopens_after = max(day, reopens_after or day)
    if reopens_after is None and today.weekday() in closed_weekdays:
        reopens_after = today
    if reopens_after is not None:
        reopening = status(profile, datetime.combine(reopens_after, time.max, zone))
        if reopening is not None and reopening.opens is not None:
            sentences.append(f"It opens again {_day(reopening.opens, today)} at "
                             f"{_clock(reopening.opens.time())} {zone_name}.")
    return " ".join(s for s in sentences if s)
