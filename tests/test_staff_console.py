"""The staff console through Flask's test client on a real SQLite database: accounts, sign-in
limits, sessions, CSRF, roles, the second factor, the inbox and its audit trail, the knowledge
desk and the insights. The same console in a real browser, against the real assistant:
tests/test_staff_console_browser.py."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from servers import ACTION_PYTHON, ROOT

from bot.booking.store import NewRequest, RequestStore
from bot.privacy.crypto import generate_key
from bot.retrieval.index import build_index
from bot.retrieval.knowledge import load_knowledge
from bot.staff.console.app import create_app
from bot.staff.console.db import utcnow
from bot.staff.console.insights import build_insights, suggestion_key
from bot.staff.console.knowledge_desk import ChangeRefused, KnowledgeDesk
from bot.staff.console.models import StaffSession
from bot.staff.console.services import build_services
from bot.staff.console.throttle import Limits
from bot.staff.importer import ImportProblem, add_paraphrase

ADMIN = ("admin@clinic.example", "correct horse battery staple")
DESK = ("desk@clinic.example", "front desk passphrase 42")


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("BOT_ENV", "test")
    monkeypatch.setenv("BOT_DATA_KEY", generate_key())
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    monkeypatch.setenv("BOT_STAFF_TRUSTED_PROXIES", "1")
    return tmp_path


@pytest.fixture
def svc(env):
    services = build_services(limits=Limits(per_account=3, per_address=5))
    services.accounts.add(*ADMIN[:1], "admin", ADMIN[1])
    services.accounts.add(*DESK[:1], "front-desk", DESK[1])
    yield services
    services.database.dispose()


@pytest.fixture
def client(svc):
    return create_app(svc).test_client()


def login_token(client, headers=None) -> str:
    page = client.get("/login", headers=headers).get_data(as_text=True)
    return re.search(r'name="login_token" value="([^"]+)"', page).group(1)


def sign_in(client, account, headers=None):
    return client.post("/login", data={"email": account[0], "password": account[1],
                                       "login_token": login_token(client, headers)},
                       headers=headers)


def csrf(client, path: str = "/requests") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def submit_request(svc, name: str = "Jane Roe", contact: str = "jane@example.org") -> int:
    store = RequestStore(svc.config.database_url)
    request, _ = store.submit(NewRequest(name, contact, "email", "mornings", "weekdays morning",
                                         "main-street", "sender-1", "webchat"), "key-" + name)
    store.dispose()
    return request.id


# --- accounts and signing in -------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(svc, env):
    with sqlite3.connect(env / "clinic.db") as db:
        hashes = [row[0] for row in db.execute("select password_hash from staff_users")]
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(ADMIN[1] in h or DESK[1] in h for h in hashes)


@pytest.mark.parametrize("email, password, message", [
    ("new@clinic.example", "short", "at least 12"),
    ("not an address", "a long enough passphrase", "not an e-mail address"),
    (ADMIN[0], "a long enough passphrase", "already has an account"),
])
def test_accounts_refuse_weak_passwords_bad_and_taken_addresses(svc, email, password, message):
    from bot.staff.console.accounts import AccountError

    with pytest.raises(AccountError, match=message):
        svc.accounts.add(email, "front-desk", password)


def test_a_right_password_signs_in_and_a_wrong_one_does_not(client):
    answer = client.post("/login", data={"email": ADMIN[0], "password": "wrong password!!",
                                         "login_token": login_token(client)})
    assert answer.status_code == 401 and "password is wrong" in answer.get_data(as_text=True)
    assert client.get("/requests").headers["Location"].endswith("/login")
    answer = sign_in(client, ADMIN)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/requests")
    cookie = answer.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert client.get("/requests").status_code == 200


def test_the_sign_in_form_needs_its_own_token(client):
    client.get("/login")
    answer = client.post("/login", data={"email": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 400 and "expired" in answer.get_data(as_text=True)


def test_failed_sign_ins_are_limited_per_account_and_per_address(client):
    for _ in range(3):
        assert client.post("/login", data={"email": DESK[0], "password": "not it at all",
                                           "login_token": login_token(client)}).status_code == 401
    held = sign_in(client, DESK)
    assert held.status_code == 429 and "Too many failed sign-ins" in held.get_data(as_text=True)
    assert sign_in(client, ADMIN).status_code == 302  # another account, same address: fine
    client.delete_cookie("staff_session")
    other = {"X-Forwarded-For": "203.0.113.9"}
    for number in range(5):
        client.post("/login", headers=other, data={
            "email": f"nobody{number}@clinic.example", "password": "guess guess guess",
            "login_token": login_token(client)})
    answer = client.post("/login", headers=other, data={
        "email": ADMIN[0], "password": ADMIN[1], "login_token": login_token(client)})
    assert answer.status_code == 429  # this address guessed too often, whatever the account



def test_failed_sign_ins_are_stored_as_keyed_hashes(client, env):
    import hashlib

    client.post("/login", headers={"X-Forwarded-For": "203.0.113.9"}, data={
        "email": DESK[0], "password": "not it at all", "login_token": login_token(client)})
    with sqlite3.connect(env / "clinic.db") as db:
        keys = [row[0] for row in db.execute("select key from staff_login_failures")]
    assert len(keys) == 2
    plain = {hashlib.sha256(v.encode()).hexdigest() for v in ("203.0.113.9", DESK[0])}
    for key in keys:
        assert "203.0.113.9" not in key and DESK[0] not in key
        assert key.split(":", 1)[1] not in plain  # not an unkeyed hash anyone could recompute


def test_behind_https_the_cookie_is_secure_and_host_only(client):
    answer = sign_in(client, ADMIN, headers={"X-Forwarded-Proto": "https"})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if "staff_session=" in c)
    assert cookie.startswith("__Host-staff_session=") and "; Secure" in cookie
    page = client.get("/requests", headers={"X-Forwarded-Proto": "https"})
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_page_forbids_caching_framing_and_foreign_scripts(client):
    sign_in(client, ADMIN)
    for path in ("/login", "/requests", "/health"):
        headers = client.get(path).headers
        assert headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"


def test_an_idle_session_ends(client, svc):
    sign_in(client, ADMIN)
    assert client.get("/requests").status_code == 200
    with svc.database.session() as session:
        for row in session.query(StaffSession):
            row.last_seen = utcnow() - timedelta(minutes=16)
        session.commit()
    assert client.get("/requests").headers["Location"].endswith("/login")


def test_disabling_an_account_ends_its_sessions_at_once(client, svc):
    sign_in(client, DESK)
    assert client.get("/requests").status_code == 200
    svc.accounts.set_disabled(DESK[0])
    assert client.get("/requests").headers["Location"].endswith("/login")
    assert sign_in(client, DESK).status_code == 401


def test_sign_out_ends_the_session_on_the_server(client):
    sign_in(client, ADMIN)
    token = csrf(client)
    stolen = client.get_cookie("staff_session").value
    client.post("/logout", data={"csrf_token": token})
    client.set_cookie("staff_session", stolen)
    assert client.get("/requests").headers["Location"].endswith("/login")


def test_an_admin_turns_on_the_second_factor_and_each_code_works_once(client, svc):
    sign_in(client, ADMIN)
    page = client.get("/account").get_data(as_text=True)
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page).group(1)
    wrong = client.post("/account", data={"csrf_token": csrf(client, "/account"),
                                          "secret": secret, "code": "000000"})
    assert "does not match" in wrong.get_data(as_text=True)
    answer = client.post("/account", data={"csrf_token": csrf(client, "/account"),
                                            "secret": secret, "code": pyotp.TOTP(secret).now()})
    assert answer.headers["Location"].endswith("notice=totp-on")
    client.post("/logout", data={"csrf_token": csrf(client)})

    assert sign_in(client, ADMIN).headers["Location"].endswith("/login/second-factor")
    assert client.get("/requests").headers["Location"].endswith("/login/second-factor")
    token = csrf(client, "/login/second-factor")
    # The code used to turn the factor on was spent; only a later one works.
    used = client.post("/login/second-factor", data={"csrf_token": token,
                                                     "code": pyotp.TOTP(secret).now()})
    assert used.status_code == 401
    later = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    answer = client.post("/login/second-factor", data={"csrf_token": token, "code": later})
    assert answer.headers["Location"].endswith("/requests")
    assert client.get("/requests").status_code == 200
    with sqlite3.connect(svc.config.database_url.removeprefix("sqlite:///")) as db:
        stored = db.execute("select totp_secret from staff_users where totp_secret is not null")
        assert secret not in stored.fetchone()[0]  # sealed with the data key


def test_forms_without_the_session_s_csrf_token_are_refused(client, svc):
    number = submit_request(svc)
    sign_in(client, ADMIN)
    for data in ({"confirm": "yes"}, {"confirm": "yes", "csrf_token": "forged"}):
        answer = client.post(f"/requests/{number}/delete", data=data)
        assert answer.status_code == 403
    assert client.get(f"/requests/{number}").status_code == 200


def test_front_desk_gets_403_on_admin_pages(client):
    sign_in(client, DESK)
    for path in ("/audit", "/insights", "/knowledge", "/knowledge/cost"):
        assert client.get(path).status_code == 403, path
    assert client.get("/health").status_code == 200


# --- the inbox and the audit log -------------------------------------------------------------


def test_the_inbox_lists_without_names_and_opening_is_audited(client, svc):
    number = submit_request(svc, "Jane Roe", "jane@example.org")
    sign_in(client, DESK)
    inbox = client.get("/requests").get_data(as_text=True)
    assert f"#{number}" in inbox and "Jane Roe" not in inbox and "jane@example.org" not in inbox
    page = client.get(f"/requests/{number}").get_data(as_text=True)
    assert "Jane Roe" in page and "jane@example.org" in page
    client.post(f"/requests/{number}/contacted", data={"csrf_token": csrf(client)})
    assert "status-contacted" in client.get(f"/requests/{number}").get_data(as_text=True)
    assert f"#{number}" not in client.get("/requests?status=new").get_data(as_text=True)
    entries = svc.audit.entries()
    assert [(e.actor, e.action, e.request_id) for e in entries[:3]] == [
        (DESK[0], "viewed_request", number), (DESK[0], "marked_contacted", number),
        (DESK[0], "viewed_request", number)]


def test_the_csv_export_neutralises_formulas_and_is_audited(client, svc):
    number = submit_request(svc, '=HYPERLINK("http://evil.example","x")', "+1 555 0100 x")
    sign_in(client, ADMIN)
    answer = client.post("/requests/export", data={"csrf_token": csrf(client), "status": "all"})
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0]["full_name"].startswith("'=") and rows[0]["contact"].startswith("'+")
    latest = svc.audit.entries()[0]
    assert latest.action == "exported_requests" and str(number) in latest.detail


def test_deleting_needs_a_confirmation_and_keeps_the_audit_trail(client, svc):
    number = submit_request(svc)
    sign_in(client, ADMIN)
    token = csrf(client)
    assert client.post(f"/requests/{number}/delete", data={"csrf_token": token}).status_code == 400
    answer = client.post(f"/requests/{number}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert answer.headers["Location"].endswith("notice=deleted")
    assert client.get(f"/requests/{number}").status_code == 404
    assert svc.audit.entries()[0].action == "deleted_request"


def test_the_audit_log_cannot_be_changed_through_the_console(client, svc):
    sign_in(client, ADMIN)
    before = svc.audit.count()
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/audit", data={"csrf_token": csrf(client)}) \
            .status_code == 405
    assert svc.audit.count() == before
    assert "signed in" in client.get("/audit").get_data(as_text=True)


def test_bad_input_gets_a_clear_answer(client):
    sign_in(client, ADMIN)
    token = csrf(client)
    huge = client.post("/requests/export", data={"csrf_token": token, "status": "x" * 70000})
    assert huge.status_code == 413
    assert "no request #999" in client.get("/requests/999").get_data(as_text=True)
    assert client.get("/requests/abc").status_code == 404
    assert client.post("/insights/accept", data={"csrf_token": token}).status_code == 400


def test_the_staff_commands_manage_accounts(env):
    def staff(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([str(ACTION_PYTHON), "-m", "bot", "staff", *args], input=stdin,
                              text=True, capture_output=True, cwd=ROOT, timeout=120)

    created = staff("add-user", "Lead@Clinic.example", "--role", "admin",
                    stdin="a long enough passphrase\n")
    assert created.returncode == 0, created.stderr
    assert "Created lead@clinic.example (admin)" in created.stdout
    assert staff("add-user", "x@clinic.example", "--role", "admin", stdin="short\n") \
        .returncode == 2
    assert staff("disable", "lead@clinic.example").returncode == 0
    assert "disabled" in staff("list-users").stdout
    assert staff("reset-password", "nobody@clinic.example",
                 stdin="a long enough passphrase\n").returncode == 2


# --- knowledge desk and insights -----------------------------------------------------------

FAQ = """# Test FAQ (this comment stays)

