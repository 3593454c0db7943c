"""The REST channel with the checks Rasa's own ``rest`` channel lacks.

Configured in credentials.yml as ``bot.reliability.rest_channel.GuardedRestInput:`` (same URL,
``/webhooks/rest/webhook``, same request and reply format). Before anything reaches NLU:

- the body must be a JSON object with a string ``sender`` (1-128 printable characters) and a
  string ``message``; ``metadata``, when given, an object: anything else is a 400 that says
  what is wrong (Rasa's channel answers 500 to a list, a number or a missing field);
- a message longer than ``max_message_chars`` (default 1000, as the chat widget) gets a clear
  reply and never reaches NLU; bodies above the server's request limit are refused with 413
  by Sanic (``bot.reliability.health_channel`` sets it);
- empty, blank or invisible-only text (zero-width characters) gets "please type a question";
  text that cannot be encoded (lone surrogates) gets "characters I can't read";
- a ``/intent{...}`` text passes only when it is a button payload the bot just offered in this
  conversation (``bot.channels.offers.guard_command``, as the chat widget and SMS do):
  otherwise its slashes are dropped and it goes through NLU and the crisis check like any text;
- the input channel is always ``rest`` (callers cannot pose as SMS or the widget);
- a sender or a client address over its message limit gets 429, ``Retry-After`` and a reply
  with the clinic's phone and crisis numbers (``bot.reliability.rate_limit``), unless the
  message is a crisis, which always goes on;
- with ``token`` configured, requests need ``Authorization: Bearer <token>`` (production: a
  token, or no REST channel at all, since a REST caller chooses its own conversation id).

A failure while handling a message answers 503 with an honest reply, never a bare 500.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import replies
from bot.channels import channel_state, offers
from bot.config import load_clinic
from bot.reliability.help_now_reply import (
    REPLY_BUDGET_SECONDS,
    finish_within,
    has_help_now_reply,
    help_now_responses,
)
from bot.reliability.rate_limit import MessageLimits
from bot.reliability.required import require_reliability_layer

logger = logging.getLogger(__name__)

CHANNEL = "rest"
MAX_SENDER_CHARS = 128
DEFAULT_MAX_MESSAGE_CHARS = 1000
RESERVED_METADATA = ("option_title",)  # set by the channels themselves, never by a caller


class BadRequest(ValueError):
    """The request is malformed; the message says how (safe to return to the caller)."""


def parse_body(raw: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) from a request body, or :class:`BadRequest`."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("the body must be JSON (UTF-8)") from error
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object: {"sender": "...", "message": "..."}')
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest('"sender" must be a non-empty string')
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable() or not _encodable(sender):
        raise BadRequest(f'"sender" must be at most {MAX_SENDER_CHARS} printable characters')
    if not isinstance(message, str):
        raise BadRequest('"message" must be a string')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata" must be a JSON object')
    if metadata:
        metadata = {k: v for k, v in metadata.items() if k not in RESERVED_METADATA}
    return sender, message, metadata or None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def visible(text: str) -> str:
    """``text`` without format characters (zero-width spaces, joiners, BOM) and outer blanks."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def without_controls(text: str) -> str:
    """``text`` without C0/C1 control characters other than tab and newlines (a NUL cannot
    even be stored in PostgreSQL's tracker store)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")


def input_problem(message: str, max_chars: int) -> str | None:
    """The reply for a message that must not reach NLU, or None when it may."""
    if not _encodable(message):
        return (
            "Your message contains characters I can't read. Please type your question as "
            "plain text."
        )
    if not visible(message):
        return 'Please type a question, for example: "How long does a session take?"'
    if len(message) > max_chars:
        return replies.message_too_long(load_clinic(), max_chars)
    return None


def client_address(request: Request) -> str:
    """The client's address: the proxy's header when Sanic is told to trust it, else the peer."""
    return request.remote_addr or request.ip


def failure_reply() -> str:
    """What the patient reads when handling the message failed on our side."""
    return replies.something_went_wrong(load_clinic())


def _help_now(sent: list[dict[str, Any]], urgent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the turn already sent when that includes the resources, else the resources."""
    return sent if has_help_now_reply(sent) else sent + urgent


def _to(sender: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, **message} for message in messages]


