"""The action server endpoint, made honest: a failed custom action becomes a clear reply.

Rasa 3.6 logs a failed custom action (server down, HTTP 5xx, an invalid answer) and carries on
without its events, so the patient hears nothing; and it waits up to five minutes for a slow one.
:class:`ResilientActionEndpoint` replaces the Rasa server's action endpoint (see
``bot.reliability.health_channel``): each call has a deadline (``action_timeout_seconds`` in
credentials.yml, else ``ACTION_TIMEOUT_SECONDS``, else 10 s), and a call that fails is
answered, inside the Rasa process, as the action server would have answered an action that
says so:

- the response ``utter_service_unavailable`` (domain.yml), its ``{clinic_name}``,
  ``{clinic_phone}`` and ``{clinic_hours}`` filled from knowledge/clinic.yml, once per turn;
- when a form is active: the form is closed and the slots it fills are cleared, so no
  half-collected personal details stay in the tracker and nothing later claims a request was
  saved (its wording never says a request was saved: a slow submit may still have stored one).

A 400 answer with an ``action_name`` is the action server's deliberate rejection (forms use it)
and is passed on unchanged. Nothing here logs the conversation's content.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.reliability.fallback import fallback_answer
from bot.settings import settings

logger = logging.getLogger(__name__)

TIMEOUT_ENV = "ACTION_TIMEOUT_SECONDS"
# Shared with bot.reliability.action_server (which runs in the other environment).
ACTION_TOKEN_ENV = "ACTION_SERVER_TOKEN"  # noqa: S105 - a name, not a secret
ACTION_TOKEN_HEADER = "X-Action-Token"  # noqa: S105 - a name, not a secret
DEFAULT_TIMEOUT_SECONDS = 10.0
# Actions on the crisis reply's path get a short deadline of their own: the crisis text is
# already composed by the Rasa server, and a hanging action server (or its database) must not
# hold it back past what a channel waits for (Twilio gives up after 15 s). Recording the event
# normally takes milliseconds; a session start too.
QUICK_ACTIONS = {"action_record_crisis_event": 0.5, "action_session_start": 1.2}


def action_token_headers() -> dict[str, str]:
    """The header that proves a call to the action server comes from this Rasa server."""
    token = settings().action_server_token
    return {ACTION_TOKEN_HEADER: token} if token else {}


class ActionServerFailure(RuntimeError):
    """The action server did not give a usable answer (the reason is safe to log)."""


def action_timeout() -> float:
    """Seconds a custom action may take before the patient is told it failed."""
    return settings().action_timeout_seconds


class ResilientActionEndpoint(EndpointConfig):
    """An ``EndpointConfig`` for the action server that never leaves the patient in silence."""

    def __init__(self, *args: Any, timeout_seconds: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_seconds = timeout_seconds or action_timeout()

    @classmethod
    def wrap(cls, endpoint: EndpointConfig | None) -> ResilientActionEndpoint | None:
        """The same endpoint settings, with the honest failure handling (None stays None)."""
        if endpoint is None or isinstance(endpoint, cls):
            return endpoint
        return cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **dict(endpoint.kwargs, **({"type": endpoint.type} if endpoint.type else {})),
        )

    def copy(self) -> ResilientActionEndpoint:
        """A copy that keeps the failure handling."""
        # wrap() returns None only for None, and a copy is an endpoint.
        clone = cast(ResilientActionEndpoint, ResilientActionEndpoint.wrap(super().copy()))
        clone.timeout_seconds = self.timeout_seconds
        return clone

    async def request(self, method: str = "post", subpath: str | None = None, **kwargs: Any) -> Any:
        """Call the action server; a failure becomes :func:`fallback_answer` for action calls."""
        body: Any = kwargs.get("json")  # any JSON value; a dict for action calls
        is_action_call = isinstance(body, dict) and "next_action" in body
        deadline = self.timeout_seconds
        if is_action_call:
            deadline = min(deadline, QUICK_ACTIONS.get(body.get("next_action"), deadline))
        kwargs["timeout"] = aiohttp.ClientTimeout(total=deadline)
        # The action server refuses calls without the token (bot.reliability.action_server).
        kwargs["headers"] = {**(kwargs.get("headers") or {}), **action_token_headers()}
        try:
            answer = await asyncio.wait_for(super().request(method, subpath, **kwargs), deadline)
            if is_action_call and not isinstance(answer, dict):
                raise ActionServerFailure("the answer was not a JSON object")
            return answer
        except ClientResponseError as error:
            if error.status == 400 and _is_rejection(error.text):
                raise  # a form's deliberate rejection: Rasa predicts another action
            reason = f"HTTP {error.status}"
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            reason = f"no answer within {deadline:g} s"
        except aiohttp.ClientError as error:
            reason = type(error).__name__
        except ActionServerFailure as error:
            reason = str(error)
        if not is_action_call:
            raise ActionServerFailure(reason)
        logger.error(
            "action server failed for %s (%s); the patient was told to call the clinic",
            body.get("next_action"),
            reason,
        )
        return fallback_answer(body)


def _is_rejection(text: Any) -> bool:
    import json

    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return False
    return isinstance(data, dict) and "action_name" in data
