"""What a patient meets in the website chat, in real headless Chromium on a desktop (1280x800)
and a phone (390x844), against the real Rasa and action servers:

- the greeting with the disclaimer, whether the clinic is open and when it opens again, and the
  suggested topics from knowledge/clinic.yml;
- long answers: the first two sentences, "Show more" for the whole reviewed text, the source in
  plain words linked to the clinic's page;
- the typing indicator; the crisis card's "Text 988" link and Spanish line;
- the panel as a dialog: focus stays inside, Escape closes and returns focus, new messages in an
  aria-live log; axe-core (WCAG 2.1 A/AA, from web/node_modules) reports 0 violations on the
  widget in each state, besides a contrast and naming check of the project's own;
- "Did this answer help?": Yes / No, "No" offers the alternatives and a person, and the votes
  reach the requests database as counters only;

and, without a browser, that votes cannot be stuffed (only a ticket the socket was given with
an answer counts, once), that they survive the rate limits, and that `bot report` shows them.
Screenshots go to test-artifacts/webchat-ux-*.png (docs/img/ holds copies for docs/channels.md).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from channel_clients import PollingSocket, send_sms
from servers import ROOT, start_assistant
from webchat_browser import (
    ARTIFACTS,
    REPLY_TIMEOUT_MS,
    ask,
    bot_bubble,
    expect_focus_on_input,
    open_chat,
)

from bot import replies
from bot.channels import presentation
from bot.config import load_clinic, load_retrieval_settings, load_widget_settings
from bot.feedback import store, votes
from bot.opening_hours import open_note
from bot.retrieval.retriever import get_retriever

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CRISIS = "I want to end my life tonight"


@pytest.fixture(params=list(SIZES))
def screen(browser, request):
    """A page on a desktop-sized or a phone-sized screen."""
    size = request.param
    options = {"viewport": SIZES[size]}
    if size == "phone":
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    context = browser.new_context(**options)
    page = context.new_page()
    page.size = size
    yield page
    context.close()


def shot(page, name: str) -> None:
    """The panel alone (on a phone: the whole screen), as docs/img/ shows it."""
    page.locator(".cc-panel").screenshot(path=str(ARTIFACTS / f"webchat-ux-{name}-{page.size}.png"))


def votes_db(assistant) -> str:
    return f"sqlite:///{assistant.workdir / 'requests.db'}"


def counts(url: str, entry: str) -> tuple[int, int]:
    found = store.read_counts(url).get(entry) or {"helpful": 0, "not_helpful": 0}
    return found["helpful"], found["not_helpful"]


def answer_to(page, question: str, entry_id: str):
    """Ask ``question``; the bubble of the reviewed answer of ``entry_id``."""
    candidate = get_retriever().get(entry_id)
    ask(page, question)
    start = presentation.summary(candidate.answer) or candidate.answer
    return bot_bubble(page, start[:50])


# A small in-page audit standing in for axe-core: names, ids, labels, language and contrast.
AUDIT = """(root) => {
  const problems = [];
  const panel = document.querySelector(root);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  panel.querySelectorAll('button, a[href], textarea, [role=group], [role=dialog]').forEach((el) => {
    if (!visible(el)) return;
    const labelled = el.getAttribute('aria-labelledby');
    const name = (el.getAttribute('aria-label') || (labelled && document.getElementById(labelled)
      ? document.getElementById(labelled).textContent : '') || el.textContent ||
      (el.labels && el.labels[0] ? el.labels[0].textContent : '')).trim();
    if (!name) problems.push('no accessible name: ' + el.outerHTML.slice(0, 80));
  });
  const ids = Array.from(document.querySelectorAll('[id]'), (e) => e.id);
  ids.filter((id, i) => ids.indexOf(id) !== i).forEach((id) => problems.push('duplicate id ' + id));
  panel.querySelectorAll('[aria-controls], [aria-labelledby]').forEach((el) => {
    ['aria-controls', 'aria-labelledby'].forEach((attr) => {
      const ref = el.getAttribute(attr);
      if (ref && !document.getElementById(ref)) problems.push(attr + ' points nowhere: ' + ref);
    });
  });
  panel.querySelectorAll('img:not([alt])').forEach(() => problems.push('img without alt'));
  const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!t.textContent.trim() || !visible(el)) continue;
    if (el.closest('[aria-hidden=true], :disabled')) continue;
    if (el.closest('.cc-visually-hidden')) continue;
    const style = getComputedStyle(el);
    const fg = rgb(style.color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push('contrast ' + ratio.toFixed(2) + ': ' + t.textContent.trim().slice(0, 40));
    }
  }
  if (/espa\\u00f1ol/i.test(panel.innerText)) {
    panel.querySelectorAll('.cc-crisis').forEach((card) => {
      if (!card.querySelector('[lang=es]')) problems.push('Spanish without lang=es');
    });
  }
  return problems;
}"""


AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"  # npm ci in `make widget`
AXE_RUN = """async (selector) => {
  const result = await axe.run(document.querySelector(selector),
      {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
}"""


def audit(page) -> None:
    """axe-core's WCAG 2.1 A/AA rules on the widget, and the project's own in-page checks."""
    assert page.evaluate(AUDIT, ".cc-root") == []
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN, ".cc-root") == []


# --- the opened panel -------------------------------------------------------------------------
def test_the_panel_opens_with_the_greeting_whether_the_clinic_is_open_and_topics(screen, sites):
    page, profile = screen, load_clinic()
    notes = {open_note(profile)}
    open_chat(page, sites["clinic"])
    welcome = page.locator(".cc-welcome")
    welcome.wait_for(timeout=REPLY_TIMEOUT_MS)
    notes.add(open_note(profile))  # the minute may have turned meanwhile
    assert replies.disclaimer(profile) in welcome.inner_text()
    assert welcome.locator(".cc-hours").inner_text() in notes
    topics = list(load_widget_settings().suggested_topics)
    chips = welcome.get_by_role("group", name="Ask me a question, or choose a topic:")
    assert chips.get_by_role("button").all_inner_texts() == topics
    assert 4 <= len(topics) <= 6
    audit(page)
    shot(page, "opened")

    chips.get_by_role("button", name=topics[2]).click()  # "What are the side effects?"
    assert page.locator(".cc-user").last.inner_text().endswith(topics[2])
    entry = get_retriever().decide(topics[2]).best
    answer = bot_bubble(page, entry.answer[:40])
    assert answer.locator(".cc-source").inner_text() == presentation.source_label(entry.source)
    # The session's own disclaimer is not repeated under the greeting.
    assert page.locator(".cc-log").inner_text().count("I'm not a clinician") == 1


# --- long answers -----------------------------------------------------------------------------
def test_a_long_answer_shows_two_sentences_then_the_whole_text(screen, sites):
    page, entry = screen, get_retriever().get("what_is_ketamine_therapy")
    open_chat(page, sites["clinic"])
    answer = answer_to(page, "what is ketamine therapy", entry.id)
    body = answer.locator(".cc-answer")
    assert body.inner_text().strip() == presentation.summary(entry.answer)
    more = answer.get_by_role("button", name="Show more")
    assert more.get_attribute("aria-expanded") == "false"
    assert more.get_attribute("aria-controls") == body.get_attribute("id")
    source = answer.locator(".cc-source").get_by_role("link")
    assert source.inner_text() == "From our FAQ: Treatment basics"
    pages = load_widget_settings().source_pages
    assert source.get_attribute("href") == pages["Patient FAQ: Treatment basics"]
    assert source.get_attribute("target") == "_blank"
    shot(page, "long-answer")
    more.click()
    assert " ".join(body.inner_text().split()) == " ".join(entry.answer.split())
    less = answer.get_by_role("button", name="Show less")
    assert less.get_attribute("aria-expanded") == "true"
    shot(page, "long-answer-expanded")
    audit(page)


# --- typing indicator -------------------------------------------------------------------------
def test_a_typing_indicator_shows_while_the_reply_is_on_its_way(screen, sites):
    page = screen
    open_chat(page, sites["clinic"])
    page.evaluate("""() => {
        window.seen = [];
        const note = (what) => window.seen.push(what);
        new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach((n) => {
            if (n.classList && n.classList.contains('cc-typing')) note('typing');
            else if (n.classList && n.classList.contains('cc-bot')) note('reply');
        }))).observe(document.querySelector('.cc-log'), {childList: true});
        new MutationObserver(() => note('status:' + document.querySelector('.cc-status')
            .textContent)).observe(document.querySelector('.cc-status'),
            {childList: true, characterData: true, subtree: true});
    }""")
    ask(page, "how long does a session take")
    bot_bubble(page, "From our")
    seen = page.evaluate("() => window.seen")
    assert seen.index("typing") < seen.index("reply"), seen
    assert "status:The assistant is typing\u2026" in seen  # what a screen reader hears
    assert page.locator(".cc-typing").count() == 0


# --- the crisis card --------------------------------------------------------------------------
def test_the_crisis_card_offers_call_text_and_spanish(screen, sites):
    page, profile = screen, load_clinic()
    open_chat(page, sites["clinic"])
    ask(page, CRISIS)
    card = page.locator(".cc-crisis").last
    card.wait_for(timeout=REPLY_TIMEOUT_MS)
    line = profile.crisis_line
    assert card.get_by_role("link", name=f"Call {line}").get_attribute("href") == f"tel:{line}"
    assert card.get_by_role("link", name=f"Text {line}").get_attribute("href") == f"sms:{line}"
    emergency = profile.emergency_number
    assert card.get_by_role("link", name=f"Call {emergency}").get_attribute("href") == (
        f"tel:{emergency}")
    spanish = card.locator("[lang=es]")
    assert spanish.count() >= 1 and "988 y oprima 2" in spanish.first.inner_text()
    assert card.locator(".cc-feedback").count() == 0  # never "did this help?" on a crisis
    if page.size == "phone":
        for action in card.locator(".cc-crisis-actions a").all():
            assert action.bounding_box()["height"] >= 44  # big enough for a finger
    card.scroll_into_view_if_needed()
    audit(page)
    shot(page, "crisis")
    # A follow-up in crisis mode (a reply without its own Spanish line) gets one too.
    ask(page, "what do i do")
    followup = page.locator(".cc-crisis").nth(1)
    followup.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "oprima 2" in followup.locator("[lang=es]").first.inner_text()


# --- the panel is a dialog --------------------------------------------------------------------
def test_the_open_panel_keeps_focus_inside_and_escape_returns_it(screen, sites):
    page = screen
    page.goto(sites["clinic"])
    page.locator("body").focus()
    page.keyboard.press("Tab")
    launcher = page.get_by_role("button", name="Chat with us")
    assert launcher.get_attribute("aria-haspopup") == "dialog"
    page.keyboard.press("Enter")
    expect_focus_on_input(page)
    dialog = page.get_by_role("dialog")
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.evaluate(
        "() => document.getElementById(document.querySelector('[role=dialog]')"
        ".getAttribute('aria-labelledby')).textContent") == "Ask our assistant"
    page.locator(".cc-welcome").wait_for(timeout=REPLY_TIMEOUT_MS)
    ask(page, "what are the side effects")
    bot_bubble(page, "From our")
    inside = "() => document.querySelector('.cc-panel').contains(document.activeElement)"
    names = []
    for _ in range(40):  # forwards past "End chat", round again
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
        names.append(page.evaluate("() => document.activeElement.textContent"))
    assert "End chat" in names and "Yes" in names and "Show more" in names
    page.get_by_role("button", name="End chat").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Close chat")  # after the last control comes the first, not the page behind
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "End chat"
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    log = page.locator(".cc-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert page.locator(".cc-status").get_attribute("role") == "status"
    assert page.locator("[aria-live] .cc-bot").count() >= 2  # new messages are announced
    page.keyboard.press("Escape")
    assert page.locator(".cc-panel").is_hidden()
    assert page.evaluate("() => document.activeElement.textContent") == "Chat with us"
    assert launcher.get_attribute("aria-expanded") == "false"


# --- did this answer help? --------------------------------------------------------------------
def test_yes_and_no_under_an_answer_no_offers_alternatives_and_votes_are_counted(
    screen, sites, assistant
):
    page, profile, retriever = screen, load_clinic(), get_retriever()
    url = votes_db(assistant)
    decision = retriever.decide("what are the side effects")
    shown = decision.best
    offered = votes.alternatives(decision.candidates, shown.id,
                                 load_retrieval_settings().answer_threshold)  # fmt: skip
    assert offered, "this question must have alternatives to offer"
    alternative = retriever.get(re.search(r'"answer_id":"([^"]+)"',
                                          offered[0]["payload"]).group(1))  # fmt: skip
    before_shown, before_alt = counts(url, shown.id), counts(url, alternative.id)

    open_chat(page, sites["clinic"])
    answer = answer_to(page, "what are the side effects", shown.id)
    row = answer.get_by_role("group", name="Did this answer help?")
    assert row.get_by_role("button").all_inner_texts() == ["Yes", "No"]
    answer.scroll_into_view_if_needed()
    shot(page, "feedback")
    audit(page)
    row.get_by_role("button", name="No").click()
    answer.get_by_text(votes.THANKS).wait_for(timeout=REPLY_TIMEOUT_MS)
    sorry = bot_bubble(page, "I'm sorry that didn't help.")
    assert profile.phone_display in sorry.inner_text()
    assert "The clinic is " in sorry.inner_text()  # open now, or when it opens again
    assert sorry.get_by_role("button").all_inner_texts() == (
        [o["title"] for o in offered] + ["Talk to a person", "Request a consultation"])
    shot(page, "feedback-no")
    audit(page)

    sorry.get_by_role("button", name=offered[0]["title"]).click()
    assert page.locator(".cc-user").last.inner_text().endswith(offered[0]["title"])
    chosen = bot_bubble(page, (presentation.summary(alternative.answer)
                               or alternative.answer)[:50])  # fmt: skip
    chosen.get_by_role("button", name="Yes").click()
    chosen.get_by_text(votes.THANKS).wait_for(timeout=REPLY_TIMEOUT_MS)
    assert page.locator(".cc-bot", has_text="I'm sorry that didn't help.").count() == 1

    # Counters only: +1 "not helpful" for the first answer, +1 "helpful" for the alternative.
    page.wait_for_timeout(300)
    assert counts(url, shown.id) == (before_shown[0], before_shown[1] + 1)
    assert counts(url, alternative.id) == (before_alt[0] + 1, before_alt[1])


def test_no_without_alternatives_offers_a_person_with_the_open_or_closed_note(screen, sites):
    page, profile = screen, load_clinic()
    open_chat(page, sites["clinic"])
    answer = answer_to(page, "how much does it cost", "cost")
    answer.get_by_role("button", name="No").click()
    sorry = bot_bubble(page, "I'm sorry that didn't help.")
    assert sorry.get_by_role("button").all_inner_texts() == [
        "Talk to a person", "Request a consultation"]
    sorry.get_by_role("link", name=profile.phone_display).wait_for()  # tap to call
    sorry.get_by_role("button", name="Talk to a person").click()
    contact = bot_bubble(page, "You can reach the team")
    text = contact.inner_text()
    assert profile.email in text and "The clinic is " in text


# --- votes without a browser: no stuffing, rate limits, the report ---------------------------
def socket_answer(sock: PollingSocket, question: str) -> dict:
    """Send ``question``; the reply that carries a vote ticket."""
    sock.emit("user_uttered", {"message": question})
    for _ in range(6):
        message = sock.wait_for("bot_uttered")
        if message.get("feedback"):
            return message
    raise AssertionError(f"no rateable answer to {question!r}")


def vote(sock: PollingSocket, ref: str, helpful: bool) -> dict:
    sock.emit("answer_feedback", {"ref": ref, "helpful": helpful})
    return sock.wait_for("answer_feedback_result")


def test_a_vote_counts_only_for_an_answer_this_socket_was_just_shown(assistant):
    url = votes_db(assistant)
    first, second = PollingSocket(assistant.rasa_url), PollingSocket(assistant.rasa_url)
    try:
        first.start_session()
        second.start_session()
        before = counts(url, "session_length")
        ref = socket_answer(first, "how long does a session take")["feedback"]["ref"]
        assert vote(first, "0" * 32, True)["accepted"] is False  # made up
        assert vote(second, ref, True)["accepted"] is False  # another socket's answer
        assert vote(first, ref, False)["accepted"] is True
        assert vote(first, ref, False)["accepted"] is False  # once per answer shown
        assert vote(first, ref, True)["accepted"] is False
        for bad in ({"entry": "session_length", "helpful": True}, {"ref": ref}, "yes", None):
            first.emit("answer_feedback", bad)
            assert first.wait_for("answer_feedback_result")["accepted"] is False
        # A new conversation on the same socket: the old answers can no longer be rated.
        ref = socket_answer(first, "how long does a session take")["feedback"]["ref"]
        first.start_session()
        assert vote(first, ref, True)["accepted"] is False
        assert counts(url, "session_length") == (before[0], before[1] + 1)
    finally:
        first.close()
        second.close()


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A second server pair: the product's rate limit for conversations made tight (3 a
    minute), and a SQL tracker store for `bot report`."""
    workdir = tmp_path_factory.mktemp("votes-limited")
    tracker = workdir / "rasa.db"
    endpoints = (ROOT / "endpoints.yml").read_text(encoding="utf-8") + (
        f"\ntracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker}\n"
    )
    env = {"RATE_LIMIT_PER_CONVERSATION": "3/60", "BOT_DATABASE_URL": f"sqlite:///{workdir}/"
           "requests.db"}  # fmt: skip
    with start_assistant(workdir / "run", extra_env=env, endpoints_yaml=endpoints) as running:
        running.tracker = tracker
        running.votes_url = env["BOT_DATABASE_URL"]
        yield running


