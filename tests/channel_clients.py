"""Clients for the channels' end-to-end tests: Twilio-signed SMS webhooks and the channel settings.

The servers the tests start read their channel settings from the environment (credentials.yml
uses ``${...}`` placeholders); ``channel_environment()`` fixes them for the whole test run, so
the shared ``assistant`` fixture serves the SMS and widget channels too. Other features' tests
can talk SMS with ``send_sms(assistant, phone, text)``.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

import requests
from servers import free_port
from twilio.request_validator import RequestValidator

SMS_PATH = "/webhooks/twilio_sms/webhook"
# Twilio calls the public URL; the server sits behind a proxy on 127.0.0.1. Signing for this
# URL while posting to 127.0.0.1 checks that the server validates against its configured URL.
SMS_PUBLIC_URL = "https://assistant.clinic.test" + SMS_PATH
CLINIC_NUMBER = "+15555550100"


@dataclass(frozen=True)
class ChannelSettings:
    """The channel secrets and web origins of this test run."""

    twilio_auth_token: str
    sms_sender_key: str
    webchat_session_key: str
    site_port: int  # a page on this port may embed the widget
    other_site_port: int  # a page on this port may not

    @property
    def site_origin(self) -> str:
        """The origin on the widget's allow-list."""
        return f"http://127.0.0.1:{self.site_port}"

    def environment(self) -> dict[str, str]:
        """The variables credentials.yml reads."""
        return {
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "TWILIO_WEBHOOK_URL": SMS_PUBLIC_URL,
            "SMS_SENDER_KEY": self.sms_sender_key,
            "WEBCHAT_SESSION_KEY": self.webchat_session_key,
            "WEBCHAT_ALLOWED_ORIGINS": self.site_origin,
        }


@lru_cache(maxsize=1)
def channel_settings() -> ChannelSettings:
    """Random secrets and free ports, the same for the whole test run."""
    return ChannelSettings(
        twilio_auth_token=secrets.token_hex(16),
        sms_sender_key=secrets.token_hex(32),
        webchat_session_key=secrets.token_hex(32),
        site_port=free_port(),
        other_site_port=free_port(),
    )


def sign(params: dict[str, str], url: str = SMS_PUBLIC_URL, token: str | None = None) -> str:
    """X-Twilio-Signature for ``params`` posted to ``url``, computed by Twilio's own library."""
    validator = RequestValidator(token or channel_settings().twilio_auth_token)
    return validator.compute_signature(url, params)


def sms_params(phone: str, text: str) -> dict[str, str]:
    """The form fields Twilio posts for an inbound SMS."""
    return {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + secrets.token_hex(16),
        "From": phone,
        "To": CLINIC_NUMBER,
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
    }


def post_webhook(
    rasa_url: str,
    data: dict[str, str] | bytes | None,
    signature: str | None,
    content_type: str = "application/x-www-form-urlencoded",
) -> requests.Response:
    """POST to the SMS webhook as Twilio would (or as a forger would)."""
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return requests.post(rasa_url + SMS_PATH, data=data, headers=headers, timeout=120)


def send_sms(assistant, phone: str, text: str) -> list[str]:
    """One correctly signed inbound SMS; returns the SMS texts of the TwiML reply."""
    params = sms_params(phone, text)
    reply = post_webhook(assistant.rasa_url, params, sign(params))
    assert reply.status_code == 200, (reply.status_code, reply.text)
    assert reply.headers["content-type"].startswith("text/xml"), reply.headers
    return twiml_messages(reply.text)


def reply_text(replies: list[dict]) -> str:
    """The texts of a REST reply, one per line."""
    return "\n".join(str(r.get("text") or "") for r in replies)


def new_sender(prefix: str = "e2e") -> str:
    """A fresh REST sender id: one conversation."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_phone() -> str:
    """A fresh US phone number for an SMS conversation."""
    return "+1555" + str(secrets.randbelow(10**7)).zfill(7)


def twiml_messages(xml: str) -> list[str]:
    """The texts of a TwiML response's <Message> elements."""
    root = ET.fromstring(xml)
    assert root.tag == "Response", xml
    return [(message.text or "") for message in root.iter("Message")]


class PollingSocket:
    """A bare socket.io client over engine.io long-polling, speaking the protocol directly.

    The widget's own tests drive the real widget in Chromium; this client sends what no widget
    would (wrong types, no session, oversized text), as a hostile script could.
    """

    def __init__(self, rasa_url: str, origin: str | None = None) -> None:
        self.url = f"{rasa_url}/socket.io/?EIO=4&transport=polling"
        self.http = requests.Session()
        self.http.headers["Origin"] = origin or channel_settings().site_origin
        opened = self.http.get(self.url, timeout=30)
        opened.raise_for_status()
        self.url += "&sid=" + json.loads(opened.text[1:])["sid"]
        self._send("40")  # socket.io CONNECT to the default namespace
        self.pending: list[tuple[str, object]] = []
        assert any(packet.startswith("40") for packet in self._poll()), "connect refused"

    def _send(self, packet: str) -> None:
        self.http.post(self.url, data=packet.encode(), timeout=30).raise_for_status()

    def _poll(self) -> list[str]:
        answer = self.http.get(self.url, timeout=90)
        answer.raise_for_status()
        packets = answer.text.split("\x1e")
        for packet in packets:
            if packet == "2":  # engine.io ping
                self._send("3")
            elif packet.startswith("42"):
                event, *args = json.loads(packet[2:])
                self.pending.append((event, args[0] if args else None))
        return packets

    def emit(self, event: str, data: object) -> None:
        """Send one socket.io event with ``data``."""
        self._send("42" + json.dumps([event, data]))

    def wait_for(self, event: str, timeout: float = 90) -> object:
        """The data of the next ``event`` the server sends (earlier other events are kept)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, (name, data) in enumerate(self.pending):
                if name == event:
                    del self.pending[index]
                    return data
            assert time.monotonic() < deadline, f"no {event!r} within {timeout} s"
            self._poll()

    def start_session(self) -> str:
        """Ask for a new conversation; returns its session token."""
        self.emit("session_request", {})
        return self.wait_for("session_confirm")

    def close(self) -> None:
        """Disconnect (engine.io CLOSE)."""
        try:
            self._send("1")
        finally:
            self.http.close()
