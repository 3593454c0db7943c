"""The website chat: a socket.io channel for the project's widget, and the widget's files.

Rasa's own ``socketio`` channel accepts any Origin and lets the client name its conversation.
This channel, configured in credentials.yml under ``bot.channels.webchat.WebchatInput``:

- refuses socket.io connections whose Origin is not on the clinic's allow-list, and
  connections without an Origin (browsers always send one on a WebSocket handshake);
- issues the conversation id itself as an HMAC-signed token (see ``session_token``); the widget
  keeps the token so a reload resumes the conversation, and the history is replayed from the
  tracker store;
- lets a ``/intent`` payload through only when it is a button the bot just offered;
- greets a new panel (disclaimer, whether the clinic is open, suggested topics: ``welcome``),
  shows knowledge answers with a short start and their source in plain words
  (``presentation``), and takes "Did this answer help?" votes for the answers a socket was just
  shown (``answer_feedback``; ``bot.feedback``);
- serves the widget (``widget.js``, ``widget.css``, the vendored socket.io client), a demo page
  and a privacy notice under ``/webhooks/webchat/``.

The socket.io protocol is Rasa's (``session_request`` / ``session_confirm`` / ``user_uttered`` /
``bot_uttered``), plus ``welcome`` after ``session_confirm``, ``history`` when a session
resumes, and ``answer_feedback`` / ``answer_feedback_result`` for votes.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any, cast

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import replies
from bot.channels import channel_state, offers, presentation
from bot.channels.session_token import Session, SessionSigner
from bot.config import PROJECT_ROOT, load_clinic, load_widget_settings
from bot.feedback import votes
from bot.feedback.store import VoteStorageError, record_vote
from bot.opening_hours import open_note
from bot.reliability.help_now_reply import (
    REPLY_BUDGET_SECONDS,
    finish_within,
    has_help_now_reply,
    help_now_responses,
)
from bot.reliability.rate_limit import MessageLimits
from bot.reliability.required import require_reliability_layer
from bot.reliability.rest_channel import (
    client_address,
    input_problem,
    visible,
    without_controls,
)

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
WEB_DIR = PROJECT_ROOT / "web"
VENDOR_DIR = WEB_DIR / "build" / "vendor"
USER_EVENT = "user_uttered"
BOT_EVENT = "bot_uttered"
VOTE_EVENT = "answer_feedback"
VOTE_RESULT_EVENT = "answer_feedback_result"

# Only our own files, and a socket back to this server: the page may load nothing else.
HTML_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
_ASSETS = {
    "widget.js": (WEB_DIR / "widget.js", "application/javascript; charset=utf-8"),
    "widget.css": (WEB_DIR / "widget.css", "text/css; charset=utf-8"),
    "demo.css": (WEB_DIR / "demo.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (VENDOR_DIR / "socket.io.min.js", "application/javascript; charset=utf-8"),
}


def parse_origins(value: str | Iterable[str] | None) -> list[str]:
    """The allow-list from configuration: a list, or one string separated by commas/spaces."""
    if value is None:
        return []
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)
    origins = [item.strip().rstrip("/") for item in items if item and item.strip()]
    for origin in origins:
        if not re.match(r"^https?://[^/\s]+$", origin):
            raise ValueError(
                f"webchat allowed_origins: {origin!r} is not an origin like https://clinic.example"
            )
    return origins


class WebchatOutput(OutputChannel):
    """Sends each bot message to the conversation's room as one ``bot_uttered`` event."""

    def __init__(self, sio: AsyncServer, session: dict[str, Any] | None = None) -> None:
        self.sio = sio
        self.session = session  # the asking socket's session: its vote tickets live there
        self.sent: list[dict[str, Any]] = []  # this turn's messages, as Rasa sent them
        self.muted = False  # set when the channel already answered a slow crisis turn

    @classmethod
    def name(cls) -> str:
        """Responses may have widget-specific variations (``channel: webchat``)."""
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Text, buttons and custom marker travel together: a crisis reply is styled whole."""
        self.sent.append(message)
        if not self.muted:
            shown = widget_message(message)
            ref = votes.issue(self.session, message) if self.session is not None else None
            if ref:  # a knowledge answer: the asking socket may say whether it helped
                shown["feedback"] = {"ref": ref}
            await self.sio.emit(BOT_EVENT, shown, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Plain text (used by Rasa for reminders and external events)."""
        await self.sio.emit(BOT_EVENT, {"text": text}, room=recipient_id)


