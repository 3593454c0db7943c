"""A crisis reply that was a misunderstanding, said so plainly: "not suicidal, just hate
mondays", "lol no i was joking", "i didnt mean it literally".

After a crisis reply, "im fine" or "whatever" keep the resources coming: people in danger say
that too. A clear denial with nothing of danger in it is different: it gets a short apology
that keeps 988 in view, and the question the first message asked is answered after all (review
15: "not suicidal, just hate mondays" got the crisis follow-up again and the question about
esketamine was lost). The conversation stays in crisis mode, so thanks and goodbyes still carry
the resources.

Standard library only.
"""

from __future__ import annotations

import re

from bot.safety.crisis import detect_crisis, detect_distress
from bot.safety.normalize import normalize_variants, said

_CLEARS_UP = re.compile(
    r"\b(?:(?:im|i am|i'm) )?not (?:actually |really |at all )?(?:suicidal|going to (?:hurt|kill) "
    r"myself|in (?:any )?danger)\b"
    r"|\b(?:i was|i was just|just|only) (?:joking|kidding|being dramatic|exaggerating|venting "
    r"about (?:work|mondays|traffic))\b"
    r"|\b(?:(?:it|that) was|its|thats) (?:just )?(?:a joke|a figure of speech|an expression|"
    r"hyperbole|sarcasm)\b|\bfigure of speech\b"
    r"|\bdidnt mean (?:it |that )?(?:literally|like that|that way|seriously)\b"
    r"|\b(?:you|u) (?:misunderstood|took (?:it|that|me) (?:too )?(?:literally|seriously|wrong))\b")


# "i was joking but honestly nothing matters": a "but" takes the denial back, unless it only
# turns to a question.
_BUT = re.compile(r"\bbut\b(?! (?:i )?(?:just |really |do )?(?:want(?:ed)? to (?:know|ask)|have a "
                  r"question|had a question))")


def clears_up_a_false_alarm(text: str) -> bool:
    """True when the message says plainly that the crisis reply before was a misunderstanding,
    and nothing in it speaks of danger or hopelessness."""
    verdict = detect_crisis(text)
    if verdict.needs_resources or detect_distress(text, verdict):
        return False
    return any(_CLEARS_UP.search(form) and not _BUT.search(form)
               for form in normalize_variants(text or ""))


# "not suicidal", "not in a suicidal way", "no thoughts of hurting myself": the risk word in the
# message is denied, so it must not choose the answer either.
_DENIES_RISK = re.compile(
    r"\b(?:not|never|no longer|isnt|arent) (?:\w+ )?(?:suicidal|in (?:a|the) suicidal way)\b|\bno "
    r"(?:thoughts|plans) (?:of|about) (?:suicide|hurting myself|killing myself|dying)\b")


def denies_risk(text: str) -> bool:
    """True when the message denies being at risk ("not suicidal just really sad")."""
    return said(_DENIES_RISK, text)

