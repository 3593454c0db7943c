"""The slots a consultation request fills, in one place for everything that must clear them.

Used by the booking actions (cleared whenever the form ends, however it ends) and by the
session start (none of them carries over into a new session). No imports, no side effects.
"""

from __future__ import annotations

FORM = "consultation_form"
# What the patient tells us (and what validation derives from it).
PERSONAL_SLOTS = (
    "full_name",
    "contact",
    "contact_kind",
    "preferred_time",
    "preferred_time_normalized",
    "location",
    "booking_for",  # who the patient is to the caller, when booking for someone else
)
FORM_SLOTS = ("booking_consent", *PERSONAL_SLOTS, "booking_review")
# After a failed submit: the idempotency key of that attempt, so that a retry stores the
# request at most once even if the failed attempt reached the database after all.
ATTEMPT_SLOT = "booking_attempt_key"
# The bot message metadata the submit action sets, and its value for a request sent
# (read by the cancel outside the form and by `bot report`).
BOOKING_OUTCOME_KEY = "booking_outcome"
STORED = "stored"
# Set when a crisis reply stopped the form: the next follow-up says the request was not sent.
REQUEST_INTERRUPTED = "request_interrupted"
# Everything above, plus the form's bookkeeping.
REQUEST_SLOTS = (*FORM_SLOTS, ATTEMPT_SLOT, "requested_slot", REQUEST_INTERRUPTED)
