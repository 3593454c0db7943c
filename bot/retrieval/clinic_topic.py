"""After a crisis reply: has the person moved on to a question about the clinic.

A message that names the clinic's treatment or services ("ok. how long does a consultation
take") has: it gets the clinic's answer, or its choice of answers, with the resources line
kept. A short message that names nothing of the clinic ("i mean me", "what do i do", "help")
has not, even when retrieval finds some answer for its words: it gets the resources again.
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


# A question about the crisis lines themselves ("whats the veterans line", suite 13): the
# knowledge's answer names them all (veterans: 988, then 1), the follow-up names 988 only.
_CRISIS_LINE_TOPIC = re.compile(
    r"\b(?:veterans?|vets?|crisis|suicide|text|chat|help|hot) ?lines?\b|\blifeline\b|"
    r"\bcrisis text\b|\bline for (?:veterans|vets)\b"
    # "is there something just for vets", "what would even happen if I called 988" (review 15)
    r"|\b(?:something|anything|one|help|support) (?:just |only |specifically )?for (?:vets|"
    r"veterans)\b|\bwhat (?:would|will|happens|does)\b.{0,30}\b(?:call|text)\w* (?:988|the "
    r"lifeline)\b|\bwho answers\b"
    # "is texting 988 actually a real person or a bot like u" (suite 20)
    r"|\b(?:988|lifeline|crisis line|hotline)\b.{0,40}\b(?:real person|real people|a person|"
    r"human|a bot|robot|an ai)\b"
    # what 988 does with a call or a text ("is 988 gonna call my mom", "will they send cops if i
    # text 988", review 23 and the fifteenth round's note): the knowledge's answer says when
    # emergency services are involved
    r"|\b(?:988|lifeline|crisis line|hotline)\b.{0,50}\b(?:police|cops|my (?:mom|mother|dad|"
    r"father|parents?|family|school|boss|job|work|husband|wife)|lock (?:me|you|people) up|"
    r"committed|trace|track|report|record\w*|tell (?:anyone|my|the))\b|\b(?:police|cops|my (?:mom|"
    r"mother|dad|father|parents?|family)|lock (?:me|you|people) up|trace|track)\b.{0,50}\b(?:988|"
    r"lifeline|crisis line|hotline)\b", re.IGNORECASE)


# What someone helping in a crisis asks or tells next ("what do i do until then", "is that
# something i should worry about", "they said go to the er", "ok i called 911 for a wellness
# check", review 14): still about the crisis, whatever answer retrieval finds for its words.
_STILL_ABOUT_THE_CRISIS = re.compile(
    r"\b(?:what (?:do|should|can|could) (?:i|we) do|what now|until then|worry|worried|scared|"
    r"afraid|the er|emergency room|hospital|ambulance|911|988|call|called|calling|poison "
    r"control|wellness check|"
    r"police|cops|bleed\w*|breathing|stay with (?:her|him|them)|help (?:her|him|them)|is (?:she|he|"
    r"they) (?:ok|okay|going to be)|(?:she|he|they) (?:wont|will not|isnt|is not) (?:answer|"
    r"pick up|respond)\w*)\b", re.IGNORECASE)


def tells_of_the_crisis(text: str) -> bool:
    """True when the message asks what to do next or tells what was done about the crisis,
    whatever else it names."""
    return bool(_STILL_ABOUT_THE_CRISIS.search(text or ""))


def still_about_the_crisis(text: str) -> bool:
    """True when the message asks what to do next or tells what was done about the crisis;
    unless it names the clinic, it is no clinic question."""
    return tells_of_the_crisis(text) and not names_clinic_topic(text)


def names_clinic_topic(text: str) -> bool:
    """True when the message names the clinic's treatment, visits, costs or places, or asks
    about the crisis lines."""
    return bool(_CLINIC_TOPIC.search(text or "") or _CRISIS_LINE_TOPIC.search(text or ""))


SHORT_MESSAGE_WORDS = 4


def moves_on_to_the_clinic(text: str, decision_kind: str) -> bool:
    """True when, after a crisis reply, this message is a clinic question to answer: an answer
    for a message that names the clinic or is longer than a short reply, or a choice of answers
    for one that names the clinic."""
    if still_about_the_crisis(text):
        return False
    if decision_kind == "answer":
        return names_clinic_topic(text) or len((text or "").split()) > SHORT_MESSAGE_WORDS
    return decision_kind == "clarify" and names_clinic_topic(text)
