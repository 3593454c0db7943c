"""The website widget's browser fixtures and helpers, shared by the widget's test modules.

``sites`` serves a clinic page (an allowed origin) and another site's page (not allowed), both
embedding the widget with its one script tag from the real Rasa server; ``browser`` is Debian's
headless Chromium driven by Playwright. conftest.py makes both fixtures available to every test
module.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from channel_clients import channel_settings
from servers import ROOT

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


@contextmanager
def clinic_site(rasa_url: str, port: int = 0, title: str = "clinic site") -> Iterator[str]:
    """Serve a page embedding the widget of the Rasa server at ``rasa_url``; yields its URL."""
    site = _Site(("127.0.0.1", port), _PageHandler)
    site.page = _clinic_page(rasa_url, title)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{site.server_port}/"
    finally:
        site.shutdown()
        site.server_close()


@pytest.fixture(scope="module")
def sites(assistant) -> Iterator[dict[str, str]]:
    """The clinic's website (an allowed origin) and another site (not allowed), both embedding
    the widget from the assistant's server."""
    settings = channel_settings()
    with (
        clinic_site(assistant.rasa_url, settings.site_port, "clinic site") as clinic,
        clinic_site(assistant.rasa_url, settings.other_site_port, "other site") as other,
    ):
        yield {"clinic": clinic, "other": other}


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