def total_votes(url: str) -> int:
    return sum(v["helpful"] + v["not_helpful"] for v in store.read_counts(url).values())


def test_votes_are_not_messages_they_survive_the_rate_limit_and_cannot_flood(limited):
    before = total_votes(limited.votes_url)
    unhelpful = counts(limited.votes_url, "addiction_risk")[1]
    sock = PollingSocket(limited.rasa_url)
    try:
        token = sock.start_session()
        refs = [socket_answer(sock, q)["feedback"]["ref"] for q in (
            "how long does a session take", "is ketamine addictive", "does insurance cover it")]
        sock.emit("user_uttered", {"message": "how much does it cost"})
        assert "faster than I can read" in sock.wait_for("bot_uttered")["text"]  # 4th: limited
        for _ in range(30):  # a flood of made-up votes: all refused, nothing stored
            assert vote(sock, "f" * 32, True)["accepted"] is False
        # Over the message limit, the patient can still say whether the answers helped.
        assert [vote(sock, ref, n != 1)["accepted"] for n, ref in enumerate(refs)] == [
            True, True, True]
        sock.emit("user_uttered", {"message": "how much does it cost"})
        assert "faster than I can read" in sock.wait_for("bot_uttered")["text"]
    finally:
        sock.close()
    assert total_votes(limited.votes_url) == before + 3  # the three answers, nothing else
    assert counts(limited.votes_url, "addiction_risk")[1] == unhelpful + 1
    # Nothing in the votes database can lead back to the conversation.
    path = Path(limited.votes_url[len("sqlite:///"):])
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(answer_feedback)")]
    assert columns == ["entry_id", "index_version", "helpful", "not_helpful"]
    assert token.split(".")[0].encode() not in path.read_bytes()


