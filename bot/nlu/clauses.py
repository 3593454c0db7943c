"""Split a message into clauses, so that one sentence of crisis inside a longer message is read
on its own ("How soon can I get an appointment? I don't think I can stay alive much longer").

A sentence vector of a whole message is dominated by whatever it says most; the semantic crisis
score is therefore also computed for each clause (``bot.nlu.intent_classifier``), and the safety
component checks figures of speech and denials in the clause it votes on ("I'm not going to hurt
myself, I just cut a little": the denial is in the other clause).
"""

from __future__ import annotations

import re

# Sentence ends, semicolons and dashes, and a comma or "but" that starts a new statement.
_BOUNDARY = re.compile(r"[.!?;]+\s+|\s+[-\u2013\u2014]+\s+|,\s+(?=(?:but|and|so|i|im|i'm|i've|"
                       r"ive|just|honestly|tbh|because|cause)\b)|\s+but\s+", re.IGNORECASE)
MIN_WORDS = 3
MAX_CLAUSES = 6


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` with at least three words each (at most six); an empty list when
    the message is a single clause."""
    parts = [p.strip(" ,.!?;") for p in _BOUNDARY.split(text or "")]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    return [p for p in parts if len(p.split()) >= MIN_WORDS][:MAX_CLAUSES]
