"""Resolve a typed pick ("the second one", "option 3") against the options last offered."""

from __future__ import annotations

import re

_ORDINAL_WORDS = (
    ("1", "1st", "one", "first"),
    ("2", "2nd", "two", "second"),
    ("3", "3rd", "three", "third"),
)
_ORDINALS = {word: position for position, words in enumerate(_ORDINAL_WORDS, 1) for word in words}
_LAST = {"last", "final"}


def pick_offered(text: str, offered: list[str] | None) -> str | None:
    """The id the patient picked from ``offered`` by position, or None when unclear."""
    if not offered:
        return None
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    positions = {_ORDINALS[w] for w in words if w in _ORDINALS}
    if any(w in _LAST for w in words):
        positions.add(len(offered))
    if len(positions) != 1:
        return None
    position = positions.pop()
    return offered[position - 1] if 1 <= position <= len(offered) else None
