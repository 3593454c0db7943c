"""Channel rules without servers: SMS style, paging, keywords, option replies, session tokens."""

from __future__ import annotations

import pytest

from bot.channels import formatting, keywords, offers
from bot.channels.session_token import SessionSigner, check_key, keyed_sender_id
from bot.config import RetrievalSettings, load_clinic
from bot.retrieval import debug as retrieval_debug
from bot.retrieval.retriever import Candidate, Decision

KEY = "k" * 40
LONG_ANSWER = (
    "Ketamine therapy uses small, carefully measured amounts of ketamine, given at a clinic, "
    "to help with depression, anxiety and PTSD. It is the same medicine first developed for "
    "anaesthesia, but the doses are much lower and every session is watched by medical staff. "
    "Many people try it after other treatments have not helped enough. A clinician first meets "
    "you to talk through whether it could suit you. Sessions last about an hour, and most "
    "people have several over a few weeks. Effects can be felt within hours or days.\n\n"
    "Source: Patient FAQ: Treatment basics"
)


# --- plain text ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("**Call** us at _once_", "Call us at once"),
        ("See [our hours](https://clinic.example/hours).", "See our hours (https://clinic.example/hours)."),
        ("Call [(555) 555-0100](tel:+15555550100)", "Call (555) 555-0100 (+15555550100)"),
        ("<p>Hello <b>there</b></p><p>Second</p>", "Hello there\nSecond"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("## Heading\n* one\n* two", "Heading\n- one\n- two"),
        ("It\u2019s \u201cfine\u201d \u2013 really\u2026", "It's \"fine\" - really..."),
        ("a\n\n\n\nb", "a\n\nb"),
        ("snake_case_word and 2*3*4", "snake_case_word and 2*3*4"),
    ],
)
def test_markdown_and_html_become_plain_text(markup: str, plain: str) -> None:
    assert formatting.to_plain_text(markup) == plain


def test_script_tags_are_not_sent_as_markup() -> None:
    assert "<" not in formatting.to_plain_text("<script>alert(1)</script>Hi")


def test_buttons_become_numbered_options_after_the_text() -> None:
    turn = formatting.render_turn(
        [
            {
                "text": "I'm not sure which of these you mean. Please pick one:",
                "buttons": [
                    {"title": "What is ketamine therapy?", "payload": "/choose_answer{}"},
                    {"title": "**Side effects**", "payload": "/choose_answer{}"},
                ],
            }
        ]
    )
    assert turn.text.endswith(
        "Please pick one:\n\n1) What is ketamine therapy?\n2) Side effects\nReply with a number."
    )
    assert "/choose_answer" not in turn.text
    assert not turn.crisis


def test_custom_payloads_are_markers_not_text() -> None:
    turn = formatting.render_turn(
        [{"text": "Please call or text 988 now.", "custom": {"kind": "crisis"}}]
    )
    assert turn.text == "Please call or text 988 now."
    assert turn.crisis


# --- segments and paging -------------------------------------------------------------------
def test_segment_counts_follow_sms_concatenation_rules() -> None:
    assert formatting.segment_count("a" * 160) == 1
    assert formatting.segment_count("a" * 161) == 2
    assert formatting.segment_count("a" * 306) == 2
    assert formatting.segment_count("a" * 307) == 3
    assert formatting.segment_count("\U0001f600" * 35) == 1  # UCS-2: 70 code units
    assert formatting.segment_count("é" * 160) == 1  # é is in the GSM alphabet
    assert formatting.segment_count("ś" * 71) == 2  # ś is not: UCS-2


def test_short_reply_is_sent_whole() -> None:
    page = formatting.paginate("Our phone number is (555) 555-0100.", 3)
    assert page == formatting.Page("Our phone number is (555) 555-0100.", "")


def test_long_reply_is_cut_at_a_sentence_and_the_rest_waits_for_more() -> None:
    page = formatting.paginate(LONG_ANSWER, 3)
    assert formatting.segment_count(page.text) <= 3
    assert page.text.endswith("\n\nReply MORE for the rest.")
    shown = page.text.removesuffix("\n\nReply MORE for the rest.")
    assert shown.endswith(".")  # a whole sentence, never half a word
    assert (shown + " " + page.remainder).replace("\n\n", " ") == LONG_ANSWER.replace("\n\n", " ")
    rest = formatting.paginate(page.remainder, 3)
    assert rest.remainder == ""
    assert rest.text.endswith("Source: Patient FAQ: Treatment basics")


