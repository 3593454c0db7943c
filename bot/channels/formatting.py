"""SMS style: plain text, numbered options, and replies paged to a few SMS segments.

Pure functions, no Rasa import: the SMS channel calls them inside the Rasa process and the
unit tests call them directly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MORE_KEYWORD = "MORE"
MORE_HINT = "Reply MORE for the rest."
OPTIONS_HINT = "Reply with a number."
CRISIS_KIND = "crisis"

# Typographic characters outside the GSM-7 alphabet turn a whole SMS into UCS-2, which cuts a
# segment from 153 to 67 characters; their plain equivalents read the same on a phone.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2022": "-",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)

# GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")

_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\s*/?\s*>", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_BULLET = re.compile(r"^\s*[*+]\s+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def to_plain_text(text: str | None) -> str:
    """Markdown and HTML rendered as the plain text a phone shows (links keep their address)."""
    if not text:
        return ""
    out = _HTML_BREAK.sub("\n", text)
    out = _HTML_TAG.sub("", out)
    out = html.unescape(out)
    out = _MD_IMAGE.sub(lambda m: f"{m.group(1)} ({m.group(2)})".strip(), out)
    out = _MD_LINK.sub(_link_text, out)
    out = _MD_CODE.sub(r"\1", out)
    out = _MD_BOLD.sub(r"\2", out)
    out = _MD_ITALIC.sub(r"\2", out)
    out = _MD_HEADING.sub("", out)
    out = _MD_BULLET.sub("- ", out)
    out = _MD_QUOTE.sub("", out)
    out = out.translate(_TYPOGRAPHY)
    lines = [_SPACES.sub(" ", line).strip() for line in out.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _link_text(match: re.Match) -> str:
    label, url = match.group(1).strip(), match.group(2).strip()
    target = url.removeprefix("tel:").removeprefix("mailto:")
    return label if target == label or url == label else f"{label} ({target})"


def numbered_options(buttons: Iterable[Mapping[str, Any]]) -> str:
    """Buttons as "1) title" lines: an SMS cannot show buttons, a number is quick to type."""
    lines = [
        f"{position}) {to_plain_text(str(button.get('title') or button.get('payload') or ''))}"
        for position, button in enumerate(buttons, 1)
    ]
    return "\n".join(lines + [OPTIONS_HINT]) if lines else ""


def is_crisis(message: Mapping[str, Any]) -> bool:
    """True for a reply the safety layer marked with ``{"custom": {"kind": "crisis"}}``."""
    custom = message.get("custom")
    return isinstance(custom, Mapping) and custom.get("kind") == CRISIS_KIND


def is_whole(message: Mapping[str, Any]) -> bool:
    """True for a reply that must arrive uncut: a crisis reply, or one that names the crisis
    line ({"custom": {"whole": true}}, e.g. the Spanish note with 988 and 911)."""
    custom = message.get("custom")
    return is_crisis(message) or (isinstance(custom, Mapping) and custom.get("whole") is True)


@dataclass(frozen=True)
class SmsTurn:
    """One bot turn rendered for SMS: the full text and whether it may be paged."""

    text: str
    crisis: bool


def render_turn(messages: Iterable[Mapping[str, Any]]) -> SmsTurn:
    """A bot turn (Rasa response dicts) as one plain-text SMS reply.

    Text, numbered options and image addresses are kept; custom payloads are channel markers,
    never shown as JSON.
    """
    parts: list[str] = []
    crisis = False
    for message in messages:
        crisis = crisis or is_crisis(message)
        text = to_plain_text(message.get("text"))
        if text:
            parts.append(text)
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            parts.append(numbered_options(buttons))
        if message.get("image"):
            parts.append(str(message["image"]))
    return SmsTurn(text="\n\n".join(p for p in parts if p).strip(), crisis=crisis)


@dataclass(frozen=True)
class Reply:
    """The SMS to send now (one per bot message) and the text held back for MORE."""

    messages: list[str]
    remainder: str


def plan_reply(messages: Iterable[Mapping[str, Any]], max_segments: int) -> Reply:
    """Each bot message of a turn as its own SMS of at most ``max_segments`` segments.

    A message that is longer is cut (see ``paginate``) and everything after the cut waits for
    MORE, in order. A crisis message, or one marked whole, is never cut: 988 and 911 must
    arrive in full.
    """
    sent: list[str] = []
    held: list[str] = []
    for message in messages:
        text = render_turn([message]).text
        if not text:
            continue
        if held:
            held.append(text)
        elif is_whole(message):
            sent.append(text)
        else:
            page = paginate(text, max_segments)
            sent.append(page.text)
            if page.remainder:
                held.append(page.remainder)
    return Reply(messages=sent, remainder="\n\n".join(held))


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (160/153-character segments)."""
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def segment_count(text: str) -> int:
    """How many SMS segments a carrier bills for ``text`` (concatenated SMS rules)."""
    if is_gsm7(text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)  # UTF-16 code units
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


@dataclass(frozen=True)
class Page:
    """What is sent now, and what waits for MORE (empty when nothing does)."""

    text: str
    remainder: str


def paginate(text: str, max_segments: int) -> Page:
    """Cut ``text`` to at most ``max_segments`` SMS segments, at a paragraph, sentence or word.

    When something is held back, the page ends with "Reply MORE for the rest." and the held-back
    text is returned as ``remainder``.
    """
    text = text.strip()
    if max_segments <= 0 or segment_count(text) <= max_segments:
        return Page(text=text, remainder="")
    suffix = "\n\n" + MORE_HINT
    pieces = _pieces(text)
    page = ""
    taken = 0
    for piece, separator in pieces:
        candidate = page + (separator if page else "") + piece
        if segment_count(candidate + suffix) > max_segments:
            break
        page = candidate
        taken += 1
    if taken == 0:
        page, rest = _cut_words(pieces[0][0], max_segments, suffix)
        remainder = _join([(rest, "")] + pieces[1:]) if rest else _join(pieces[1:])
    else:
        remainder = _join(pieces[taken:])
    if not remainder:
        return Page(text=page, remainder="")
    return Page(text=page + suffix, remainder=remainder)


def _pieces(text: str) -> list[tuple[str, str]]:
    """Paragraphs, and sentences of paragraphs, each with the separator that preceded it."""
    pieces: list[tuple[str, str]] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        sentences = [s for s in _SENTENCE_END.split(paragraph.strip()) if s]
        for s_index, sentence in enumerate(sentences):
            if s_index:
                separator = " "
            else:
                separator = "\n\n" if p_index else ""
            pieces.append((sentence, separator))
    return pieces


def _join(pieces: list[tuple[str, str]]) -> str:
    out = ""
    for piece, separator in pieces:
        out += (separator if out else "") + piece
    return out.strip()


def _cut_words(sentence: str, max_segments: int, suffix: str) -> tuple[str, str]:
    words = sentence.split(" ")
    if segment_count(words[0] + suffix) > max_segments:  # one endless "word": cut characters
        cut = len(words[0])
        while cut > 1 and segment_count(words[0][:cut] + suffix) > max_segments:
            cut = cut * 9 // 10
        return words[0][:cut], " ".join([words[0][cut:]] + words[1:]).strip()
    page = words[0]
    for index, word in enumerate(words[1:], 1):
        if segment_count(page + " " + word + suffix) > max_segments:
            return page, " ".join(words[index:])
        page += " " + word
    return page, ""
