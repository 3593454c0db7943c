"""Liveness and readiness of the Rasa server, and the honest action endpoint, as one channel.

Configured in credentials.yml (``bot.reliability.health_channel.HealthInput:``), it adds:

- ``GET /health/live``: 200 while the process serves HTTP (restart it when this fails);
- ``GET /health/ready``: 200 only when the model is loaded, the tracker store answers, the
  action server answers and its retrieval index is loaded; otherwise 503 with the failing
  check named (a load balancer sends patients only to ready servers). The requests database
  (as the action server sees it) is reported too, but does not make the server unready:
  questions are still answered, and a booking then says honestly it was not saved;
- at server start: the action endpoint becomes :class:`ResilientActionEndpoint` (a failed
  custom action gets an honest reply with the clinic's phone), tracker store failures reach
  the channels instead of Rasa's silent in-memory fallback
  (:func:`~bot.reliability.tracker_store.install_strict_tracker_store`), requests larger than
  ``max_request_bytes`` are refused with 413 before anything reads them, and a server without
  a loaded model (or, with ``require_persistent_tracker_store``, with conversations in memory)
  stops with a message saying what to do, instead of reporting "up".

Rasa's own ``/`` and ``/status`` say "up" even when the model failed to load.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.reliability.action_endpoint import ResilientActionEndpoint, action_token_headers
from bot.reliability.required import EXIT_CONFIG
from bot.reliability.response_check import install_compiled_response_check
from bot.reliability.tracker_store import TrackerStoreMisconfigured, install_strict_tracker_store

logger = logging.getLogger(__name__)

CHECK_ACTION = "action_check_readiness"
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
DEFAULT_CHECK_TIMEOUT = 5.0
EXIT_NO_MODEL = EXIT_CONFIG  # the same status: a process manager should not restart into it
PROBE_SENDER = "health-probe"


def _probe_tracker() -> dict[str, Any]:
    """The smallest tracker the action server accepts."""
    return {
        "sender_id": PROBE_SENDER,
        "slots": {},
        "latest_message": {"text": "", "intent": {}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    }


async def check_action_server(
    webhook_url: str, timeout: float
) -> tuple[bool, str, dict[str, Any] | None]:
    """(ok, detail, report): the action server's /health answers and its retriever is loaded;
    ``report`` is the action server's readiness report (None when it gave none)."""
    base = webhook_url.rsplit("/webhook", 1)[0]
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        async with aiohttp.ClientSession(timeout=client_timeout) as session:
            async with session.get(f"{base}/health") as answer:
                if answer.status != 200:
                    return False, f"action server /health answered {answer.status}", None
            body = {"next_action": CHECK_ACTION, "sender_id": PROBE_SENDER,
                    "tracker": _probe_tracker(), "domain": {}}  # fmt: skip
            async with session.post(webhook_url, json=body, headers=action_token_headers()) \
                    as answer:
                if answer.status != 200:
                    return False, f"readiness check answered {answer.status}", None
                data = await answer.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return False, f"action server unreachable ({type(error).__name__})", None
    reports = [r.get("custom") for r in data.get("responses", []) if isinstance(r, dict)]
    report = next((r for r in reports if isinstance(r, dict) and "ready" in r), None)
    if report is None:
        return False, "action server did not report its index", None
    if not report["ready"]:
        return False, f"retrieval index not loaded: {report.get('reason')}", report
    version = f", version {report['index_version']}" if report.get("index_version") else ""
    return True, f"index loaded ({report.get('entries')} entries{version})", report


async def check_tracker_store(agent: Any) -> tuple[bool, str]:
    """(ok, detail): the tracker store answers a read (a failure is not hidden once
    :func:`install_strict_tracker_store` has run)."""
    try:
        await agent.tracker_store.retrieve(PROBE_SENDER)
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return False, f"tracker store failed ({type(error).__name__})"
    return True, type(agent.tracker_store).__name__


class _ConfiguringBlueprint(Blueprint):
    """Sets the server-wide request size limit when the channel is registered."""

    def register(self, app: Any, options: dict[str, Any]) -> None:
        # Sanic refuses a larger body with 413 before any handler (or NLU) reads it.
        app.config.REQUEST_MAX_SIZE = getattr(
            self.ctx, "max_request_bytes", DEFAULT_MAX_REQUEST_BYTES
        )
        if not getattr(app.ctx, "banner_hidden", False):
            app.ctx.banner_hidden = True
            app.register_middleware(_hide_banner, "request")
        super().register(app, options)


async def _hide_banner(request: Any) -> Any:
    """``GET /`` says "Hello from Rasa: 3.6.21" to anyone: it tells an attacker which known
    weaknesses to try. The root answers without a version instead."""
    if request.path == "/" and request.method in ("GET", "HEAD"):
        return response.json({"status": "ok"})
    return None


