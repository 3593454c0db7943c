"""ActionAnswerQuestion against the real domain, with the real retriever and with failing ones."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerQuestion
from bot import replies
from bot.config import load_clinic
from bot.retrieval.retriever import RetrievalUnavailable, get_retriever

PRIVATE_TEXT = "my name is Jane Roe and my number is 555-123-4567, how fast does it work"


def candidate(entry_id: str, title: str, answer: str, source: str, score: float = 0.8):
    """A retrieval candidate shaped as the Retrieval API contract describes it."""
    return SimpleNamespace(
        id=entry_id, kind="faq", title=title, answer=answer, source=source, score=score
    )


def decision(kind: str, best=None, options=(), notice=None):
    """A retrieval decision shaped as the Retrieval API contract describes it."""
    return SimpleNamespace(
        kind=kind, query="q", best=best, options=list(options), candidates=[], notice=notice
    )


class ScriptedRetriever:
    """Returns a fixed decision: for the reply paths the real knowledge cannot be forced into."""

    def __init__(self, result=None, entries=(), error: Exception | None = None):
        self.result, self.entries, self.error = result, {e.id: e for e in entries}, error
        self.asked: list[str] = []

    def decide(self, text: str):
        self.asked.append(text)
        if self.error:
            raise self.error
        return self.result

    def get(self, entry_id: str):
        return self.entries.get(entry_id)


async def run_action(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_name_is_the_snake_case_of_the_class():
    assert ActionAnswerQuestion().name() == "action_answer_question"


# --- with the real retriever and the clinic's real knowledge ---
async def test_a_clear_question_gets_the_clinic_answer_and_its_source(domain, tracker_for):
    tracker = tracker_for("how quickly does ketamine start to work", intent="ask_question")
    messages, slots = await run_action(ActionAnswerQuestion(), tracker, domain)

    expected = get_retriever().get("how_fast_it_works")
    assert len(messages) == 1
    assert messages[0]["text"] == replies.format_answer(expected.answer, expected.source)
    assert messages[0]["text"].splitlines()[-1] == f"Source: {expected.source}"
    assert slots["human_offered"] is False


async def test_an_unrelated_question_gets_an_honest_i_dont_know(domain, tracker_for):
    profile = load_clinic()
    tracker = tracker_for("what's the best recipe for lasagna", intent="out_of_scope")
    messages, slots = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert len(messages) == 1
    assert "don't know" in messages[0]["text"]
    assert profile.phone_display in messages[0]["text"]
    assert profile.hours_text in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Talk to a person", "payload": "/ask_human"}]
    assert slots["human_offered"] is True


async def test_a_button_payload_answers_the_chosen_entry(domain, tracker_for):
    chosen = get_retriever().get("session_length")
    tracker = tracker_for(
        '/choose_answer{"answer_id":"session_length"}',
        intent="choose_answer",
        entities=[{"entity": "answer_id", "value": "session_length"}],
    )
    messages, slots = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert [m["text"] for m in messages] == [replies.format_answer(chosen.answer, chosen.source)]
    assert slots["answer_id"] is None


async def test_an_unknown_chosen_id_is_admitted_honestly(domain, tracker_for):
    profile = load_clinic()
    tracker = tracker_for(
        '/choose_answer{"answer_id":"no_such_entry"}',
        intent="choose_answer",
        entities=[{"entity": "answer_id", "value": "no_such_entry"}],
    )
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert len(messages) == 1
    assert "can't find that answer" in messages[0]["text"]
    assert profile.phone_display in messages[0]["text"]


# --- reply paths driven by a scripted decision ---
async def test_clarify_offers_buttons_that_answer_each_option(domain, tracker_for):
    options = [
        candidate("session_length", "How long does a session take?", "About an hour.", "FAQ"),
        candidate("how_long_effects_last", "How long does relief last?", "Weeks.", "FAQ"),
        candidate("course_of_treatment", "How many sessions?", "Several.", "FAQ"),
    ]
    retriever = ScriptedRetriever(decision("clarify", best=options[0], options=options))
    action = ActionAnswerQuestion(retriever_factory=lambda: retriever)
    messages, slots = await run_action(
        action, tracker_for("how long does it last", intent="ask_question"), domain
    )

    assert messages[0]["text"] == replies.clarify_prompt()
    assert messages[0]["buttons"] == [
        {"title": "How long does a session take?",
         "payload": '/choose_answer{"answer_id":"session_length"}'},
        {"title": "How long does relief last?",
         "payload": '/choose_answer{"answer_id":"how_long_effects_last"}'},
        {"title": "How many sessions?",
         "payload": '/choose_answer{"answer_id":"course_of_treatment"}'},
    ]  # fmt: skip
    assert slots["offered_answers"] == [o.id for o in options]


@pytest.mark.parametrize(
    ("typed", "expected_id"),
    [("the second one", "b"), ("option 1", "a"), ("the last one", "c"), ("3rd", "c")],
)
async def test_a_typed_choice_answers_the_offered_option(domain, tracker_for, typed, expected_id):
    entries = [candidate(i, f"Title {i}", f"Answer {i}.", f"Source {i}") for i in "abc"]
    retriever = ScriptedRetriever(entries=entries)
    tracker = tracker_for(typed, intent="choose_answer", slots={"offered_answers": ["a", "b", "c"]})
    messages, _ = await run_action(
        ActionAnswerQuestion(retriever_factory=lambda: retriever), tracker, domain
    )

    assert messages[0]["text"] == replies.format_answer(
        f"Answer {expected_id}.", "Source " + expected_id
    )
    assert retriever.asked == []


async def test_a_choice_without_an_offer_is_treated_as_a_question(domain, tracker_for):
    best = candidate("x", "X", "An answer.", "FAQ")
    retriever = ScriptedRetriever(decision("answer", best=best, options=[best]))
    tracker = tracker_for("the first one", intent="choose_answer")
    messages, _ = await run_action(
        ActionAnswerQuestion(retriever_factory=lambda: retriever), tracker, domain
    )

    assert retriever.asked == ["the first one"]
    assert messages[0]["text"] == replies.format_answer("An answer.", "FAQ")


async def test_a_notice_about_unusable_input_is_passed_on(domain, tracker_for):
    notice = "Your message looks empty. Please type your question."
    retriever = ScriptedRetriever(decision("none", notice=notice))
    messages, _ = await run_action(
        ActionAnswerQuestion(retriever_factory=lambda: retriever),
        tracker_for("   ", intent="nlu_fallback"),
        domain,
    )
    assert [m["text"] for m in messages] == [notice]


def _unavailable_factory():
    raise RetrievalUnavailable("index missing: run `python -m bot index`")


@pytest.mark.parametrize(
    "make_action",
    [
        pytest.param(lambda: ActionAnswerQuestion(retriever_factory=_unavailable_factory),
                     id="index missing"),
        pytest.param(lambda: ActionAnswerQuestion(retriever_factory=lambda: ScriptedRetriever(
            error=RuntimeError(f"failed on {PRIVATE_TEXT}"))), id="search crashes"),
    ],
)  # fmt: skip
async def test_a_broken_retrieval_layer_is_admitted_without_logging_the_message(
    domain, tracker_for, caplog, make_action
):
    profile = load_clinic()
    caplog.set_level(logging.DEBUG)
    messages, slots = await run_action(
        make_action(), tracker_for(PRIVATE_TEXT, intent="ask_question"), domain
    )

    assert len(messages) == 1
    assert "can't look that up right now" in messages[0]["text"]
    assert profile.phone_display in messages[0]["text"]
    assert slots["human_offered"] is True
    logged = caplog.text
    assert caplog.records, "the failure must be logged"
    for fragment in ("Jane", "555-123-4567", "how fast does it work"):
        assert fragment not in logged


# --- after a crisis reply in the same conversation ---
async def test_after_a_crisis_an_unknown_message_gets_the_resources_not_i_dont_know(
        domain, tracker_for):
    tracker = tracker_for("what do i do", intent="nlu_fallback", slots={"crisis_mode": True})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert [m.get("response") for m in messages][0] == "utter_crisis_followup"
    assert load_clinic().phone_display in messages[1]["text"]
    assert not any("don't know" in (m.get("text") or "") for m in messages)


async def test_after_a_crisis_an_answer_keeps_the_resources_in_view(domain, tracker_for):
    tracker = tracker_for("how quickly does ketamine start to work", intent="ask_question",
                          slots={"crisis_mode": True})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    expected = get_retriever().get("how_fast_it_works")
    assert messages[0]["text"] == replies.format_answer(expected.answer, expected.source)
    assert messages[-1].get("response") == "utter_safety_resources"


async def test_after_a_crisis_a_short_reply_gets_the_resources_even_when_some_answer_fits(
        domain, tracker_for):
    tracker = tracker_for("i mean me", intent="ask_question", slots={"crisis_mode": True})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert [m.get("response") for m in messages][0] == "utter_crisis_followup"
    assert not any("Source:" in (m.get("text") or "") for m in messages)


async def test_a_spanish_message_gets_the_spanish_note_with_the_phone(domain, tracker_for):
    tracker = tracker_for("¿Cuánto cuesta el tratamiento?", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert "solo responde en inglés" in messages[0]["text"]
    assert load_clinic().phone_display in messages[0]["text"]


async def test_a_spanish_booking_request_after_a_spanish_crisis_gets_the_phone(domain,
                                                                              tracker_for):
    """Review 14: "quiero hacer una cita" after a Spanish crisis reply got the crisis follow-up
    again, with no way to book; the Spanish note has the clinic's phone, 988 and 911."""
    tracker = tracker_for("quiero hacer una cita", intent="ask_question",
                          slots={"crisis_mode": True, "message_language": "es"})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    text = messages[0]["text"]
    assert load_clinic().phone_display in text and "988" in text and "911" in text, text
    tracker = tracker_for("no sé qué hacer", intent="ask_question",
                          slots={"crisis_mode": True, "message_language": "es"})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert messages[0].get("response") == "utter_crisis_followup"


