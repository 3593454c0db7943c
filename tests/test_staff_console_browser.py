"""The staff console in a real headless Chromium, against the real assistant.

One stack for the module: the action server and Rasa server (conversations in a SQLite tracker
store, sealed as in production), a clinic page embedding the widget, and the console itself
(``python -m bot staff serve``) on the same requests database, tracker store and a scratch copy
of the knowledge and index. A patient books and asks through the widget; staff sign in, work the
request, read the audit log, and accept a suggestion that the running assistant then answers.
Screenshots go to test-artifacts/ (docs/staff-console.md shows them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from servers import ACTION_PYTHON, ROOT, Assistant, start_assistant
from webchat_browser import ARTIFACTS, ask, ask_and_wait, bot_bubble, clinic_site, open_chat

from benchmarks.harness import free_port, stop
from bot.config import load_clinic
from bot.privacy.crypto import generate_key

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADMIN = ("admin@clinic.example", "correct horse battery staple")
DESK = ("desk@clinic.example", "front desk passphrase 42")
LOCKED = ("locum@clinic.example", "a locum's long passphrase")
PATIENT_NAME = "Rosalind Quimby"
PATIENT_EMAIL = "rosalind.quimby@example.org"
PATIENT_PHONE = "555-867-5309"
# Retrieval has no answer for it today ("none"); staff add it to the cost entry.
UNANSWERED = "whats the tab for a round of treatment"
COST_SOURCE = "Patient FAQ: Getting started"


@dataclass
class Console:
    """The running stack."""

    url: str
    assistant: Assistant
    site: str
    workdir: Path
    knowledge: Path
    visited: list[str] = field(default_factory=list)  # every URL any console page requested
    state: dict = field(default_factory=dict)  # what one test leaves for the next


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the console exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the console did not answer:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Console]:
    workdir = tmp_path_factory.mktemp("staff-console")
    knowledge, index, tracker = workdir / "knowledge", workdir / "index", workdir / "tracker.db"
    shutil.copytree(ROOT / "knowledge", knowledge)
    common = {
        "BOT_ENV": "test",
        "BOT_DATA_KEY": generate_key(),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'clinic.db'}",
        "BOT_KNOWLEDGE_DIR": str(knowledge),
        "BOT_INDEX_DIR": str(index),
        "BOT_INDEX_RELOAD_SECONDS": "1",
    }
    subprocess.run([str(ACTION_PYTHON), "-m", "bot", "index", "--quiet"], cwd=ROOT, check=True,
                   env={**os.environ, **common}, capture_output=True, timeout=600)  # fmt: skip
    site_port = free_port()
    endpoints = (ROOT / "endpoints.yml").read_text() + (
        "\ntracker_store:\n  type: bot.reliability.tracker_store.ResilientSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {tracker}\n"
    )
    servers_env = {**common, "WEBCHAT_ALLOWED_ORIGINS": f"http://127.0.0.1:{site_port}"}
    with start_assistant(workdir / "servers", extra_env=servers_env,
                         endpoints_yaml=endpoints) as assistant:  # fmt: skip
        port = free_port()
        env = {
            **os.environ, **common,
            "BOT_TRACKER_DB_URL": f"sqlite:///{tracker}",
            "BOT_RASA_URL": assistant.rasa_url,
            "ACTION_SERVER_URL": f"{assistant.action_url}/webhook",
        }  # fmt: skip
        for (email, password), role in ((ADMIN, "admin"), (DESK, "front-desk"),
                                        (LOCKED, "front-desk")):  # fmt: skip
            subprocess.run([str(ACTION_PYTHON), "-m", "bot", "staff", "add-user", email,
                            "--role", role], input=password + "\n", text=True, cwd=ROOT,
                           env=env, check=True, capture_output=True, timeout=120)  # fmt: skip
        log = workdir / "console.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [str(ACTION_PYTHON), "-m", "bot", "staff", "serve", "--port", str(port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{url}/login", process, log)
            with clinic_site(assistant.rasa_url, site_port) as site:
                yield Console(url, assistant, site, workdir, knowledge)
        finally:
            stop(process)


@pytest.fixture
def context(browser, console):
    """A fresh browser profile whose every request URL is recorded."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 860})
    ctx.on("request", lambda request: console.visited.append(request.url))
    yield ctx
    ctx.close()


def sign_in(context, console: Console, account: tuple[str, str]):
    """A page signed in as ``account``."""
    page = context.new_page()
    page.goto(f"{console.url}/login")
    page.get_by_label("E-mail").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{console.url}/requests")
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"staff-{name}.png"), full_page=True)


def reply_text(assistant: Assistant, sender: str, text: str) -> str:
    return "\n".join(m.get("text") or "" for m in assistant.send(sender, text))


# --- the tests, in the order a clinic meets them ---------------------------------------------


