"""Whose crisis it is: the writer's own, or someone else's ("my son says he wants to die").

The crisis reply and its follow-ups for someone else speak to the person helping (stay with
them, ask directly, move the means away, call 988 together, a welfare check through 911); the
reply for the writer speaks to them. The safety component sets the ``crisis_subject`` entity
and slot with every crisis; the channels' help-now fallback asks the same question.
"""

from __future__ import annotations

import re

from bot.safety.crisis import THIRD_PARTY

CRISIS_SUBJECT = "crisis_subject"  # entity and slot: self / other

# Someone else as the one at risk ("my son just texted me that he wants to die", "my roomate just
# told me hes gonna end it tonite", "mi esposa dice que ya no quiere seguir viviendo"), and the
# writer's own risk in the same message ("... and honestly I want to die too").
_OTHER_AT_RISK = re.compile(
    r"\b(?:he|she|they|hes|shes|theyre|my (?:\w+ )?(?:son|daughter|husband|wife|partner|boyfriend|"
    r"girlfriend|brother|sister|mom|mother|dad|father|friend|kid|child|roommate|roomate|room mate|"
    r"flatmate|buddy|cousin|grandson|granddaughter|teen|teenager))\b(?: \w+){0,6} "
    r"(?:wants? to (?:die|kill|end|hurt)|(?:(?:is|are|was) )?(?:going to|gonna|planning to|"
    r"thinking about) (?:kill|end|hurt|die)|(?:kill|hurt|cut) (?:himself|herself|themselves)|"
    # "my best friend just texted me she has a bottle of pills and shes going to take them all
    # tonight" (suite 22)
    r"(?:said|says|texted|told|messaged|wrote|dmd|snapped) (?:me |us )?(?:that )?(?:he|she|they|"
    r"hes|shes|theyre)\b|"
    # "my friend just texted me a goodbye message" (review 15)
    r"(?:texted|sent|posted|wrote|messaged|left) (?:me )?(?:\w+ ){0,4}?(?:goodbye|farewell|"
    r"suicide|final) (?:message|text|note|letter|post|video)|"
    # "my best friend just texted me goodbye and said shes sorry for everything" (suite 16)
    r"(?:texted|messaged|wrote|called|told) (?:me )?(?:to say |saying )?(?:goodbye|farewell)\b|"
    # "my sister just posted on instagram saying goodbye to everyone" (suite 17)
    r"(?:posted|put up|shared|wrote|sent) (?:\w+ ){0,4}?(?:saying|to say|that says|that said) "
    r"(?:goodbye|farewell|bye to)\b|"
    # a goodbye quoted from a text or a post ("my friend just texted me "thank you for being my
    # friend. i love you. goodbye"", "just posted on her story like "sorry for everything,
    # goodbye"", review 20)
    r"(?:texted|posted|wrote|messaged|sent|said|put)\b[^.!?]{0,40}?['\"‘“][^'\"’”]{0,80}\b(?:goodbye|"
    r"bye forever|farewell|sorry for everything)\b|"
    # "my roommate keeps posting stuff like 'i cant do this anymore'" (suite 18)
    r"(?:keeps|kept|has been|have been|been|started|is|was) (?:posting|saying|texting|writing|"
    r"messaging|sending)\b(?: \w+){0,3} (?:like|that)\b|"
    # her words quoted: "texted me 'im sorry for everything, take care of my cat'" (suite 17)
    r"(?:said|says|texted|wrote|messaged|sent) (?:me )?(?:saying |this |that )?['\"‘“]?(?:im|i am|"
    r"i'm) sorry for (?:everything|all of it|being a burden)|"
    r"(?:said|says|texted|wrote) (?:that )?(?:shes|hes|theyre|she is|he is|they are) sorry for "
    r"(?:everything|all of it|being a burden)|"
    # review 19: "she wants to go be with dad ... saving her pills", "thinks about using it on
    # himself"
    r"(?:wants?|wanting) to (?:go )?(?:be with|join) |(?:saving|hoarding|stockpiling|collecting|"
    r"stashing) (?:up )?(?:her|his|their) (?:pills|meds|medications?|medicine|tablets))"
    r"|\b(?:using|use|turning|turn) (?:it|them|a gun|the gun|his gun|her gun) on (?:himself|"
    r"herself|themselves)\b"
    r"|\bmi (?:\w+ )?(?:esposa|esposo|hijo|hija|hermano|hermana|mama|mamá|madre|papa|papá|padre|"
    r"novio|novia|pareja|amigo|amiga|abuelo|abuela)\b.{0,40}\b(?:dice|dijo|me dijo|me escribi[oó]|"
    r"quiere|se quiere|se va a|no quiere)\b", re.IGNORECASE)
_SELF_AT_RISK = re.compile(
    r"\b(?:i|im|ive)\b(?: \w+){0,3} (?:want|wanna|going|gonna|will|plan|planning|thinking|think|"
    r"wish)\b.{0,25}\b(?:die|dead|kill|end it|end my|hurt myself)|\bmyself\b|\b(?:me|i) too\b"
    r"|\b(?:yo tambi[eé]n|me quiero morir|quiero morir|me quiero matar)\b",
    re.IGNORECASE)


