"""The website widget in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

A clinic page on an allowed origin embeds the widget with its one script tag, cross-origin, from
the real Rasa server (with the real action server behind it). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re

import pytest
import requests
from channel_clients import channel_settings
from webchat_browser import (
    ARTIFACTS,
    REPLY_TIMEOUT_MS,
    ask,
    ask_and_wait,
    bot_bubble,
    expect_focus_on_input,
    open_chat,
)

from bot import replies
from bot.channels.presentation import source_label
from bot.config import load_clinic
from bot.retrieval.retriever import get_retriever

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


# The ``sites`` and ``browser`` fixtures are in webchat_browser.py (shared through conftest.py).
@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"webchat-{name}.png"))


def messages_shown(page) -> list[str]:
    """The texts of the conversation's bubbles, without the vote rows (a restored history
    cannot be rated: votes belong to the socket that was shown the answer)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.cc-msg'), m => {
        const copy = m.cloneNode(true);
        copy.querySelectorAll('.cc-feedback').forEach(f => f.remove());
        document.body.appendChild(copy);
        const text = copy.innerText;
        copy.remove();
        return text;
    })""")


# --- the conversation ----------------------------------------------------------------------
def test_answers_with_source_clarify_buttons_and_history_after_reload(page, sites):
    retriever = get_retriever()
    open_chat(page, sites["clinic"])
    best = retriever.decide("what is ketamine therapy").best
    ask(page, "what is ketamine therapy")
    answer = bot_bubble(page, best.answer[:60])
    assert "automated assistant" in page.locator(".cc-bot").first.inner_text()  # disclaimer
    assert answer.locator(".cc-source").inner_text() == source_label(best.source)

    clarify = next(q for q in ["how long", "side effects", "sessions", "ketamine",
                               "does ketamine help depression quickly"]
                   if retriever.decide(q).kind == "clarify")  # fmt: skip
    options = retriever.decide(clarify).options[:3]
    ask(page, clarify)
    offer = bot_bubble(page, replies.clarify_prompt())
    buttons = offer.get_by_role("button")
    assert buttons.all_inner_texts() == [o.title for o in options]
    shot(page, "desktop-clarify")
    shown = page.locator(".cc-bot").count()
    buttons.nth(1).click()
    # The chosen answer may repeat an earlier one: wait for the new bubble, not any match.
    chosen = page.locator(".cc-bot").nth(shown)
    chosen.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert options[1].answer[:60] in chosen.inner_text()
    assert chosen.locator(".cc-source").inner_text() == source_label(options[1].source)
    assert page.locator(".cc-user").last.inner_text().endswith(options[1].title)
    assert buttons.nth(0).is_disabled()  # an answered offer cannot be clicked again
    shot(page, "desktop-answer")

    before = messages_shown(page)
    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    page.locator(".cc-msg").nth(len(before) - 1).wait_for(timeout=REPLY_TIMEOUT_MS)
    after = messages_shown(page)
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
        bot_bubble(page, "From our")
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
    assert page.locator(".cc-user").count() == 0
    assert page.locator(".cc-bot:not(.cc-welcome)").count() == 0  # only the greeting again
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
    bot_bubble(page, "From our")
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