def test_every_page_fits_the_budget_until_the_text_is_used_up() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(200))
    seen, pages = [], 0
    page = formatting.paginate(text, 2)
    while True:
        pages += 1
        assert formatting.segment_count(page.text) <= 2
        seen.append(page.text.removesuffix("\n\nReply MORE for the rest."))
        if not page.remainder:
            break
        page = formatting.paginate(page.remainder, 2)
    assert " ".join(seen) == text
    assert pages > 5


def test_a_single_endless_word_is_still_cut() -> None:
    page = formatting.paginate("x" * 5000, 3)
    assert formatting.segment_count(page.text) <= 3
    assert len(page.remainder) > 4000


def test_each_bot_message_is_its_own_sms_and_only_a_long_one_is_cut() -> None:
    greeting = {"text": "Hi, I'm the clinic's automated assistant."}
    offer = {
        "text": "Is that OK with you?",
        "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
    }
    reply = formatting.plan_reply([greeting, offer], max_segments=3)
    assert reply.messages == [greeting["text"], "Is that OK with you?\n\n1) Yes\n2) No\n"
                              "Reply with a number."]
    assert reply.remainder == ""

    long = {"text": LONG_ANSWER}
    reply = formatting.plan_reply([greeting, long, offer], max_segments=3)
    assert reply.messages[0] == greeting["text"]
    assert reply.messages[1].endswith(formatting.MORE_HINT)
    assert len(reply.messages) == 2  # the offer waits behind the rest of the long answer
    assert reply.remainder.endswith("1) Yes\n2) No\nReply with a number.")


def test_a_crisis_message_is_never_cut() -> None:
    crisis = {"text": LONG_ANSWER, "custom": {"kind": "crisis"}}
    reply = formatting.plan_reply([crisis], max_segments=1)
    assert reply.messages == [formatting.to_plain_text(LONG_ANSWER)]
    assert reply.remainder == ""


# --- carrier keywords ----------------------------------------------------------------------
@pytest.mark.parametrize("word", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel",
                                  "END", "quit"])
def test_opt_out_keywords(word: str) -> None:
    assert keywords.classify(word, opted_out=False) is keywords.Keyword.OPT_OUT


@pytest.mark.parametrize("word", ["HELP", "help!", "Info"])
def test_help_keywords(word: str) -> None:
    assert keywords.classify(word, opted_out=False) is keywords.Keyword.HELP
    assert keywords.classify(word, opted_out=True) is keywords.Keyword.HELP


def test_yes_resubscribes_only_someone_who_opted_out() -> None:
    assert keywords.classify("START", opted_out=False) is keywords.Keyword.OPT_IN
    assert keywords.classify("yes", opted_out=True) is keywords.Keyword.OPT_IN
    assert keywords.classify("yes", opted_out=False) is None


@pytest.mark.parametrize(
    "text", ["stop the booking", "cancel my request", "I need help", "please stop", "", "   "]
)
def test_sentences_are_for_the_assistant_not_keywords(text: str) -> None:
    assert keywords.classify(text, opted_out=False) is None


def test_help_reply_names_the_clinic_its_phone_and_the_crisis_line() -> None:
    profile = load_clinic()
    reply = keywords.help_reply(profile)
    assert profile.name in reply and profile.phone_display in reply
    assert "988" in reply and "911" in reply and "STOP" in reply
    assert formatting.segment_count(reply) <= 2
    assert "START" in keywords.opt_out_reply(profile)


# --- options and commands ------------------------------------------------------------------
OFFER = [
    {"event": "user", "text": "does it help depression"},
    {"event": "bot", "text": "Please pick one:", "data": {"buttons": [
        {"title": "Treatment-resistant depression", "payload": '/choose_answer{"answer_id":"trd"}'},
        {"title": "Conditions treated", "payload": '/choose_answer{"answer_id":"conditions"}'},
    ]}},
    {"event": "action", "name": "action_listen"},
]  # fmt: skip


