"""The assistant's patient-facing channels: SMS through Twilio and the website chat widget.

Modules without a Rasa import (``formatting``, ``keywords``, ``session_token``, ``replays``,
``offers``) hold the channel rules and are unit-tested in the test environment; ``sms`` and
``webchat`` are the Rasa input channels that apply them inside the Rasa process.
"""
