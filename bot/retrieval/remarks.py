"""A message that asks nothing, which the knowledge therefore cannot answer: thanks said with
something else ("alright I'll call monday. thanks!"), frustration ("this is ridiculous, nobody
will give me a straight number") or a plain remark ("hi. just looking into options i guess",
"ok ill probably talk to the school counselor first"). "I'm sorry, I don't know the answer to
that" fits none of them: the answer action replies to what was said instead, and still offers a
person (bot/replies.py ``remark_reply``). Questions keep the honest don't-know reply.

Standard library only; the action server imports it.
"""

from __future__ import annotations

import re

THANKS = "thanks"
FRUSTRATION = "frustration"
STATEMENT = "statement"
LOSS = "loss"
WILL_CALL = "will_call"
BOOK_LATER = "book_later"

_THANKS = re.compile(r"\b(?:thanks?|thank (?:you|u)|thx|thnx|ty|tysm|cheers|appreciate (?:it|that|"
                     r"you|the help))\b", re.IGNORECASE)
_FRUSTRATION = re.compile(
    r"\b(?:ridiculous|frustrat\w*|annoying|useless|pointless bot|not helpful|unhelpful|"
    r"not an answer|doesn'?t answer|didn'?t answer|waste of (?:my )?time|stupid bot|"
    r"you'?re not helping|not helping|going in circles|straight answer|straight number)\b",
    re.IGNORECASE)
_QUESTION_WORD = re.compile(
    r"^(?:how|what|whats|when|where|why|which|who|is|are|am|do|does|did|can|could|will|would|"
    r"should|any|anyone|tell me|explain|give me|send|show|list)\b|\b(?:how|what|when|where|why|"
    r"which|wonder\w*|curious|know if|know whether|know how|know what)\b"
    r"|\b(?:txt|text|send|email|tell|give|show|call) me\b", re.IGNORECASE)
# Someone close who died ("she passed in the spring", "lost my dad last year", review 15): a
# condolence, not "thanks for letting me know".
_LOSS = re.compile(
    r"\b(?:(?:she|he|they|mom|mum|dad|mother|father|wife|husband|son|daughter|brother|sister|"
    r"partner|grandma|grandpa) (?:\w+ )?(?:passed(?: away)?|died)|(?:lost|losing) my (?:\w+ )?"
    r"(?:mom|mum|dad|mother|father|wife|husband|son|daughter|brother|sister|partner|grandma|grandpa|"
    r"grandmother|grandfather|best friend|baby)|my (?:\w+ )?(?:mom|mum|dad|mother|father|wife|"
    r"husband|son|daughter|brother|sister|partner) (?:passed(?: away)?|died))\b", re.IGNORECASE)
# "ok ill call monday", "i will call you guys tomorrow then" (review 16 had it open the form).
WILL_CALL_RE = re.compile(
    r"\bi(?:'?ll| will| shall|'?m going to|m gonna| can)? (?:just |probably |try to )?"
    r"(?:call|phone|"
    r"ring|telephone)"
    r"(?: (?:you|you guys|yall|the clinic|the office|back|in))?(?: (?:on|first thing|in the))? "
    r"(?:monday|tuesday|wednesday|thursday|friday|tomorrow|later|morning|next week|then|when "
    r"(?:you|youre|you are|the clinic is|it) (?:open|opens))\b", re.IGNORECASE)
# "ok maybe ill book later" (suite 20 had it open the form): a booking put off, not asked for.
BOOK_LATER_RE = re.compile(
    r"\b(?:i'?ll|i will|i might|i may|i can|i could|maybe i'?ll|i'?m going to|i'?m gonna|gonna) "
    r"(?:just |probably |maybe |prob )?(?:book|schedule|sign up|request|set (?:it|one|that) up|"
    r"do (?:it|that|the (?:form|booking)))(?: (?:it|one|that|a consult\w*|an appointment|the "
    r"consult\w*))? (?:later|another time|some other time|tomorrow|next week|next month|when i'?m "
    r"ready|once i'?ve|after i (?:talk|check|think)|some ?time)\b|\bnot (?:ready|now|today) (?:to|"
    r"for) (?:book|schedule|sign up)\b", re.IGNORECASE)