def test_sign_in_and_wrong_password_limits(context, console):
    page = context.new_page()
    page.goto(f"{console.url}/requests")
    page.wait_for_url(f"{console.url}/login")  # nothing without signing in
    for _attempt in range(5):
        page.get_by_label("E-mail").fill(LOCKED[0])
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        assert "e-mail address or password is wrong" in page.get_by_role("alert").inner_text()
    # The account is now held back, even with its right password...
    page.get_by_label("E-mail").fill(LOCKED[0])
    page.get_by_label("Password").fill(LOCKED[1])
    page.get_by_role("button", name="Sign in").click()
    assert "Too many failed sign-ins" in page.get_by_role("alert").inner_text()
    assert page.url == f"{console.url}/login"
    # ...while another account signs in from the same address.
    admin = sign_in(context, console, ADMIN)
    assert admin.get_by_role("heading", name="Consultation requests").is_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "staff_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_a_widget_request_is_opened_marked_contacted_and_audited(context, console, browser):
    patient = context.new_page()
    open_chat(patient, console.site)
    assert COST_SOURCE not in ask_and_wait(patient, UNANSWERED).inner_text()
    # Outside the knowledge (parking is answered since the eleventh round: "I don't have details")
    ask_and_wait(patient, f"can i buy a gift card for my sister? text me on {PATIENT_PHONE}")
    ask(patient, "I'd like to book a consultation")
    bot_bubble(patient, "Is that OK with you?").get_by_role("button", name="Yes, that's OK").click()
    bot_bubble(patient, "What is your full name?")
    ask(patient, PATIENT_NAME)
    bot_bubble(patient, "phone number or email")
    ask(patient, PATIENT_EMAIL)
    bot_bubble(patient, "When would suit you best?")
    ask(patient, "weekday mornings")
    location = load_clinic().locations[0]
    bot_bubble(patient, "Which of our locations").get_by_role(
        "button", name=re.compile(re.escape(location.name))).click()
    patient.locator(".cc-bot", has=patient.get_by_role("button", name="Yes, send it")).last \
        .get_by_role("button", name="Yes, send it").click()
    done = bot_bubble(patient, "your request has been sent")
    number = int(re.search(r"reference #(\d+)", done.inner_text()).group(1))
    console.state["request"] = number

    staff_context = browser.new_context(viewport={"width": 1280, "height": 860})
    staff_context.on("request", lambda request: console.visited.append(request.url))
    desk = sign_in(staff_context, console, DESK)
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=f"#{number}"))
    assert "new" in row.inner_text() and location.name in row.inner_text()
    assert PATIENT_NAME not in desk.content() and PATIENT_EMAIL not in desk.content()
    shot(desk, "inbox")
    desk.get_by_role("link", name=f"#{number}").click()
    assert PATIENT_NAME in desk.locator(".facts").inner_text()
    assert PATIENT_EMAIL in desk.locator(".facts").inner_text()
    shot(desk, "request")
    desk.get_by_role("button", name="Mark contacted").click()
    assert desk.get_by_role("status").inner_text() == "Marked as contacted."
    assert "contacted" in desk.locator("h1 .status").inner_text()
    desk.get_by_role("link", name="Requests", exact=True).click()
    assert desk.get_by_role("link", name=f"#{number}").count() == 0  # no longer new
    staff_context.close()

    admin = sign_in(context, console, ADMIN)
    admin.get_by_role("link", name="Audit log").click()
    rows = [r.inner_text() for r in admin.get_by_role("row").all()]
    assert any(DESK[0] in r and "opened a request" in r and f"#{number}" in r for r in rows)
    assert any(DESK[0] in r and "marked a request contacted" in r and f"#{number}" in r
               for r in rows)  # fmt: skip
    assert admin.get_by_role("button", name=re.compile("edit|delete", re.I)).count() == 0
    shot(admin, "audit-log")


def test_a_forged_form_post_is_refused(context, console):
    number = console.state["request"]
    admin = sign_in(context, console, ADMIN)
    # The signed-in browser itself, without the form's token: refused.
    answer = admin.request.post(f"{console.url}/requests/{number}/delete",
                                form={"confirm": "yes"}, max_redirects=0)  # fmt: skip
    assert answer.status == 403 and "did not come from this console" in answer.text()
    answer = admin.request.post(f"{console.url}/requests/{number}/delete",
                                form={"confirm": "yes", "csrf_token": "guessed"},
                                max_redirects=0)  # fmt: skip
    assert answer.status == 403
    # Another origin's page posting the console's form. On the same host (same site: the
    # browser sends the cookie) the missing token refuses it; from another site (localhost is
    # another site than 127.0.0.1) the SameSite=Strict cookie stays behind: a sign-in page.
    evil = _serve_page(f"""<!doctype html><title>prize</title>
        <form method="post" action="{console.url}/requests/{number}/delete">
        <input type="hidden" name="confirm" value="yes"><button>Claim your prize</button></form>""")
    try:
        other_site = evil.url.replace("127.0.0.1", "localhost")
        for origin, lands_on in ((evil.url, "Forbidden"), (other_site, "Sign in")):
            page = admin.context.new_page()
            page.goto(origin)
            page.get_by_role("button", name="Claim your prize").click()
            page.get_by_role("heading", name=lands_on).wait_for()
            page.close()
    finally:
        evil.close()
    admin.goto(f"{console.url}/requests/{number}")
    assert PATIENT_NAME in admin.locator(".facts").inner_text()  # still there