def test_numeric_reply_maps_to_the_offered_payload() -> None:
    buttons = offers.offered_buttons(OFFER)
    for reply in ("2", " 2 ", "2)", "#2", "2."):
        resolved = offers.resolve_number(reply, buttons)
        assert resolved.text == '/choose_answer{"answer_id":"conditions"}'
        assert resolved.option_title == "Conditions treated"


def test_numbers_outside_the_options_or_without_an_offer_stay_text() -> None:
    assert offers.resolve_number("3", offers.offered_buttons(OFFER)).text == "3"
    answered = [*OFFER, {"event": "user", "text": "2"}, {"event": "bot", "text": "An answer"}]
    assert offers.offered_buttons(answered) == []
    assert offers.resolve_number("2", []).text == "2"
    assert offers.resolve_number("5551234567", offers.offered_buttons(OFFER)).text == "5551234567"


def test_only_offered_payloads_pass_as_commands() -> None:
    buttons = offers.offered_buttons(OFFER)
    offered = offers.guard_command('/choose_answer{"answer_id":"trd"}', buttons)
    assert offered.text == '/choose_answer{"answer_id":"trd"}'
    assert offered.option_title == "Treatment-resistant depression"
    assert offers.guard_command("/restart", buttons).text == "restart"
    injected = offers.guard_command('/inform{"phone":"123"}', buttons)
    assert not injected.text.startswith("/")
    assert offers.guard_command("  what is it ", []).text == "what is it"


def test_history_shows_titles_for_clicks_and_drops_internal_events() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        *OFFER,
        {"event": "user", "text": '/choose_answer{"answer_id":"trd"}',
         "metadata": {"option_title": "Treatment-resistant depression"}},
        {"event": "bot", "text": "Answer text", "data": {"custom": {"kind": "crisis"}}},
        {"event": "user", "text": "/restart"},
    ]  # fmt: skip
    shown = offers.history(events)
    assert [m["sender"] for m in shown] == ["user", "bot", "user", "bot"]
    assert shown[2]["text"] == "Treatment-resistant depression"
    assert shown[1]["buttons"][0]["title"] == "Treatment-resistant depression"
    assert shown[3]["custom"] == {"kind": "crisis"}
    assert offers.history([*events, {"event": "restart"}]) == []


def test_history_shows_a_session_greeting_after_the_message_that_started_the_session() -> None:
    # Rasa logs action_session_start's greeting before the message that triggered it.
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "bot", "text": "Hi, I'm the clinic's automated assistant."},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "what is ketamine therapy"},
        {"event": "bot", "text": "Ketamine therapy is..."},
    ]
    assert [m["text"] for m in offers.history(events)] == [
        "what is ketamine therapy",
        "Hi, I'm the clinic's automated assistant.",
        "Ketamine therapy is...",
    ]


# --- session tokens and sender ids ---------------------------------------------------------
def test_issued_token_verifies_and_resumes_the_same_conversation() -> None:
    signer = SessionSigner(KEY, max_age_seconds=3600)
    session = signer.issue(now=1000)
    again = signer.verify(session.token, now=2000)
    assert again is not None and again.sender_id == session.sender_id
    assert signer.issue(now=1000).sender_id != session.sender_id


def test_forged_expired_or_foreign_tokens_are_refused() -> None:
    signer = SessionSigner(KEY, max_age_seconds=3600)
    token = signer.issue(now=1000).token
    sender, issued, active, mac = token.split(".")
    chosen = "0" * 32
    assert signer.verify(f"{chosen}.{issued}.{active}.{mac}", now=1000) is None  # another id
    assert signer.verify(f"{sender}.{int(issued) + 9999}.{active}.{mac}", now=1000) is None
    assert signer.verify(f"{sender}.{issued}.{int(active) + 600}.{mac}", now=1000) is None
    assert signer.verify(token, now=1000 + 3601) is None  # expired
    assert SessionSigner("x" * 40, 3600).verify(token, now=1000) is None  # other server key
    for junk in (None, 42, "", "abc", chosen, token + "0", {"token": token}):
        assert signer.verify(junk, now=1000) is None


