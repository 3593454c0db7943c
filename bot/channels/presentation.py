"""How the website chat shows a knowledge answer: a short start, the source in plain words.

A knowledge answer arrives as the reviewed text, a blank line, and ``Source: <source>``
(``bot.replies.format_answer``). For the widget, :func:`for_widget` splits the source off and
names it the way a patient would ("From our FAQ: Side effects and safety"), linked to the
clinic's page for it when ``knowledge/clinic.yml`` (``widget.source_pages``) gives one, and,
for a long answer, marks its first two sentences as the ``summary`` the widget shows first,
with "Show more" for the rest. The summary is the reviewed text's own beginning, cut at a
sentence end: nothing is rewritten. SMS keeps the whole text and its own paging.

Rasa-free (unit tests import it from the action environment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SOURCE_PREFIX = "Source: "
SUMMARY_SENTENCES = 2
MIN_HIDDEN_CHARS = 80  # a "Show more" must hide more than a line or so
FAQ_PREFIX = "Patient FAQ: "
ARTICLE_SEPARATOR = " - "  # article passages: "<article title> - <section heading>"

# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital
# letter or a digit.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "vs", "etc", "e.g", "i.e", "approx",
                            "a.m", "p.m", "no", "jr", "sr", "fig"})  # fmt: skip


def split_source(text: str) -> tuple[str, str | None]:
    """(the answer, its source) when ``text`` ends with a ``Source:`` paragraph."""
    head, sep, last = (text or "").rstrip().rpartition("\n\n")
    if sep and last.startswith(SOURCE_PREFIX) and "\n" not in last:
        return head.rstrip(), last[len(SOURCE_PREFIX):].strip()
    return text, None


def source_label(source: str) -> str:
    """The source in a patient's words: "From our FAQ: ...", "From our article: ..."."""
    source = " ".join(source.split())
    if source.startswith(FAQ_PREFIX):
        return "From our FAQ: " + source[len(FAQ_PREFIX):]
    if ARTICLE_SEPARATOR in source:
        title, _, section = source.partition(ARTICLE_SEPARATOR)
        return f"From our article \u201c{title}\u201d: {section}"
    return "From our " + source[:1].lower() + source[1:]


def source_page(source: str, pages: Mapping[str, str]) -> str | None:
    """The clinic's page for ``source`` (or for its article), when the clinic file names one."""
    source = " ".join(source.split())
    url = pages.get(source) or pages.get(source.partition(ARTICLE_SEPARATOR)[0])
    return url if isinstance(url, str) and re.match(r"^https?://\S+$", url) else None


def sentence_ends(text: str) -> list[int]:
    """Positions just after each sentence of ``text`` but the last."""
    ends = []
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[: match.start()])
        token = (word.group(1) if word else "").lstrip("(\"'\u201c").lower()
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        ends.append(match.end())
    return ends


def summary(text: str, sentences: int = SUMMARY_SENTENCES) -> str | None:
    """The first ``sentences`` sentences of ``text``, verbatim, when the rest is worth hiding;
    None for a short answer."""
    ends = sentence_ends(text)
    if len(ends) < sentences:
        return None
    cut = ends[sentences - 1]
    if len(text) - cut < MIN_HIDDEN_CHARS:
        return None
    return text[:cut]


def for_widget(message: dict[str, Any], pages: Mapping[str, str]) -> dict[str, Any]:
    """``message`` (a widget message) with its source split off and, when long, a summary."""
    body, source = split_source(str(message.get("text") or ""))
    if source is None:
        return message
    shown = {**message, "text": body, "source": {"label": source_label(source)}}
    url = source_page(source, pages)
    if url:
        shown["source"]["url"] = url
    short = summary(body)
    if short:
        shown["summary"] = short
    return shown