def test_front_desk_cannot_reach_admin_pages(context, console):
    desk = sign_in(context, console, DESK)
    nav = desk.get_by_role("navigation", name="Main").inner_text()
    assert "Requests" in nav and "Health" in nav
    assert "Audit log" not in nav and "Insights" not in nav and "Knowledge" not in nav
    for path in ("/audit", "/insights", "/knowledge", "/knowledge/cost"):
        assert desk.goto(f"{console.url}{path}").status == 403, path
    token = desk.locator("input[name=csrf_token]").first.get_attribute("value")
    for path, form in (("/insights/accept", {"key": "x", "entry_id": "cost", "paraphrase": "p"}),
                       ("/insights/reject", {"key": "x"}),
                       ("/knowledge/cost", {"answer": "changed", "reviewed": "2026-12-01"})):
        answer = desk.request.post(f"{console.url}{path}", form={**form, "csrf_token": token},
                                   max_redirects=0)  # fmt: skip
        assert answer.status == 403, path
    assert "changed" not in (console.knowledge / "faq.yml").read_text()


def test_the_health_page_shows_both_servers_and_counts_crisis_events(context, console):
    crisis = reply_text(console.assistant, "staff-console-crisis", "I want to end my life tonight")
    assert "988" in crisis
    desk = sign_in(context, console, DESK)
    desk.get_by_role("link", name="Health").click()
    assert "Everything is up." in desk.content()
    text = desk.get_by_role("table").first.inner_text()
    assert "Rasa: model" in text and "trained" in text and "Action server" in text
    assert re.search(r"index loaded \(\d+ entries, version \w{12}@", text)
    today = desk.get_by_role("table").nth(1).get_by_role("row").nth(1).inner_text()
    assert today.split() == [time.strftime("%Y-%m-%d", time.gmtime()), "1"], today
    assert "end my life" not in desk.content()
    shot(desk, "health")


def test_accepting_a_suggestion_makes_the_running_assistant_answer_it(context, console):
    before = reply_text(console.assistant, "staff-console-before", UNANSWERED)
    assert COST_SOURCE not in before, before
    project_faq = (ROOT / "knowledge" / "faq.yml").read_text()
    admin = sign_in(context, console, ADMIN)
    admin.get_by_role("link", name="Insights").click()
    suggestion = admin.locator("section.suggestion", has_text=UNANSWERED)
    assert suggestion.count() == 1, admin.content()[-4000:]
    shot(admin, "insights")
    suggestion.get_by_label("Add to entry").select_option("cost")
    suggestion.get_by_role("button", name="Accept").click()
    assert admin.get_by_role("status").inner_text().startswith("Added.")
    assert admin.locator("section.suggestion", has_text=UNANSWERED).count() == 0
    assert f'"{UNANSWERED}"' in (console.knowledge / "faq.yml").read_text()
    assert (ROOT / "knowledge" / "faq.yml").read_text() == project_faq
    deadline, after = time.monotonic() + 30, ""
    while time.monotonic() < deadline:
        after = reply_text(console.assistant, f"staff-console-after-{time.monotonic()}",
                           UNANSWERED)  # fmt: skip
        if COST_SOURCE in after:
            break
        time.sleep(1)
    assert COST_SOURCE in after, after
    admin.get_by_role("link", name="Audit log").click()
    assert "accepted a suggestion" in admin.get_by_role("table").inner_text()


def test_no_personal_data_in_urls_logs_or_insights(context, console):
    admin = sign_in(context, console, ADMIN)
    admin.get_by_role("link", name="Insights").click()
    insights = admin.content()
    assert "gift card for my sister" in insights  # the question is there, its phone number is not
    logs = "\n".join(p.read_text(errors="replace") for p in console.workdir.rglob("*.log"))
    assert "staff serve" in logs or "staff console" in logs  # the console's own log is read
    searched = {"insights page": insights, "console and server logs": logs,
                "URLs": "\n".join(console.visited)}  # fmt: skip
    personal = (PATIENT_NAME, PATIENT_NAME.split()[1], PATIENT_EMAIL, PATIENT_PHONE, "8675309")
    for where, text in searched.items():
        for value in personal:
            assert value not in text, f"{value!r} found in the {where}"
    assert len(console.visited) > 20


# --- a page on another site ---------------------------------------------------------------------


class _OtherSite(ThreadingHTTPServer):
    daemon_threads = True
    body = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, *args) -> None:
        pass


def _serve_page(html: str) -> _OtherSite:
    site = _OtherSite(("127.0.0.1", 0), _Handler)
    site.body = html.encode()
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site
