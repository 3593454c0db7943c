"""End to end over REST: a message that asks nothing gets a reply to what was said, never "I don't
know the answer to that". "I've been really depressed this season" gets an acknowledgement and an
offer to book; a yes opens the consultation request."""

import uuid

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _text(replies):
    return "\n".join(str(r.get("text") or "") for r in replies)


@pytest.mark.parametrize("message", [
    "I've been really low this winter",
    "honestly my anxiety has been through the roof lately",
])
def test_feelings_shared_get_an_acknowledgement_and_an_offer(assistant, message):
    sender = f"feelings-{uuid.uuid4().hex[:8]}"
    text = _text(assistant.send(sender, message))
    assert "sorry it's been so hard" in text and "consultation" in text, text
    assert "don't know" not in text.lower()
    text = _text(assistant.send(sender, "yes please"))
    assert "Is that OK with you?" in text, text  # the consultation request's privacy question


@pytest.mark.parametrize("message, expected", [
    ("alright I'll call monday. thanks!", "You're welcome"),
    ("this is ridiculous. nobody will give me a straight number",
     "sorry this has been frustrating"),
    ("ok ill probably talk to the school counselor first", "Thanks for letting me know"),
])
def test_a_message_that_asks_nothing_gets_a_reply_to_what_was_said(assistant, message, expected):
    text = _text(assistant.send(f"remark-{uuid.uuid4().hex[:8]}", message))
    assert expected in text and "don't know the answer" not in text, text
