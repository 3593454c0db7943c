"""The channel's own crisis / emergency reply (used when a turn is slow or failing) is the same
variation Rasa would send: the channel's text, in the message's language."""

from types import SimpleNamespace

import pytest
import yaml
from servers import ROOT

from bot.reliability.help_now_reply import help_now_responses

DOMAIN = SimpleNamespace(
    responses=yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"])


@pytest.mark.parametrize(("text", "channel", "expected"), [
    ("I want to kill myself", "rest", "I'm really sorry"),
    ("I want to kill myself", "twilio_sms", "I'm so sorry"),
    ("me quiero morir", "rest", "Siento mucho"),
    ("me quiero morir", "twilio_sms",
     "Llama al 988 y oprime 2 para español, o escribe AYUDA al 988"),
    ("no puedo respirar y me duele el pecho", "webchat", "emergencia médica"),
    ("I can't breathe and my chest hurts", "rest", "medical emergency"),
    # someone else's overdose: the emergency reply, as the NLU decides it
    ("my boyfriend took a bunch of pills and won't wake up", "rest", "medical emergency"),
    # someone else in danger: the text for the person helping them
    ("my son just told me he wants to kill himself", "rest", "ask them directly"),
    ("my son just told me he wants to kill himself", "twilio_sms", "ask directly about suicide"),
    ("mi hijo dice que se quiere matar", "rest", "pregúntale directamente"),
])
def test_the_reply_is_in_the_language_and_form_of_the_channel(text, channel, expected):
    [reply] = help_now_responses(DOMAIN, text, channel)
    assert expected in reply["text"]
    assert reply["custom"]["kind"] == "crisis"


def test_an_ordinary_message_needs_no_help_now_reply():
    assert help_now_responses(DOMAIN, "how much does a session cost", "rest") == []


def test_the_writer_s_own_crisis_never_gets_the_helper_s_text():
    for channel in ("rest", "webchat", "twilio_sms"):
        [reply] = help_now_responses(DOMAIN, "I want to kill myself", channel)
        assert "reaching out for them" not in reply["text"], (channel, reply["text"])
