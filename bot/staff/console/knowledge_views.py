"""Admin pages on the knowledge: conversation insights with suggestions to accept or reject,
and the FAQ entries with their review dates, check findings and an answer editor."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from bot.feedback.store import VoteStorageError, read_counts
from bot.staff.console.guards import admin_only, services
from bot.staff.console.insights import build_insights
from bot.staff.console.knowledge_desk import ChangeRefused, review_age_days

blueprint = Blueprint("knowledge", __name__)
DAY_CHOICES = (7, 30, 90)


@blueprint.route("/insights")
@admin_only
def insights():
    """Unanswered questions (grouped), unhelpful answers, options patients picked."""
    svc = services()
    days = request.args.get("days", type=int) or 30
    days = days if days in DAY_CHOICES else 30
    try:
        votes = read_counts(svc.config.database_url)
    except VoteStorageError:
        votes = {}
    found = build_insights(svc.config.tracker_db_url or None, votes, svc.desk.encoder,
                           svc.desk.decided_keys(), days=days)  # fmt: skip
    entries = {e.id: e.title for e in svc.desk.faq_entries()}
    return render_template("insights.html", insights=found, entries=entries,
                           day_choices=DAY_CHOICES, error=request.args.get("error"))  # fmt: skip


@blueprint.route("/insights/accept", methods=["POST"])
@admin_only
def accept():
    """Add the (possibly edited) paraphrase to the chosen entry, check, re-index."""
    key = request.form.get("key") or ""
    entry_id = request.form.get("entry_id") or ""
    paraphrase = (request.form.get("paraphrase") or "").strip()
    if not key or not entry_id or not paraphrase:
        abort(400, description="A suggestion needs its entry and a paraphrase.")
    if len(paraphrase) > 300:
        abort(400, description="A paraphrase is a question: 300 characters at most.")
    try:
        services().desk.accept(key, entry_id, paraphrase, g.account.email)
    except ChangeRefused as refused:
        return render_template("refused.html", what="The paraphrase was not added",
                               reason=str(refused), back=url_for("knowledge.insights")), 409
    services().audit.record(g.account.email, "accepted_suggestion", detail=f"entry {entry_id}")
    return redirect(url_for("knowledge.insights", notice="accepted"))


@blueprint.route("/insights/reject", methods=["POST"])
@admin_only
def reject():
    """Hide a suggestion."""
    key = request.form.get("key") or ""
    if not key:
        abort(400, description="Which suggestion? The form had no key.")
    services().desk.reject(key, g.account.email)
    services().audit.record(g.account.email, "rejected_suggestion")
    return redirect(url_for("knowledge.insights", notice="rejected"))


@blueprint.route("/knowledge")
@admin_only
def entries():
    """Every FAQ entry with its review date and what ``bot check`` says about it."""
    desk = services().desk
    report = desk.check()
    findings: dict[str, list] = {}
    for finding in report.findings:
        findings.setdefault(finding.entry, []).append(finding)
    rows = [(e, review_age_days(e.reviewed), findings.get(e.id, [])) for e in desk.faq_entries()]
    return render_template("knowledge.html", rows=rows, report=report, findings=findings)


@blueprint.route("/knowledge/<entry_id>", methods=["GET", "POST"])
@admin_only
def edit(entry_id: str):
    """Edit an answer and its review date; the check runs before anything is saved."""
    desk = services().desk
    entry = desk.entry(entry_id)
    if entry is None:
        abort(404, description=f"There is no FAQ entry {entry_id!r}.")
    error = None
    answer, reviewed = entry.text, entry.reviewed or date.today().isoformat()
    if request.method == "POST":
        answer = request.form.get("answer") or ""
        reviewed = request.form.get("reviewed") or ""
        if len(answer) > 4000:
            error = "An answer of more than 4,000 characters is not a FAQ answer."
        else:
            try:
                desk.revise(entry_id, answer, reviewed, g.account.email)
            except ChangeRefused as refused:
                error = f"Not saved: {refused}"
            else:
                services().audit.record(g.account.email, "edited_answer",
                                        detail=f"entry {entry_id}")  # fmt: skip
                return redirect(url_for("knowledge.edit", entry_id=entry_id, notice="saved"))
    return render_template("entry.html", entry=entry, answer=answer, reviewed=reviewed,
                           error=error, revisions=desk.revisions(entry_id),
                           today=date.today().isoformat()), 422 if error else 200  # fmt: skip
