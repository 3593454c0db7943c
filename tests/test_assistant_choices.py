"""Typed picks of a clarify offer ("the second one") resolve to the offered entry."""

from __future__ import annotations

import pytest

from bot.retrieval.choices import pick_offered

OFFERED = ["session_length", "how_long_effects_last", "course_of_treatment"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("the first one", "session_length"),
        ("the second one", "how_long_effects_last"),
        ("Option 2", "how_long_effects_last"),
        ("number three please", "course_of_treatment"),
        ("3rd", "course_of_treatment"),
        ("the last one", "course_of_treatment"),
        ("1 or 2", None),
        ("option 4", None),
        ("that one", None),
        ("", None),
    ],
)
def test_a_typed_pick_resolves_by_position(typed, expected):
    assert pick_offered(typed, OFFERED) == expected


def test_without_an_offer_nothing_is_picked():
    assert pick_offered("the first one", None) is None
    assert pick_offered("the first one", []) is None
