"""Staff e-mail notifications, against a real SMTP server (aiosmtpd) on 127.0.0.1."""

import base64
import datetime as dt
import email
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from servers import free_port

from bot.booking.notify import SmtpSettings, send_new_request_notification
from bot.booking.store import NewRequest, RequestStore
from bot.privacy.crypto import Cipher, generate_key

NAME = "Evelyn Hartwell-Quinn"
PHONE = "+13125550199"


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content),
            )
        )
        return "250 OK"




@pytest.fixture
def stored_request(tmp_path):
    store = RequestStore(
        url=f"sqlite:///{tmp_path / 'r.db'}", cipher=Cipher(base64.b64decode(generate_key()))
    )
    request, _ = store.submit(
        NewRequest(
            full_name=NAME,
            contact=PHONE,
            contact_kind="phone",
            preferred_time="weekday mornings",
            preferred_time_normalized="weekdays morning",
            location_id="north",
            sender_id="web-1",
        ),
        "k",
    )
    store.dispose()
    return request


@pytest.fixture
def plain_smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def tls_files(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def settings_for(controller, **overrides) -> SmtpSettings:
    fields = dict(
        host="127.0.0.1",
        port=controller.port,
        sender="assistant@example-clinic.test",
        recipients=("frontdesk@example-clinic.test",),
        starttls=False,
        timeout=5,
    )
    fields.update(overrides)
    return SmtpSettings(**fields)


def test_notification_without_contact_details_by_default(plain_smtp, stored_request):
    controller, inbox = plain_smtp
    assert send_new_request_notification(stored_request, settings_for(controller))
    [(sender, recipients, message)] = inbox.messages
    assert sender == "assistant@example-clinic.test"
    assert recipients == ["frontdesk@example-clinic.test"]
    assert f"#{stored_request.id}" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "North office" in body
    assert "weekdays morning" in body
    assert f"python -m bot requests show {stored_request.id}" in body
    raw = message.as_string()
    for secret in (NAME, "Evelyn", PHONE, "3125550199"):
        assert secret not in raw


def test_contact_details_only_when_configured(plain_smtp, stored_request):
    controller, inbox = plain_smtp
    settings = settings_for(controller, include_contact=True)
    assert send_new_request_notification(stored_request, settings)
    body = inbox.messages[0][2].get_payload(decode=True).decode()
    assert NAME in body and PHONE in body


def test_starttls_and_login(tls_files, stored_request):
    cert_file, key_file = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
        logins.append((auth_data.login, ok))
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        good = settings_for(
            controller, starttls=True, ca_file=str(cert_file), user="bot", password="s3cret"
        )
        assert send_new_request_notification(stored_request, good)
        assert len(inbox.messages) == 1 and logins == [(b"bot", True)]

        wrong_password = settings_for(
            controller, starttls=True, ca_file=str(cert_file), user="bot", password="nope"
        )
        assert not send_new_request_notification(stored_request, wrong_password)
        # Without the clinic's CA the certificate is not trusted: nothing is sent in clear.
        untrusted = settings_for(controller, starttls=True, user="bot", password="s3cret")
        assert not send_new_request_notification(stored_request, untrusted)
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


def test_unreachable_server_returns_false_and_logs_no_personal_data(stored_request, caplog):
    settings = SmtpSettings(
        host="127.0.0.1", port=free_port(), sender="a@b.test", recipients=("c@d.test",),
        starttls=False, timeout=2,
    )  # fmt: skip
    assert send_new_request_notification(stored_request, settings) is False
    assert "is stored" in caplog.text
    assert NAME not in caplog.text and PHONE not in caplog.text


def test_settings_from_environment():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"BOT_SMTP_HOST": "mail.test"}) is None
    settings = SmtpSettings.from_env(
        {
            "BOT_SMTP_HOST": "mail.test",
            "BOT_SMTP_PORT": "2525",
            "BOT_SMTP_TO": "a@clinic.test, b@clinic.test",
            "BOT_SMTP_FROM": "bot@clinic.test",
            "BOT_SMTP_USER": "bot",
            "BOT_SMTP_PASSWORD": "pw",
            "BOT_SMTP_STARTTLS": "false",
            "BOT_NOTIFY_INCLUDE_CONTACT": "true",
        }
    )
    assert settings.port == 2525
    assert settings.recipients == ("a@clinic.test", "b@clinic.test")
    assert settings.starttls is False and settings.include_contact is True
    defaults = SmtpSettings.from_env({"BOT_SMTP_HOST": "mail.test", "BOT_SMTP_TO": "a@clinic.test"})
    assert defaults.port == 587 and defaults.starttls and not defaults.include_contact
    assert defaults.sender == "a@clinic.test"