def test_an_idle_session_cannot_be_resumed_and_activity_keeps_it_alive() -> None:
    signer = SessionSigner(KEY, max_age_seconds=24 * 3600, idle_seconds=30 * 60)
    started = signer.issue(now=1000)
    assert signer.verify(started.token, now=1000 + 30 * 60 + 1) is None  # left idle
    session = started
    for minute in range(20, 6 * 60, 20):  # a message every 20 minutes for six hours
        session = signer.verify(session.token, now=1000 + minute * 60)
        assert session is not None and session.sender_id == started.sender_id
        session = signer.renew(session, now=1000 + minute * 60)
    assert signer.verify(session.token, now=1000 + 6 * 3600 + 31 * 60) is None
    # Renewal never extends a conversation past its maximum age.
    late = signer.renew(started, now=1000 + 24 * 3600 - 60)
    assert signer.verify(late.token, now=1000 + 24 * 3600 - 30) is not None
    assert signer.verify(late.token, now=1000 + 24 * 3600 + 1) is None


def test_short_or_missing_keys_are_refused() -> None:
    for key in (None, "", "short"):
        with pytest.raises(ValueError, match="at least 32"):
            check_key(key, "setting")


def test_sms_sender_id_is_a_keyed_hash_not_the_number() -> None:
    key = KEY.encode()
    sender = keyed_sender_id(key, "+15551234567")
    assert "5551234567" not in sender
    assert sender == keyed_sender_id(key, "+1 (555) 123-4567")
    assert sender != keyed_sender_id(b"another key of enough length....", "+15551234567")
    assert sender != keyed_sender_id(key, "+15551234568")


# --- staff debug mode ----------------------------------------------------------------------
def _candidate(entry: str, score: float) -> Candidate:
    return Candidate(id=entry, kind="faq", title=entry, answer="...", source=f"FAQ: {entry}",
                     score=score)


def test_debug_lines_show_decision_score_source_and_runners_up() -> None:
    best = _candidate("what_is_ketamine_therapy", 0.712)
    others = [_candidate("how_it_works", 0.61), _candidate("side_effects", 0.4)]
    decision = Decision(kind="answer", query="q", best=best, candidates=[best, *others])
    text = retrieval_debug.format_decision(decision, RetrievalSettings(0.5, 0.03, 3))
    assert "decision: answer (best score 0.712); answer threshold 0.50" in text
    assert "faq:what_is_ketamine_therapy  (FAQ: what_is_ketamine_therapy)" in text
    assert "2. 0.610  faq:how_it_works" in text and "3. 0.400  faq:side_effects" in text


def test_debug_mode_is_for_the_staff_shell_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(retrieval_debug.ENV_FLAG, "1")
    assert retrieval_debug.enabled("cmdline")
    assert not retrieval_debug.enabled("webchat")
    assert not retrieval_debug.enabled("twilio_sms")
    monkeypatch.delenv(retrieval_debug.ENV_FLAG)
    assert not retrieval_debug.enabled("cmdline")


def test_a_restored_history_masks_what_the_form_collected() -> None:
    events = [
        {"event": "user", "text": "I'd like to book a consultation"},
        {"event": "slot", "name": "requested_slot", "value": "full_name"},
        {"event": "bot", "text": "Thank you. What is your full name?"},
        {"event": "user", "text": "Quentin Marlowe"},
        {"event": "slot", "name": "requested_slot", "value": "contact"},
        {"event": "user", "text": "+12145550142"},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "bot", "text": "Here is your consultation request:\n- Name: Quentin Marlowe\n"
                                 "- Phone: (214) 555-0142\n- Location: North office"},
        {"event": "user", "text": "what does it cost"},
    ]
    shown = " ".join(m["text"] for m in offers.history(events))
    assert "Quentin" not in shown and "555" not in shown and "+1214" not in shown
    assert "North office" in shown and "what does it cost" in shown
    assert "I'd like to book a consultation" in shown


def test_a_message_marked_whole_is_never_paged():
    from bot.config import load_clinic
    from bot.replies import spanish_note

    note = spanish_note(load_clinic())  # accented: 70-character segments
    reply = formatting.plan_reply([{"text": note, "custom": {"whole": True}}], max_segments=2)
    assert reply.messages == [note] and reply.remainder == ""
    cut = formatting.plan_reply([{"text": note}], max_segments=2)
    assert cut.remainder  # without the mark the same text would wait for MORE
