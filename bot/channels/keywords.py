"""Carrier SMS keywords (STOP, START, HELP and their synonyms) and the replies they get.

Carriers and Twilio reserve these words only as an exact single-word message, so "stop" is a
keyword but "stop the booking" is a sentence for the assistant. CANCEL is an opt-out keyword:
on SMS a patient who wants to leave the booking form says "never mind" or "cancel the booking"
(the booking prompts never suggest replying CANCEL). See docs/channels.md.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.config import ClinicProfile
from bot.opening_hours import open_note
from bot.replies import help_now_line


class Keyword(Enum):
    """What a carrier keyword asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


# Twilio's default opt-out, opt-in and help keywords (Advanced Opt-Out), plus CTIA's list.
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
# YES re-subscribes only someone who opted out; otherwise it is an answer to the assistant.
OPT_IN_WHEN_OPTED_OUT = frozenset({"YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

_EDGE_PUNCTUATION = re.compile(r"^[\s\W_]+|[\s\W_]+$")


def normalise(text: str | None) -> str:
    """The message as carriers compare it: trimmed, upper case, without edge punctuation."""
    return _EDGE_PUNCTUATION.sub("", (text or "").strip()).upper()


def classify(text: str | None, opted_out: bool) -> Keyword | None:
    """The keyword ``text`` is, or None when it is a message for the assistant."""
    word = normalise(text)
    if not word or " " in word:
        return None
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


# MORE with nothing held back (review 14: at the summary it was read as a yes).
NOTHING_MORE_REPLY = "That was all of it. Reply with the number of an option, or ask me anything."


def is_more(text: str | None) -> bool:
    """True when the patient asks for the rest of a long reply."""
    return normalise(text) in {"MORE", "NEXT", "CONTINUE"}


def opt_out_reply(profile: ClinicProfile, request_stopped: bool = False) -> str:
    """The one and only message after STOP (saying so when it ended an unfinished request)."""
    stopped = ("Your unfinished consultation request was stopped and nothing was saved. "
               if request_stopped else "")
    return (
        f"You're unsubscribed from {profile.name}'s assistant and will get no more texts. "
        f"{stopped}Reply START to chat again. {help_now_line(profile)}"
    )


def opt_in_reply(profile: ClinicProfile) -> str:
    """The reply to START: subscribed again, and how to get help or leave."""
    return (
        f"You're subscribed to {profile.name}'s automated assistant. Ask a question any time. "
        "Reply HELP for help, STOP to unsubscribe. Msg&data rates may apply."
    )


def help_reply(profile: ClinicProfile) -> str:
    """The reply to HELP: who this is, how to reach a person (and whether the clinic is open
    now), and the crisis line."""
    note = open_note(profile)
    return (
        f"{profile.name} automated assistant (not a clinician). Call us at "
        f"{profile.phone_display}.{' ' + note if note else ''} {help_now_line(profile)} "
        "Reply STOP to unsubscribe. Msg&data rates may apply."
    )