def test_bot_report_shows_helpful_and_not_helpful_per_entry_from_a_real_run(limited, tmp_path):
    sock = PollingSocket(limited.rasa_url)
    try:
        sock.start_session()
        ref = socket_answer(sock, "what is ketamine therapy")["feedback"]["ref"]
        assert vote(sock, ref, True)["accepted"]
        ref = socket_answer(sock, "can I drive home after a session")["feedback"]["ref"]
        result = vote(sock, ref, False)
        assert result["accepted"] and "didn't help" in result["reply"]["text"]
    finally:
        sock.close()
    html = tmp_path / "report.html"
    run = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--tracker-store", f"sqlite:///{limited.tracker}",
         "--votes-db", limited.votes_url, "--html", str(html)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    section = run.stdout.split("Did the answer help?")[1].split("Bookings:")[0]
    assert re.search(r"helpful\s+1\s+not helpful\s+0\s+what_is_ketamine_therapy", section)
    assert re.search(r"helpful\s+0\s+not helpful\s+1\s+after_the_session", section)
    assert "what_is_ketamine_therapy" in run.stdout.split("Answers per entry:")[1]
    assert "<td>after_the_session</td>" in html.read_text(encoding="utf-8")
    print(section)


# --- SMS: the same note wherever the assistant points to the phone -----------------------------
def test_sms_replies_that_point_to_the_phone_say_whether_the_clinic_is_open(assistant):
    profile = load_clinic()
    phone = "+15555550199"
    notes = {open_note(profile)}
    unknown = " ".join(send_sms(assistant, phone, "what's the weather in Dallas tomorrow"))
    person = " ".join(send_sms(assistant, phone, "can I talk to a real person please"))
    notes.add(open_note(profile))
    for reply in (unknown, person):
        assert profile.phone_display in reply
        assert any(note in reply for note in notes), reply
