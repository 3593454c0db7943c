"""Resolve a typed pick ("the second one", "option 3") against the options last offered."""

from __future__ import annotations

import re

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_DIGITS = {"1": 1, "2": 2, "3": 3}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3}
_POINTERS = {"option", "number", "choice", "no"}
_LAST = {"last", "final"}


def pick_offered(text: str, offered: list[str] | None) -> str | None:
    """The id the patient picked from ``offered`` by position, or None when unclear."""
    if not offered:
        return None
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    positions = {_ORDINALS[w] for w in words if w in _ORDINALS}
    if any(w in _LAST for w in words):
        positions.add(len(offered))
    if not positions:
        # "2", "option two": only without an ordinal ("the second one" is not 1 and 2), and a
        # number word only after "option"/"number" ("that one" picks nothing).
        positions = {_DIGITS[w] for w in words if w in _DIGITS}
        positions |= {
            _NUMBER_WORDS[w]
            for before, w in zip(["", *words], words, strict=False)
            if w in _NUMBER_WORDS and before in _POINTERS
        }
    if len(positions) != 1:
        return None
    position = positions.pop()
    return offered[position - 1] if 1 <= position <= len(offered) else None
