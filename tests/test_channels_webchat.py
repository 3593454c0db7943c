"""The website widget in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

A clinic page on an allowed origin embeds the widget with its one script tag, cross-origin, from
the real Rasa server (with the real action server behind it). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from channel_clients import channel_settings
from servers import ROOT

from bot import replies
from bot.config import load_clinic
from bot.retrieval.retriever import get_retriever

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
REPLY_TIMEOUT_MS = 60_000


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    page: bytes = b""


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] != "/":
            self.send_error(404)
            return
        body = self.server.page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _clinic_page(rasa_url: str, title: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; background: #f4f6f8; margin: 0; padding: 24px">
<h1>{title}</h1><p>A page of the clinic's website.</p>
<script src="{rasa_url}/webhooks/webchat/widget.js" defer></script>
</body></html>""".encode()


@pytest.fixture(scope="module")
def sites(assistant) -> Iterator[dict[str, str]]:
    """The clinic's website (an allowed origin) and another site (not allowed), both embedding
    the widget from the assistant's server."""
    settings = channel_settings()
    servers = {}
    for name, port in (("clinic", settings.site_port), ("other", settings.other_site_port)):
        site = _Site(("127.0.0.1", port), _PageHandler)
        site.page = _clinic_page(assistant.rasa_url, f"{name} site")
        threading.Thread(target=site.serve_forever, daemon=True).start()
        servers[name] = site
    yield {name: f"http://127.0.0.1:{site.server_port}/" for name, site in servers.items()}
    for site in servers.values():
        site.shutdown()
        site.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: run `make browser-deps`"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def open_chat(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Chat with us").click()
    expect_focus_on_input(page)
    page.wait_for_function("() => !!sessionStorage.length", timeout=REPLY_TIMEOUT_MS)


def expect_focus_on_input(page) -> None:
    page.wait_for_function("() => document.activeElement.classList.contains('cc-input')")


def ask(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")


def ask_and_wait(page, text: str):
    """Send ``text``; returns the first bot bubble of the reply."""
    before = page.locator(".cc-bot").count()
    ask(page, text)
    reply = page.locator(".cc-bot").nth(before)
    reply.wait_for(timeout=REPLY_TIMEOUT_MS)
    return reply


def bot_bubble(page, containing: str):
    bubble = page.locator(".cc-bot", has_text=containing).last
    bubble.wait_for(timeout=REPLY_TIMEOUT_MS)
    return bubble


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"webchat-{name}.png"))


# --- the conversation ----------------------------------------------------------------------
def test_answers_with_source_clarify_buttons_and_history_after_reload(page, sites):
    retriever = get_retriever()
    open_chat(page, sites["clinic"])
    best = retriever.decide("what is ketamine therapy").best
    ask(page, "what is ketamine therapy")
    answer = bot_bubble(page, best.answer[:60])
    assert "automated assistant" in page.locator(".cc-bot").first.inner_text()  # disclaimer
    assert answer.locator(".cc-source").inner_text() == f"Source: {best.source}"

    clarify = next(q for q in ["how long", "side effects", "sessions", "ketamine",
                               "does ketamine help depression quickly"]
                   if retriever.decide(q).kind == "clarify")  # fmt: skip
    options = retriever.decide(clarify).options[:3]
    ask(page, clarify)
    offer = bot_bubble(page, replies.clarify_prompt())
    buttons = offer.get_by_role("button")
    assert buttons.all_inner_texts() == [o.title for o in options]
    shot(page, "desktop-clarify")
    buttons.nth(1).click()
    chosen = bot_bubble(page, options[1].answer[:60])
    assert chosen.locator(".cc-source").inner_text() == f"Source: {options[1].source}"
    assert page.locator(".cc-user").last.inner_text().endswith(options[1].title)
    assert buttons.nth(0).is_disabled()  # an answered offer cannot be clicked again
    shot(page, "desktop-answer")

    before = page.locator(".cc-msg").all_inner_texts()
    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    page.locator(".cc-msg").nth(len(before) - 1).wait_for(timeout=REPLY_TIMEOUT_MS)
    after = page.locator(".cc-msg").all_inner_texts()
    assert after == before  # the same conversation, clicks shown by their titles
    assert "/choose_answer" not in " ".join(after)
    shot(page, "desktop-after-reload")


