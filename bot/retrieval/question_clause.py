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
    rf"(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE)
_QUESTION = re.compile(rf"^(?:(?:so|and|but|ok|okay|also|anyway)[,]?\s+)?(?:{_QUESTION_WORDS})\b",
                       re.IGNORECASE)
MIN_WORDS = 3


def asked_question(text: str) -> str | None:
    """The question of a message made of a remark and exactly one question; None otherwise
    (a single sentence, several questions, or no question at all)."""
    parts = [part.strip(" ,") for part in _BOUNDARY.split(text or "")]
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return None
    questions = [part for part in parts
                 if (_QUESTION.match(part) or part.endswith("?"))
                 and len(part.split()) >= MIN_WORDS]
    if len(questions) != 1 or len(questions) == len(parts):
        return None
    return questions[0]