async def test_a_false_alarm_cleared_up_gets_an_apology_with_988_not_the_resources_again(
        domain, tracker_for):
    """Review 15: "not suicidal, just hate mondays" got the crisis follow-up again."""
    tracker = tracker_for("not suicidal, just hate mondays", intent="ask_question",
                          slots={"crisis_mode": True})
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert [m.get("response") for m in messages][:1] == ["utter_false_alarm_cleared"]
    assert "utter_crisis_followup" not in [m.get("response") for m in messages]


async def test_a_reply_that_cannot_help_names_911_and_988_when_a_danger_is_named(
        domain, tracker_for):
    """Review 17: "I don't know" was all some messages naming a danger got."""
    tracker = tracker_for("what do i say to her, she has a knife", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    text = " ".join(m.get("text") or "" for m in messages)
    assert "911" in text and "988" in text, text
    tracker = tracker_for("what do i say to my landlord about the rent", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert "988" not in " ".join(m.get("text") or "" for m in messages)


async def test_two_questions_in_one_message_get_both_answers(domain, tracker_for):
    tracker = tracker_for("does ketamine help with ptsd and how much does it cost?",
                          intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    retriever = get_retriever()
    expected = [retriever.get(entry) for entry in ("ptsd", "cost")]
    assert [m["text"] for m in messages] == [
        replies.format_answer(e.answer, e.source) for e in expected
    ]


async def test_one_question_with_and_inside_stays_one_question(domain, tracker_for):
    tracker = tracker_for("I have anxiety and depression, can ketamine help",
                          intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert len(messages) == 1


async def test_after_a_crisis_an_explicit_booking_opens_the_form_with_help_in_view(
        domain, tracker_for):
    tracker = tracker_for("just venting. can i still book something", intent="ask_question",
                          slots={"crisis_mode": True})
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)

    assert [m.get("response") for m in dispatcher.messages] == ["utter_crisis_booking"]
    assert [(e["event"], e.get("name")) for e in events if e["event"] == "followup"] == [
        ("followup", "consultation_form")]


async def test_the_hours_answer_says_whether_the_clinic_is_open_now(domain, tracker_for):
    tracker = tracker_for("are you open right now?", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)

    assert "The clinic is " in messages[0]["text"] and " now" in messages[0]["text"]
    assert get_retriever().get("locations_hours").answer in messages[0]["text"]


async def test_are_you_a_real_person_inside_a_longer_message_is_answered(domain, tracker_for):
    """Suite 16: "its 2am and i cant sleep. are u a real person" got the clinic's contacts."""
    tracker = tracker_for("its 2am and i cant sleep. are u a real person", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert [m.get("response") for m in messages] == ["utter_iamabot"]


async def test_how_a_current_patient_feels_goes_to_their_care_team_with_988(domain,
                                                                           tracker_for):
    """Review 18: "more depressed today" after a second infusion was offered a consultation."""
    said = "i feel kinda more depressed today than before"
    events = [{"event": "user", "text": "had my 2nd infusion yesterday"},
              {"event": "user", "text": said}]
    messages, _ = await run_action(
        ActionAnswerQuestion(), tracker_for(said, intent="ask_question", events=events), domain)
    text = " ".join(m.get("text") or "" for m in messages)
    assert "care team" in text and "988" in text and "(555) 555-0100" in text, messages
    assert "utter_acknowledge_feelings" not in [m.get("response") for m in messages]
    new_patient = tracker_for(said, intent="ask_question", events=events[1:])
    messages, _ = await run_action(ActionAnswerQuestion(), new_patient, domain)
    assert "care team know" not in " ".join(m.get("text") or "" for m in messages), messages


async def test_someone_to_talk_to_at_night_gets_988_and_the_clinic_hours(domain, tracker_for):
    """Review 18: "is anyone there tonight i could talk to" got "I don't know"."""
    tracker = tracker_for("is anyone there tonight i could talk to", intent="ask_question")
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    text = " ".join(m.get("text") or "" for m in messages)
    assert "988" in text and "24/7" in text and "don't know" not in text, text


async def test_i_have_them_after_the_answer_about_suicidal_thoughts_is_a_crisis(domain,
                                                                               tracker_for):
    """Review 18: "yeah i have them most days lately" got the research answer again."""
    events = [{"event": "user", "text": "does ketamine help with suicidal thoughts?"},
              {"event": "bot", "text": "...", "metadata": {"retrieval": {
                  "decision": "answer", "entry": "suicidal_thoughts_research"}}},
              {"event": "user", "text": "yeah i have them most days lately"}]
    tracker = tracker_for("yeah i have them most days lately", intent="ask_question",
                          events=events)
    messages, slots = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert [m.get("response") for m in messages] == ["utter_crisis"] and slots["crisis_mode"]
    after_side_effects = [{**events[1], "metadata": {"retrieval": {
        "decision": "answer", "entry": "common_side_effects"}}}, events[2]]
    tracker = tracker_for("yeah i have them most days lately", intent="ask_question",
                          events=[events[0], *after_side_effects])
    messages, _ = await run_action(ActionAnswerQuestion(), tracker, domain)
    assert "utter_crisis" not in [m.get("response") for m in messages]


async def test_confusion_told_after_the_session_was_mentioned_is_an_emergency(domain,
                                                                             tracker_for):
    """Review 19: "its now like 9pm and im really confused" after "i had my 3rd infusion this
    morning" got "I don't know" and then the closed clinic."""
    said = "its now like 9pm and im really confused"
    events = [{"event": "user", "text": "i had my 3rd infusion this morning at your office"},
              {"event": "user", "text": said}]
    messages, slots = await run_action(
        ActionAnswerQuestion(), tracker_for(said, intent="ask_question", events=events), domain)
    assert [m.get("response") for m in messages] == ["utter_urgent_medical"], messages
    messages, _ = await run_action(
        ActionAnswerQuestion(), tracker_for(said, intent="ask_question", events=events[1:]),
        domain)
    assert "utter_urgent_medical" not in [m.get("response") for m in messages]
