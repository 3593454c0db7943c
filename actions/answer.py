"""Answer a patient's question from the clinic's knowledge through the retrieval layer."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import contact_after_crisis
from actions.crisis_context import (
    BOOKING_INTENT,
    emergency_told_over_messages,
    help_was_called,
    reply_in_an_emergency,
    reply_in_crisis_mode,
)
from bot import replies
from bot.booking import replies as booking_replies
from bot.booking.current_patient import (
    CURRENT_PATIENT_SLOT,
    is_current_patient,
    wants_a_session_booked,
)
from bot.booking.form import clinic_today, request_was_sent, step_answer
from bot.booking.midform import (
    asks_if_sent,
    asks_what_the_step_means,
    asks_what_was_given,
    correction_in,
    form_ran,
    sent_reference,
)
from bot.booking.request_words import (
    asks_for_a_pause,
    asks_only_to_book,
    asks_to_book,
    asks_to_book_in_spanish,
)
from bot.booking.slots import FORM as BOOKING_FORM
from bot.booking.slots import REQUEST_INTERRUPTED
from bot.config import load_clinic, load_retrieval_settings
from bot.feedback.votes import ALTERNATIVES_KEY, alternatives
from bot.language import MESSAGE_LANGUAGE, looks_spanish
from bot.opening_hours import asked_day, day_note, outside_hours, with_open_note
from bot.retrieval import debug as retrieval_debug
from bot.retrieval.answer_log import (
    chosen_record,
    decision_record,
    message_metadata,
    unavailable_record,
)
from bot.retrieval.choices import pick_offered
from bot.retrieval.clinic_topic import moves_on_to_the_clinic, tells_of_the_crisis
from bot.retrieval.feelings import feels_worse, shares_how_they_feel
from bot.retrieval.followup import (
    asks_to_repeat,
    previous_entry,
    reads_better,
    resolved_query,
    said_of_the_topic,
)
from bot.retrieval.question_clause import asked_question
from bot.retrieval.reload import version_of
from bot.retrieval.remarks import (
    THANKS,
    asks_for_someone_to_talk_to,
    asks_if_a_person,
    kind_of_remark,
)
from bot.retrieval.retriever import RetrievalUnavailable, get_retriever
from bot.safety.crisis import detect_crisis
from bot.safety.distress import CHECK_IN, RESOURCES, distress_by_rules, distress_response
from bot.safety.emergency import (
    EMERGENCY_SLOT,
    asks_how_much_is_too_much,
    had_emergency_lately,
    in_emergency,
)
from bot.safety.events import get_event_store
from bot.safety.false_alarm import clears_up_a_false_alarm, denies_risk
from bot.safety.history import risk_is_back
from bot.safety.medical import (
    asks_about_own_case_again,
    prescriber_is_out_of_reach,
    pushes_for_the_advice,
    told_of_own_session,
    user_texts,
)
from bot.safety.urgent import (
    about_a_pet_into_medicine,
    danger_in_emoji,
    mentions_danger,
)

logger = logging.getLogger(__name__)

HOW_TO_BOOK_ENTRY = "how_to_book"  # knowledge/faq.yml: explains the form; a request opens it


# Where a second question starts: after a question mark, or at "and"/"also" + a question word.
_SECOND_QUESTION = re.compile(
    r"\?\s+(?=\S)|[,;]?\s+(?:and|also|plus)\s+(?=(?:how|what|when|where|why|who|which|is|are|"
    r"can|could|do|does|will|would|should)\b)",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """The questions of a message, when it asks two or three; else the message alone."""
    parts = [p.strip(" ?,;") for p in _SECOND_QUESTION.split(text or "")]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts if 2 <= len(parts) <= 3 else [text]


# Knowledge entries whose answer offers to take a consultation request right here.
BOOKING_ANSWERS = frozenset({"how_to_book", "consultation_process", "how_soon_to_start"})
# An answer whose reviewed text itself invites booking here ("... or tell me you'd like to book").
_INVITES_BOOKING = re.compile(r"tell me you'?d like to book|ask for a consultation right here",
                              re.IGNORECASE)
# Answers about when the clinic can be reached: they also say whether it is open right now.
TALK_NOW_ENTRY = "someone_to_talk_to_now"  # who answers at any hour (988), and the clinic's hours
HOURS_ANSWERS = frozenset({"locations_hours", "contact_clinic", TALK_NOW_ENTRY})
# A message that gets a choice is answered by its one question alone only when that reads this
# much more confidently: on the clinic evaluation set no choice changes (3 messages with a
# remark and a question get a choice; their questions alone lead by at most 0.08, and the
# message whose question alone is wrong leads by 0.078).
CLAUSE_OVER_CHOICE = 0.15
MEDICAL_ADVICE_INTENT = "medical_advice"


class ActionAnswerQuestion(Action):
    """Reply with the knowledge base's answer, a choice of answers, or an honest "I don't know"."""

    def __init__(self, retriever_factory: Callable[[], Any] = get_retriever) -> None:
        self._retriever_factory = retriever_factory

    def name(self) -> str:
        """The action's name in domain.yml."""
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Ask the retrieval layer about the latest message and reply accordingly.

        Outside the consultation form the answer ends the turn: this action is also the
        dialogue's fallback, and with rules only, nothing else would say "now listen" after
        it (the policy would run it again, up to ten replies to one message).
        """
        events = await self._answer(dispatcher, tracker)
        if not tracker.get_slot(CURRENT_PATIENT_SLOT) and is_current_patient(
                user_texts(tracker.events)):
            events.append(SlotSet(CURRENT_PATIENT_SLOT, True))
        if tracker.get_slot(EMERGENCY_SLOT) and not in_emergency(tracker.events):
            events.append(SlotSet(EMERGENCY_SLOT, False))  # the emergency is turns behind
        chose_next = any(event.get("event") == "followup" for event in events)
        if not (tracker.active_loop or {}).get("name") and not chose_next:
            events.append(FollowupAction("action_listen"))
        return events

    async def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        profile = load_clinic()
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = (message.get("intent") or {}).get("name")
        in_consented_form = (tracker.active_loop or {}).get("name") == BOOKING_FORM and \
            tracker.get_slot("booking_consent") is True
        if in_consented_form and tracker.get_slot("requested_slot") == "booking_review":
            # "no wait, make it the north office" at the summary (review 16): the correction,
            # not a bare "no" that left the old location in the request that was then sent.
            about_the_request = self._about_the_request(dispatcher, tracker, text, profile)
            if about_the_request is not None:
                return about_the_request
        if danger_in_emoji(text):
            # Pills, a knife or a grave in emoji only (review 22 got "I can only search for
            # questions written in words"): a check that the person is safe, with the numbers.
            logger.info("emoji of a means of harm: the safety check")
            dispatcher.utter_message(response="utter_emoji_safety_check")
            return [SlotSet("human_offered", False)]
        if step_answer(tracker.get_slot("requested_slot"), intent, text, clinic_today(profile),
                       profile.locations):
            # The form asked a question and this answers it: the form takes it, nothing to say.
            return []
        if (tracker.active_loop or {}).get("name") == BOOKING_FORM and asks_what_the_step_means(
                text):
            explanation = booking_replies.step_explanation(tracker.get_slot("requested_slot"))
            if explanation:
                # "what do u mean" at the name question (review 18 got "I don't know"): the
                # question in other words; the form asks it again next.
                dispatcher.utter_message(text=explanation)
                return [SlotSet("human_offered", False)]
        if asks_for_a_pause(text) and not tracker.get_slot("crisis_mode"):
            # "hold on let me check with my wife first" (review 14): the request stays open and
            # nothing is sent; outside a form, just a moment's patience. Never after a crisis
            # reply, whose follow-ups keep help in view.
            if (tracker.active_loop or {}).get("name") == BOOKING_FORM:
                dispatcher.utter_message(text=booking_replies.paused())
            else:
                dispatcher.utter_message(response="utter_no_problem")
            return []
        if asks_how_much_is_too_much(text):
            # "how much would be too much" after "can you overdose on ketamine" (review 26 got
            # the pricing answer): not for an assistant to say; Poison Control, 911 and 988.
            dispatcher.utter_message(response="utter_how_much_is_too_much")
            return [SlotSet("human_offered", False)]
        if await asyncio.to_thread(self._discloses_the_topic, text, tracker.events):
            # "yeah i have them most days lately" after the answer about suicidal thoughts
            # (review 18): the disclosure, read with what "them" is, is a crisis.
            logger.info("a follow-up discloses the previous answer's topic: crisis resources")
            return await self._reply_crisis(dispatcher, tracker, profile, "disclosed_topic")
        told_over_messages = emergency_told_over_messages(dispatcher, tracker, text)
        if told_over_messages is not None:
            return told_over_messages
        if risk_is_back(tracker.events, text):
            # "not totally true, I started again this week" after a self-harm history.
            logger.info("a risk from earlier in the conversation is back: crisis resources")
            return await self._reply_crisis(dispatcher, tracker, profile, "risk_back")
        unsent = tracker.get_slot(REQUEST_INTERRUPTED) or (
            form_ran(tracker.events, BOOKING_FORM) and not request_was_sent(tracker.events))
        if asks_if_sent(text) and unsent and not (tracker.active_loop or {}).get("name") and (
                tracker.get_slot(EMERGENCY_SLOT) or had_emergency_lately(tracker.events)):
            # "did the booking for him go through" after his collapse stopped the form (suite
            # 20 got "call 911 now" only): the truth about the request, with 911 kept first.
            dispatcher.utter_message(response="utter_crisis_followup")
            dispatcher.utter_message(text=booking_replies.request_not_sent(profile))
            return [SlotSet("human_offered", False), SlotSet(REQUEST_INTERRUPTED, None)]
        help_called = help_was_called(tracker, text)
        in_an_emergency = reply_in_an_emergency(dispatcher, tracker, text, help_called)
        if in_an_emergency is not None:
            return in_an_emergency
        in_form = bool((tracker.active_loop or {}).get("name"))
        if about_a_pet_into_medicine(user_texts(tracker.events)):
            # "my dog just ate a couple of my ketamine lozenges" (review 21 got "not sure how I
            # can help", then the consultation process): a vet and an animal poison line.
            dispatcher.utter_message(response="utter_pet_poisoning")
            return [SlotSet("human_offered", False)]
        if intent == MEDICAL_ADVICE_INTENT and not in_form and tracker.get_slot("crisis_mode"):
            # After a crisis (data/rules/safety.yml), a medical question the emergency readings
            # above did not answer gets the resources again, never an offer to book.
            dispatcher.utter_message(response="utter_crisis_followup")
            card = contact_after_crisis(tracker.events, profile)
            if card:
                dispatcher.utter_message(text=card)
            return [SlotSet("human_offered", False)]
        if intent == MEDICAL_ADVICE_INTENT and not in_form:
            # Routed here after a mix-up (data/rules/safety.yml) but about something else:
            # declined with an offer to book, as the usual rule does.
            dispatcher.utter_message(response="utter_medical_advice")
            return [SlotSet("human_offered", False), SlotSet("booking_offered", True)]
        if (tracker.active_loop or {}).get("name") == BOOKING_FORM and tracker.get_slot(
                "booking_consent") is True:
            # Only after consent: no detail is taken before the patient agreed to give them.
            about_the_request = self._about_the_request(dispatcher, tracker, text, profile)
            if about_the_request is not None:
                return about_the_request
        if (tracker.active_loop or {}).get("name") == BOOKING_FORM and asks_if_sent(text):
            # "did it go through?" with a form open (a second request, say): not yet, and the
            # form asks its question again next; never the earlier request's "yes" as if it
            # were this one.
            earlier = sent_reference(tracker.events)
            dispatcher.utter_message(text=booking_replies.request_in_progress(earlier))
            return [SlotSet("human_offered", False)]
        spanish = looks_spanish(text) or tracker.get_slot(MESSAGE_LANGUAGE) == "es"
        if spanish and tracker.get_slot("crisis_mode") and not (
                asks_to_book(text) or asks_to_book_in_spanish(text)):
            # "no sé qué hacer", "tengo miedo" after a Spanish crisis reply: the Spanish
            # follow-up (utter_crisis_followup has Spanish variations), not the English-only note.
            # "quiero hacer una cita" gets the Spanish note below: the clinic's phone, 988 and
            # 911 (review 14: the follow-up had no phone to book with). "ya llamé al 911" has
            # its acknowledgement above, never "llama al 911 ahora" after it (review 15).
            if not help_called:
                dispatcher.utter_message(response="utter_crisis_followup")
            return [SlotSet("human_offered", False)]
        if intent != replies.CHOOSE_ANSWER_INTENT and spanish:
            # The slot is "es" also for a short reply ("sí", "ok") in a Spanish conversation.
            logger.info("message in Spanish: answered with the Spanish note")
            # Whole on every channel: it names 988 and 911 (an SMS page must not cut them off).
            dispatcher.utter_message(text=replies.spanish_note(profile),
                                     json_message={"whole": True})
            return [SlotSet("human_offered", False)]
        try:
            # The retriever loads its model on first use and embedding is CPU work: run both
            # in a thread so the action server keeps serving other conversations meanwhile.
            retriever = await asyncio.to_thread(self._retriever_factory)
            if intent == replies.CHOOSE_ANSWER_INTENT:
                chosen = next(tracker.get_latest_entity_values("answer_id"), None)
                chosen = chosen or pick_offered(text, tracker.get_slot("offered_answers"))
                if chosen:
                    candidate = await asyncio.to_thread(retriever.get, chosen)
                    # The offer's other options: what "Did this help? No" suggests instead.
                    others = [await asyncio.to_thread(retriever.get, other)
                              for other in tracker.get_slot("offered_answers") or []
                              if other != chosen]  # fmt: skip
                    return self._reply_chosen(
                        dispatcher, profile, chosen, candidate, version_of(retriever), others
                    )
            previous = previous_entry(tracker.events)
            if previous and asks_to_repeat(text):
                # "could you say that again in simpler words?": the reviewed answer again
                # (it is all the assistant may say), and a person for other words.
                candidate = await asyncio.to_thread(retriever.get, previous)
                if candidate is not None:
                    dispatcher.utter_message(text=replies.repeat_intro(profile))
                    return self._reply_chosen(dispatcher, profile, previous, candidate,
                                              version_of(retriever))
            decision = await asyncio.to_thread(retriever.decide, text)
            decision = await asyncio.to_thread(self._with_previous_topic, retriever, text,
                                               decision, tracker.events)
            decision = await asyncio.to_thread(self._the_question_alone, retriever, text,
                                               decision)
            parts = await asyncio.to_thread(self._answers_per_question, retriever, text, decision)
        except RetrievalUnavailable:
            logger.warning("retrieval unavailable; told the patient to call the clinic")
            return self._reply_unavailable(dispatcher, profile)
        except Exception as exc:  # the patient must always get an honest reply
            # Only the type: an exception message could quote what the patient wrote.
            logger.error("retrieval failed with %s", type(exc).__name__)
            return self._reply_unavailable(dispatcher, profile)
        if help_called and (decision.kind != "answer" or tells_of_the_crisis(text)):
            # "ok i called 911 ... they are on the way" reads as distress to the learned score
            # (review 21 got "call 911 now" after the acknowledgement): it says it all, also
            # when it names a word of the clinic's ("gave them her address").
            return [SlotSet("human_offered", False)]
        # What a person asks after a crisis reply ("911 or just go there myself?" for a friend,
        # review 23) has its own answer before the distress the score reads in its words.
        after_a_crisis = reply_in_crisis_mode(dispatcher, tracker, text, intent, help_called)
        if after_a_crisis is not None:
            return after_a_crisis
        distress = distress_response(tracker.events, tracker.latest_message,
                                     bool(tracker.get_slot("crisis_mode")))
        if distress == RESOURCES:
            return await self._reply_distress_resources(dispatcher, tracker, profile)
        if distress == CHECK_IN and decision.kind != "answer":
            # Hopelessness the knowledge cannot answer: no "I don't know", a person instead.
            logger.info("distress check-in (retrieval decision=%s)", decision.kind)
            dispatcher.utter_message(response="utter_distress_check_in")
            return [SlotSet("human_offered", True)]
        if distress == CHECK_IN and distress_by_rules(tracker.latest_message):
            # A warning sign in words told beside a question ("i gave away my guitar and my
            # games this week. anyway how much is a consult"): the answer, then the check-in.
            answered = self._reply_decision(dispatcher, profile, decision, version_of(retriever))
            dispatcher.utter_message(response="utter_distress_check_in")
            return [*answered, SlotSet("human_offered", True)]
        if intent == "deny":
            # A plain no to the offer of a person (data/rules/core.yml), not a wave-off of the
            # check-in: acknowledged, as anywhere else.
            dispatcher.utter_message(response="utter_no_problem")
            return [SlotSet("human_offered", False)]
        if intent == BOOKING_INTENT and tracker.get_slot(CURRENT_PATIENT_SLOT) and not (
                tracker.active_loop or {}).get("name"):
            # A booking request routed here for a current patient (data/rules/booking.yml).
            if wants_a_session_booked(text):
                logger.info("a current patient asks to book a session: the care team's phone")
                dispatcher.utter_message(text=with_open_note(
                    booking_replies.session_by_phone(profile), profile))
                return [SlotSet("human_offered", False)]
            return [FollowupAction("consultation_form")]
        how_to_book_answer = decision.kind == "answer" and decision.best is not None and (
            decision.best.id == HOW_TO_BOOK_ENTRY)
        if ((decision.kind != "answer" or how_to_book_answer
             or asks_only_to_book(text))
                and not tracker.get_slot("crisis_mode")
                and not (tracker.active_loop or {}).get("name") and asks_to_book(text)):
            # "booking on behalf of my husband, he's a firefighter with bad PTSD": a booking
            # request whose other words drew the intent model to a question the knowledge does
            # not answer, or to the answer that explains how to book ("I want to set up a
            # consult for my dad", review 12), or a request that asks nothing else ("need a
            # consult for myself, my anxiety is bad lately", suite 11: it got the anxiety
            # answer). The form reads who it is for from this message.
            logger.info("a booking request in a message read as a question: the form opens")
            return [FollowupAction("consultation_form")]
        reference = asks_if_sent(text) and sent_reference(tracker.events)
        form_ended_unsent = (form_ran(tracker.events, BOOKING_FORM) and not reference
                             and not (tracker.active_loop or {}).get("name"))
        if asks_if_sent(text) and (tracker.get_slot(REQUEST_INTERRUPTED) or form_ended_unsent):
            # "wait did my booking even go thru" after a crisis stopped the form (also when the
            # follow-up before already said so, suite 13): the truth (not sent, nothing kept),
            # never an answer about what happens after a request.
            if tracker.get_slot("crisis_mode"):
                dispatcher.utter_message(response="utter_crisis_followup")
            dispatcher.utter_message(text=booking_replies.request_not_sent(profile))
            return [SlotSet("human_offered", False), SlotSet(REQUEST_INTERRUPTED, None)]
        if asks_if_sent(text) and not reference and not form_ran(tracker.events, BOOKING_FORM) \
                and not request_was_sent(tracker.events) and not tracker.get_slot("crisis_mode"):
            # "did my booking go through?" with no request in this conversation (review 14 got
            # the answer about what happens after a request, as if one existed).
            dispatcher.utter_message(text=booking_replies.no_request_here(profile))
            return [SlotSet("human_offered", False)]
        if reference:
            # "did it go through?" right after the confirmation (review 13: "I don't know").
            dispatcher.utter_message(text=booking_replies.request_was_sent(profile, reference))
            if tracker.get_slot("crisis_mode"):
                dispatcher.utter_message(response="utter_safety_resources")
            return [SlotSet("human_offered", False)]
        if tracker.get_slot("crisis_mode") and clears_up_a_false_alarm(text):
            # "not suicidal, just hate mondays" (review 15): an apology that keeps 988 in view,
            # and the question the earlier message asked, answered after all.
            logger.info("a crisis reply cleared up as a misunderstanding")
            dispatcher.utter_message(response="utter_false_alarm_cleared")
            earlier = await asyncio.to_thread(self._earlier_question, retriever, tracker.events)
            if earlier is not None:
                return self._reply_decision(dispatcher, profile, earlier, version_of(retriever))
            if decision.kind == "answer":
                return self._reply_decision(dispatcher, profile, decision, version_of(retriever))
            return [SlotSet("human_offered", False)]
        if tracker.get_slot("crisis_mode") and not moves_on_to_the_clinic(text, decision.kind):
            # After a crisis, a message that is not a clinic question gets the resources again,
            # never "I don't know" or a list of FAQ buttons (bot/retrieval/clinic_topic.py).
            logger.info("retrieval decision=%s in crisis mode: resources again", decision.kind)
            dispatcher.utter_message(response="utter_crisis_followup")
            card = contact_after_crisis(tracker.events, profile)
            if card:
                dispatcher.utter_message(text=card)
            if tracker.get_slot(REQUEST_INTERRUPTED):
                dispatcher.utter_message(text=booking_replies.request_not_sent(profile))
                return [SlotSet("human_offered", False), SlotSet(REQUEST_INTERRUPTED, None)]
            return [SlotSet("human_offered", False)]
        day = asked_day(text, profile) if not parts else None
        note = day_note(day, profile) if day is not None else ""
        if note and previous in HOURS_ANSWERS and not _answers_with(decision, HOURS_ANSWERS):
            # "what about tomorrow" right after the hours (review 17 got "I don't know"): the
            # day asked about, from the clinic's opening hours.
            logger.info("a day asked about after the hours: the day's hours")
            dispatcher.utter_message(text=note, **message_metadata(
                chosen_record(previous, True, version_of(retriever))))
            return [SlotSet("human_offered", False)]
        if not (tracker.active_loop or {}).get("name") and (
                feels_worse(text) or (decision.kind == "none" and not parts
                                      and shares_how_they_feel(text))) and told_of_own_session(
                user_texts(tracker.events)):
            # "i feel kinda more depressed today than before, is that a thing" after a second
            # infusion (review 18 got the offer of a consultation): how a current patient feels
            # is for their care team, with 988 at any hour.
            logger.info("a current patient tells how they feel: the care team")
            dispatcher.utter_message(text=with_open_note(
                replies.feelings_after_session(profile), profile))
            return [SlotSet("human_offered", False)]
        if decision.kind != "answer" and not parts and asks_for_someone_to_talk_to(text):
            # "is anyone there tonight i could talk to" (review 18 got "I don't know" and the
            # closed clinic's number): who answers now, 988 at any hour.
            entry = await asyncio.to_thread(retriever.get, TALK_NOW_ENTRY)
            if entry is not None:
                logger.info("someone to talk to asked for: %s", TALK_NOW_ENTRY)
                dispatcher.utter_message(
                    text=replies.format_answer(with_open_note(entry.answer, profile),
                                               entry.source),
                    **message_metadata(chosen_record(TALK_NOW_ENTRY, True,
                                                     version_of(retriever))))
                return [SlotSet("human_offered", False)]
        if not parts and asks_if_a_person(text):
            # "its 2am and i cant sleep. are u a real person" (suite 16): the intent model read
            # the whole message as a question; the answer is who is answering.
            dispatcher.utter_message(response="utter_iamabot")
            return [SlotSet("human_offered", True)]
        previous_intent = _previous_intent(tracker.events)
        if prescriber_is_out_of_reach(text, previous_intent):
            # "my psychiatrist is hard to reach tho" after "can i stop my zoloft" (review 18).
            logger.info("prescriber out of reach after a medication question")
            dispatcher.utter_message(text=with_open_note(
                replies.prescriber_out_of_reach(profile), profile))
            return [SlotSet("human_offered", False)]
        if (decision.kind != "answer" and asks_about_own_case_again(text, previous_intent)) \
                or pushes_for_the_advice(text, previous_intent):
            # "what if i just skip it the morning of" right after a declined dosing question:
            # declined the same way, never "I don't know".
            logger.info("medical follow-up declined")
            if (tracker.active_loop or {}).get("name"):
                dispatcher.utter_message(response="utter_medical_advice_in_form")
                return [SlotSet("human_offered", False)]
            dispatcher.utter_message(response="utter_medical_advice")
            return [SlotSet("human_offered", False), SlotSet("booking_offered", True)]
        if not parts and decision.kind == "none" and not decision.notice and not (
                tracker.active_loop or {}).get("name"):
            # A message that asks nothing, outside the form (whose question comes next): "I
            # don't know the answer to that" would be the wrong reply. Feelings get an
            # acknowledgement and an offer to book; thanks, frustration and remarks a reply of
            # their own with the clinic's phone.
            if shares_how_they_feel(text):
                logger.info("feelings shared: acknowledged")
                dispatcher.utter_message(response="utter_acknowledge_feelings")
                return [SlotSet("human_offered", False), SlotSet("booking_offered", True)]
            remark = kind_of_remark(text)
            if remark is not None:
                logger.info("a remark, not a question: %s", remark)
                dispatcher.utter_message(
                    text=with_open_note(replies.remark_reply(remark, profile), profile),
                    buttons=[] if remark == THANKS else replies.human_offer_buttons())
                if mentions_danger(text):
                    dispatcher.utter_message(text=replies.safety_net(profile))
                return [SlotSet("human_offered", remark != THANKS)]
        if decision.kind == "none" and not parts and mentions_danger(text):
            # "I don't know" cannot be all a message naming a danger gets (review 17).
            unknown = self._reply_decision(dispatcher, profile, decision, version_of(retriever))
            dispatcher.utter_message(text=replies.safety_net(profile))
            return unknown
        if parts:
            # Two questions in one message ("does it help with PTSD, and how much is it?"):
            # each gets its own reviewed answer.
            events: list[EventType] = []
            for part in parts:
                events += self._reply_decision(dispatcher, profile, part, version_of(retriever))
        else:
            events = self._reply_decision(dispatcher, profile, decision, version_of(retriever),
                                          hours_note=note)
        if distress == CHECK_IN:
            dispatcher.utter_message(response="utter_distress_check_in")
            events.append(SlotSet("human_offered", True))
        elif tracker.get_slot("crisis_mode"):
            # Earlier in this conversation someone was in danger: every answer keeps the way
            # to help in view.
            dispatcher.utter_message(response="utter_safety_resources")
        retrieval_debug.show(dispatcher, decision, tracker)  # staff shell only (make shell-debug)
        return events

    @staticmethod
    def _about_the_request(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                           profile: Any) -> list[EventType] | None:
        """Mid-form, a message about the request itself (bot.booking.midform): a correction of
        another detail that names the new value is applied ("actually, switch that to Thursday
        mornings" at the location step), and "what did I tell you my name was?" is answered
        with the details so far. None for anything else."""
        correction = correction_in(text, tracker.get_slot("requested_slot"),
                                   clinic_today(profile), profile.locations,
                                   tracker.get_slot("full_name"))
        if correction is not None:
            field, values = correction
            dispatcher.utter_message(text=booking_replies.changed_detail_ack(
                field, had_value=tracker.get_slot(field) is not None, value=values.get(field)))
            closed = outside_hours(values.get("preferred_time_normalized"), profile)
            if closed:
                dispatcher.utter_message(text=booking_replies.outside_hours_note(profile, closed))
            return [SlotSet(slot, value) for slot, value in values.items()]
        if asks_what_was_given(text):
            dispatcher.utter_message(text=booking_replies.details_so_far(profile, tracker.slots))
            return []
        return None

    @staticmethod
    async def _reply_distress_resources(
        dispatcher: CollectingDispatcher, tracker: Tracker, profile: Any
    ) -> list[EventType]:
        """A second message of hopelessness (or one after a crisis reply): the crisis
        resources, crisis mode from now on, and a crisis event (no text) for the staff."""
        if tracker.get_slot("crisis_mode"):
            dispatcher.utter_message(response="utter_crisis_followup")
            card = contact_after_crisis(tracker.events, profile)
            if card:
                dispatcher.utter_message(text=card)
            if tracker.get_slot(REQUEST_INTERRUPTED):
                dispatcher.utter_message(text=booking_replies.request_not_sent(profile))
                return [SlotSet("human_offered", False), SlotSet(REQUEST_INTERRUPTED, None)]
            return [SlotSet("human_offered", False)]
        logger.info("distress built up over the conversation: crisis resources")
        return await ActionAnswerQuestion._reply_crisis(dispatcher, tracker, profile, "distress")

    @staticmethod
    async def _reply_crisis(
        dispatcher: CollectingDispatcher, tracker: Tracker, profile: Any, reason: str
    ) -> list[EventType]:
        """The crisis reply decided from the conversation (not from one message): the crisis
        resources, crisis mode from now on, and a crisis event (``reason``, no text)."""
        dispatcher.utter_message(response="utter_crisis")
        try:
            await asyncio.to_thread(get_event_store().record, tracker.sender_id,
                                    tracker.get_latest_input_channel(), [reason],
                                    reason)  # fmt: skip
        except Exception as exc:  # the patient has the resources; never fail the turn
            logger.error("crisis event not recorded (%s)", type(exc).__name__)
        return [SlotSet("crisis_mode", True), SlotSet("human_offered", False)]

    @staticmethod
    def _with_previous_topic(retriever: Any, text: str, decision: Any,
                             events: list[dict[str, Any]]) -> Any:
        """The decision for a follow-up that points back ("how long do they last?"), read with
        the topic of the previous answer when that reads better (bot.retrieval.followup)."""
        previous = previous_entry(events)
        entry = retriever.get(previous) if previous else None
        query = (resolved_query(text, entry.title, entry.id, entry.refers_to)
                 if entry is not None else None)
        if query is None:
            return decision
        resolved = retriever.decide(query)
        return resolved if reads_better(decision, resolved) else decision

    def _discloses_the_topic(self, text: str, events: list[dict[str, Any]]) -> bool:
        """True when the message says the patient has what the previous answer described
        ("yeah i have them most days"), and that reads as a crisis once named ("i have suicidal
        thoughts most days") while the message alone does not."""
        previous = previous_entry(events)
        if previous is None:
            return False
        try:
            entry = self._retriever_factory().get(previous)
        except Exception as exc:  # the retrieval layer's own failure is handled where it answers
            logger.warning("previous answer not read (%s)", type(exc).__name__)
            return False
        if entry is None or not entry.refers_to:
            return False
        reading = said_of_the_topic(text, entry.refers_to)
        if reading is None:
            return False
        return detect_crisis(reading).is_crisis and not detect_crisis(text).needs_resources

    @staticmethod
    def _earlier_question(retriever: Any, events: Any) -> Any:
        """The answer to the question the message before this one asked ("... anyway, how does
        ketamine compare to esketamine"), when it has one the knowledge answers; else None."""
        texts = user_texts(events)
        if len(texts) < 2:
            return None
        question = asked_question(texts[-2])
        if question is None:
            return None
        decision = retriever.decide(question)
        return decision if decision.kind == "answer" else None

    @staticmethod
    def _the_question_alone(retriever: Any, text: str, decision: Any) -> Any:
        """When the whole message gets no answer, the decision for its one question alone
        ("waiting is killing me lol, how fast does it work"), if that one answers
        (bot.retrieval.question_clause); when it gets a choice, the question alone only if it
        answers far more confidently ("Hello. My doctor mentioned ketamine for my depression.
        How many sessions does it take?"); otherwise the decision as it was."""
        denied = denies_risk(text)
        if decision.kind not in ("none", "clarify") and not denied:
            return decision
        question = asked_question(text)
        if question is None or question == text:
            return decision
        alone = retriever.decide(question)
        if denied and alone.kind in ("answer", "clarify"):
            # "not suicidal just really sad. can ketamine help with grief?" (review 16): the
            # question, not the suicide answer the denied word drew.
            return alone
        if alone.kind == "clarify" and decision.kind == "clarify" and alone.best is not None \
                and decision.best is not None and float(alone.best.score) > float(
                    decision.best.score):
            # "ugh mondays make me want to die lol. anyway, how does ketamine compare to
            # esketamine" (review 15): the choices for the question, not for the remark.
            return alone
        if alone.kind != "answer":
            return decision
        if decision.kind == "clarify" and alone.best.id in {
                option.id for option in decision.options}:
            # "...nothing has made a lasting difference. A coworker mentioned ketamine and I'm
            # skeptical, is there actual research behind this?" (suite 21 got a choice between
            # the research and antidepressants): the question itself picks one of the choices.
            return alone
        if decision.kind == "clarify" and (decision.best is None or float(alone.best.score)
                                           < float(decision.best.score) + CLAUSE_OVER_CHOICE):
            return decision
        return alone

    @staticmethod
    def _answers_per_question(retriever: Any, text: str, whole: Any) -> list[Any]:
        """One decision per question when the message asks two or three different questions
        that the whole message does not answer together, at least one of them answered with
        confidence (the others get the honest don't-know); otherwise []."""
        questions = split_questions(text)
        if len(questions) < 2:
            return []
        decisions = [retriever.decide(question) for question in questions]
        ids = [d.best.id if d.kind == "answer" and d.best else None for d in decisions]
        answered = [i for i in ids if i is not None]
        if not answered or len(set(answered)) != len(answered):
            return []
        if whole.kind == "answer" and (None in ids or (whole.best and set(ids) == {
                whole.best.id})):
            return []
        # "would I need someone to watch the baby? how long does a session take": the one the
        # knowledge answers is answered, the other gets the honest don't-know; a remark among
        # them ("is it safe? I'm worried") gets nothing of its own.
        return [decision for decision, question, entry in zip(decisions, questions, ids,
                                                                strict=True)
                if entry is not None or kind_of_remark(question) is None]

    @staticmethod
    def _reply_decision(
        dispatcher: CollectingDispatcher, profile: Any, decision: Any,
        index_version: str | None = None, hours_note: str = "",
    ) -> list[EventType]:
        """The reply for a retrieval decision: the answer with its source, a choice, or the
        honest don't-know. ``hours_note`` takes the place of the open/closed note after the
        hours when the patient asked about a day ("are you open tomorrow?")."""
        best = decision.best
        logger.info(
            "retrieval decision=%s best=%s score=%s index=%s",
            decision.kind,
            best.id if best else None,
            f"{best.score:.3f}" if best else None,
            index_version,
        )
        # The decision travels on the bot message to the tracker store (for `bot report`).
        meta = message_metadata(decision_record(decision, index_version))
        if decision.notice:
            dispatcher.utter_message(text=decision.notice, **meta)
            return [SlotSet("human_offered", False)]
        if decision.kind == "answer" and best is not None:
            # Offered in the widget if the patient says the answer did not help.
            meta[ALTERNATIVES_KEY] = alternatives(
                decision.candidates, best.id, load_retrieval_settings().answer_threshold
            )
            answer = best.answer
            if best.id in HOURS_ANSWERS:
                # "open now?": the hours, and whether the clinic is open at this moment.
                answer = f"{answer}\n{hours_note}" if hours_note else with_open_note(
                    answer, profile)
            dispatcher.utter_message(text=replies.format_answer(answer, best.source), **meta)
            if best.id in BOOKING_ANSWERS or _INVITES_BOOKING.search(best.answer):
                # These answers invite the patient to book here: a "yes" then starts the form
                # (review 16: "yes" after "... or tell me you'd like to book" was not understood).
                return [SlotSet("human_offered", False), SlotSet("booking_offered", True)]
            return [SlotSet("human_offered", False)]
        if decision.kind == "clarify" and decision.options:
            options = list(decision.options)[:3]
            dispatcher.utter_message(
                text=replies.clarify_prompt(), buttons=replies.clarify_buttons(options), **meta
            )
            return [
                SlotSet("offered_answers", [option.id for option in options]),
                SlotSet("human_offered", False),
            ]
        dispatcher.utter_message(
            text=with_open_note(replies.dont_know(profile), profile),
            buttons=replies.human_offer_buttons(), **meta,
        )
        return [SlotSet("human_offered", True)]

    @staticmethod
    def _reply_chosen(
        dispatcher: CollectingDispatcher, profile: Any, chosen: str, candidate: Any,
        index_version: str | None = None, others: list[Any] | None = None,
    ) -> list[EventType]:
        logger.info(
            "chosen answer=%s found=%s index=%s", chosen, candidate is not None, index_version
        )
        meta = message_metadata(chosen_record(chosen, candidate is not None, index_version))
        if candidate is None:
            dispatcher.utter_message(
                text=with_open_note(replies.unknown_choice(profile), profile), **meta
            )
        else:
            meta[ALTERNATIVES_KEY] = alternatives(others or [], chosen)
            dispatcher.utter_message(
                text=replies.format_answer(candidate.answer, candidate.source), **meta
            )
        return [
            SlotSet("answer_id", None),
            SlotSet("offered_answers", None),
            SlotSet("human_offered", False),
        ]

    @staticmethod
    def _reply_unavailable(dispatcher: CollectingDispatcher, profile: Any) -> list[EventType]:
        dispatcher.utter_message(
            text=with_open_note(replies.unavailable(profile), profile),
            buttons=replies.human_offer_buttons(), **message_metadata(unavailable_record()),
        )
        return [SlotSet("human_offered", True)]


def _answers_with(decision: Any, entries: frozenset[str]) -> bool:
    """True when the decision answers with one of ``entries``."""
    return decision.kind == "answer" and decision.best is not None and (
        decision.best.id in entries)


def _previous_intent(events: Any) -> str | None:
    """The intent of the user message before the latest one, or None."""
    users = [event for event in events if event.get("event") == "user"]
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")
