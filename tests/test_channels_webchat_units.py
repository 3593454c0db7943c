"""The widget's patient-experience rules without servers: opening hours, how answers are shown,
vote tickets, the vote counters and their lines in the staff report."""

from __future__ import annotations

import gzip
import re
import sqlite3
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from servers import ROOT

from bot.channels import keywords, presentation
from bot.config import load_clinic, load_widget_settings
from bot.feedback import store, votes
from bot.opening_hours import (
    asked_day,
    day_note,
    open_note,
    outside_hours,
    status,
    with_open_note,
)
from bot.retrieval.knowledge import fill_placeholders, load_knowledge
from bot.retrieval.retriever import get_retriever
from bot.staff import report

CLINIC = load_clinic()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# --- open or closed -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "note"),
    [
        # Thursday 3 December 2026; Chicago is UTC-6 in winter.
        ("2026-12-03T14:00", "The clinic is open now, until 5:00 pm Central time."),
        ("2026-12-03T22:59", "The clinic is open now, until 5:00 pm Central time."),
        ("2026-12-03T23:00", "The clinic is closed now. It opens again tomorrow at 8:00 am "
                             "Central time."),
        ("2026-12-03T12:30", "The clinic is closed now. It opens again today at 8:00 am "
                             "Central time."),
        # Friday evening: the weekend follows.
        ("2026-12-04T23:30", "The clinic is closed now. It opens again on Monday at 8:00 am "
                             "Central time."),
        # Christmas Eve and Christmas Day are in closed_dates.
        ("2026-12-24T15:00", "The clinic is closed now. It opens again on Monday at 8:00 am "
                             "Central time."),
    ],
)
def test_the_clinic_says_whether_it_is_open_and_when_it_opens_again(now, note):
    assert open_note(CLINIC, utc(now)) == note


@pytest.mark.parametrize(("normalized", "verdict"), [
    ("weekends", "closed_day"), ("saturdays", "closed_day"), ("2026-12-05 morning", "closed_day"),
    ("2026-12-25", "closed_day"),  # Christmas Day is in closed_dates
    ("weekdays evening", "outside_hours"), ("weekdays after 18:00", "outside_hours"),
    ("any day 07:00", "outside_hours"),
    ("2026-12-07 morning", None), ("weekdays after 15:00", None), ("any day before 09:00", None),
    ("tuesdays", None), ("asap", None), ("week of 2026-12-07", None), (None, None),
])
def test_a_preferred_time_is_checked_against_the_opening_hours(normalized, verdict):
    assert outside_hours(normalized, CLINIC) == verdict
    assert outside_hours(normalized, replace(CLINIC, opening_hours=())) is None


def test_summer_time_and_far_reopening_and_no_hours():
    assert status(CLINIC, utc("2027-07-01T21:59")).open  # 4:59 pm CDT (UTC-5)
    assert not status(CLINIC, utc("2027-07-01T22:00")).open
    closed_long = replace(CLINIC, closed_dates=tuple(
        datetime(2026, 12, day).date() for day in range(1, 32)))
    assert open_note(closed_long, utc("2026-12-10T15:00")) == "The clinic is closed now."
    ten_days = replace(CLINIC, closed_dates=tuple(
        datetime(2026, 12, day).date() for day in range(7, 17)))
    assert "on Thursday, December 17 at 8:00 am" in open_note(ten_days, utc("2026-12-05T15:00"))
    no_hours = replace(CLINIC, opening_hours=())
    assert status(no_hours) is None and open_note(no_hours) == ""
    assert with_open_note("Call us.", no_hours) == "Call us."
    assert with_open_note("Call us.", CLINIC).startswith("Call us.\nThe clinic is ")


# Saturday 5 December 2026, 1 pm in Chicago.
SATURDAY = "2026-12-05T19:00"


