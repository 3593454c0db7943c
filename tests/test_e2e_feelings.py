"""End to end over REST: "I've been really depressed this season" gets an acknowledgement and
an offer to book, never "I don't know"; a yes opens the consultation request."""

import uuid

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _text(replies):
    return "\n".join(str(r.get("text") or "") for r in replies)


@pytest.mark.parametrize("message", [
    "I've been really depressed this season",
    "honestly my anxiety has been through the roof lately",
])
def test_feelings_shared_get_an_acknowledgement_and_an_offer(assistant, message):
    sender = f"feelings-{uuid.uuid4().hex[:8]}"
    text = _text(assistant.send(sender, message))
    assert "sorry it's been so hard" in text and "988" in text, text
    assert "don't know" not in text.lower()
    text = _text(assistant.send(sender, "yes please"))
    assert "Is that OK with you?" in text, text  # the consultation request's privacy question
