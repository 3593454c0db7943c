"""The console's Flask application and its server (Waitress, on 127.0.0.1 by default)."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.staff.console import admin_views, auth_views, knowledge_views, request_views
from bot.staff.console.db import ConsoleStorageError
from bot.staff.console.guards import load_signed_in, security_headers
from bot.staff.console.services import Services, build_services

MAX_FORM_BYTES = 64 * 1024
# Fixed texts for the ?notice= codes a redirect carries (never free text in a URL).
NOTICES = {
    "contacted": "Marked as contacted.",
    "deleted": "The request was deleted.",
    "accepted": "Added. The assistant answers with it as soon as it has reloaded the index "
                "(a few seconds).",
    "rejected": "Suggestion hidden.",
    "saved": "Saved, checked and re-indexed. The previous text is kept below.",
    "totp-on": "Second factor on: you will be asked for a code at each sign-in.",
}
logger = logging.getLogger(__name__)


def create_app(svc: Services | None = None) -> Flask:
    """The console for ``svc`` (default: built from the process's settings)."""
    svc = svc or build_services()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_FORM_BYTES, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["staff_console"] = svc
    if svc.config.staff_trusted_proxies:
        hops = svc.config.staff_trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    for module in (auth_views, request_views, knowledge_views, admin_views):
        app.register_blueprint(module.blueprint)
    app.before_request(load_signed_in)
    app.after_request(security_headers)

    @app.context_processor
    def page_context() -> dict:
        return {"account": g.get("account"), "session": g.get("session"),
                "notice": NOTICES.get(request.args.get("notice", ""))}  # fmt: skip

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", code=error.code, title=error.name,
                               message=error.description), error.code or 500  # fmt: skip

    @app.errorhandler(ConsoleStorageError)
    def storage_error(error: ConsoleStorageError):
        logger.error("console database: %s", error)
        return render_template("error.html", code=503, title="Database unavailable",
                               message=str(error)), 503  # fmt: skip

    return app


def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the console with Waitress until interrupted."""
    from waitress import serve as waitress_serve

    from bot.settings import settings

    config = settings()
    app = create_app()
    host, port = host or config.staff_host, port or config.staff_port
    logger.info("staff console on http://%s:%s", host, port)
    # Waitress writes no access log: request paths never reach a log file.
    waitress_serve(app, host=host, port=port, threads=8, ident="staff-console")