@pytest.mark.parametrize(("now", "text", "note"), [
    (SATURDAY, "what about tomorrow", "Tomorrow (Sunday) the clinic is closed. It opens again on "
                                      "Monday at 8:00 am Central time."),
    (SATURDAY, "and monday?", "On Monday, December 7, the clinic is open from 8:00 am to 5:00 pm "
                              "Central time."),
    (SATURDAY, "are you open on saturdays", "On Saturdays the clinic is closed. It opens again "
                                            "on Monday at 8:00 am Central time."),
    (SATURDAY, "open today?", "Today (Saturday) the clinic is closed. It opens again on Monday "
                              "at 8:00 am Central time."),
    # asked by its name on the day itself ("and on sunday?" on a Sunday night, the sixteenth
    # round's e2e run): the day named, never only "closed now"
    ("2026-12-06T06:15", "and on sunday?", "Today (Sunday) the clinic is closed. It opens again "
                                           "tomorrow at 8:00 am Central time."),
    ("2026-12-07T15:00", "open today?", "Today (Monday) the clinic is open from 8:00 am to 5:00 "
                                        "pm Central time. The clinic is open now, until 5:00 "
                                        "pm Central time."),
    ("2026-12-02T15:00", "what about the weekend",
     "On Saturdays and Sundays the clinic is closed."),
    ("2026-12-21T15:00", "are you open thursday", "On Thursday, December 24, the clinic is closed "
                                                  "for a holiday. It opens again on Monday, "
                                                  "December 28 at 8:00 am Central time."),
    ("2026-12-07T15:00", "what about tmrw", "Tomorrow (Tuesday) the clinic is open from 8:00 am "
                                            "to 5:00 pm Central time."),
])
def test_a_day_asked_about_gets_whether_the_clinic_is_open_that_day(now, text, note):
    asked = asked_day(text, CLINIC, utc(now))
    assert asked is not None and day_note(asked, CLINIC, utc(now)) == note


@pytest.mark.parametrize("text", ["how much does it cost", "I sat in the sun all afternoon",
                                  "can i book for tomorrow", "my session is on monday, will i "
                                  "be able to drive home after", ""])
def test_other_messages_ask_about_no_day(text):
    assert asked_day(text, CLINIC, utc(SATURDAY)) is None


def test_no_day_note_without_opening_hours():
    asked = asked_day("what about tomorrow", CLINIC, utc(SATURDAY))
    assert day_note(asked, replace(CLINIC, opening_hours=()), utc(SATURDAY)) == ""


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ({"monday": "8-17"}, "not like 08:00-17:00"),
        ({"funday": "08:00-17:00"}, "not a weekday"),
        ({"monday": "17:00-08:00"}, "closes before it opens"),
        ({"monday": "08:00-25:00"}, "not a time of day"),
    ],
)
def test_malformed_opening_hours_stop_at_load(tmp_path, hours, problem):
    import yaml

    raw = yaml.safe_load((ROOT / "knowledge" / "clinic.yml").read_text(encoding="utf-8"))
    raw["clinic"]["opening_hours"] = hours
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_clinic(path)


def test_sms_help_names_the_phone_and_whether_the_clinic_is_open():
    reply = keywords.help_reply(CLINIC)
    assert CLINIC.phone_display in reply and "The clinic is" in reply


# --- suggested topics and source pages ------------------------------------------------------------
def test_the_suggested_topics_are_four_to_six_questions_the_assistant_answers():
    topics = load_widget_settings().suggested_topics
    assert 4 <= len(topics) <= 6
    retriever = get_retriever()
    for topic in topics:
        assert retriever.decide(topic).kind == "answer", topic


def test_too_many_topics_or_a_page_that_is_not_a_web_address_stop_at_load(tmp_path):
    import yaml

    raw = yaml.safe_load((ROOT / "knowledge" / "clinic.yml").read_text(encoding="utf-8"))
    raw["widget"]["suggested_topics"] = [f"question {n}?" for n in range(7)]
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="at most 6"):
        load_widget_settings(path)
    raw["widget"]["suggested_topics"] = ["one?"]
    raw["widget"]["source_pages"] = {"Patient FAQ: Costs": "javascript:alert(1)"}
    path = tmp_path / "clinic-2.yml"  # a new file: the clinic file is read once per path
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="not an http"):
        load_widget_settings(path)


