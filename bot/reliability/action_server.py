"""The action server, guarded: only the Rasa server may call it.

``python -m bot.reliability.action_server --port 5055`` runs rasa_sdk's action server (the
project's ``actions`` package) with two changes to rasa_sdk's defaults, which answer anyone on
any interface:

- it binds ``ACTION_SERVER_HOST`` (default 127.0.0.1, loopback), not 0.0.0.0;
- with ``ACTION_SERVER_TOKEN`` set, every call except ``/health`` must carry it in the
  ``X-Action-Token`` header (the Rasa server adds it: ``bot.reliability.action_endpoint``);
  a call without it gets 401 and runs nothing. Without a token it refuses to start on any
  interface other than loopback (exit status 78, configuration error);
- before it listens it checks what every patient would otherwise meet later
  (:func:`startup_problem`): a usable data key (a request that cannot be encrypted cannot be
  stored) and a retrieval index built from the current knowledge; either missing stops it
  with exit status 1 and what to run;
- each process (primary or Sanic worker) sets up logging when its app is created, so the
  actions' INFO lines are kept (rasa_sdk configures only its main process).

Runs in the action server's environment (.venv); imports rasa_sdk and sanic, never rasa.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import sys
from collections.abc import Sequence
from functools import partial

from bot.settings import served_index_dir, settings

TOKEN_ENV = "ACTION_SERVER_TOKEN"  # noqa: S105 - a name, not a secret
HOST_ENV = "ACTION_SERVER_HOST"
TOKEN_HEADER = "X-Action-Token"  # noqa: S105 - a name, not a secret
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = frozenset({"/health", "/"})
EX_CONFIG = 78

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_matches(expected: str, presented: str | None) -> bool:
    """Constant-time comparison of the configured token with the one a caller presented."""
    return bool(expected) and hmac.compare_digest(expected.encode(), (presented or "").encode())


def startup_problem() -> str | None:
    """Why the action server must not start (no usable data key, no usable index), or None."""
    from bot.privacy.crypto import KeyConfigurationError, load_key
    from bot.retrieval.index import index_problem

    try:
        load_key()
    except KeyConfigurationError as error:
        return f"{type(error).__name__}: {error}"
    if settings().allow_missing_index:  # tests of that state only
        return None
    return index_problem(served_index_dir())  # the directory the retriever will read


def configure_logging() -> None:
    """INFO lines of the actions (e.g. the retrieval decision and index version) are kept."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=settings().log_level,
                            format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")


def create_guarded_app(action_executor, token: str, **kwargs):
    """rasa_sdk's app for this process (primary or worker), with the token check in front.

    Module-level so that Sanic's AppLoader can pickle it for its workers."""
    from rasa_sdk.endpoint import create_app_for_serve
    from sanic import response

    configure_logging()

    app = create_app_for_serve(action_executor, **kwargs)

    @app.on_request
    async def require_token(request):  # noqa: ANN202 - Sanic middleware
        if request.path == "/":
            return response.json({"status": "ok"})  # rasa_sdk answers / with a 500
        if not token or request.path in OPEN_PATHS:
            return None
        if token_matches(token, request.headers.get(TOKEN_HEADER)):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Start the guarded action server (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions", help="the package of custom actions")
    args = parser.parse_args(argv)

    config = settings()
    host, token = config.action_server_host, config.action_server_token
    if not token and not is_loopback(host):
        print(f"refusing to listen on {host} without {TOKEN_ENV}: anyone who can reach it "
              "could run the assistant's actions (store requests, read nothing less)",
              file=sys.stderr)
        return EX_CONFIG

    problem = startup_problem()
    if problem:
        print(f"The action server cannot start: {problem}", file=sys.stderr)
        return 1

    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    if not token:
        logger.warning("%s is not set: the action server accepts any caller on %s (local use)",
                       TOKEN_ENV, host)
    executor = ActionExecutor()
    executor.register_package(args.actions)
    loader = AppLoader(factory=partial(create_guarded_app, executor, token, cors_origins=None))
    app = loader.load()
    app.prepare(host=host, port=args.port, workers=utils.number_of_sanic_workers())
    # rasa_sdk's own wording, which operators and log checks look for.
    logger.info("Action endpoint is up and running on http://%s:%d (token %s)", host, args.port,
                "required" if token else "not required")
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