class WholeMessageCollector(CollectingOutputChannel):
    """Collects each response as one message, its ``custom`` marker included.

    Rasa's collector sends a response's ``custom`` payload as a message of its own, which a
    plain REST client shows as an empty bubble after the crisis reply.
    """

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send the response as Rasa would, then put its ``custom`` on the message it made."""
        custom = message.get("custom")
        if custom is None or not (message.get("text") or message.get("buttons")):
            await super().send_response(recipient_id, message)
            return
        before = len(self.messages)
        await super().send_response(
            recipient_id, {key: value for key, value in message.items() if key != "custom"}
        )
        if len(self.messages) > before:
            self.messages[-1]["custom"] = custom
        else:
            await self.send_custom_json(recipient_id, custom)


class GuardedRestInput(InputChannel):
    """``/webhooks/rest/webhook`` with input checks before NLU (see the module docstring)."""

    failure_status = 503  # the status of the honest reply when handling a message failed
    help_now_budget = REPLY_BUDGET_SECONDS["rest"]  # seconds a crisis turn may take

    @classmethod
    def name(cls) -> str:
        """Same name and URL as Rasa's REST channel."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Options: ``max_message_chars``, ``token``."""
        credentials = credentials or {}
        return cls(
            max_message_chars=int(
                credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS
            ),
            token=credentials.get("token") or None,
        )

    def __init__(
        self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, token: str | None = None
    ):
        self.max_message_chars = max_message_chars
        self.token = token
        self.limits = MessageLimits.from_env()

    def _authorized(self, request: Request) -> bool:
        if not self.token:
            return True
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (channel health) and POST /webhook."""
        blueprint = Blueprint("guarded_rest_webhook", __name__)
        require_reliability_layer(blueprint, self.name())

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return response.json({"error": "missing or wrong token"}, status=401)
            try:
                sender, text, metadata = parse_body(request.body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            text = without_controls(text)
            problem = input_problem(text, self.max_message_chars)
            if problem:
                return response.json([{"recipient_id": sender, "text": problem}])
            agent = request.app.ctx.agent
            urgent = help_now_responses(getattr(agent, "domain", None), text, self.name())
            wait = self.limits.admit(sender, client_address(request))
            if wait and not urgent:  # a crisis is never held back
                return response.json(
                    [{"recipient_id": sender, "text": replies.too_fast(load_clinic())}],
                    status=429, headers={"Retry-After": str(math.ceil(wait))},
                )
            collector = WholeMessageCollector()
            budget = self.help_now_budget if urgent else None
            try:
                finished, early = await finish_within(
                    self._converse(agent, sender, text, metadata, collector, on_new_message),
                    budget,
                )
            except Exception as error:  # noqa: BLE001 - the caller must get an honest answer
                logger.error("rest: handling a message failed with %s", type(error).__name__)
                if urgent:  # resources first, whatever failed
                    return response.json(_to(sender, _help_now(collector.messages, urgent)))
                return response.json(
                    collector.messages + [{"recipient_id": sender, "text": failure_reply()}],
                    status=self.failure_status,
                )
            if not finished:
                logger.warning("rest: a crisis turn was slow; answered from the channel")
                return response.json(_to(sender, _help_now(collector.messages, urgent)))
            return response.json(early or collector.messages)

        return blueprint

    async def _converse(self, agent: Any, sender: str, text: str, metadata: dict | None,
                        collector: WholeMessageCollector,
                        on_new_message: Callable[[UserMessage], Awaitable[Any]],
                        ) -> list[dict[str, Any]] | None:  # fmt: skip
        """Hand the message to Rasa; returns a reply of its own only when Rasa must not see it."""
        events = await channel_state.conversation_events(agent, sender)
        resolved = offers.guard_command(text, offers.offered_buttons(events))
        if not visible(resolved.text):  # "/" alone, or slashes and blanks
            return [{"recipient_id": sender, "text": input_problem("", 1)}]
        if resolved.option_title:
            metadata = {**(metadata or {}), "option_title": resolved.option_title}
        await on_new_message(
            UserMessage(resolved.text, collector, sender, input_channel=self.name(),
                        metadata=metadata)
        )  # fmt: skip
        return None
