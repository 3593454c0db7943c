"""Does a message name something of the clinic: its treatment, visits, costs or places.

After a crisis reply, a message the knowledge cannot answer outright gets the crisis resources
again ("what do i do", "help"). A message that names the clinic's treatment or services ("ok.
how long does a consultation take") has moved on to a clinic question: it gets the clinic's
choice of answers, with the resources line kept.
"""

from __future__ import annotations

import re

_CLINIC_TOPIC = re.compile(
    r"\b(?:ketamine|esketamine|spravato|treatments?|therapy|therapies|infusions?|sessions?|"
    r"consultations?|consults?|appointments?|visits?|cost|costs|price|prices|fees?|pay|"
    r"payment|insurance|insured|covered|locations?|offices?|address|parking|hours|opening|"
    r"clinic|clinics|doctors?|nurses?|staff|clinicians?|psychiatrists?|side effects?|"
    r"referral|nasal spray|booking|book)\b",
    re.IGNORECASE)


def names_clinic_topic(text: str) -> bool:
    """True when the message names the clinic's treatment, visits, costs or places."""
    return bool(_CLINIC_TOPIC.search(text or ""))