# Someone else's words reported: "my roommate just sent me a text saying shes sorry for
# everything and goodbye", "my brother posted on facebook 'i wont be a burden much longer'"
# (suite 21: both got the reply for the writer's own crisis). What is quoted is theirs; only
# the writer's words before it can make the crisis the writer's own.
_REPORTED_WORDS = re.compile(
    r"\b(?:he|she|they|my (?:\w+ )?(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|bf|"
    r"gf|brother|sister|mom|mother|dad|father|friend|kid|child|roommate|roomate|room mate|flatmate|"
    r"buddy|cousin|grandson|granddaughter|teen|teenager|coworker|student|niece|nephew|uncle|aunt|"
    r"grandma|grandpa|ex|fiance|fiancee|neighbou?r))\b(?: \w+){0,3} (?:just |then |also )?"
    r"(?:sent|texted|posted|wrote|messaged|tweeted|dmd|dm'd|snapped|said|says|left|put up|"
    r"shared)\b[^.!?]{0,60}?(?:['\"‘“]|\b(?:saying|that says|that said|like)\b)",
    re.IGNORECASE)


# Someone else named, and the writer nowhere the subject of a sentence but in what a helper says
# ("my dad is 70 and keeps talking about how his life insurance will take care of mom. today he
# gave me his watch and said he wont need it", "my dad (68) said goodbye to everyone at dinner
# tonight ... he has a shotgun in the closet", review 24: both got the reply for the writer's own
# crisis).
_SOMEONE_ELSE = re.compile(
    r"\bmy (?:\w+ )?(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|bf|gf|brother|sister|"
    r"mom|mother|dad|father|friend|kid|child|roommate|roomate|flatmate|buddy|cousin|grandson|"
    r"granddaughter|grandma|grandpa|grandmother|grandfather|teen|teenager|uncle|aunt|nephew|niece|"
    r"coworker|neighbou?r|fiance|fiancee|ex)\b", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:he|she|hes|shes|him|her|his|hers|himself|herself)\b",
                           re.IGNORECASE)
_HELPER_WORDS = re.compile(
    r"\b(?:i (?:dont|do not|didnt|did not|cant|cannot) (?:know|reach|find|get)|"
    r"what (?:do|should|can) "
    r"i|(?:should|can|could|do) i|i (?:just )?(?:live|called|texted|tried|found|saw|heard|got|went|"
    r"think|thought|noticed|asked|told|drove|am worried|m worried|am scared|m scared|am at|m at)|"
    r"i am (?:\d+|\w+ (?:hours?|hrs|miles|minutes|mins) away)|im (?:\d+|\w+ (?:hours?|hrs|miles|"
    r"minutes|mins) away|at work|worried|scared|freaking out))\b", re.IGNORECASE)
# What the other person did or said ("he keeps saying", "gave me his watch", "said goodbye"): a
# message that only says where someone is ("My wife is asleep. Dont want to wake her", review 21)
# is no report of their crisis.
_THEIR_ACTS = re.compile(
    r"\b(?:he|she|they|hes|shes|theyre|my \w+)\b(?: \S+){0,3} (?:said|says|keeps|kept|has been|"
    r"have been|been|gave|giving|talking|talks|talked|posted|texted|told|wrote|wants|wanted|"
    r"is going to|plans|planned|took|has taken|bought|left)\b", re.IGNORECASE)
_WRITER_AS_SUBJECT = re.compile(r"\b(?:i|im|ive|ill|id|i'm|i've|i'll|i'd|myself)\b", re.IGNORECASE)


def _about_someone_else_only(text: str) -> bool:
    """True when the message names someone else ("my dad ... he") and the writer is the subject
    of no sentence but a helper's ("i dont know where she lives", "what do i do")."""
    if not _SOMEONE_ELSE.search(text or "") or len(_THIRD_PERSON.findall(text or "")) < 1 \
            or not _THEIR_ACTS.search(text or ""):
        return False
    return not _WRITER_AS_SUBJECT.search(_HELPER_WORDS.sub(" ", (text or "").replace("’", "'")))


def crisis_subject(categories: tuple[str, ...] | list[str], text: str = "") -> str:
    """Whose crisis it is: ``other`` when only someone else is in danger ("my son says he
    wants to die"), else ``self``. The crisis follow-ups for ``other`` speak to the person
    helping (stay with them, ask, move the means away, call 988 together)."""
    if categories and set(categories) == {THIRD_PARTY}:
        return "other"
    stated = stated_crisis_subject(text)
    if stated:
        return stated
    # The rules mark a verdict as someone else's when a third person and no first-person word
    # stand in it ("my sister just posted something online that reads like a goodbye note",
    # suite 15: the writer had got the reply for their own crisis).
    return "other" if THIRD_PARTY in set(categories or ()) else "self"


def stated_crisis_subject(text: str) -> str | None:
    """Whose crisis the words say it is, or None when they do not say.

    "she lives 2 hrs away and now she wont pick up", written after "my sister just texted me
    that she wants to die", names nobody at risk: the conversation's subject stands (it had been
    replaced by the writer's own, and the helper lost the welfare-check advice).
    """
    reported = _REPORTED_WORDS.search(text or "")
    if reported is not None:
        return "self" if _SELF_AT_RISK.search(text[:reported.start()]) else "other"
    if _SELF_AT_RISK.search(text or ""):
        return "self"
    if _OTHER_AT_RISK.search(text or "") or _about_someone_else_only(text or ""):
        return "other"
    return None
