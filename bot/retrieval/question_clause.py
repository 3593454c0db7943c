"""The one question in a message that also makes a remark: "waiting for results is killing me
lol, how fast does it work", "my wife says I'm crazy for trying this. is it even legal".

The remark pulls the whole message's sentence vector away from the question, so retrieval finds
nothing close enough. When the whole message gets no answer, the question alone is asked; its
answer is kept only when retrieval is confident in it (actions/answer.py). Standard library only.
"""

from __future__ import annotations

import re

_QUESTION_WORDS = (r"how|what|whats|when|where|why|who|which|is|are|can|could|do|does|did|will|"
                   r"would|should|any|anyone")
# Sentence ends, and a comma or a chat filler before a question word.
_BOUNDARY = re.compile(
    rf"(?<=[.!?])\s+|,\s*(?=(?:{_QUESTION_WORDS})\b)|\s+(?:lol|lmao|haha|tbh|ngl|honestly)[,.!]*\s+"
    rf"(?=(?:{_QUESTION_WORDS})\b)"
    # "how much does this cost im a broke college student": a remark about oneself after it.
    r"|\s+(?=(?:im|i'm|i’m|i am)\s)"
    # "does insurance cover it or am i gonna have to sell a kidney lol": a joke as the other half.
    r"|\s+or\s+(?=(?:am|will|must)\s+i\b)"
    # "how much does this cost before i give my number" (suite 21, mid-form): the condition on
    # the question is no part of what is asked.
    r"|\s+(?=before (?:i|we) (?:give|share|send|hand|type|put|commit|sign|book|pay|decide|go "
    r"ahead|leave)\b)", re.IGNORECASE)
# A question cut before "I'm" that needs it ("is it ok if | i'm pregnant") is none.
_OPEN_END = re.compile(r"\b(?:if|when|that|because|cause|and|so|as|since|while|but|or|though)$",
                       re.IGNORECASE)
_QUESTION = re.compile(rf"^(?:(?:so|and|but|ok|okay|also|anyway|wait|hold on|um|hmm|oh)[,]?\s+)?"
                       rf"(?:{_QUESTION_WORDS})\b",
                       re.IGNORECASE)
MIN_WORDS = 3


# "im dying to know what the first appt is like": a lead-in, then what is asked.
_LEAD_IN = re.compile(
    r"^(?:(?:so|ok|okay|hi|hey)[,.!]?\s+)?(?:i'?m |im |i am |just )?(?:dying|curious|wondering|"
    r"keen|eager|itching|trying) to (?:know|find out|hear|understand|figure out)\s+"
    r"(?P<question>(?:what|how|when|where|why|which|who|if|whether)\b.+)$", re.IGNORECASE)


def asked_question(text: str) -> str | None:
    """The question of a message made of a remark and exactly one question, or of a lead-in
    and a question ("im dying to know what the first appt is like"); None otherwise (a single
    sentence, several questions, or no question at all)."""
    lead_in = _LEAD_IN.match((text or "").strip())
    if lead_in and len(lead_in.group("question").split()) >= MIN_WORDS:
        return lead_in.group("question").strip(" ?.!")
    parts = [part.strip(" ,") for part in _BOUNDARY.split(text or "")]
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return None
    questions = [part for part in parts
                 if (_QUESTION.match(part) or part.endswith("?"))
                 and len(part.split()) >= MIN_WORDS and not _OPEN_END.search(part)]
    if len(questions) != 1 or len(questions) == len(parts):
        return None
    return questions[0]
