"""The answer action's replies that read a message with the conversation's emergency or crisis
in mind.

The NLU's safety component reads each message alone (bot/safety). Some messages mean what they
mean only after what came before: "its now like 9pm and im really confused" after "i had my 3rd
infusion this morning", "ok i called them" after a crisis reply, "what do i tell 911" after a
friend's goodbye. These functions hold those conversation-level readings, in the order the answer
action asks them; each sends its reply and returns the events, or returns None when the message
is not theirs to answer.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import replies
from bot.booking.request_words import asks_to_book
from bot.config import load_clinic
from bot.opening_hours import with_open_note
from bot.safety.emergency import (
    EMERGENCY_SLOT,
    URGENT_REPLY,
    asks_about_going_there,
    asks_the_clinic_to_reach_out,
    asks_to_pass_a_message,
    asks_to_text_instead,
    asks_what_to_do_while_waiting,
    asks_what_to_tell_911,
    asks_whether_to_call_the_police,
    asks_whom_to_call,
    blocked_from_calling,
    called_them_about_oneself,
    emergency_question_reply,
    fears_what_help_will_do,
    had_emergency_lately,
    help_is_called,
    in_emergency,
    reached_crisis_line,
    someone_in_danger_now,
)
from bot.safety.medical import told_of_own_session, user_texts
from bot.safety.mix_up import (
    asks_about_the_mix_up,
    feels_it_after_the_mix_up,
    recent_mix_up,
    symptoms_after_risky_taking,
)
from bot.safety.urgent import (
    head_injury_on_thinners,
    head_injury_then_signs,
    is_urgent_after_a_session,
    pet_into_medicine,
)

logger = logging.getLogger(__name__)

BOOKING_INTENT = "book_consultation"


def help_was_called(tracker: Tracker, text: str) -> bool:
    """True when the message says emergency help was called or has come, in a conversation that
    had a crisis or an emergency (outside one, "i called them" is about something else)."""
    return help_is_called(text) and bool(
        tracker.get_slot(EMERGENCY_SLOT) or tracker.get_slot("crisis_mode"))


def emergency_told_over_messages(dispatcher: CollectingDispatcher, tracker: Tracker,
                                 text: str) -> list[EventType] | None:
    """The emergency reply for an emergency no single message tells: "its now like 9pm and im
    really confused" after "i had my 3rd infusion this morning", a head injury and blood
    thinners in two messages (review 19 got "I don't know", then the closed clinic)."""
    texts = user_texts(tracker.events)
    if not (head_injury_on_thinners(texts) or head_injury_then_signs(texts) or (
            is_urgent_after_a_session(text) and told_of_own_session(texts[:-1])) or (
            symptoms_after_risky_taking(texts)
            and not any(pet_into_medicine(earlier) for earlier in texts[-4:]))):
        return None
    logger.info("an emergency told over several messages: the emergency reply")
    dispatcher.utter_message(response=URGENT_REPLY)
    return [SlotSet("crisis_mode", True), SlotSet(EMERGENCY_SLOT, True),
            SlotSet("human_offered", False)]


def reply_in_an_emergency(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                          help_called: bool) -> list[EventType] | None:
    """Help called, what to do while help comes, a message during a medical emergency, a
    question about a medication mix-up. "ok i called them" is acknowledged here and the action
    goes on (None) unless the emergency itself still needs the reply."""
    emergency = bool(tracker.get_slot(EMERGENCY_SLOT)) or had_emergency_lately(tracker.events)
    question = emergency_question_reply(text)
    if question == "utter_emergency_driving" and not emergency and tracker.get_slot(
            "crisis_subject") == "other" and asks_about_going_there(text):
        question = None  # going to a friend in crisis, not to the ER (reply_in_crisis_mode)
    if question and (emergency or (tracker.get_slot("crisis_mode") and question not in (
            "utter_emergency_what_to_tell", "utter_emergency_naloxone"))):
        # "should i make her throw up", "my husband can drive me to the ER, is that ok", "can i
        # just take a benadryl and sleep" (review 22 got "glad help is on the way" or "I don't
        # know"): the question asked, answered, with 911 and Poison Control in it.
        logger.info("a question during an emergency: %s", question)
        dispatcher.utter_message(response=question)
        return [SlotSet("human_offered", False)]
    if help_called and tracker.get_slot("crisis_mode") and called_them_about_oneself(
            text, tracker.get_slot("crisis_subject"), tracker.get_slot(EMERGENCY_SLOT)):
        # "i called them" after a crisis reply about oneself is the crisis line, not 911 for
        # someone else (review 16 got "until they get there, stay with the person").
        dispatcher.utter_message(response="utter_crisis_line_reached")
        return [SlotSet("human_offered", False)]
    if help_called:
        dispatcher.utter_message(response="utter_help_on_the_way")
    if (tracker.get_slot("crisis_mode") or tracker.get_slot(EMERGENCY_SLOT)) \
            and asks_what_to_do_while_waiting(text) and any(
                help_is_called(earlier) for earlier in user_texts(tracker.events)[-4:-1]):
        # "what should i do while i wait, im 40 min away" after "i called 911" (review 21 got
        # "call 911 now" again): what helps while help is on its way.
        dispatcher.utter_message(response="utter_while_help_comes")
        return [SlotSet("human_offered", False)]
    if emergency and fears_what_help_will_do(text) and not help_called:
        # "i dont want to go to the hospital they will lock me up" while bleeding (review 24
        # got "call 911 now" with nothing on the fear).
        dispatcher.utter_message(response="utter_fear_of_help")
        return [SlotSet("human_offered", False)]
    if in_emergency(tracker.events) and not help_called:
        # Someone may be in danger right now: 911, never a reassuring FAQ answer or the clinic
        # as the place to go (bot/safety/emergency.py). Once help is called, "call 911 now"
        # again would contradict the acknowledgement (review 21).
        logger.info("message during a medical emergency: the emergency follow-up")
        dispatcher.utter_message(response="utter_crisis_followup")
        return [SlotSet("human_offered", False)]
    if not (tracker.active_loop or {}).get("name") and recent_mix_up(tracker.events):
        # "is that dangerous", "ok calling them now" right after a medicine taken twice by
        # mistake: about the mix-up, never the general safety answer (bot/safety/mix_up.py).
        if help_is_called(text):
            dispatcher.utter_message(response="utter_medication_mistake_help_called")
            return [SlotSet("human_offered", False)]
        if feels_it_after_the_mix_up(text):
            logger.info("feeling unwell after a medication mix-up: the emergency reply")
            dispatcher.utter_message(response=URGENT_REPLY)
            return [SlotSet("crisis_mode", True), SlotSet(EMERGENCY_SLOT, True),
                    SlotSet("human_offered", False)]
        if question:
            # "can i give her coffee to bring it up" (review 27 got the answer about parking).
            dispatcher.utter_message(response=question)
            return [SlotSet("human_offered", False)]
        if asks_about_the_mix_up(text):
            logger.info("a question about the medication mix-up: Poison Control again")
            dispatcher.utter_message(response="utter_medication_mistake_followup")
            return [SlotSet("human_offered", False)]
    return None


def reply_in_crisis_mode(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                         intent: str | None, help_called: bool) -> list[EventType] | None:
    """After a crisis reply: someone else in danger right now, what to tell 911, texting
    instead of calling, the crisis line reached, a booking asked for."""
    if not tracker.get_slot("crisis_mode"):
        return None
    helping = tracker.get_slot("crisis_subject") == "other"
    if helping and not help_called and (someone_in_danger_now(text) or asks_whom_to_call(text)):
        # "he is in the garage right now" after "my husband has a gun" (review 16): 911 now.
        logger.info("someone else in immediate danger: 911 now")
        dispatcher.utter_message(response="utter_someone_in_danger_now")
        return [SlotSet("human_offered", False)]
    if helping and blocked_from_calling(text):
        # "he wont let me call anyone" about a husband with a gun (review 26 got the booking
        # form): 911 when it is safe to call, 988 by text without being heard.
        dispatcher.utter_message(response="utter_helper_blocked")
        return [SlotSet("human_offered", False)]
    if asks_to_pass_a_message(text):
        # "will you tell my doctor about this" with pills counted out (review 24 got "Of course,
        # I can take a request" and the booking form): nothing is passed on from here.
        profile = load_clinic()
        dispatcher.utter_message(response="utter_cannot_pass_messages")
        dispatcher.utter_message(text=with_open_note(
            replies.contact_details(profile, with_locations=False), profile))
        return [SlotSet("human_offered", False)]
    if helping and asks_whether_to_call_the_police(text) and not asks_about_going_there(text):
        # "should i call the cops on my own dad? they might shoot him" (review 25): 911 told
        # it is a mental health crisis, a crisis-trained officer or a mobile crisis team.
        dispatcher.utter_message(response="utter_helper_police")
        return [SlotSet("human_offered", False)]
    if helping and asks_about_going_there(text):
        # "should i drive up tonight" for a father who gave his things away (review 25 got the
        # answer about driving after a treatment): 911 first, 988 on the way.
        dispatcher.utter_message(response="utter_helper_going_there")
        return [SlotSet("human_offered", False)]
    if helping and asks_the_clinic_to_reach_out(text):
        # "shes a patient at your clinic, can someone there call her" (a choice of FAQ answers
        # before): the clinic cannot reach her from here; 911 and 988 can, her team in hours.
        profile = load_clinic()
        dispatcher.utter_message(response="utter_clinic_cannot_reach_out")
        dispatcher.utter_message(text=with_open_note(
            replies.contact_details(profile, with_locations=False), profile))
        return [SlotSet("human_offered", False)]
    if helping and asks_what_to_tell_911(text):
        # "what do i tell 911", "i dont know her address exactly" after a friend's goodbye
        # (review 20 got the reply for the writer's own crisis): a welfare check works from
        # what the helper knows.
        dispatcher.utter_message(response="utter_what_to_tell_911")
        return [SlotSet("human_offered", False)]
    if asks_to_text_instead(text) and not asks_to_book(text):
        # "can i just text instead of calling someone" (suite 17: a 15-year-old in crisis got
        # the booking form): yes, and how.
        dispatcher.utter_message(response="utter_crisis_text_options")
        return [SlotSet("human_offered", False)]
    if fears_what_help_will_do(text) and not help_called:
        # "will 988 call the police on me?", "they will lock me up" (review 24): the fear,
        # answered from what the knowledge says about 988.
        dispatcher.utter_message(response="utter_fear_of_help")
        return [SlotSet("human_offered", False)]
    if reached_crisis_line(text):
        # "ok i called 988": glad they did, not "call or text 988" once more.
        dispatcher.utter_message(response="utter_crisis_line_reached")
        return [SlotSet("human_offered", False)]
    if (asks_to_book(text) or intent == BOOKING_INTENT) and not (
            tracker.active_loop or {}).get("name"):
        # "just venting. can I still book something": booking stays possible after a crisis
        # when asked for, with help kept in view (data/rules/safety.yml sends a message read as
        # a booking request here; an emergency was answered before).
        dispatcher.utter_message(response="utter_crisis_booking")
        return [FollowupAction("consultation_form")]
    return None
