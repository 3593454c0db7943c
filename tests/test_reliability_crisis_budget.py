"""A crisis reply never waits on another service: action server stopped, PostgreSQL unreachable.

Production stores (endpoints.prod.yml: PostgreSQL tracker store, Redis lock store), all three
channels open. Conversations start while everything is up; then the action server is stopped
and PostgreSQL is replaced by a listener that accepts connections and never answers (a
database host that hangs, the worst case: every connection waits for its timeout). A crisis
message, in those ongoing conversations and in new ones, must get the crisis resources over
REST and the widget within 2 s and over SMS within 8 s (Twilio gives up at 15 s).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from channel_clients import PollingSocket, send_sms
from reliability_harness import (
    _stop,
    production_stack,
    texts,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REDIS_PASSWORD = secrets.token_hex(12)
CRISIS = "I want to end my life tonight"
WEB_BUDGET_SECONDS = 2.0
SMS_BUDGET_SECONDS = 8.0


class HangingDatabase:
    """Accepts TCP connections on ``port`` and never says anything (a hung database host)."""

    def __init__(self, port: int) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture(scope="module")
def outage(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The stack with ongoing conversations on every channel, then the outage."""
    with production_stack(tmp_path_factory.mktemp("crisis-budget")) as stack:
        handle = stack.rasa
        # Conversations that are going on when the outage starts.
        rest_sender, sms_phone = "ongoing-" + secrets.token_hex(4), "+14695550123"
        assert "Source:" in texts(handle.send(rest_sender, "what is ketamine therapy")[1])
        assert send_sms(stack, sms_phone, "what is ketamine therapy")
        widget = PollingSocket(handle.url)
        hanging = None
        try:
            widget.start_session()
            widget.emit("user_uttered", {"message": "what is ketamine therapy"})
            # The disclaimer of a new conversation comes first, then the answer.
            while "automated assistant" in widget.wait_for("bot_uttered").get("text", ""):
                pass
            widget.pending.clear()

            _stop(stack.actions)
            stack.pg.stop()
            hanging = HangingDatabase(stack.pg.port)
            yield SimpleNamespace(stack=stack, rest_sender=rest_sender, sms_phone=sms_phone,
                                  widget=widget)  # fmt: skip
        finally:
            widget.close()
            if hanging is not None:
                hanging.close()


def assert_resources(reply: str) -> None:
    assert "988" in reply and "911" in reply, reply


@pytest.mark.parametrize("conversation", ["ongoing", "new"])
def test_rest_crisis_reply_within_2_s(outage, conversation):
    sender = outage.rest_sender if conversation == "ongoing" else "new-" + secrets.token_hex(4)
    status, body, seconds = outage.stack.rasa.send(sender, CRISIS)
    print(f"\nREST crisis reply, {conversation} conversation, outage: {seconds:.2f} s")
    assert status == 200, body
    assert_resources(texts(body))
    assert seconds <= WEB_BUDGET_SECONDS


@pytest.mark.parametrize("conversation", ["ongoing", "new"])
def test_widget_crisis_reply_within_2_s(outage, conversation):
    widget = outage.widget if conversation == "ongoing" else PollingSocket(outage.stack.rasa_url)
    try:
        if conversation == "new":
            widget.start_session()
        started = time.perf_counter()
        widget.emit("user_uttered", {"message": CRISIS})
        reply = widget.wait_for("bot_uttered", timeout=30)
        seconds = time.perf_counter() - started
    finally:
        if conversation == "new":
            widget.close()
    print(f"\nwidget crisis reply, {conversation} conversation, outage: {seconds:.2f} s")
    assert_resources(reply["text"])
    assert (reply.get("custom") or {}).get("kind") == "crisis"  # styled as a crisis reply
    assert seconds <= WEB_BUDGET_SECONDS


@pytest.mark.parametrize("conversation", ["ongoing", "new"])
def test_sms_crisis_reply_within_8_s(outage, conversation):
    phone = outage.sms_phone if conversation == "ongoing" else "+1469555" + str(
        secrets.randbelow(10**4)).zfill(4)  # fmt: skip
    started = time.perf_counter()
    reply = " ".join(send_sms(outage.stack, phone, CRISIS))
    seconds = time.perf_counter() - started
    print(f"\nSMS crisis reply, {conversation} conversation, outage: {seconds:.2f} s")
    assert_resources(reply)
    assert seconds <= SMS_BUDGET_SECONDS
