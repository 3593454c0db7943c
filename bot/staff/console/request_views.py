"""The consultation-request inbox: list (no personal data), open (decrypted, audited), mark
contacted, delete, CSV export (formulas neutralised, audited)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from bot.booking.store import RequestNotFound, StorageError
from bot.config import load_clinic
from bot.staff.console.guards import services, signed_in
from bot.staff.requests_cli import export_requests

blueprint = Blueprint("requests", __name__)
FILTERS = ("new", "contacted", "all")


def _locations() -> dict[str, str]:
    return {loc.id: loc.name for loc in load_clinic().locations}


@blueprint.route("/")
@signed_in
def home():
    """The inbox is the start page."""
    return redirect(url_for("requests.inbox"))


@blueprint.route("/requests")
@signed_in
def inbox():
    """Requests, newest first; the list shows when, where and status, never who."""
    status = request.args.get("status", "new")
    if status not in FILTERS:
        status = "new"
    try:
        found = services().request_store().list(None if status == "all" else status)
    except StorageError as error:
        return render_template("error.html", message=str(error)), 503
    found.sort(key=lambda r: r.created_at, reverse=True)
    return render_template("inbox.html", requests=found, status=status, filters=FILTERS,
                           locations=_locations())  # fmt: skip


def _get(request_id: int):
    try:
        return services().request_store().get(request_id)
    except RequestNotFound:
        abort(404, description=f"There is no request #{request_id} (it may have been deleted).")
    except StorageError as error:
        abort(503, description=str(error))


@blueprint.route("/requests/<int:request_id>")
@signed_in
def show(request_id: int):
    """One request, decrypted; the view is audited."""
    found = _get(request_id)
    services().audit.record(g.account.email, "viewed_request", request_id=request_id)
    history = services().audit.entries(limit=20, request_id=request_id)
    return render_template("request.html", item=found, locations=_locations(), history=history)


@blueprint.route("/requests/<int:request_id>/contacted", methods=["POST"])
@signed_in
def mark_contacted(request_id: int):
    """Mark a request contacted."""
    _get(request_id)
    services().request_store().mark_contacted(request_id)
    services().audit.record(g.account.email, "marked_contacted", request_id=request_id)
    return redirect(url_for("requests.show", request_id=request_id, notice="contacted"))


@blueprint.route("/requests/<int:request_id>/delete", methods=["POST"])
@signed_in
def delete(request_id: int):
    """Delete a request for good (its audit entries stay)."""
    if request.form.get("confirm") != "yes":
        abort(400, description="Tick \"Delete for good\" to delete a request.")
    _get(request_id)
    services().request_store().delete(request_id)
    services().audit.record(g.account.email, "deleted_request", request_id=request_id)
    return redirect(url_for("requests.inbox", notice="deleted"))


@blueprint.route("/requests/export", methods=["POST"])
@signed_in
def export():
    """Download requests as CSV; the export is audited with the numbers it contained."""
    status = request.form.get("status", "all")
    if status not in FILTERS:
        status = "all"
    try:
        found = services().request_store().list(None if status == "all" else status)
    except StorageError as error:
        abort(503, description=str(error))
    ids = ",".join(str(r.id) for r in found)
    services().audit.record(g.account.email, "exported_requests",
                            detail=f"{status}: {len(found)} request(s) {ids}"[:255])  # fmt: skip
    return Response(export_requests(found, "csv"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="consultation-requests-{status}.csv"'})