# --- how an answer is shown ----------------------------------------------------------------
def test_the_source_is_named_in_plain_words_and_linked_when_the_clinic_gives_a_page():
    pages = load_widget_settings().source_pages
    assert presentation.source_label("Patient FAQ: Side effects and safety") == (
        "From our FAQ: Side effects and safety")
    assert presentation.source_label("Side effects and safety - Blood pressure") == (
        "From our article \u201cSide effects and safety\u201d: Blood pressure")
    assert presentation.source_label("Clinic information") == "From our clinic information"
    assert presentation.source_page("Side effects and safety - Blood pressure", pages) == (
        pages["Side effects and safety"])
    unlinked = "Who may benefit from ketamine therapy - Anxiety"
    assert presentation.source_page(unlinked, pages) is None


def test_a_long_answer_starts_with_its_first_two_sentences_verbatim():
    entry = get_retriever().get("what_is_ketamine_therapy")
    text = f"{entry.answer}\n\nSource: {entry.source}"
    shown = presentation.for_widget({"text": text}, load_widget_settings().source_pages)
    assert shown["text"] == entry.answer  # the whole reviewed text, one tap away
    assert entry.answer.startswith(shown["summary"])
    assert shown["summary"].count(". ") == 1 and shown["summary"].endswith(".")
    assert shown["source"] == {"label": "From our FAQ: Treatment basics",
                               "url": "https://example-clinic.test/faq#treatment-basics"}


def test_sentences_are_not_cut_at_abbreviations_and_short_answers_stay_whole():
    text = ("Ask Dr. Smith first, e.g. at the consultation. It takes 45 minutes. "
            "Then you rest for an hour or so, and a member of staff checks on you again before "
            "you go home.")
    assert presentation.summary(text) == ("Ask Dr. Smith first, e.g. at the consultation. "
                                          "It takes 45 minutes.")
    assert presentation.summary("One sentence. Two sentences. Three.") is None
    assert presentation.for_widget({"text": "Hello there."}, {}) == {"text": "Hello there."}


def test_every_knowledge_answer_is_shown_whole_or_as_a_verbatim_start():
    shortened = 0
    for entry in load_knowledge().entries:
        answer = fill_placeholders(entry.text, CLINIC.placeholders())
        short = presentation.summary(answer)
        assert short is None or (answer.startswith(short) and len(short) < len(answer))
        shortened += short is not None
    assert shortened > 50


# --- votes: tickets ------------------------------------------------------------------------
ANSWER = {
    "text": "An answer.\n\nSource: Patient FAQ: What to expect",
    "retrieval": {"decision": "answer", "entry": "session_length", "index": "abc@1"},
    "alternatives": [{"title": "How many sessions will I need?",
                      "payload": '/choose_answer{"answer_id":"course_of_treatment"}'}],
}


def test_a_ticket_is_issued_only_for_knowledge_answers_and_redeemed_once():
    session: dict = {}
    assert votes.issue(session, {"text": "Hello!"}) is None
    assert votes.issue(session, {"text": "?", "retrieval": {"decision": "none"}}) is None
    ref = votes.issue(session, ANSWER)
    assert ref and len(ref) == 32
    vote = votes.parse_vote({"ref": ref, "helpful": False})
    ticket = votes.redeem(session, vote)
    assert ticket["entry"] == "session_length" and ticket["index"] == "abc@1"
    assert votes.redeem(session, vote) is None  # once per showing
    assert votes.redeem({}, vote) is None  # another socket never holds it


@pytest.mark.parametrize("data", [None, "x", {"ref": "a" * 32}, {"ref": "a" * 32, "helpful": 1},
                                  {"ref": "short", "helpful": True}, {"entry": "cost",
                                                                       "helpful": True}])
def test_a_vote_is_a_reference_and_a_yes_or_no_nothing_else(data):
    assert votes.parse_vote(data) is None


