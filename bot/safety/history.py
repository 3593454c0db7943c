"""A risk the conversation already talked about, said to be back now.

"I used to cut myself, ten years ago, I'm fine now" is a history, answered as a question about
care. "honestly that's not totally true. I started again this week" on its own names nothing,
but after that history it says the self-harm is happening now: the crisis reply. The earlier
messages must have named self-harm, suicide or an overdose; this message must say it is back
(again, not true, relapsed, still doing it). Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.safety.normalize import normalize_variants, said

# How many of the patient's earlier messages may hold the history.
MESSAGES_BACK = 3
_RISK_TOPIC = re.compile(
    r"\b(?:cut|cuts|cutting|cutter|self ?harm\w*|sh|hurt(?:ing)? myself|burn(?:ing|ed|t)? "
    r"myself|suicid\w*|overdos\w*|od|oded|kill(?:ing)? myself|attempt(?:ed|s)?|hospitali[sz]ed)\b")
_BACK_NOW = re.compile(
    r"\b(?:started|doing it|been doing it|at it|back at it|it happened|cut|cutting|did it) "
    r"again\b|\bagain (?:this|last) (?:week|night|month|weekend|morning)\b|\bnot (?:totally |"
    r"entirely |completely |really |exactly |all that )?true\b|\bi lied\b|\b(?:relapsed|slipped "
    r"up|slipped)\b|\bstill (?:do|doing) it\b|\bactually i (?:still|do)\b|\b(?:its|it is) back\b")


def risk_is_back(events: Iterable[Mapping[str, Any]], text: str) -> bool:
    """True when ``text`` (the latest message) says a risk is back and one of the patient's
    ``MESSAGES_BACK`` messages before it named self-harm, suicide or an overdose."""
    if not said(_BACK_NOW, text):
        return False
    earlier = [str(e.get("text") or "") for e in events if e.get("event") == "user"][:-1]
    return any(_RISK_TOPIC.search(form) for message in earlier[-MESSAGES_BACK:]
               for form in normalize_variants(message))
