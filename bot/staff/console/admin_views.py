"""The audit log (admins) and the health page (everyone signed in)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from bot.staff.console.audit import ACTIONS
from bot.staff.console.guards import admin_only, services, signed_in
from bot.staff.console.health import gather

blueprint = Blueprint("admin", __name__)
PAGE_SIZE = 100


@blueprint.route("/audit")
@admin_only
def audit():
    """The audit log, newest first, read-only."""
    page = max(1, request.args.get("page", type=int) or 1)
    log = services().audit
    entries = log.entries(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-log.count() // PAGE_SIZE))
    return render_template("audit.html", entries=entries, page=page, pages=pages, actions=ACTIONS)


@blueprint.route("/health")
@signed_in
def health():
    """Both servers' readiness, the index and model versions, crisis events per day."""
    svc = services()
    report = gather(svc.config.rasa_url, svc.config.action_server_url, svc.index_dir,
                    svc.event_store())  # fmt: skip
    peak = max([count for _, count in report.crisis_per_day] + [1])
    return render_template("health.html", health=report, peak=peak)