def test_a_consultation_request_can_be_completed(page, sites):
    profile = load_clinic()
    open_chat(page, sites["clinic"])
    ask(page, "I'd like to book a consultation")
    bot_bubble(page, "Is that OK with you?").get_by_role("button", name="Yes, that's OK").click()
    bot_bubble(page, "What is your full name?")
    ask(page, "Jane Example")
    bot_bubble(page, "phone number or email")
    ask(page, "jane.example@example.org")
    bot_bubble(page, "When would suit you best?")
    ask(page, "weekday mornings")
    location = profile.locations[0]
    bot_bubble(page, "Which of our locations").get_by_role(
        "button", name=re.compile(re.escape(location.name))
    ).click()
    review = page.locator(".cc-bot", has=page.get_by_role("button", name="Yes, send it")).last
    review.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "Jane Example" in review.inner_text()
    review.get_by_role("button", name="Yes, send it").click()
    done = bot_bubble(page, "your request has been sent")
    assert re.search(r"reference #\d+", done.inner_text())
    shot(page, "desktop-booking")


def test_crisis_replies_stand_out(page, sites):
    open_chat(page, sites["clinic"])
    ask(page, "I want to end my life tonight")
    crisis = page.locator(".cc-crisis").last
    crisis.wait_for(timeout=REPLY_TIMEOUT_MS)
    text = crisis.inner_text()
    assert "988" in text and "911" in text
    assert crisis.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    assert crisis.evaluate("e => getComputedStyle(e).borderLeftWidth") == "8px"
    shot(page, "desktop-crisis")


def test_phone_sized_screen(browser, sites):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    try:
        open_chat(page, sites["clinic"])
        ask(page, "what are the side effects")
        bot_bubble(page, "Source:")
        box = page.locator(".cc-panel").bounding_box()
        assert box["width"] == 390 and box["height"] >= 800  # the whole screen
        input_box = page.get_by_label("Your message").bounding_box()
        assert input_box["y"] + input_box["height"] <= 844
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        shot(page, "phone")
    finally:
        context.close()


# --- safety of the page --------------------------------------------------------------------
def test_markup_and_script_links_are_shown_as_text(page, sites):
    open_chat(page, sites["clinic"])
    ask_and_wait(
        page, '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) https://example.org/a'
    )
    user = page.locator(".cc-user").last
    assert "<img src=x" in user.inner_text()
    assert page.locator(".cc-log img").count() == 0
    hrefs = [a.get_attribute("href") for a in page.locator(".cc-log a").all()]
    assert "https://example.org/a" in hrefs
    assert not any(h.startswith("javascript:") for h in hrefs)
    page.wait_for_timeout(500)
    assert page.dialogs == []


def test_only_the_clinic_s_own_server_is_contacted(page, sites):
    hosts = set()
    page.on("request", lambda r: hosts.add(re.sub(r"^(\w+://[^/]+).*", r"\1", r.url)))
    open_chat(page, sites["clinic"])
    ask_and_wait(page, "hello")
    allowed = {sites["clinic"].rstrip("/"), _rasa_origin(page)}
    assert hosts <= allowed | {o.replace("http", "ws") for o in allowed}, hosts


def _rasa_origin(page) -> str:
    src = page.locator("script[src$='widget.js']").get_attribute("src")
    return re.sub(r"^(\w+://[^/]+).*", r"\1", src)


def test_the_privacy_notice_is_reachable(page, sites):
    open_chat(page, sites["clinic"])
    link = page.get_by_role("link", name="Privacy notice")
    with page.context.expect_page() as opened:
        link.click()
    notice = opened.value
    notice.wait_for_load_state()
    assert "Privacy notice" in notice.title()
    assert load_clinic().phone_display in notice.inner_text("body")


