"""SMS through Twilio: a Rasa input channel that verifies Twilio's signature and answers in TwiML.

Configured in credentials.yml under ``bot.channels.sms.TwilioSmsInput``; Twilio posts to
``<public base>/webhooks/twilio_sms/webhook``. The reply goes back in the webhook response as
TwiML, so the assistant never calls Twilio's REST API and holds no account credentials but
the auth token that checks signatures.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import replies
from bot.channels import channel_state, formatting, keywords, offers
from bot.channels.replays import SeenMessages
from bot.channels.session_token import check_key, keyed_sender_id
from bot.config import load_clinic
from bot.reliability.help_now_reply import (
    REPLY_BUDGET_SECONDS,
    finish_within,
    help_now_responses,
)
from bot.reliability.rate_limit import MessageLimits
from bot.reliability.required import require_reliability_layer
from bot.reliability.rest_channel import visible, without_controls

logger = logging.getLogger(__name__)

CHANNEL = "twilio_sms"
# Twilio delivers at most 1600 characters in one inbound message; anything longer is not Twilio.
MAX_BODY_CHARS = 1600
NO_TEXT_REPLY = "I can only read text messages. Please type your question."
MAX_REQUEST_BYTES = 16_384
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")


class SmsOutput(CollectingOutputChannel):
    """Collects a turn's bot messages whole (text, buttons and custom marker together)."""

    @classmethod
    def name(cls) -> str:
        """Responses may have SMS-specific variations (``channel: twilio_sms`` in domain.yml)."""
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Keep the whole message: rendering for SMS happens once the turn is complete."""
        self.messages.append(dict(message))


class TwilioSmsInput(InputChannel):
    """Twilio's inbound SMS webhook, with signature check, carrier keywords and SMS paging."""

    @classmethod
    def name(cls) -> str:
        """URL prefix and input channel name: /webhooks/twilio_sms/webhook."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from its credentials.yml section."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        # Not None past this point: that call raises (NoReturn in Rasa, which mypy does not see).
        credentials = cast("dict[str, Any]", credentials)
        return cls(
            auth_token=credentials.get("auth_token"),
            webhook_url=credentials.get("webhook_url"),
            sender_key=credentials.get("sender_key"),
            account_sid=credentials.get("account_sid"),
            max_segments=int(credentials.get("max_segments", 3)),
        )

    def __init__(
        self,
        auth_token: str | None,
        webhook_url: str | None,
        sender_key: str | None,
        account_sid: str | None = None,
        max_segments: int = 3,
    ) -> None:
        if not auth_token:
            raise ValueError("twilio_sms: auth_token (TWILIO_AUTH_TOKEN) is required")
        if not webhook_url or not webhook_url.startswith(("https://", "http://")):
            raise ValueError(
                "twilio_sms: webhook_url (TWILIO_WEBHOOK_URL) must be the exact public URL "
                "configured in Twilio, e.g. https://bot.example.org/webhooks/twilio_sms/webhook"
            )
        self.validator = RequestValidator(auth_token)
        self.webhook_url = webhook_url
        self.sender_key = check_key(sender_key, "twilio_sms sender_key (SMS_SENDER_KEY)")
        self.account_sid = account_sid or None
        self.max_segments = max(1, max_segments)
        self.seen = SeenMessages()
        self.limits = MessageLimits.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health route and Twilio's webhook."""
        sms_webhook = Blueprint("twilio_sms_webhook", __name__)
        require_reliability_layer(sms_webhook, CHANNEL)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return sms_webhook

    def _signed_url(self, request: Request) -> str:
        # Twilio signs the URL it was configured with; behind a proxy the server sees another
        # one, so the public URL comes from configuration, plus any query string Twilio sent.
        query = request.query_string
        if query and "?" not in self.webhook_url:
            return f"{self.webhook_url}?{query}"
        return self.webhook_url

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return response.text("missing X-Twilio-Signature", status=403)
        params, problem = _parse_form(request)
        if problem:
            return response.text(problem, status=400 if problem != "too large" else 413)
        if not self.validator.validate(self._signed_url(request), params, signature):
            logger.warning("twilio_sms: rejected a request with an invalid signature")
            return response.text("invalid signature", status=403)
        if self.account_sid and params.get("AccountSid") != self.account_sid:
            return response.text("wrong account", status=403)
        phone, body = params.get("From", ""), params.get("Body")
        if not _PHONE.match(phone) or body is None:
            return response.text("From (a phone number) and Body are required", status=400)
        if len(body) > MAX_BODY_CHARS:
            return response.text("Body too long", status=413)

        message_id = params.get("MessageSid")
        if message_id and not self.seen.first_time(message_id):
            # A retry or a replay of a message already answered: answered once, stored once.
            logger.info("twilio_sms: a repeated MessageSid was not processed again")
            return _twiml([])
        sender_id = keyed_sender_id(self.sender_key, phone)
        agent = request.app.ctx.agent
        urgent = help_now_responses(getattr(agent, "domain", None), body, CHANNEL)
        budget = REPLY_BUDGET_SECONDS[CHANNEL] if urgent else None
        try:
            finished, reply = await finish_within(
                self._reply(agent, sender_id, body, on_new_message, bool(urgent)), budget
            )
        except Exception as exc:  # the patient must always hear something honest
            # Only the type: a message could quote the patient's text.
            logger.error("twilio_sms: handling a message failed with %s", type(exc).__name__)
            finished, reply = False, None
            if not urgent:
                return _twiml([replies.something_went_wrong(load_clinic())])
        if not finished:  # Twilio waits 15 s at most: the resources now, the turn goes on
            logger.warning("twilio_sms: a crisis turn was slow or failed; answered here")
            reply = [m["text"] for m in urgent]
        return _twiml(reply or [])

    async def _reply(
        self,
        agent: Any,
        sender_id: str,
        body: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        needs_help_now: bool = False,
    ) -> list[str]:
        """The SMS to send back (none for an opted-out patient)."""
        state = await channel_state.load_state(agent, sender_id, CHANNEL)
        opted_out = bool(state.get("opted_out"))
        keyword = keywords.classify(body, opted_out)
        profile = load_clinic()

        if keyword is keywords.Keyword.HELP:
            return [keywords.help_reply(profile)]
        if keyword is keywords.Keyword.OPT_OUT:
            if opted_out:
                return []  # confirmed once already: carriers allow no further message
            await channel_state.save_state(agent, sender_id, CHANNEL, {"opted_out": True})
            # CANCEL is also an opt-out: a request it interrupts is ended and forgotten.
            stopped = await channel_state.forget_open_request(agent, sender_id)
            return [keywords.opt_out_reply(profile, request_stopped=stopped)]
        if keyword is keywords.Keyword.OPT_IN:
            await channel_state.save_state(agent, sender_id, CHANNEL, {"opted_out": False})
            return [keywords.opt_in_reply(profile)]
        if opted_out and not needs_help_now:  # a crisis is answered even after STOP
            return []
        # An SMS has no client address of its own (Twilio sends them all): its number is its
        # conversation.
        if self.limits.admit(sender_id) and not needs_help_now:
            return [replies.too_fast(profile)]

        remainder = state.get("remainder") or ""
        if remainder and keywords.is_more(body):
            page = formatting.paginate(remainder, self.max_segments)
            await channel_state.save_state(
                agent, sender_id, CHANNEL, {**state, "remainder": page.remainder}
            )
            return [page.text]
        if keywords.is_more(body) and not needs_help_now:
            # Nothing held back: MORE is no answer to the form's question (review 14: read as a
            # yes at the summary, it sent the request).
            return [keywords.NOTHING_MORE_REPLY]

        text = without_controls(body).strip()
        if not visible(text):  # an MMS without text, or only invisible characters
            return [NO_TEXT_REPLY]
        events = await channel_state.conversation_events(agent, sender_id)
        buttons = offers.offered_buttons(events)
        resolved = offers.resolve_number(text, buttons)
        resolved = (
            offers.guard_command(resolved.text, buttons) if not resolved.option_title else resolved
        )
        if not visible(resolved.text):  # "/" alone, or slashes and blanks
            return [NO_TEXT_REPLY]
        metadata = {"option_title": resolved.option_title} if resolved.option_title else None

        collector = SmsOutput()
        await on_new_message(
            UserMessage(
                resolved.text, collector, sender_id, input_channel=CHANNEL, metadata=metadata
            )
        )
        reply = formatting.plan_reply(collector.messages, self.max_segments)
        if reply.remainder or remainder:
            await channel_state.save_state(
                agent, sender_id, CHANNEL, {**state, "remainder": reply.remainder}
            )
        return reply.messages


def _parse_form(request: Request) -> tuple[dict[str, str], str | None]:
    """Twilio's form fields, or the reason the body is not a well-formed Twilio form."""
    body = request.body or b""
    if not body:
        return {}, "empty body"
    if len(body) > MAX_REQUEST_BYTES:
        return {}, "too large"
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return {}, "expected application/x-www-form-urlencoded"
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=True, max_num_fields=100
        )
    except (UnicodeDecodeError, ValueError):
        return {}, "malformed form body"
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            return {}, f"repeated field {key}"
        params[key] = value
    return params, None


def _twiml(texts: list[str]) -> HTTPResponse:
    twiml = MessagingResponse()
    for text in texts:
        twiml.message(text)
    return response.text(str(twiml), content_type="text/xml; charset=utf-8")