def test_only_the_last_answers_can_be_rated():
    session: dict = {}
    refs = [votes.issue(session, ANSWER) for _ in range(votes.MAX_TICKETS + 3)]
    assert votes.redeem(session, votes.Vote(refs[0], True)) is None
    assert votes.redeem(session, votes.Vote(refs[-1], True)) is not None
    votes.forget(session)
    assert votes.redeem(session, votes.Vote(refs[-2], True)) is None


def test_no_offers_the_alternatives_a_person_and_whether_the_clinic_is_open():
    session: dict = {}
    ticket = votes.redeem(session, votes.Vote(votes.issue(session, ANSWER), False))
    reply = votes.not_helpful_reply(CLINIC, ticket, session)
    assert CLINIC.phone_display in reply["text"] and "The clinic is" in reply["text"]
    titles = [b["title"] for b in reply["buttons"]]
    assert titles == ["How many sessions will I need?", "Talk to a person",
                      "Request a consultation"]
    assert votes.offered_after_vote(session) == reply["buttons"]
    assert votes.offered_after_vote(session) == []  # one message may click them


def test_alternatives_are_the_next_candidates_above_the_threshold():
    candidates = [SimpleNamespace(id=i, title=i.title(), score=s)
                  for i, s in (("best", 0.9), ("near", 0.6), ("far", 0.2), ("next", 0.5))]
    offered = votes.alternatives(candidates, "best", 0.31)
    assert [b["title"] for b in offered] == ["Near", "Next"]
    assert offered[0]["payload"] == '/choose_answer{"answer_id":"near"}'


# --- votes: the counters -------------------------------------------------------------------
def test_votes_are_counters_per_entry_and_index_version_and_nothing_else(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'requests.db'}"
    assert store.read_counts(url) == {}  # no table yet
    for helpful in (True, True, False):
        store.record_vote("session_length", "abc@1", helpful, url=url)
    store.record_vote("session_length", "def@2", False, url=url)
    store.record_vote("cost", None, True, url=url)
    counts = store.read_counts(url)
    assert counts["session_length"] == {"helpful": 2, "not_helpful": 2,
                                        "versions": {"abc@1": [2, 1], "def@2": [0, 1]}}
    assert counts["cost"]["helpful"] == 1
    path = Path(url[len("sqlite:///"):])
    assert path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(answer_feedback)")]
        rows = db.execute("SELECT COUNT(*) FROM answer_feedback").fetchone()[0]
    assert columns == ["entry_id", "index_version", "helpful", "not_helpful"]
    assert rows == 3  # one row per entry and version, whatever the number of votes
    store.forget_engines()


def test_the_report_lists_helpful_and_not_helpful_per_entry():
    summary = report.Summary(votes={
        "cost": {"helpful": 1, "not_helpful": 3, "versions": {}},
        "session_length": {"helpful": 5, "not_helpful": 0, "versions": {}},
    })
    text = report.render_text(summary)
    section = text.split("Did the answer help?")[1]
    assert section.index("cost") < section.index("session_length")  # least helpful first
    assert "helpful    1  not helpful    3  cost" in section
    assert "<td>cost</td><td class='n'>1</td><td class='n'>3</td>" in report.render_html(summary)
    assert report.to_dict(summary)["votes"]["cost"]["not_helpful"] == 3
    assert "(no votes)" in report.render_text(report.Summary())


# --- the widget's weight ---------------------------------------------------------------------
def test_the_widget_stays_small_and_names_no_other_host():
    """docs/channels.md reports the sizes; the budget leaves room, not a free hand."""
    script = (ROOT / "web" / "widget.js").read_bytes()
    styles = (ROOT / "web" / "widget.css").read_bytes()
    assert len(script) <= 32_000 and len(gzip.compress(script, 9)) <= 9_000
    assert len(styles) <= 12_000 and len(gzip.compress(styles, 9)) <= 3_500
    for text in (script, styles):
        assert not re.search(rb"https?://[A-Za-z0-9]", text)  # only the assistant's own server
        assert b"@import" not in text and b"fonts." not in text
