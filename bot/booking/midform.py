"""Messages typed during the consultation form that are about the request itself rather than
an answer to the step's question: a correction of a detail already given ("actually, switch that
to Thursday mornings") and a question about what was given ("what did I tell you my name was?").

Plain functions, no Rasa. A correction needs a word that says so ("actually", "change", "switch",
"instead"...) and a value that passes the form's own validators; without one, the message is
what it looks like (an answer or a question) and the form goes on as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bot.booking import validators
from bot.booking.corrections import corrected_name, inline_value, named_location
from bot.config import Location

_CORRECTION_MARKER = re.compile(
    r"\b(?:actually|instead|change|changed|switch|swap|move|make it|update|rather|correction|"
    r"scratch that|on second thought|wait|should be|mixed up|wrong|typo|meant|sorry|oops|my bad|"
    # "oh sorry, her full name is Evelyn Marsh-Collins" (suite 10)
    r"i mean|(?:full|real|legal|whole) name is)\b|"
    # "oh ur closed weekends? then mondays": a short "then ..." at the end of the message
    r"\bthen (?:\w+ ){0,2}\w+[\s.!?]*$|\b\w+ then[\s.!?]*$", re.IGNORECASE)
_RECAP = re.compile(
    r"\bwhat (?:did|have) i (?:just )?(?:tell|told|give|given|gave|say|said|put|type|typed)\b|"
    r"\bwhat (?:name|number|phone(?: number)?|email|time|details?|info(?:rmation)?) "
    r"(?:did|have) i\b|"
    r"\bwhat (?:do|have) you (?:have|got)(?: down)?(?: for me| so far| as my \w+)\b|"
    r"\bread (?:it|that|them|my details|everything) back\b|"
    r"\bwhat(?:'s| is) my (?:name|number|email|time) again\b|"
    r"\bdid you (?:get|catch) my (?:name|number|email|details)\b",
    re.IGNORECASE)


def correction_in(text: str, current_step: str | None, today: date,
                  locations: tuple[Location, ...],
                  current_name: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(field, slot values) when ``text`` corrects a detail other than the one the form is
    asking for now, naming the new value; None otherwise. ``current_name`` is the name given so
    far: "my last name is spelled Whitfeld" corrects a part of it."""
    name = corrected_name(text, current_name)
    if name is not None and current_step != "full_name":
        return "full_name", {"full_name": name}
    if not _CORRECTION_MARKER.search(text or ""):
        return None
    found = inline_value(None, text, today, locations)
    if found is None:
        # "can we do the North office instead": a location named in full needs no "to".
        location = named_location(text, locations)
        found = ("location", {"location": location.id}) if location is not None else None
    if found is None:
        found = _bare_time(text, today)
    if found is None or found[0] == current_step:
        return None
    return found


# The words around a bare new value ("no wait tuesday morning", "ok wednesday afternoon then").
_AROUND_A_VALUE = re.compile(
    r"\b(?:no|nope|oh|ok|okay|wait|actually|sorry|then|instead|please|rather|on second thought|"
    r"scratch that|make it|lets do|let's do|how about|maybe|"
    # "actually can we do thursday afternoons instead" at the summary (suite 20)
    r"(?:can|could) (?:we|you|i) (?:do|make it|go with|switch (?:it |that )?to|change (?:it "
    r"|that )?to)|(?:lets|let's) go with)\b|[,.!?]", re.IGNORECASE)


def _bare_time(text: str, today: date) -> tuple[str, dict[str, Any]] | None:
    """A preferred time typed with nothing but correction words around it."""
    rest = " ".join(_AROUND_A_VALUE.sub(" ", text or "").split())
    if not 1 <= len(rest.split()) <= 4:
        return None
    try:
        parsed = validators.parse_preferred_time(rest, today)
    except validators.Invalid:
        return None
    if not parsed.normalized:
        return None
    return "preferred_time", {"preferred_time": parsed.text,
                              "preferred_time_normalized": parsed.normalized}


def asks_what_was_given(text: str) -> bool:
    """True when the patient asks what they have given so far ("what did I tell you my name
    was?", "what do you have for me so far?")."""
    return bool(_RECAP.search(text or ""))


# "wait did my booking even go thru", "was my request sent?", "did you get my request"
_ASKS_IF_SENT = re.compile(
    # "did the booking for him go through" (suite 20)
    r"\b(?:did|has|was|is|were)\s+(?:my|the|it|that|this)\b(?:\s+\w+){0,4}?\s+"
    r"(?:even\s+|actually\s+)?"
    r"(?:go\s+(?:thru|through)|gone\s+(?:thru|through)|get\s+(?:sent|through|thru|saved|booked)|"
    r"got\s+(?:sent|through|thru)|sent|saved|booked|submitted|received|send|work)\b|"
    r"\bdid\s+(?:you|they|the clinic)\s+(?:get|receive)\s+(?:my|the)\s+"
    r"(?:request|booking|details)\b",
    re.IGNORECASE)


def asks_if_sent(text: str) -> bool:
    """True when the patient asks whether their request went through ("wait did my booking
    even go thru")."""
    return bool(_ASKS_IF_SENT.search(text or ""))


# The confirmation the form sends once a request is stored (bot/booking/replies.py confirmed),
# and the replies that end a form without storing anything.
_CONFIRMATION = re.compile(r"your request has been sent to .{1,120}\(reference #(\d+)\)")
_NOT_SENT = re.compile(r"\bnot (?:sent|saved)\b|have not sent it|nothing (?:was|has been) "
                       r"(?:sent|saved|stored)|nothing you entered has been saved|"
                       r"haven't collected or saved", re.IGNORECASE)


def form_ran(events: Iterable[Mapping[str, Any]], form: str) -> bool:
    """True when ``form`` was started in this conversation (its request may not have been sent)."""
    return any(event.get("event") == "active_loop" and event.get("name") == form
               for event in events)


def sent_reference(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The reference number of the request this conversation last sent, when the latest form
    outcome was a stored request ("did it go through?" right after the confirmation); None
    when none was sent or a later form ended without storing anything."""
    reference = None
    for event in events:
        if event.get("event") != "bot":
            continue
        text = event.get("text") or ""
        found = _CONFIRMATION.search(text)
        if found:
            reference = found.group(1)
        elif _NOT_SENT.search(text):
            reference = None
    return reference


# "what do u mean", "huh?", "like what?" at a step's question (review 18: "I don't know").
_WHAT_IT_MEANS = re.compile(
    r"^\W*(?:(?:sorry|um+|uh+|ok|so)\W+)?(?:what do (?:you|u|ya) mean|what does that mean|what do "
    r"(?:you|u) need(?: from me)?|what (?:do|should) i (?:put|type|write|say)(?: here)?|i dont "
    r"(?:get it|understand)|i don'?t understand|huh|wh?at|wdym|like what|such as|meaning|"
    r"what is that for|why do (?:you|u) need (?:that|this|it))\W*$", re.IGNORECASE)


def asks_what_the_step_means(text: str) -> bool:
    """True for a short "what do u mean" / "huh?" typed at a form question."""
    return bool(_WHAT_IT_MEANS.search((text or "").replace("’", "'")))
