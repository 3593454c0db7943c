"""Optional e-mail to the clinic's staff when a new consultation request is stored.

Configured entirely from the environment; without ``BOT_SMTP_HOST`` and ``BOT_SMTP_TO`` it is
off. The body names the request (id, time, location, preferred time) but carries the patient's
name and contact details only when ``BOT_NOTIFY_INCLUDE_CONTACT=true``: by default staff open
the request with ``python -m bot requests show ID``. Sending is best effort: a failure is
logged (without personal data) and reported as ``False``, never raised, because the request is
already safely stored by then.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from bot.booking.store import ConsultationRequest
from bot.config import load_clinic
from bot.settings import settings

logger = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send staff notifications."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    ca_file: str | None = None
    include_contact: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpSettings | None:
        """Settings from ``BOT_SMTP_*``; ``None`` when notifications are not configured.

        BOT_SMTP_HOST, BOT_SMTP_PORT (587), BOT_SMTP_USER, BOT_SMTP_PASSWORD, BOT_SMTP_FROM,
        BOT_SMTP_TO (comma-separated), BOT_SMTP_STARTTLS (true), BOT_SMTP_CA_FILE (extra CA
        bundle for a private mail relay), BOT_NOTIFY_INCLUDE_CONTACT (false).
        """
        env = settings().smtp if environ is None else environ
        host = env.get("BOT_SMTP_HOST", "").strip()
        recipients = tuple(r.strip() for r in env.get("BOT_SMTP_TO", "").split(",") if r.strip())
        if not host or not recipients:
            return None
        return cls(
            host=host,
            port=int(env.get("BOT_SMTP_PORT", "587")),
            sender=env.get("BOT_SMTP_FROM", "").strip() or recipients[0],
            recipients=recipients,
            user=env.get("BOT_SMTP_USER") or None,
            password=env.get("BOT_SMTP_PASSWORD") or None,
            starttls=env.get("BOT_SMTP_STARTTLS", "true").strip().lower() in _TRUE,
            ca_file=env.get("BOT_SMTP_CA_FILE") or None,
            include_contact=env.get("BOT_NOTIFY_INCLUDE_CONTACT", "").strip().lower() in _TRUE,
            timeout=float(env.get("BOT_SMTP_TIMEOUT", "10")),
        )


def build_message(request: ConsultationRequest, settings: SmtpSettings) -> EmailMessage:
    """The staff e-mail for ``request`` (personal details only if configured)."""
    clinic = load_clinic()
    locations = {loc.id: loc.name for loc in clinic.locations}
    lines = [
        f"A new consultation request (#{request.id}) came in through the assistant.",
        "",
        f"Received: {request.created_at:%Y-%m-%d %H:%M} UTC",
        f"Location: {locations.get(request.location_id, request.location_id)}",
        f"Preferred time: {request.preferred_time_normalized or 'see the request'}",
        f"Reach them by: {request.contact_kind}",
    ]
    if settings.include_contact:
        lines += [
            f"Name: {request.full_name}",
            f"Contact: {request.contact}",
            f"Preferred time as said: {request.preferred_time}",
        ]
    lines += ["", f"Open it with: python -m bot requests show {request.id}"]
    message = EmailMessage()
    message["Subject"] = f"New consultation request #{request.id}"
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message.set_content("\n".join(lines) + "\n")
    return message


def send_new_request_notification(
    request: ConsultationRequest, settings: SmtpSettings | None = None
) -> bool:
    """E-mail staff about ``request``. Returns True when sent, False when off or failed."""
    settings = settings if settings is not None else SmtpSettings.from_env()
    if settings is None:
        return False
    try:
        message = build_message(request, settings)
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                context = ssl.create_default_context(cafile=settings.ca_file)
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        logger.warning(
            "Could not e-mail staff about consultation request %s (%s); the request is stored.",
            request.id,
            type(exc).__name__,
        )
        return False
    except Exception as exc:  # noqa: BLE001 - a notification must never break a stored request
        logger.warning(
            "Notification for consultation request %s failed unexpectedly (%s).",
            request.id,
            type(exc).__name__,
        )
        return False
    logger.info("E-mailed staff about consultation request %s", request.id)
    return True
