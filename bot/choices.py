"""Resolve a typed pick ("the second one", "option 3") against the options last offered."""

from __future__ import annotations

import re

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_CARDINALS = {"1": 1, "one": 1, "2": 2, "two": 2, "3": 3, "three": 3}
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
        # "option 2", "number two"; only without an ordinal, so "the second one" is not 1 and 2.
        positions = {_CARDINALS[w] for w in words if w in _CARDINALS}
    if len(positions) != 1:
        return None
    position = positions.pop()
    return offered[position - 1] if 1 <= position <= len(offered) else None