# "should i just call the clinic instead" (review 19: in an emergency the intent model read it
# as a booking request and opened the form): a question whether to phone, for the answer
# action (the clinic's phone, or 911 now in an emergency).
SHOULD_I_CALL_RE = re.compile(
    r"\b(?:should|shall|do|can) i (?:just |rather |still |maybe )?(?:call|phone|ring|contact) "
    r"(?:the clinic|you|you guys|yall|your office|the office|my care team|the care team)\b"
    r"(?: (?:instead|first|in the morning|tomorrow|on monday|then))?\W*$|\b(?:is it better|would "
    r"it be better) to (?:call|phone) (?:the clinic|you|your office)\b", re.IGNORECASE)
_SPEAKER = re.compile(r"\b(?:i|im|i'm|i've|ive|i'll|ill|i'd|my|we|we're|were|it's|its|this is|"
                      r"that's|thats|just|ok|okay|alright|hi|hey|hello)\b", re.IGNORECASE)
MIN_STATEMENT_WORDS = 3


def kind_of_remark(text: str) -> str | None:
    """``THANKS``, ``FRUSTRATION``, ``LOSS``, ``WILL_CALL``, ``BOOK_LATER`` or ``STATEMENT`` for a
    message that
    asks nothing; None for a question or a bare keyword ("cost"), which keep the honest
    don't-know reply."""
    text = (text or "").strip()
    if not text or "?" in text:
        return None
    if _FRUSTRATION.search(text):
        return FRUSTRATION
    if _QUESTION_WORD.search(text):
        return None
    if _THANKS.search(text):
        return THANKS
    if _LOSS.search(text):
        return LOSS
    if WILL_CALL_RE.search(text):
        return WILL_CALL
    if BOOK_LATER_RE.search(text):
        return BOOK_LATER
    if len(text.split()) >= MIN_STATEMENT_WORDS and _SPEAKER.search(text):
        return STATEMENT
    return None


# "its 2am and i cant sleep. are u a real person" (suite 16): the question is whether a person
# answers, whatever else the message says.
_ASKS_IF_A_PERSON = re.compile(
    r"\b(?:are|r) (?:you|u|ya) (?:even |actually |really )?(?:a )?(?:real (?:person|human)|human|"
    r"bot|robot|an ai|ai|a computer|automated|a person|a live person|real)\b(?! (?:estate|"
    r"doctors?|clinic))|\b(?:is|am i) (?:this|talking|texting|chatting) (?:to |with )?(?:a )?"
    r"(?:real person|human|bot|robot|live person|person|ai|computer)\b", re.IGNORECASE)


def asks_if_a_person(text: str) -> bool:
    """True when the message asks whether a person or a program is answering ("are u a real
    person", "am i talking to a bot?")."""
    return bool(_ASKS_IF_A_PERSON.search(text or ""))


# "is anyone there tonight i could talk to" (review 18): someone to talk to now, at an hour
# when the clinic's phone is not answered. "I'd like to talk to a real person about treatment"
# is none: that is the clinic's team (dev9 had counted it as a crisis reply).
_SOMEONE = r"(?:any ?one|any ?body|some ?one|some ?body|a (?:real )?person|a human)"
_ASKS_FOR_SOMEONE_TO_TALK_TO = re.compile(
    rf"\b(?:is|are) (?:there )?{_SOMEONE} (?:there|around|awake|up|available|on)\b(?: \w+){{0,4}} "
    r"(?:i|we) (?:could|can|might) (?:talk|speak) (?:to|with)\b"
    rf"|\b(?:talk|speak) (?:to|with) {_SOMEONE}\b(?: \w+){{0,3}} (?:tonight|right now|now|at this "
    r"hour|this late|at night|this weekend)\b"
    rf"|\b(?:tonight|right now|at this hour|this late|at night)\b(?: \w+){{0,6}} (?:talk|speak) "
    rf"(?:to|with) {_SOMEONE}\b", re.IGNORECASE)


def asks_for_someone_to_talk_to(text: str) -> bool:
    """True when the message asks for someone to talk to ("is anyone there tonight i could
    talk to", "i just need to talk to someone")."""
    return bool(_ASKS_FOR_SOMEONE_TO_TALK_TO.search(text or ""))