- id: cost
  question: "How much does treatment cost?"
  paraphrases:
    - "what is the price"
  answer: >-
    The clinic team can tell you the current fees. Call {clinic_name} on {phone}.
  source: "Test FAQ: Getting started"
  reviewed: 2026-11-20

- id: session_length
  question: "How long does a session take?"
  paraphrases:
    - "how many minutes is one treatment"
  answer: >-
    A session lasts about 45 to 60 minutes, plus time to rest.
  source: "Test FAQ: Sessions"
  reviewed: 2026-11-20

- id: parking
  question: "Is there parking at the clinic?"
  paraphrases:
    - "where do I park"
  answer: >-
    Yes, there are free parking spaces behind the building.
  source: "Test FAQ: Visiting"
  reviewed: 2026-11-20
"""


@pytest.fixture
def desk(env, retrieval_encoder):
    knowledge = env / "knowledge"
    knowledge.mkdir()
    (knowledge / "faq.yml").write_text(FAQ)
    index = env / "index"
    build_index(load_knowledge(knowledge), index, retrieval_encoder, progress=False)
    services = build_services(encoder=retrieval_encoder)
    return KnowledgeDesk(knowledge, index, services.database, retrieval_encoder)


def test_accepting_a_paraphrase_writes_it_checks_and_reindexes(desk):
    from bot.retrieval.retriever import Retriever

    before = (desk.knowledge_dir / "faq.yml").read_text()
    desk.accept("k1", "cost", "whats the damage money wise", "admin@clinic.example")
    after = (desk.knowledge_dir / "faq.yml").read_text()
    assert after.startswith("# Test FAQ (this comment stays)")
    assert '"whats the damage money wise"' in after
    # One line added, every other byte as it was (comments and wrapping included).
    assert after.replace('    - "whats the damage money wise"\n', "", 1) == before
    # The other entries keep their exact text.
    for entry in ("- id: session_length", "- id: parking"):
        block = before[before.index(entry):].split("\n\n")[0]
        assert block in after
    retriever = Retriever.load(desk.index_dir, encoder=desk.encoder)
    decision = retriever.decide("whats the damage money wise")
    assert decision.kind == "answer" and decision.best.id == "cost"
    assert "k1" in desk.decided_keys()


def test_a_paraphrase_the_entry_would_not_answer_is_refused(desk):
    before = (desk.knowledge_dir / "faq.yml").read_text()
    # parking's own paraphrase: cost would share it with parking (a collision).
    with pytest.raises(ChangeRefused, match="where do I park"):
        desk.accept("k2", "cost", "where do I park", "admin@clinic.example")
    assert (desk.knowledge_dir / "faq.yml").read_text() == before
    with pytest.raises(ChangeRefused, match="no FAQ entry"):
        desk.accept("k3", "nonexistent", "anything", "admin@clinic.example")


def test_editing_an_answer_keeps_the_previous_text_and_refuses_a_broken_one(desk):
    desk.revise("parking", "There are 12 free spaces behind the building.", "2026-12-01",
                "admin@clinic.example")
    entry = desk.entry("parking")
    assert entry.text == "There are 12 free spaces behind the building."
    assert entry.reviewed == "2026-12-01"
    revision = desk.revisions("parking")[0]
    assert revision.previous_answer.startswith("Yes, there are free parking spaces")
    assert revision.previous_reviewed == "2026-11-20"
    with pytest.raises(ChangeRefused):
        desk.revise("parking", "Call us on {no_such_placeholder}.", "2026-12-02", "a@b.example")
    with pytest.raises(ChangeRefused, match="not a date"):
        desk.revise("parking", "Fine text.", "yesterday", "a@b.example")
    assert desk.entry("parking").text == "There are 12 free spaces behind the building."


def test_a_paraphrase_cannot_be_added_twice(tmp_path):
    (tmp_path / "faq.yml").write_text(FAQ)
    with pytest.raises(ImportProblem, match="already has"):
        add_paraphrase("cost", "What is the PRICE", tmp_path)


def test_insights_pair_picked_options_and_group_unanswered_questions(
    env, monkeypatch, retrieval_encoder
):
    from test_knowledge_ops_report import write_store

    clarify = {"text": "Did you mean one of these?", "retrieval": {
        "decision": "clarify", "candidates": [["cost", 0.52], ["insurance", 0.5]], "index": "v"}}
    chosen = {"text": "The fees...", "retrieval": {"decision": "chosen", "entry": "cost",
                                                   "index": "v"}}
    unknown = {"text": "I don't know.", "retrieval": {
        "decision": "none", "candidates": [["parking", 0.3]], "index": "v"}}

    def turn(text, message, intent="ask_question"):
        return [{"user": text, "intent": intent}, {"action": "action_answer_question"},
                {"bot": message}, {"action": "action_listen"}]

    url = write_store(env / "rasa.db", {
        "a": turn("how pricey is it", clarify) + turn("the first one", chosen, "choose_answer"),
        "b": turn("can my dog come along", unknown)
        + turn("is my dog allowed inside, call me on 555 123 4567", unknown),
        "c": turn("how pricey is it", clarify) + turn("can my dog come along", unknown),
    })
    found = build_insights(url, {"cost": {"helpful": 1, "not_helpful": 3}}, retrieval_encoder,
                           hidden=set())
    shown = {(s.kind, s.paraphrase, s.entry_id, s.count) for s in found.suggestions}
    assert shown == {
        ("chosen", "how pricey is it", "cost", 1),  # once clarified and picked, once not
        ("unanswered", "can my dog come along", "parking", 2),
        ("unanswered", "is my dog allowed inside, call me on [number]", "parking", 1),
    }
    assert not any("555" in x or "4567" in x for s in found.suggestions for x in s.examples)
    assert [(u.entry_id, u.not_helpful) for u in found.unhelpful] == [("cost", 3)]
    hidden = {suggestion_key("chosen", "how pricey is it")}
    again = build_insights(url, {}, retrieval_encoder, hidden=hidden)
    assert not any(s.kind == "chosen" for s in again.suggestions)
    assert Path(url.removeprefix("sqlite:///")).exists()
