"""A booking request in so many words ("can I still book something", "booking on behalf of my
husband"), whatever else the message says. Standard library only: the Rasa process (the intent
classifier) and the action server both read it.
"""

from __future__ import annotations

import re

# Whom a booking may be for, named by relation ("my husband", "our daughter").
_RELATION = (r"(?:husband|wife|partner|spouse|son|daughter|mom|mother|dad|father|parents?|friend|"
             r"brother|sister|grandma|grandpa|grandmother|grandfather|aunt|uncle|kid|child|"
             r"boyfriend|girlfriend|fianc[eé]e?)")

_BOOKING_REQUEST = re.compile(
    r"\b(?:can|could|may) (?:i|we) (?:still |please |just )?(?:book|schedule|request|set up)\b|"
    # "can i get a note for work" is no booking (review 14): get and make need an appointment
    r"\b(?:can|could|may) (?:i|we) (?:still |please |just )?(?:get|make)(?: (?:a|an|one|me|in|"
    r"seen))?(?: (?:new |first |quick )?(?:appointment|appt|consult(?:ation)?|booking|session|"
    r"spot|slot|time slot))?(?=\W*$| (?:appointment|appt|consult|booking|with|for (?:me|my|"
    r"this|next|tomorrow|today)|this|next|soon|asap|today|tomorrow|please|pls)\b)|"
    r"(?<!if )(?<!when )(?<!once )\b(?:i|id|i would|i want to|i wanna|i need to|i'd) "
    r"(?:still )?(?:like to |want "
    r"to |need to )?(?:book|schedule|make an appointment|request a consultation)\b|\b(?:book|"
    r"schedule) (?:me|something|an appointment|a consultation|a consult|a session)\b|"
    r"\b(?:want|need|like|would like|wanna|get me) (?:to (?:get|have|book|schedule|set up) )?"
    r"(?:a |an )?(?:consult(?:ation)?|appointment|appt)\b|"
    # "i guess ill book then" (review 18), "ok imma book one"; not "if i book" or "ill book later"
    r"(?<!if )(?<!when )(?<!once )(?<!maybe )\b(?:ill|i'll|i will|imma|im gonna|im going to) "
    r"(?:just |go ahead and |probably )?(?:book|schedule)\b(?: (?:one|it|a consult(?:ation)?|an "
    r"appointment|a session|then|now))?(?! (?:later|when|after|once|another|next|some ?time|"
    r"online|myself|by phone|over the phone))|"
    # "so lets book i guess", "ok let's get it booked", "sign me up"
    r"\b(?:lets|let's|let us) (?:just )?(?:book|schedule|do the (?:booking|consult(?:ation)?)|get "
    r"(?:it|me|one|that) (?:booked|scheduled))\b|\bsign me up\b|"
    # "booking on behalf of my husband", "I'm booking for my mom"
    r"\b(?:booking|book|schedule|scheduling) (?:an appointment |a consult(?:ation)? |a session )?"
    rf"(?:on behalf of|for) (?:my|our) (?:\w+ )?{_RELATION}\b|"
    # "I'm setting this up for my husband" (suite 10), "can you sign him up", "book her in"
    r"\b(?:setting|getting) (?:this|it|one|something|an appointment|a consult(?:ation)?) "
    rf"(?:up )?for (?:my|our) (?:\w+ )?{_RELATION}\b|"
    r"\b(?:sign|book|schedule) (?:him|her|them) (?:in|up)\b|"
    # "can i still become a patient at your clinic after this" (review 12)
    r"\b(?:can|could|may) (?:i|we|he|she) (?:still |please )?(?:become|be seen as|sign up as) "
    r"(?:a |your )?(?:new )?(?:patient|client)s?\b|"
    # "can we keep going with the booking" after a crisis stopped the form (review 14)
    r"\b(?:keep going|continue|carry on|go on|pick up|resume|finish|get back to) (?:with )?(?:the |"
    r"my |this )?(?:booking|request|form|appointment request|consult(?:ation)? request)\b|"
    # "ok. can yall still see me" after a crisis reply (review 14)
    r"\b(?:can|could|will) (?:you|yall|y'all|u|you guys) (?:still |even )?see (?:me|us)\b"
    r"(?! (?:if|with|when|because|even|though))",
    re.IGNORECASE,
)


