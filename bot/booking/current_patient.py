"""A current patient asking to book their next session, a booster or "one".

The consultation request form is for a first consultation. A patient who has said they are
already being treated ("im already a patient, had my 3rd infusion last wednesday", "finished my
6 infusions last month") and then asks "can't you just book it for me for next thursday" or "how
do i schedule one" wants a session with their care team, which is booked by phone (suites 19 and
20 opened the form). A request for a consultation in so many words, or for someone else, still
opens the form. Standard library only.
"""

from __future__ import annotations

import re

from bot.safety.medical import told_of_own_session

CURRENT_PATIENT_SLOT = "current_patient"

_SAYS_CURRENT_PATIENT = re.compile(
    r"\b(?:i'?m|i am|im) (?:already |currently |an? )*(?:current |existing )?(?:patient|client)s?"
    r"\b(?! (?:yet|soon|person|man|woman|guy|one))|\balready (?:a )?patient\b|"
    r"\b(?:finished|completed|done with|did|had) (?:my |all (?:of )?my )?(?:\d+|two|three|four|"
    r"five|six|first|initial) (?:\w+ )?(?:infusions|sessions|treatments)\b|"
    r"\bmy (?:last|previous|\d+(?:st|nd|rd|th)|second|third|fourth|fifth|sixth) "
    r"(?:infusion|session|treatment|booster|spravato (?:session|dose))\b", re.IGNORECASE)
# A first consultation or someone else's booking: the form.
_CONSULTATION = re.compile(
    r"\b(?:consult\w*|new patient|first (?:visit|appointment)|for (?:my|her|him|them|a friend|"
    r"someone)\b|on behalf)", re.IGNORECASE)


def is_current_patient(user_texts: list[str]) -> bool:
    """True when one of the patient's messages says they are already being treated here."""
    return told_of_own_session(user_texts) or any(
        _SAYS_CURRENT_PATIENT.search(text or "") for text in user_texts)


def wants_a_session_booked(text: str) -> bool:
    """True when a booking request from a current patient is for their own next session, not a
    consultation for themselves or someone else."""
    return not _CONSULTATION.search(text or "")