def widget_message(message: dict[str, Any]) -> dict[str, Any]:
    """The parts of a Rasa response the widget renders (it ignores anything else)."""
    out: dict[str, Any] = {"text": message.get("text") or ""}
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        out["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons
        ]
    if isinstance(message.get("custom"), dict):
        out["custom"] = message["custom"]
    if message.get("image"):
        out["image"] = str(message["image"])
    return presentation.for_widget(out, load_widget_settings().source_pages)


def welcome() -> dict[str, Any]:
    """What a new panel shows before anything is asked: the assistant's disclaimer (the same
    text the session's first reply carries, which the widget then does not repeat), whether
    the clinic is open now, and the suggested topics from knowledge/clinic.yml."""
    profile = load_clinic()
    return {
        "greeting": replies.disclaimer(profile),
        "status": open_note(profile),
        "topics": list(load_widget_settings().suggested_topics),
    }


class _AppAwareBlueprint(SocketBlueprint):
    """Remembers the Sanic app, so socket.io handlers can reach the agent's tracker store."""

    def register(self, app: Any, options: dict[str, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class WebchatInput(InputChannel):
    """socket.io channel with an Origin allow-list and server-issued, signed sessions."""

    @classmethod
    def name(cls) -> str:
        """URL prefix (/webhooks/webchat/) and input channel name."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from its credentials.yml section."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        # Not None past this point: that call raises (NoReturn in Rasa, which mypy does not see).
        credentials = cast("dict[str, Any]", credentials)
        return cls(
            allowed_origins=parse_origins(credentials.get("allowed_origins")),
            session_key=credentials.get("session_key"),
            session_max_age_hours=float(credentials.get("session_max_age_hours", 24)),
            session_idle_minutes=float(credentials.get("session_idle_minutes", 30)),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            privacy_url=credentials.get("privacy_url") or None,
            max_message_chars=int(credentials.get("max_message_chars", 1000)),
        )

    def __init__(
        self,
        allowed_origins: list[str],
        session_key: str | None,
        session_max_age_hours: float = 24,
        session_idle_minutes: float = 30,
        socketio_path: str = "/socket.io",
        privacy_url: str | None = None,
        max_message_chars: int = 1000,
    ) -> None:
        if not allowed_origins:
            raise ValueError(
                "webchat: allowed_origins (WEBCHAT_ALLOWED_ORIGINS) must list the origins of "
                "the pages that embed the widget, e.g. https://www.clinic.example"
            )
        self.allowed_origins = allowed_origins
        self.signer = SessionSigner(session_key, int(session_max_age_hours * 3600),
                                    int(session_idle_minutes * 60))  # fmt: skip
        self.socketio_path = socketio_path
        self.privacy_url = privacy_url
        self.max_message_chars = max_message_chars
        self.limits = MessageLimits.from_env()
        load_widget_settings()  # a malformed `widget:` section stops the server at start
        self.sio: AsyncServer | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """An output for messages Rasa sends on its own (reminders, external events)."""
        return WebchatOutput(self.sio) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """socket.io on ``socketio_path`` and the widget's files under /webhooks/webchat/."""
        # engine.io answers 400 to a handshake from any other Origin, before socket.io sees it.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=list(self.allowed_origins))
        blueprint = _AppAwareBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio
        require_reliability_layer(blueprint, CHANNEL)
        self._register_socket_handlers(sio, blueprint, on_new_message)
        self._register_routes(blueprint)
        return blueprint

    # --- socket.io -------------------------------------------------------------------------

    def _register_socket_handlers(
        self,
        sio: AsyncServer,
        blueprint: _AppAwareBlueprint,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin not in self.allowed_origins:
                logger.info("webchat: refused a connection from a disallowed origin")
                return False
            request = environ.get("sanic.request")
            address = client_address(request) if request is not None else ""
            await sio.save_session(sid, {"address": address})
            return True

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            token = None
            if isinstance(data, dict):
                token = data.get("session_token") or data.get("session_id")
            session = self.signer.verify(token)
            resumed = session is not None
            session = self.signer.renew(session) if session else self.signer.issue()
            saved = await sio.get_session(sid)
            fresh = {**saved, "sender_id": session.sender_id, "started": session.issued_at}
            votes.forget(fresh)  # tickets belong to the conversation they were issued in
            await sio.save_session(sid, fresh)
            # One conversation per socket: a second session_request leaves the first room, so
            # the socket no longer receives that conversation's replies.
            for room in list(sio.rooms(sid)):
                if room not in (sid, session.sender_id):
                    await sio.leave_room(sid, room)
            await sio.enter_room(sid, session.sender_id)
            await sio.emit("session_confirm", session.token, room=sid)
            await sio.emit("welcome", welcome(), room=sid)
            if resumed:
                agent = blueprint.ctx.app.ctx.agent
                try:
                    events = await channel_state.conversation_events(agent, session.sender_id)
                except Exception as exc:
                    logger.error("webchat: history unavailable (%s)", type(exc).__name__)
                    events = []
                pages = load_widget_settings().source_pages
                shown = [presentation.for_widget(m, pages) if m.get("sender") == "bot" else m
                         for m in offers.history(events)]  # fmt: skip
                await sio.emit("history", {"messages": shown}, room=sid)

        @sio.on(VOTE_EVENT)
        async def answer_feedback(sid: str, data: Any) -> None:
            # Not a message: no rate limit, nothing in the conversation. Only a ticket this
            # socket was given with an answer counts, once (bot.feedback.votes).
            session = await sio.get_session(sid)
            vote = votes.parse_vote(data)
            ticket = votes.redeem(session, vote) if vote and session.get("sender_id") else None
            ref = vote.ref if vote else None
            if vote is None or ticket is None:
                await sio.emit(VOTE_RESULT_EVENT, {"ref": ref, "accepted": False}, room=sid)
                return
            try:
                await asyncio.to_thread(record_vote, ticket["entry"], ticket["index"],
                                        vote.helpful)  # fmt: skip
            except VoteStorageError as exc:  # the patient is thanked all the same
                logger.error("webchat: a vote was not stored (%s)", exc)
            result: dict[str, Any] = {"ref": ref, "accepted": True, "text": votes.THANKS}
            if not vote.helpful:
                result["reply"] = votes.not_helpful_reply(load_clinic(), ticket, session)
            await sio.emit(VOTE_RESULT_EVENT, result, room=sid)

        @sio.on(USER_EVENT)
        async def handle_message(sid: str, data: Any) -> None:
            session = await sio.get_session(sid)
            sender_id = session.get("sender_id")
            if not sender_id:
                await sio.emit("session_required", {}, room=sid)
                return
            text = data.get("message") if isinstance(data, dict) else None
            problem = (
                input_problem(text, self.max_message_chars)
                if isinstance(text, str)
                else "Please type a question."
            )
            if problem:  # empty, invisible, unreadable or too long: never reaches NLU
                await sio.emit(BOT_EVENT, {"text": problem}, room=sid)
                return
            text = without_controls(cast(str, text))  # not a str: refused just above
            agent = blueprint.ctx.app.ctx.agent
            urgent = help_now_responses(getattr(agent, "domain", None), text, CHANNEL)
            if self.limits.admit(sender_id, session.get("address")) and not urgent:
                await sio.emit(BOT_EVENT, {"text": replies.too_fast(load_clinic())}, room=sid)
                return
            renewed = self.signer.renew(Session(sender_id, "", session.get("started") or 0, 0))
            await sio.emit("session_refresh", renewed.token, room=sid)
            output = WebchatOutput(sio, session)
            budget = REPLY_BUDGET_SECONDS[CHANNEL] if urgent else None
            try:
                finished, _ = await finish_within(
                    self._converse(agent, sid, sender_id, text, output, on_new_message,
                                   votes.offered_after_vote(session)),
                    budget,
                )
            except Exception as exc:  # the patient must always hear something honest
                logger.error("webchat: handling a message failed with %s", type(exc).__name__)
                finished = False
                if not urgent:
                    failed = {"text": replies.something_went_wrong(load_clinic())}
                    await sio.emit(BOT_EVENT, failed, room=sender_id)
                    return
            if not finished and not has_help_now_reply(output.sent):
                output.muted = True  # a late turn must not repeat the resources
                for message in urgent:
                    await sio.emit(BOT_EVENT, widget_message(message), room=sender_id)

    async def _converse(
        self,
        agent: Any,
        sid: str,
        sender_id: str,
        text: str,
        output: WebchatOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        offered_here: list[dict[str, str]] | None = None,
    ) -> None:
        """Hand the message to Rasa (its replies go to the room through ``output``).

        ``offered_here``: buttons this socket was offered outside the conversation (after a
        "No" vote), which a click may send as well as the last bot message's own.
        """
        if self.sio is None:  # blueprint() sets it before any socket can connect
            raise RuntimeError("webchat: the socket.io server is not set up")
        events = await channel_state.conversation_events(agent, sender_id)
        offered = offers.offered_buttons(events) + list(offered_here or [])
        resolved = offers.guard_command(text, offered)
        if not visible(resolved.text):  # "/" alone, or slashes and blanks
            await self.sio.emit(BOT_EVENT, {"text": input_problem("", 1)}, room=sid)
            return
        metadata = {"option_title": resolved.option_title} if resolved.option_title else None
        await on_new_message(
            UserMessage(resolved.text, output, sender_id, input_channel=CHANNEL, metadata=metadata)
        )

    # --- the widget's files --------------------------------------------------------------

    def _register_routes(self, blueprint: Blueprint) -> None:
        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        for name in _ASSETS:
            blueprint.add_route(
                _asset_handler(name),
                f"/{name}",
                methods=["GET"],
                name=f"webchat_asset_{name.replace('.', '_')}",
            )

        @blueprint.route("/config.json")
        async def config(request: Request) -> HTTPResponse:
            profile = load_clinic()
            headers = {"Cache-Control": "no-cache", "Vary": "Origin"}
            origin = request.headers.get("origin")
            if origin in self.allowed_origins:
                headers["Access-Control-Allow-Origin"] = origin
            return response.json(
                {
                    "clinicName": profile.name,
                    "phoneDisplay": profile.phone_display,
                    "phoneHref": "tel:" + profile.phone,
                    "crisisLine": profile.crisis_line,
                    "emergencyNumber": profile.emergency_number,
                    "privacyUrl": self.privacy_url or "privacy",
                    "socketPath": self.socketio_path,
                    "maxMessageChars": self.max_message_chars,
                    "idleMinutes": self.signer.idle_seconds / 60,
                },
                headers=headers,
            )

        @blueprint.route("/demo")
        async def demo(_: Request) -> HTTPResponse:
            return _html_page(WEB_DIR / "demo.html")

        @blueprint.route("/privacy")
        async def privacy(_: Request) -> HTTPResponse:
            return _html_page(WEB_DIR / "privacy.html")


def _asset_handler(name: str) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse]]:
    path, content_type = _ASSETS[name]

    async def asset(_: Request) -> HTTPResponse:
        if not path.is_file():
            logger.error("webchat: %s is missing; run `make widget`", path)
            return response.text(f"{name} is not built: run `make widget`", status=503)
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        return await response.file(path, mime_type=content_type, headers=headers)

    return asset


def _html_page(path: Path) -> HTTPResponse:
    """A page from web/, with the clinic's details filled in (HTML-escaped)."""
    values = {key: html.escape(value) for key, value in load_clinic().placeholders().items()}
    page = path.read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", value)
    return response.html(
        page,
        headers={
            "Content-Security-Policy": HTML_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )
