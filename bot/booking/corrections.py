"""A correction that names its new value in the same message ("change the email to
jlee77@example.org", "use my phone instead: 555-778-1200", "can we make it Thursday morning
instead?"): read the value, so the form takes it instead of asking for it again.

Plain functions, no Rasa; the values go through the same validators as the form's answers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.booking import validators
from bot.booking.form import match_location
from bot.config import Location

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
# The new value follows one of these; "instead", "please" and punctuation close it.
_NEW_VALUE = re.compile(
    r"\b(?:to|make it|make that|for|on|at|use|with|be|is|rather|prefer|then)\s+(?P<value>.+?)"
    r"(?:\s+(?:instead|please|then|thanks|thank you))*[\s?.!]*$", re.IGNORECASE)
_NAME_VALUE = re.compile(
    r"\bname\b(?:.*?\b(?:to|is|should be|as|it'?s)\s+|\s+(?=[A-Z]))(?:actually\s+|really\s+)?"
    r"(?P<value>.+?)[\s?.!]*$",
    re.IGNORECASE)
# A correction that says "name" is about the name ("put her full name Rosa Maria Delgado").
_MENTIONS_NAME = re.compile(r"\bname\b", re.IGNORECASE)


def inline_value(field: str | None, text: str, today: date,
                 locations: tuple[Location, ...]) -> tuple[str, dict[str, Any]] | None:
    """(field, slot values) for the detail a correction message also gives, when one can be
    read and is valid; None otherwise (the form then asks for the detail again). ``field`` is
    the detail the message names ("email" -> contact), or None when it names none."""
    if field is None and _MENTIONS_NAME.search(text) and not (_EMAIL.search(text)
                                                              or _PHONE.search(text)):
        field = "full_name"
    if field in (None, "contact"):
        found = _EMAIL.search(text) or _PHONE.search(text)
        if found:
            try:
                contact = validators.validate_contact(found.group(0))
            except validators.Invalid:
                return None
            return "contact", {"contact": contact.value, "contact_kind": contact.kind}
    if field == "full_name":
        named = _NAME_VALUE.search(text)
        if named:
            try:
                return "full_name", {"full_name": validators.validate_full_name(
                    named.group("value"))}
            except validators.Invalid:
                return None
        return None
    phrase = _NEW_VALUE.search(text)
    if phrase is None:
        return None
    value = phrase.group("value")
    if field in (None, "location"):
        location = match_location(value, locations)
        if location is not None:
            return "location", {"location": location.id}
    if field in (None, "preferred_time"):
        try:
            parsed = validators.parse_preferred_time(value, today)
        except validators.Invalid:
            return None
        if parsed.normalized:
            return "preferred_time", {"preferred_time": parsed.text,
                                      "preferred_time_normalized": parsed.normalized}
    return None


# What joins a name to the phone number or e-mail typed after it ("Marcus Bell, 414-555-0190",
# "my name is Marcus Bell and my number is ...").
_BEFORE_CONTACT = re.compile(
    r"(?:\s*(?:[,;:.\-–]|\band\b|\bmy\b|\bphone\b|\bcell\b|\bmobile\b|\bnumber\b|\bis\b|"
    r"\bemail\b|\be-mail\b|\bat\b|\bon\b|\byou can\b|\breach me\b|\bcall me\b|\btext me\b))+"
    r"\s*$", re.IGNORECASE)


def name_with_contact(text: str) -> tuple[str, validators.Contact] | None:
    """(name, contact) when a full name is followed by a phone number or e-mail address in one
    message; None when either is missing or invalid."""
    found = _EMAIL.search(text or "") or _PHONE.search(text or "")
    if found is None:
        return None
    before = _BEFORE_CONTACT.sub("", text[:found.start()])
    try:
        return (validators.validate_full_name(before),
                validators.validate_contact(found.group(0)))
    except validators.Invalid:
        return None


# "my name is Tom Reyes", "hi im Marcus Oyelaran": an introduction with a capitalised name
# ("I'm feeling low" is none).
_INTRODUCTION = re.compile(
    r"\b(?i:my name is|my names|my name's|name is|name\s*:|this is|i'?m|i am)\s*"
    r"(?P<name>[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*){1,3})")


# Capitalised words that follow "I'm" and are not a name ("I'm Very Anxious").
_NOT_NAME_WORDS = frozenset(
    "very really so feeling anxious depressed sad tired interested looking calling writing here "
    "new ready scared worried nervous curious desperate happy glad sorry sure not just".split())


# A time right after the words of the request ("want a consult thursday mornings", "book me
# for tuesday afternoon"); "I called on Tuesday" or "my appointment on Monday" is none.
_DAY = (r"(?:(?:this|next|coming)\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)"
        r"(?:day)?s?|weekends?|weekdays?|tomorrow|next week")
_PART = (r"mornings?|afternoons?|evenings?"
         r"|(?:after|before|around|at)\s+\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?")
_REQUEST_THEN_TIME = re.compile(
    r"\b(?:consult(?:ation)?s?|appointments?|appts?|sessions?|visits?|book(?:\s+me)?(?:\s+in)?"
    r"|schedule(?:\s+me)?(?:\s+in)?|come in|call\s+me\s+back|callback)"
    r"\s+(?:(?:for|on|in|sometime|some time|any|preferably|ideally|maybe|a|the)\s+)*"
    rf"(?P<time>(?:{_DAY}|{_PART})(?:,?\s+(?:or\s+|and\s+)?(?:{_DAY}|{_PART}))*)\b",
    re.IGNORECASE)
# "I prefer Thursday afternoons at the North office" (review 16): a time after a word of
# preference, anywhere in the opening message.
_PREFERENCE_THEN_TIME = re.compile(
    r"\b(?:i(?:'d| would)? prefer|preferably|ideally|works best(?: for me)?(?: is| are)?|best for "
    r"me (?:is|are|would be)|i(?:'?m| am) free|i can do|i'?m available|available)\s+"
    rf"(?:on\s+|in\s+)?(?P<time>(?:{_DAY}|{_PART})(?:,?\s+(?:or\s+|and\s+)?(?:{_DAY}|{_PART}))*)\b",
    re.IGNORECASE)
# Words just before the request that make it an appointment already had, not one asked for.
_NOT_A_REQUEST = re.compile(r"\b(?:my|had|have|missed|last|previous|cancel(?:l?ed)?|existing|"
                            r"our|his|her|their|your|the|was|were)\s+(?:\w+\s+)?$",
                            re.IGNORECASE)


# A clause made of time words only (", mornings before 10", ". weekends work best").
_TIME_WORD = (rf"(?:{_DAY}|{_PART}|preferably|ideally|maybe|prefer(?:ably)?|any|either|or|and|"
              r"early|late|mid|the|in|on|at|after|before|around|by|sometime|ish|\d{1,2}(?::\d{2})?"
              r"(?:\s*[ap]\.?m\.?)?|days?|work(?:s)?|best|is|are|good|great|fine|for me|pls|please"
              r"|i'?m free|im free|i am free|free|available)")
_TIME_CLAUSE = re.compile(rf"^(?:{_TIME_WORD})(?:\s+(?:{_TIME_WORD}))*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,.;:!?\n]+\s*")
# "Good afternoon." opening a message is a greeting, not a preferred time (suite 14).
_GREETING = re.compile(r"^(?:(?:hi|hello|hey)\s+)?good\s+(?:morning|afternoon|evening)$",
                       re.IGNORECASE)


def time_up_front(text: str, today: date) -> dict[str, Any]:
    """The preferred time that follows the request in the opening message ("want a consult
    thursday mornings") or stands as a clause of its own ("..., mornings before 10"), as slot
    values, or nothing."""
    spans = [found.group("time") for found in _REQUEST_THEN_TIME.finditer(text or "")
             if not _NOT_A_REQUEST.search(text[:found.start()])]
    spans += [clause.strip() for clause in _CLAUSE_END.split(text or "")
              if _TIME_CLAUSE.match(clause.strip()) and not _GREETING.match(clause.strip())]
    # Last: a clause of time words alone keeps the patient's own words ("i'm free on tuesday").
    spans += [found.group("time") for found in _PREFERENCE_THEN_TIME.finditer(text or "")]
    for said in spans:
        try:
            parsed = validators.parse_preferred_time(said, today)
        except validators.Invalid:
            continue
        if parsed.normalized:
            return {"preferred_time": parsed.text,
                    "preferred_time_normalized": parsed.normalized}
    return {}


def given_up_front(text: str, locations: tuple[Location, ...],
                   today: date | None = None) -> dict[str, Any]:
    """Slot values the message that opened the form already gave, taken once the patient has
    consented: a phone number or e-mail ("book me in, I'm on 555-201-0187"), a location named
    in full ("the North office"), a name the writer introduced with capitals ("hi im Marcus
    Oyelaran") and, given ``today``, a time right after the request ("want a consult thursday
    mornings"; "I called on Tuesday" is no preferred time)."""
    values: dict[str, Any] = time_up_front(text, today) if today is not None else {}
    introduced = _INTRODUCTION.search(text or "")
    if introduced and not _NOT_NAME_WORDS & set(introduced.group("name").lower().split()):
        try:
            values["full_name"] = validators.validate_full_name(introduced.group("name"))
        except validators.Invalid:
            pass
    found = _EMAIL.search(text or "") or _PHONE.search(text or "")
    if found:
        try:
            contact = validators.validate_contact(found.group(0))
        except validators.Invalid:
            contact = None
        if contact is not None:
            values.update(contact=contact.value, contact_kind=contact.kind)
    location = named_location(text, locations)
    if location is not None:
        values["location"] = location.id
    return values


def named_location(text: str, locations: tuple[Location, ...]) -> Location | None:
    """The one location whose full name the text contains ("the North office"), or None."""
    lowered = (text or "").lower()
    named = [location for location in locations if location.name.lower() in lowered]
    return named[0] if len(named) == 1 else None


# "my last name is spelled Whitfeld, no i", "her first name is actually Evelyn": one part of the
# name given so far, corrected at a later step.
_NAME_PART = re.compile(
    r"\b(?:my|her|his|their|the)?\s*(?P<part>last|first|middle|sur|family|given)\s*-?name\b"
    r"(?:\s+(?:is|should be|was|s))?(?:\s+(?:actually|really))?(?:\s+(?:spelled|spelt|written))?"
    r"(?:\s+(?:like|as))?\s*[:,-]?\s*(?P<value>[^\W\d_]+(?:[-'’][^\W\d_]+)*)", re.IGNORECASE)
# Words that follow "spelled" and are not the name ("spelled wrong", "spelled with an i").
_NOT_A_NAME_PART = frozenset(
    "wrong wrongly incorrectly differently with without the a an it is not spelled correct "
    "right".split())
# "actually its Ethan James Moore", "sorry, it's Ana Lucia Reyes": the whole name typed again.
_NAME_RESTATED = re.compile(
    r"^\W*(?:(?:oh|no|wait|sorry|oops|actually|um|uh|hmm)\W+)+(?:my (?:full )?name is|(?:its|it'?s|"
    r"it is|im|i'?m|i am|name is|name's)|the name is)\s+(?P<value>.+?)[\s.!]*$", re.IGNORECASE)


def corrected_name(text: str, current_name: str | None) -> str | None:
    """The patient's name with the part this message corrects ("my last name is spelled
    Whitfeld" -> "Dana Whitfeld"), or the whole name typed again with a correction word
    ("actually its Ethan James Moore", when it shares a word with "Ethan Moore"); None when the
    message corrects no name, or there is no name yet."""
    if not current_name:
        return None
    words = current_name.split()
    part = _NAME_PART.search(text or "")
    if part and part.group("value").lower() not in _NOT_A_NAME_PART:
        value = part.group("value")
        value = value[0].upper() + value[1:]
        kind = part.group("part").lower()
        if kind in ("last", "sur", "family"):
            new = [*words[:-1], value] if len(words) > 1 else [*words, value]
        elif kind in ("first", "given"):
            new = [value, *words[1:]]
        else:  # middle: between the first and the last name
            new = [words[0], value, words[-1]] if len(words) > 1 else [*words, value]
        return _valid_name(" ".join(new), current_name)
    restated = _NAME_RESTATED.match(text or "")
    if restated:
        known = {word.lower().strip(".,") for word in words}
        new_words = {word.lower().strip(".,") for word in restated.group("value").split()}
        if known & new_words:
            return _valid_name(restated.group("value"), current_name)
    return None


def _valid_name(name: str, current_name: str) -> str | None:
    try:
        tidy = validators.validate_full_name(name)
    except validators.Invalid:
        return None
    return tidy if tidy != current_name else None


def invalid_contact_reason(text: str) -> str | None:
    """Why the phone number or e-mail address in a correction is not valid ("oh sorry its
    555-123-4567": no US number has an exchange starting with 1), for the form's own message;
    None when the message holds none, or a valid one."""
    found = _EMAIL.search(text or "") or _PHONE.search(text or "")
    if found is None:
        return None
    try:
        validators.validate_contact(found.group(0))
    except validators.Invalid as invalid:
        return invalid.reason
    return None