class HealthInput(InputChannel):
    """Health endpoints under /health; carries no conversations."""

    @classmethod
    def name(cls) -> str:
        """Channel name (no messages arrive through it)."""
        return "health"

    def url_prefix(self) -> str:
        """Absolute, so the routes are /health/..., not /webhooks/health/..."""
        return "/health"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Options: ``max_request_bytes``, ``action_timeout_seconds``, ``check_timeout_seconds``,
        ``require_persistent_tracker_store``."""
        credentials = credentials or {}
        return cls(
            max_request_bytes=int(
                credentials.get("max_request_bytes") or DEFAULT_MAX_REQUEST_BYTES
            ),
            action_timeout_seconds=float(credentials["action_timeout_seconds"])
            if credentials.get("action_timeout_seconds")
            else None,
            check_timeout_seconds=float(
                credentials.get("check_timeout_seconds") or DEFAULT_CHECK_TIMEOUT
            ),
            require_persistent_tracker_store=str(
                credentials.get("require_persistent_tracker_store") or ""
            ).lower()
            in ("true", "1", "yes"),
        )

    def __init__(
        self,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        action_timeout_seconds: float | None = None,
        check_timeout_seconds: float = DEFAULT_CHECK_TIMEOUT,
        require_persistent_tracker_store: bool = False,
    ) -> None:
        self.max_request_bytes = max_request_bytes
        self.action_timeout_seconds = action_timeout_seconds
        self.check_timeout_seconds = check_timeout_seconds
        self.require_persistent_tracker_store = require_persistent_tracker_store

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The /health routes and the start-up listener."""
        blueprint = _ConfiguringBlueprint("reliability_health", __name__)
        blueprint.ctx.max_request_bytes = self.max_request_bytes
        started = time.time()

        @blueprint.listener("after_server_start")
        async def harden(app: Any, _loop: Any) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                logger.critical(
                    "No model is loaded, so the assistant cannot answer anyone. Check the "
                    "--model path and the log above; run `make train` to build "
                    "models/clinic.tar.gz. Stopping."
                )
                sys.stdout.flush()
                sys.stderr.flush()
                logging.shutdown()
                os._exit(EXIT_NO_MODEL)  # Sanic's stop() would exit 0, as if all was well
            install_resilient_endpoint(agent, self.action_timeout_seconds)
            install_compiled_response_check()
            try:
                install_strict_tracker_store(agent, self.require_persistent_tracker_store)
            except TrackerStoreMisconfigured as error:
                logger.critical("%s. Stopping.", error)
                sys.stdout.flush()
                sys.stderr.flush()
                logging.shutdown()
                os._exit(EXIT_CONFIG)

        @blueprint.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"live": True, "uptime_seconds": round(time.time() - started)})

        @blueprint.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            checks = await self.readiness(request.app)
            is_ready = all(check["ok"] for check in checks.values() if check.get("required", True))
            degraded = [name for name, check in checks.items() if not check["ok"]]
            return response.json(
                {"ready": is_ready, "degraded": degraded, "checks": checks},
                status=200 if is_ready else 503,
            )

        return blueprint

    async def readiness(self, app: Any) -> dict[str, dict[str, Any]]:
        """Each check with ``ok`` and a ``detail`` that names what to fix."""
        agent = getattr(app.ctx, "agent", None)
        checks: dict[str, dict[str, Any]] = {}
        model_ok = agent is not None and agent.is_ready()
        checks["model"] = {
            "ok": model_ok,
            "detail": _model_version(agent) if agent is not None and model_ok
            else "no model loaded",
        }
        if agent is None:
            return checks
        ok, detail = await check_tracker_store(agent)
        checks["tracker_store"] = {"ok": ok, "detail": detail}
        endpoint = getattr(agent, "action_endpoint", None)
        if endpoint is None or not endpoint.url:
            checks["action_server"] = {"ok": False, "detail": "no action endpoint configured"}
        else:
            ok, detail, report = await check_action_server(endpoint.url, self.check_timeout_seconds)
            checks["action_server"] = {"ok": ok, "detail": detail}
            storage = (report or {}).get("requests_db")
            if isinstance(storage, dict):
                # Reported, not required: see the module docstring.
                checks["requests_db"] = {
                    "ok": storage.get("ok") is True,
                    "detail": str(storage.get("detail") or ""),
                    "required": False,
                }
        return checks


def _model_version(agent: Any) -> str:
    """The model's file, id and training time (what staff compare after a deployment)."""
    metadata = getattr(agent.processor, "model_metadata", None)
    trained = getattr(metadata, "trained_at", None)
    parts = [str(agent.model_name)]
    if agent.model_id:
        parts.append(f"id {str(agent.model_id)[:8]}")
    if trained is not None:
        parts.append(f"trained {trained:%Y-%m-%d %H:%M}")
    return ", ".join(parts)


def install_resilient_endpoint(agent: Any, timeout_seconds: float | None = None) -> None:
    """Use :class:`ResilientActionEndpoint` for every custom action of ``agent``."""
    endpoint = ResilientActionEndpoint.wrap(agent.action_endpoint)
    if endpoint is None:
        logger.warning("no action endpoint configured; custom actions cannot run")
        return
    if timeout_seconds:
        endpoint.timeout_seconds = timeout_seconds
    agent.action_endpoint = endpoint
    if agent.processor is not None:
        agent.processor.action_endpoint = endpoint
    logger.info("custom actions time out after %g s with an honest reply", endpoint.timeout_seconds)
