"""Who may see a page: sign-in, roles, CSRF, and the headers every answer carries."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, current_app, g, redirect, request, url_for

from bot.staff.console.sessions import csrf_matches

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
SECURE_PREFIX = "__Host-"  # the browser then refuses the cookie from any other host or path
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def services():
    """The application's :class:`bot.staff.console.services.Services`."""
    return current_app.extensions["staff_console"]


def cookies_secure() -> bool:
    """Whether cookies carry Secure (always, never, or when the proxy says HTTPS)."""
    mode = services().config.staff_secure_cookies
    return mode == "always" or (mode == "auto" and request.is_secure)


def cookie_name(name: str) -> str:
    """The cookie's name: with the __Host- prefix whenever it is Secure."""
    return SECURE_PREFIX + name if cookies_secure() else name


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """An HttpOnly, SameSite=Strict cookie for the whole console."""
    response.set_cookie(cookie_name(name), value, max_age=max_age, path="/", httponly=True,
                        samesite="Strict", secure=cookies_secure())  # fmt: skip


def clear_cookie(response: Response, name: str) -> None:
    """Remove a cookie set by :func:`set_cookie`."""
    response.delete_cookie(cookie_name(name), path="/", httponly=True, samesite="Strict",
                           secure=cookies_secure())  # fmt: skip


def load_signed_in() -> None:
    """Before each request: ``g.account`` and ``g.session`` when a live session is presented."""
    g.account, g.session = None, None
    if request.endpoint == "static":
        return  # the stylesheet needs no session (and renews no idle clock)
    found = services().sessions.find(request.cookies.get(cookie_name(SESSION_COOKIE)))
    if found is None:
        return
    account = services().accounts.get(found.user_id)
    if account is None:  # disabled since
        services().sessions.end(found.token)
        return
    g.session, g.account = found, account


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view needs a fully signed-in account (password and, if set up, the second factor);
    its POSTs need the session's CSRF token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.account is None:
            return redirect(url_for("auth.login"))
        if g.session.second_factor_pending:
            return redirect(url_for("auth.second_factor"))
        require_csrf()
        return view(*args, **kwargs)

    return wrapper


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Like :func:`signed_in`, and the account must be an admin (403 otherwise)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.account is not None and not g.session.second_factor_pending \
                and not g.account.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return signed_in(wrapper)


def require_csrf() -> None:
    """Refuse (403) a state-changing request whose form lacks the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if g.session is None or not csrf_matches(g.session.csrf_token, request.form.get("csrf_token")):
        abort(403, description="The form expired or did not come from this console. "
                               "Reload the page and try again.")


def new_login_token() -> str:
    """A random token for the sign-in form (double-submitted: cookie and field)."""
    return secrets.token_urlsafe(32)


def security_headers(response: Response) -> Response:
    """After each request: no caching of personal data, no framing, a strict CSP."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if cookies_secure():
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For when a trusted proxy is configured)."""
    return request.remote_addr or "unknown"
