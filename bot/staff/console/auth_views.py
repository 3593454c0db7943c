"""Sign in (password, then the second factor when set up), sign out, and the account page
where an admin turns the second factor on."""

from __future__ import annotations

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from bot.staff.console.guards import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_address,
    cookie_name,
    new_login_token,
    require_csrf,
    services,
    set_cookie,
    signed_in,
)
from bot.staff.console.sessions import csrf_matches

blueprint = Blueprint("auth", __name__)
WRONG = "The e-mail address or password is wrong."
LOGIN_TOKEN_SECONDS = 3600


def _login_page(error: str | None = None, status: int = 200, email: str = ""):
    token = new_login_token()
    response = make_response(
        render_template("login.html", error=error, login_token=token, email=email), status)
    set_cookie(response, LOGIN_CSRF_COOKIE, token, max_age=LOGIN_TOKEN_SECONDS)
    return response


def _too_many(seconds: int):
    minutes = max(1, round(seconds / 60))
    return _login_page(f"Too many failed sign-ins. Try again in {minutes} minute"
                       f"{'s' if minutes != 1 else ''}, or ask an admin.", 429)


@blueprint.route("/login", methods=["GET"])
def login():
    """The sign-in form."""
    if g.account is not None and not g.session.second_factor_pending:
        return redirect(url_for("requests.inbox"))
    return _login_page()


@blueprint.route("/login", methods=["POST"])
def login_submit():
    """Check the password; limits per account and per address apply before the check."""
    svc = services()
    given = request.form.get("login_token")
    if not csrf_matches(request.cookies.get(cookie_name(LOGIN_CSRF_COOKIE)) or "", given):
        return _login_page("The sign-in form expired. Please try again.", 400)
    email = (request.form.get("email") or "").strip()[:254]
    password = request.form.get("password") or ""
    wait = svc.throttle.retry_after(email, client_address())
    if wait:
        return _too_many(wait)
    account = svc.accounts.authenticate(email, password)
    if account is None:
        svc.throttle.failed(email, client_address())
        return _login_page(WRONG, 401, email=email)
    svc.throttle.succeeded(account.email)
    session = svc.sessions.start(account.id, second_factor_pending=account.totp_enabled)
    if not account.totp_enabled:
        svc.audit.record(account.email, "signed_in")
    target = "auth.second_factor" if account.totp_enabled else "requests.inbox"
    response = redirect(url_for(target))
    set_cookie(response, SESSION_COOKIE, session.token)
    clear_cookie(response, LOGIN_CSRF_COOKIE)
    return response


@blueprint.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    """The authenticator code, after the password."""
    svc = services()
    if g.account is None:
        return redirect(url_for("auth.login"))
    if not g.session.second_factor_pending:
        return redirect(url_for("requests.inbox"))
    if request.method == "GET":
        return render_template("second_factor.html", error=None)
    require_csrf()
    wait = svc.throttle.retry_after(g.account.email, client_address())
    if wait:
        svc.sessions.end(g.session.token)
        return _too_many(wait)
    if not svc.accounts.verify_totp(g.account.id, request.form.get("code") or ""):
        svc.throttle.failed(g.account.email, client_address())
        return render_template("second_factor.html", error="That code is wrong or was "
                               "already used. Enter the current code."), 401
    svc.sessions.end(g.session.token)  # a fresh session once both factors are proven
    session = svc.sessions.start(g.account.id)
    svc.audit.record(g.account.email, "signed_in", detail="with second factor")
    response = redirect(url_for("requests.inbox"))
    set_cookie(response, SESSION_COOKIE, session.token)
    return response


@blueprint.route("/logout", methods=["POST"])
def logout():
    """Sign out (the session ends on the server, not only in the browser)."""
    if g.session is not None:
        require_csrf()
        services().sessions.end(g.session.token)
        services().audit.record(g.account.email, "signed_out")
    response = redirect(url_for("auth.login"))
    clear_cookie(response, SESSION_COOKIE)
    return response


@blueprint.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    """The account page: admins can turn on a second factor (TOTP)."""
    svc = services()
    error = None
    if request.method == "POST" and g.account.is_admin and not g.account.totp_enabled:
        secret = request.form.get("secret") or ""
        if svc.accounts.enable_totp(g.account.id, secret, request.form.get("code") or ""):
            svc.audit.record(g.account.email, "enabled_totp")
            return redirect(url_for("auth.account", notice="totp-on"))
        error = "That code does not match. Scan the key again and enter the current code."
    secret = svc.accounts.new_totp_secret() if request.method == "GET" \
        else request.form.get("secret") or svc.accounts.new_totp_secret()
    uri = svc.accounts.provisioning_uri(g.account.email, secret)
    return render_template("account.html", secret=secret, uri=uri, error=error)