# "I don't want to book a consultation", "not ready to schedule anything": the words, negated.
_NEGATED = re.compile(
    r"\b(?:dont|don't|do not|not|never|no longer|no)\b(?:\s+\w+){0,3}\s+(?:book|booking|"
    r"schedule|scheduling|sign (?:me )?up|make an appointment|request|consult(?:ation)?|"
    r"appointment|appt)\b",
    re.IGNORECASE)


def asks_to_book(text: str) -> bool:
    """True when the message asks for an appointment in so many words ("can I still book
    something", "I'd like to schedule a consultation"), whatever else it says; not when the
    words are negated ("I don't want to book a consultation")."""
    text = (text or "").replace("’", "'")
    return bool(_BOOKING_REQUEST.search(text)) and not _NEGATED.search(text)


# "quiero hacer una cita", "¿puedo pedir una consulta?", "agendar para mi mamá": a booking asked
# for in Spanish; "no quiero una cita" is none.
_SPANISH_BOOKING = re.compile(
    r"\b(?:(?:hacer|pedir|sacar|agendar|programar|reservar|tener|solicitar|quiero|necesito|"
    r"quisiera|puedo|podria|podría) (?:\w+ )?(?:una |la |mi )?(?:cita|consulta)|agendar|"
    r"reservar (?:una|un)|programar (?:una|un))\b", re.IGNORECASE)
_SPANISH_NEGATED = re.compile(r"\bno (?:\w+ )?(?:quiero|necesito|puedo)\b", re.IGNORECASE)


def asks_to_book_in_spanish(text: str) -> bool:
    """True when the message asks for an appointment in Spanish ("quiero hacer una cita"):
    the assistant books in English only, so the answer is the clinic's phone, in Spanish."""
    return bool(_SPANISH_BOOKING.search(text or "")) and not _SPANISH_NEGATED.search(text or "")


# A question somewhere in the message: a question mark, a question word first, a conditional
# ("if i book a consult am i locked in"), or an inverted question ("... am i locked in").
_ANY_QUESTION = re.compile(
    r"\?|^\W*(?:what|how|why|when|where|which|who|whats|hows|is|are|am|do|does|did|can|could|will|"
    r"would|should|may|if)\b|\b(?:am|do|does|did|will|would|can|could|should|is|are) (?:i|it|you|"
    r"they|this|that|there|we|he|she)\b", re.IGNORECASE)


def asks_only_to_book(text: str) -> bool:
    """True when the message asks to book and asks nothing else ("need a consult for myself, my
    anxiety is bad lately"): the form opens even where the knowledge has an answer to its other
    words. "if i book a consult am i locked in" is a question about booking, not a request."""
    return asks_to_book(text) and not _ANY_QUESTION.search(text or "")


# "hold on let me check with my wife first" at the summary: a pause, not a cancel (review 14).
_PAUSE = re.compile(
    r"^\W*(?:(?:ok|okay|um|uh|oh)\W+)?(?:hold on|hang on|wait a (?:sec|second|moment|min|minute)|"
    r"one (?:sec|second|moment|min|minute)|give me a (?:sec|second|moment|minute)|just a (?:sec|"
    r"second|moment|minute))\b|(?<!won't )(?<!wont )(?<!will not )(?<!doesn't )(?<!doesnt )"
    r"(?<!didn't )(?<!didnt )(?<!not )\b(?:let me|i need to|i have to|gotta|got to) (?:first )?"
    r"(?:check|ask|confirm|think(?: about)? it|talk (?:it over|to|with) (?:my|him|her))\b",
    re.IGNORECASE)
_REALLY_CANCEL = re.compile(
    r"\b(?:cancel|stop|don'?t send|do not send|never ?mind|forget (?:it|about it)|delete|scrap)\b",
    re.IGNORECASE)


def asks_for_a_pause(text: str) -> bool:
    """True when the patient asks the form to wait ("hold on let me check with my wife first"),
    without saying to cancel or not to send."""
    return (bool(_PAUSE.search(text or "")) and not _REALLY_CANCEL.search(text or "")
            and "?" not in (text or ""))


_WANTS_IT_SENT = re.compile(
    r"\b(?:i )?(?:wanted|meant|want|needed|need) (?:you )?to (?:send|submit) (?:it|that|the "
    r"request|my request)\b|\b(?:didnt|did not|didn't) (?:mean|want) to cancel\b",
    re.IGNORECASE)


def wants_it_sent(text: str) -> bool:
    """True for "wait no i wanted to send it" (review 14: after a cancel it got "No problem"):
    a request to book, whatever the intent model read."""
    return bool(_WANTS_IT_SENT.search(text or ""))