def test_keyboard_only_use(page, sites):
    page.goto(sites["clinic"])
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Chat with us"
    page.keyboard.press("Enter")
    expect_focus_on_input(page)
    assert page.locator(".cc-log").get_attribute("role") == "log"
    assert page.locator(".cc-log").get_attribute("aria-live") == "polite"
    page.keyboard.press("Escape")
    assert page.locator(".cc-panel").is_hidden()
    assert page.evaluate("() => document.activeElement.textContent") == "Chat with us"


# --- origins and sessions ------------------------------------------------------------------
def test_a_chat_left_idle_is_cleared_from_the_screen_and_the_tab(page, sites):
    page.clock.install()  # the page's timers, fast-forwarded below
    open_chat(page, sites["clinic"])
    ask_and_wait(page, "what are your hours")
    conversation = page.evaluate("() => sessionStorage.getItem(sessionStorage.key(0))")
    conversation = conversation.split(".")[0]

    page.clock.fast_forward("29:00")  # still within the idle limit: nothing happens
    assert page.locator(".cc-bot").count() >= 1
    page.clock.fast_forward("02:00")
    page.get_by_text("cleared after 30 minutes without activity").wait_for(
        timeout=REPLY_TIMEOUT_MS
    )
    assert page.locator(".cc-user").count() == 0 and page.locator(".cc-bot").count() == 0
    page.wait_for_function(
        "c => (sessionStorage.getItem(sessionStorage.key(0)) || '').split('.')[0] !== c"
        " && !!sessionStorage.getItem(sessionStorage.key(0))",
        arg=conversation, timeout=REPLY_TIMEOUT_MS,
    )  # a new conversation, not the old one
    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    page.wait_for_timeout(1500)
    assert "what are your hours" not in page.locator(".cc-log").inner_text()


def test_a_page_on_another_origin_cannot_connect(page, sites):
    page.goto(sites["other"])
    page.get_by_role("button", name="Chat with us").click()
    status = page.locator(".cc-status")
    status.filter(has_text="not available").wait_for(timeout=REPLY_TIMEOUT_MS)
    assert page.evaluate("() => sessionStorage.length") == 0  # no session was issued
    shot(page, "refused-origin")


def test_socket_handshakes_from_other_or_no_origin_are_refused(assistant):
    url = f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(url, headers={"Origin": channel_settings().site_origin}, timeout=10)
    assert allowed.status_code == 200
    refused = requests.get(url, headers={"Origin": "https://evil.example"}, timeout=10)
    assert refused.status_code == 400
    # Without an Origin the transport opens, but socket.io refuses to connect the client.
    opened = requests.get(url, timeout=10)
    sid = json.loads(opened.text[1:])["sid"]
    requests.post(f"{url}&sid={sid}", data="40", timeout=10)
    answer = requests.get(f"{url}&sid={sid}", timeout=10).text
    assert answer.startswith("44"), answer  # CONNECT_ERROR


def test_a_forged_session_token_gets_a_fresh_conversation(page, sites):
    open_chat(page, sites["clinic"])
    ask(page, "what is ketamine therapy")
    bot_bubble(page, "Source:")
    token = page.evaluate("() => sessionStorage.getItem(sessionStorage.key(0))")
    sender, issued, active, mac = token.split(".")
    forged = f"{'0' * 32}.{issued}.{active}.{mac}"  # choose another conversation, keep the MAC
    page.evaluate("t => sessionStorage.setItem(sessionStorage.key(0), t)", forged)
    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    page.wait_for_function(
        "f => sessionStorage.getItem(sessionStorage.key(0)) !== f", arg=forged,
        timeout=REPLY_TIMEOUT_MS,
    )
    issued_now = page.evaluate("() => sessionStorage.getItem(sessionStorage.key(0))")
    assert not issued_now.startswith("0" * 32) and not issued_now.startswith(sender)
    assert page.locator(".cc-user").count() == 0  # nobody's history is shown
